import * as vscode from 'vscode';
import { waitFor, WEBVIEW_LOAD_TIMEOUT_MS } from '../../support/waitFor';
import { activeExtension } from '../support/extension';

interface ComposeSnapshot {
  readonly resolved: boolean;
  readonly ready: boolean;
  readonly visible: boolean;
  readonly prompt: string;
  readonly estimate: { readonly inputTokens: number; readonly credits: { readonly expected: number } | null } | null;
}

interface StatusBarApi {
  statusBar(): { readonly mode: string; readonly text: string };
}

function statusBarApi(extension: vscode.Extension<unknown>): StatusBarApi {
  return (extension.exports as { getApi(version: 1): StatusBarApi }).getApi(1);
}

async function snapshot(): Promise<ComposeSnapshot> {
  return vscode.commands.executeCommand<ComposeSnapshot>('creditMeter.compose.snapshot');
}

describe('compose view', () => {
  after(async () => {
    // Leave no draft behind: later suites expect the status bar idle.
    await vscode.commands.executeCommand('creditMeter.compose.setPrompt', '');
    await vscode.commands.executeCommand('workbench.action.closeSidebar');
    const extension = await activeExtension();
    await waitFor('the draft to be cleared', () => statusBarApi(extension).statusBar(), (view) => view.mode !== 'draft');
  });

  it('resolves and its webview reports ready when opened', async () => {
    await activeExtension();
    await vscode.commands.executeCommand('creditMeter.openCompose');
    await waitFor('the compose view to be shown and its page ready', snapshot, (value) => value.resolved && value.visible && value.ready, WEBVIEW_LOAD_TIMEOUT_MS);
  });

  it('feeds the live estimate and the status bar from its prompt', async () => {
    const extension = await activeExtension();
    const api = statusBarApi(extension);
    await vscode.commands.executeCommand('creditMeter.compose.setPrompt', 'Explain what `reduce` does in this file, briefly.');
    const state = await waitFor('an estimate of the prompt', snapshot, (value) => value.prompt.startsWith('Explain') && (value.estimate?.inputTokens ?? 0) > 0);
    await waitFor('the status bar to show the draft', () => api.statusBar(), (view) => view.mode === 'draft' && /≈ [\d.]+ cr/.test(view.text));

    await vscode.commands.executeCommand('creditMeter.compose.setPrompt', 'Explain what `reduce` does. '.repeat(400));
    await waitFor('a larger estimate', snapshot, (value) => (value.estimate?.inputTokens ?? 0) > (state.estimate?.inputTokens ?? 0) + 1_000);
  });
});
