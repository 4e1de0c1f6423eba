import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { activeExtension, extensionId } from '../support/extension';

describe('harness: activation', () => {
  it('loads Credit Meter from this repository and activates it', async () => {
    const extension = await activeExtension();
    assert.equal(extension.id, extensionId);
    assert.equal(extension.isActive, true);
    const manifest = JSON.parse(fs.readFileSync(path.join(extension.extensionPath, 'package.json'), 'utf8')) as { publisher: string; name: string };
    assert.deepEqual([manifest.publisher, manifest.name], ['credit-meter', 'credit-meter']);
    assert.ok(fs.existsSync(path.join(extension.extensionPath, 'dist', 'extension.js')), 'the extension bundle is built');
  });

  it('runs where the workspace is (the Node extension host next to the files)', async () => {
    const extension = await activeExtension();
    // Over the server route the host is remote to the browser UI, so it is a workspace extension;
    // in a desktop VS Code (test-electron) the one local host counts as UI.
    const expected = vscode.env.remoteName ? vscode.ExtensionKind.Workspace : vscode.ExtensionKind.UI;
    assert.equal(extension.extensionKind, expected, `remoteName ${vscode.env.remoteName}`);
    assert.equal(typeof process.versions.node, 'string');
  });

  it('creates its log output channel', async () => {
    const extension = await activeExtension();
    const exported = extension.exports as { getApi?: (version: number) => { log?: Pick<vscode.LogOutputChannel, 'name' | 'logLevel'> } } | undefined;
    const log = exported?.getApi?.(1).log;
    assert.ok(log, 'getApi(1) has the log channel');
    assert.equal(log.name, 'Credit Meter');
    // A log channel (createOutputChannel(name, { log: true })) has a level; a plain one does not.
    assert.equal(typeof log.logLevel, 'number');
    await vscode.commands.executeCommand('creditMeter.showLog');
  });
});
