import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';

const root = path.resolve(__dirname, '..', '..');

function sourceFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) {
    return [];
  }
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    return entry.isDirectory() ? sourceFiles(full) : /\.[cm]?[jt]s$/.test(entry.name) ? [full] : [];
  });
}

/** Module specifiers a file imports or requires, static or dynamic. */
export function importedModules(source: string): string[] {
  const found: string[] = [];
  const pattern = /(?:\bfrom\s*|\bimport\s*\(\s*|\brequire\s*\(\s*|^\s*import\s+)['"]([^'"]+)['"]/gm;
  for (const match of source.matchAll(pattern)) {
    found.push(match[1]);
  }
  return found;
}

describe('architecture', () => {
  it('finds imports in every form the checks below rely on', () => {
    const sample = [
      "import * as vscode from 'vscode';",
      'import "vscode";',
      "const v = require('vscode');",
      "const w = await import('vscode');",
      "export { x } from '../extension/y';",
    ].join('\n');
    assert.deepEqual(importedModules(sample), ['vscode', 'vscode', 'vscode', 'vscode', '../extension/y']);
  });

  for (const layer of ['core', 'providers', 'protocol', 'cli', 'gateway']) {
    it(`src/${layer} never imports vscode`, () => {
      const offenders = sourceFiles(path.join(root, 'src', layer))
        .filter((file) => importedModules(fs.readFileSync(file, 'utf8')).includes('vscode'))
        .map((file) => path.relative(root, file));
      assert.deepEqual(offenders, []);
    });
  }

  it('src/core depends on nothing above it', () => {
    const offenders = sourceFiles(path.join(root, 'src', 'core')).filter((file) =>
      importedModules(fs.readFileSync(file, 'utf8')).some((spec) => /(^|\/)(extension|providers|webview|cli)(\/|$)/.test(spec)),
    );
    assert.deepEqual(offenders.map((file) => path.relative(root, file)), []);
  });
});
