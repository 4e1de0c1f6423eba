import { strict as assert } from 'node:assert';
import * as vscode from 'vscode';
import { formatCredits } from '../../../src/core/format/credits';
import { Ledger } from '../../../src/core/ledger/ledger';
import { chargedRecord, creditMeter, until } from './creditMeterApi';

describe('extension: records written by other windows', () => {
  it("adds another window's charge to today's spend in the status bar, without this window refreshing", async () => {
    const api = await creditMeter();
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    const start = await api.budgets.recount();
    const record = chargedRecord(2.75);

    // A second writer on the same folder, as another VS Code window of this workspace would be.
    const { ledger: otherWindow } = await Ledger.open(api.ledgerDir(), { writerId: 'other-window' });
    try {
      await otherWindow.append(record);
    } finally {
      await otherWindow.close();
    }

    const today = `${formatCredits(start.today + 2.75)} cr`;
    const view = await until(() => `"${today} today" in the status bar (now ${JSON.stringify(api.statusBar())})`, () => {
      const current = api.statusBar();
      return current.mode === 'idle' && current.text.endsWith(`${today} today`) ? current : undefined;
    });
    assert.match(view.tooltip, new RegExp(`Today: \\*\\*${today.replace(/[.]/g, '\\.')}\\*\\*`));
    await until("this window's ledger index to hold the other window's record", async () => {
      assert.equal((await (await api.ledger()).get(record.id))?.cost.credits, 2.75);
      return true;
    });
  });
});
