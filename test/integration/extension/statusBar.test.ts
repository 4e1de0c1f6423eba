import { strict as assert } from 'node:assert';
import * as vscode from 'vscode';
import { creditMeter, setUserSetting, until } from './creditMeterApi';

const SOURCE = [
  'export function total(items: number[]): number {',
  '  let sum = 0;',
  '  for (const item of items) {',
  '    sum += item;',
  '  }',
  '  return sum;',
  '}',
  '',
].join('\n');

describe('extension: status bar', () => {
  it('shows what sending the selection would cost, with a breakdown in the tooltip', async () => {
    const api = await creditMeter();
    await setUserSetting(api, 'defaultModel', 'openai:gpt-4.1');
    const document = await vscode.workspace.openTextDocument({ language: 'typescript', content: SOURCE });
    const editor = await vscode.window.showTextDocument(document);
    editor.selection = new vscode.Selection(0, 0, 5, 12);
    await until('the selection estimate for gpt-4.1, with its breakdown', () => {
      const view = api.statusBar();
      assert.equal(view.mode, 'selection', `status bar ${JSON.stringify(view)}, draft ${JSON.stringify(api.liveEstimate.currentDraft)}`);
      assert.match(view.text, /sel ≈ \d+(\.\d+)? cr$/);
      assert.match(view.tooltip, /\*\*Selection as context\*\* · gpt-4\.1/);
      assert.match(view.tooltip, /:1-6 \| \d+ \| exact \|/, 'the selection is a part of the breakdown, counted exactly for gpt-4.1');
      assert.match(view.tooltip, /expected output/);
      assert.match(view.tooltip, /Today: \*\*/);
      return view;
    });

    editor.selection = new vscode.Selection(0, 0, 0, 0);
    await until('the idle text once the selection is gone', () => api.statusBar().mode === 'idle');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('follows the live draft while composing and warns over budget', async () => {
    const api = await creditMeter();
    await setUserSetting(api, 'budget.daily', 0);
    try {
      api.liveEstimate.update({ source: 'compose', prompt: 'Explain what this function does and why.', modelRef: 'openai:gpt-4.1' });
      await until('the draft estimate, over the zero budget', () => {
        const view = api.statusBar();
        assert.equal(view.mode, 'draft', `status bar ${JSON.stringify(view)}`);
        assert.match(view.text, /≈ \d+(\.\d+)? cr$/);
        assert.equal(view.warning, true, 'a zero daily budget is crossed by any priced request');
        assert.match(view.tooltip, /Could exceed the daily budget/);
        return view;
      });
    } finally {
      api.liveEstimate.clear();
      await setUserSetting(api, 'budget.daily', null);
    }
  });
});
