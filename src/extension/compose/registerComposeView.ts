import * as vscode from 'vscode';
import { COMPOSE_VIEW_ID } from '../../protocol/compose';
import type { Services } from '../services';
import type { ApplyMode, CodeApplier } from './applyCode';
import { ComposeViewProvider } from './composeViewProvider';
import type { ComposeThreads } from './composeThreads';

/**
 * Registers the Compose webview view, plus internal commands (not in the palette): one hands a
 * prompt to the view, one sends the draft as the Send button does, one applies a code block of an
 * answer, and in development and test builds one that reads the view's state back for tests.
 */
export function registerComposeView(context: vscode.ExtensionContext, services: Services, threads: ComposeThreads, applier: CodeApplier): ComposeViewProvider {
  const provider = new ComposeViewProvider(context.extensionUri, services, threads, applier);
  context.subscriptions.push(
    provider,
    vscode.window.registerWebviewViewProvider(COMPOSE_VIEW_ID, provider),
    vscode.commands.registerCommand('creditMeter.compose.setPrompt', (prompt: unknown) => provider.setPrompt(typeof prompt === 'string' ? prompt : '')),
    vscode.commands.registerCommand('creditMeter.compose.send', () => provider.sendDraft()),
    vscode.commands.registerCommand('creditMeter.compose.applyBlock', (args: { turnId: string; block: number; mode: ApplyMode }) => provider.applyCode(args.turnId, args.block, args.mode)),
  );
  if (__TEST__) {
    // For the integration tests only: not registered (and not in the bundle) in a production build.
    context.subscriptions.push(vscode.commands.registerCommand('creditMeter.compose.snapshot', () => provider.snapshot()));
  }
  return provider;
}
