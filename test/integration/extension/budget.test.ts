import { strict as assert } from 'node:assert';
import * as vscode from 'vscode';
import type { NoticeState } from '../../../src/core/budget/budget';
import { chargedRecord as charged, creditMeter, setUserSetting, until } from './creditMeterApi';

describe('extension: budgets', () => {
  it("adds each charge to today's spend and announces 80 % and 100 % once per day", async () => {
    const api = await creditMeter();
    const ledger = await api.ledger();
    const state = () => api.storage.workspaceState.get<NoticeState>('creditMeter.budgetNotices');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    const start = await api.budgets.recount();
    const already = state()?.daily ?? [];
    assert.deepEqual(already, [], 'no daily notice before this suite');
    await setUserSetting(api, 'budget.daily', start.today + 10);
    try {
      await ledger.append(charged(8.5));
      await until('the spend to include the charge', () => Math.abs(api.budgets.spend().today - (start.today + 8.5)) < 1e-9);
      await until('the 80 % notice', () => state()?.daily.includes(80));
      assert.deepEqual(state()?.daily, [80]);
      assert.equal(api.statusBar().warning, false, 'under the budget: no warning yet');

      await ledger.append(charged(0.5));
      await until('the spend to include the second charge', () => Math.abs(api.budgets.spend().today - (start.today + 9)) < 1e-9);
      assert.deepEqual(state()?.daily, [80], 'no second 80 % notice the same day');

      await ledger.append(charged(1.5));
      await until('the 100 % notice', () => state()?.daily.includes(100));
      assert.deepEqual(state()?.daily, [80, 100]);
      await until('the warning background and the spent budget in the tooltip', () => {
        const view = api.statusBar();
        assert.equal(view.warning, true, `status bar ${JSON.stringify(view)}`);
        assert.match(view.tooltip, /Daily budget: 0 of/);
        return view;
      });
    } finally {
      await setUserSetting(api, 'budget.daily', null);
    }
  });
});
