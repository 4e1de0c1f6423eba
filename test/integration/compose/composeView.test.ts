import { strict as assert } from 'node:assert';
import * as vscode from 'vscode';
import { activeExtension } from '../support/extension';

interface ComposeSnapshot {
  readonly resolved: boolean;
  readonly ready: boolean;
  readonly prompt: string;
  readonly estimate: { readonly inputTokens: number; readonly credits: { readonly expected: number } | null } | null;
}

interface StatusBarApi {
  statusBar(): { readonly mode: string; readonly text: string };
}

async function snapshot(): Promise<ComposeSnapshot> {
  return vscode.commands.executeCommand<ComposeSnapshot>('creditMeter.compose.snapshot');
}

/** Polls until `check` holds; fails with the last value seen. */
async function waitFor<T>(read: () => Promise<T> | T, check: (value: T) => boolean, what: string, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last = await read();
  while (!check(last)) {
    if (Date.now() > deadline) {
      assert.fail(`timed out waiting for ${what}; last: ${JSON.stringify(last)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
    last = await read();
  }
  return last;
}

describe('compose view', () => {
  after(async () => {
    // Leave no draft behind: later suites expect the status bar idle.
    await vscode.commands.executeCommand('creditMeter.compose.setPrompt', '');
    await vscode.commands.executeCommand('workbench.action.closeSidebar');
    const extension = await activeExtension();
    await waitFor(() => (extension.exports as StatusBarApi).statusBar(), (view) => view.mode !== 'draft', 'the draft to be cleared');
  });

  it('resolves and its webview reports ready when opened', async () => {
    await activeExtension();
    await vscode.commands.executeCommand('creditMeter.openCompose');
    const state = await waitFor(snapshot, (value) => value.resolved && value.ready, 'the compose view to be ready');
    assert.equal(state.resolved, true);
  });

  it('feeds the live estimate and the status bar from its prompt', async () => {
    const extension = await activeExtension();
    const api = extension.exports as StatusBarApi;
    await vscode.commands.executeCommand('creditMeter.compose.setPrompt', 'Explain what `reduce` does in this file, briefly.');
    const state = await waitFor(snapshot, (value) => value.estimate !== null && value.prompt.startsWith('Explain'), 'an estimate of the prompt');
    assert.ok(state.estimate && state.estimate.inputTokens > 0);
    const short = await waitFor(() => api.statusBar(), (view) => view.mode === 'draft', 'the status bar to show the draft');
    assert.match(short.text, /≈ [\d.]+ cr/);

    await vscode.commands.executeCommand('creditMeter.compose.setPrompt', 'Explain what `reduce` does. '.repeat(400));
    const longer = await waitFor(snapshot, (value) => (value.estimate?.inputTokens ?? 0) > (state.estimate?.inputTokens ?? 0) + 1_000, 'a larger estimate');
    assert.ok(longer.estimate);
  });
});
