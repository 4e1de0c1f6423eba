import { strict as assert } from 'node:assert';
import * as vscode from 'vscode';
import { activeExtension, requestedTrust } from '../support/extension';

describe('harness: workspace trust', () => {
  it(`opens the folder ${requestedTrust() === 'trusted' ? 'trusted' : 'in Restricted Mode'}, as the launcher asked`, () => {
    assert.ok(vscode.workspace.workspaceFolders?.length, 'the run opens a folder');
    assert.equal(vscode.workspace.isTrusted, requestedTrust() === 'trusted');
  });

  it('declares limited support for untrusted workspaces, so it activates in both states', async () => {
    const extension = await activeExtension();
    const capability = (extension.packageJSON as { capabilities?: { untrustedWorkspaces?: { supported?: unknown } } }).capabilities?.untrustedWorkspaces;
    assert.equal(capability?.supported, 'limited');
    assert.equal(extension.isActive, true);
  });
});
