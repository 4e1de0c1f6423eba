import * as vscode from 'vscode';
import { warmUp } from '../core/tokens';
import { AnswerDocuments } from './answerDocument';
import { commandTable, registerCommands } from './commands';
import { registerComposeView } from './compose/registerComposeView';
import { registerHistory } from './history/registerHistory';
import { registerHoverTips } from './hoverTips';
import { Services } from './services';
import { StatusBar, type StatusBarView } from './statusBar';

/** What tests (and other extensions) can reach through `getExtension(...).exports`. */
export interface CreditMeterApi {
  readonly services: Services;
  ledgerDir(): string;
  statusBar(): StatusBarView;
  /** Resolves once the ledger is open and the credit profile loaded. */
  ready(): Promise<void>;
}

export function activate(context: vscode.ExtensionContext): CreditMeterApi {
  let services: Services | undefined;
  try {
    services = new Services(context);
    context.subscriptions.push(services);
    const answers = new AnswerDocuments();
    const statusBar = new StatusBar(services);
    context.subscriptions.push(answers, statusBar);
    context.subscriptions.push(...registerCommands(commandTable({ services, answers })));
    registerComposeView(context, services);
    registerHoverTips(context, services);
    registerHistory(context, services);

    // Heavy work after activation returns: tokenizer ranks, ledger scan, profile file.
    const started = new Promise<void>((resolve) => setImmediate(resolve))
      .then(() => Promise.all([warmUp(['o200k_base']), services!.start()]))
      .then(() => services!.log.info('Credit Meter ready'))
      .catch((error: unknown) => {
        services!.log.error('Credit Meter could not start', error);
        void vscode.window.showErrorMessage(`Credit Meter could not start: ${error instanceof Error ? error.message : String(error)}`);
      });

    services.log.info(`Credit Meter activated (workspace ${vscode.workspace.isTrusted ? 'trusted' : 'restricted'})`);
    const ready = services;
    return {
      services: ready,
      ledgerDir: () => ready.ledgerDir,
      statusBar: () => statusBar.current(),
      ready: () => started,
    };
  } catch (error) {
    services?.log.error('Activation failed', error);
    void vscode.window.showErrorMessage(`Credit Meter failed to activate: ${error instanceof Error ? error.message : String(error)}`);
    throw error;
  }
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}
