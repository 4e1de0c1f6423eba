// Loaded only by `runOnServer.ts --self-test` (see runner/selectSuites.ts): proves that a failing
// test inside the extension host makes the launcher exit non-zero.
import { strict as assert } from 'node:assert';
import * as vscode from 'vscode';

describe('harness self-test: a deliberately failing suite', () => {
  it('passes a real check against the host', () => {
    assert.equal(typeof vscode.version, 'string');
  });

  it('fails on purpose', () => {
    assert.equal(vscode.workspace.workspaceFolders?.length ?? 0, -1, 'this failure is intended');
  });
});
