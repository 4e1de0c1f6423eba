import { strict as assert } from 'node:assert';
import * as vscode from 'vscode';
import { requestedTrust } from '../support/extension';
import { creditMeter } from './creditMeterApi';

const OWN_COMMANDS = [
  'creditMeter.askAboutSelection',
  'creditMeter.openCompose',
  'creditMeter.setApiKey',
  'creditMeter.clearApiKey',
  'creditMeter.selectModel',
  'creditMeter.stopRequest',
  'creditMeter.showLog',
];

describe('extension: activation', () => {
  it('activates in this trust state and exports its API', async () => {
    const api = await creditMeter();
    assert.equal(vscode.workspace.isTrusted, requestedTrust() === 'trusted');
    assert.equal(api.services.config.trusted, vscode.workspace.isTrusted);
    assert.ok(api.ledgerDir().endsWith('ledger'), api.ledgerDir());
  });

  it('registers its commands', async () => {
    await creditMeter();
    const commands = new Set(await vscode.commands.getCommands(true));
    assert.deepEqual(OWN_COMMANDS.filter((id) => !commands.has(id)), []);
  });

  it("shows today's spend in the status bar when nothing is selected", async () => {
    const api = await creditMeter();
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    const view = api.statusBar();
    assert.equal(view.mode, 'idle', JSON.stringify(api.services.liveEstimate.currentDraft));
    assert.match(view.text, / cr today$/);
    assert.match(view.tooltip, /Today: \*\*/);
  });

  it('opens the ledger in the workspace storage folder', async () => {
    const api = await creditMeter();
    const ledger = await api.services.ledger();
    assert.equal(ledger.dir, api.ledgerDir());
    const storage = api.services.context.storageUri;
    assert.ok(storage, 'a folder is open, so there is workspace storage');
    assert.ok(api.ledgerDir().startsWith(storage.fsPath), `${api.ledgerDir()} is under ${storage.fsPath}`);
  });
});
