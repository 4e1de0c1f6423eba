// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import stylistic from '@stylistic/eslint-plugin';

export default tseslint.config(
  { ignores: ['dist/**', 'out/**', 'node_modules/**', '.vscode-test/**', 'test-results/**', '*.js', '*.mjs', 'scripts/**/*.js'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    plugins: { '@stylistic': stylistic },
    rules: {
      eqeqeq: ['error', 'always'],
      curly: ['error', 'all'],
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_' }],
      '@stylistic/semi': ['error', 'always'],
      '@stylistic/quotes': ['error', 'single', { avoidEscape: true }],
    },
  },
  {
    // The pure core is unit-tested in plain Node: it must never reach the editor API or the layers above it.
    files: ['src/core/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [{ name: 'vscode', message: 'src/core is pure: pass plain values in from src/extension.' }],
        patterns: [{ group: ['**/extension/**', '**/providers/**', '**/webview/**'], message: 'src/core depends on nothing above it.' }],
      }],
    },
  },
  {
    files: ['src/providers/**/*.ts', 'src/cli/**/*.ts', 'src/protocol/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [{ name: 'vscode', message: 'Only src/extension talks to the vscode API.' }],
        patterns: [{ group: ['**/extension/**', '**/webview/**'], message: 'Dependencies point one way: extension -> core/providers/protocol.' }],
      }],
    },
  },
  {
    // The metering gateway is hosted by the CLI and the extension alike: it uses providers and core only.
    files: ['src/gateway/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [{ name: 'vscode', message: 'The gateway has no vscode: src/extension/gateway hosts it.' }],
        patterns: [{ group: ['**/extension/**', '**/webview/**', '**/cli/**'], message: 'The gateway uses providers and core only.' }],
      }],
    },
  },
);
