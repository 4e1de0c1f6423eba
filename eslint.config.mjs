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
        patterns: [{ group: ['**/extension/**', '**/providers/**', '**/webview/**', '**/send/**', '**/views/**', '**/gateway/**', '**/protocol/**', '**/cli/**'], message: 'src/core depends on nothing above it.' }],
      }],
    },
  },
  {
    files: ['src/cli/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [{ name: 'vscode', message: 'Only src/extension talks to the vscode API.' }],
        patterns: [{ group: ['**/extension/**', '**/webview/**'], message: 'Dependencies point one way: extension -> core/providers/protocol.' }],
      }],
    },
  },
  {
    // Providers speak HTTP for whoever calls them (the send path, the gateway): they use core only.
    files: ['src/providers/**/*.ts', 'src/protocol/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [{ name: 'vscode', message: 'Only src/extension talks to the vscode API.' }],
        patterns: [{ group: ['**/extension/**', '**/webview/**', '**/send/**', '**/views/**', '**/gateway/**', '**/cli/**'], message: 'Dependencies point one way: extension -> send/views -> providers/protocol -> core.' }],
      }],
    },
  },
  {
    // A request, start to end, for the editor's doors: drafts, their estimate, the turn through a provider.
    files: ['src/send/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [{ name: 'vscode', message: 'src/send has no vscode: src/extension adapts the editor to it.' }],
        patterns: [{ group: ['**/extension/**', '**/webview/**', '**/views/**', '**/gateway/**', '**/cli/**', '**/protocol/**'], message: 'src/send uses providers and core only.' }],
      }],
    },
  },
  {
    // View models: what the webviews and commands show, computed from the core in the protocol's shapes.
    files: ['src/views/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [{ name: 'vscode', message: 'src/views has no vscode: src/extension hosts the views.' }],
        patterns: [{ group: ['**/extension/**', '**/webview/**', '**/gateway/**', '**/cli/**', '**/providers/**'], message: 'src/views uses send (draft types), protocol and core only.' }],
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
