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

  for (const layer of ['core', 'providers', 'protocol', 'cli', 'gateway', 'send', 'views', 'telemetry']) {
    it(`src/${layer} never imports vscode`, () => {
      const offenders = sourceFiles(path.join(root, 'src', layer))
        .filter((file) => importedModules(fs.readFileSync(file, 'utf8')).includes('vscode'))
        .map((file) => path.relative(root, file));
      assert.deepEqual(offenders, []);
    });
  }

  /** Which of our layers each layer may import: dependencies point down only. */
  const allowed: Readonly<Record<string, readonly string[]>> = {
    core: [],
    providers: ['core'],
    protocol: ['core'],
    gateway: ['providers', 'core'],
    telemetry: ['core'],
    send: ['providers', 'core'],
    views: ['send', 'protocol', 'core'],
    cli: ['gateway', 'telemetry', 'send', 'providers', 'protocol', 'core'],
  };
  const layers = ['core', 'providers', 'protocol', 'gateway', 'telemetry', 'send', 'views', 'cli', 'extension', 'webview'];

  for (const [layer, uses] of Object.entries(allowed)) {
    it(`src/${layer} imports ${uses.length > 0 ? `only ${uses.join(', ')}` : 'nothing of ours'}`, () => {
      const layerDir = path.join(root, 'src', layer);
      const offenders: string[] = [];
      for (const file of sourceFiles(layerDir)) {
        for (const spec of importedModules(fs.readFileSync(file, 'utf8'))) {
          if (!spec.startsWith('.')) {
            continue;
          }
          const target = path.relative(path.join(root, 'src'), path.resolve(path.dirname(file), spec)).split(path.sep)[0];
          if (target !== layer && layers.includes(target) && !uses.includes(target)) {
            offenders.push(`${path.relative(root, file)} -> ${spec}`);
          }
        }
      }
      assert.deepEqual(offenders, []);
    });
  }

  it('src/extension holds adapters only: every file talks to vscode', () => {
    const offenders = sourceFiles(path.join(root, 'src', 'extension'))
      .map((file) => path.relative(root, file))
      .filter((file) => !importedModules(fs.readFileSync(path.join(root, file), 'utf8')).includes('vscode'));
    assert.deepEqual(offenders, []);
  });
});
