import * as vscode from 'vscode';
import { COMPOSE_VIEW_ID } from '../../protocol/compose';
import type { Services } from '../services';
import { ComposeViewProvider } from './composeViewProvider';

/**
 * Registers the Compose webview view, plus two internal commands (not in the palette): one hands a
 * prompt to the view, one reads its state back for tests.
 */
export function registerComposeView(context: vscode.ExtensionContext, services: Services): ComposeViewProvider {
  const provider = new ComposeViewProvider(context.extensionUri, services);
  context.subscriptions.push(
    provider,
    vscode.window.registerWebviewViewProvider(COMPOSE_VIEW_ID, provider),
    vscode.commands.registerCommand('creditMeter.compose.setPrompt', (prompt: unknown) => provider.setPrompt(typeof prompt === 'string' ? prompt : '')),
    vscode.commands.registerCommand('creditMeter.compose.snapshot', () => provider.snapshot()),
  );
  return provider;
}
