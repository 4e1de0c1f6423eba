import * as path from 'node:path';
import * as vscode from 'vscode';
import { warmUp } from '../core/tokens';
import { commandTable, registerCommands } from './commands';
import { CodeApplier } from './compose/applyCode';
import { ComposeThreads } from './compose/composeThreads';
import { registerComposeView } from './compose/registerComposeView';
import type { GatewayHost } from './gateway/gatewayHost';
import { registerGateway, type GatewaySurfaces } from './gateway/registerGateway';
import type { TaskStatusView } from './gateway/taskStatusItem';
import { registerHistory } from './history/registerHistory';
import { registerHoverTips } from './hoverTips';
import type { IDisposable } from './lifecycle';
import { Services } from './services';
import { StatusBar, type StatusBarView } from './statusBar';
import { TelemetryHeaders } from './telemetry/telemetryHeaders';
import { TelemetryHost } from './telemetry/telemetryHost';
import { registerWalkthrough, type WalkthroughProgressView } from './walkthrough';

/** What tests (and other extensions) can reach through `getExtension(...).exports`. */
export interface CreditMeterApi {
  readonly services: Services;
  /** Compose's conversations in this workspace. */
  readonly threads: ComposeThreads;
  ledgerDir(): string;
  statusBar(): StatusBarView;
  /** The metering gateway's host: its state, token and tasks. */
  readonly gateway: GatewayHost;
  /** The status-bar item of the gateway's running task. */
  gatewayTask(): TaskStatusView;
  /** Resolves once the tokenizer is warm, the ledger open and the credit profile loaded. */
  ready(): Promise<void>;
  /** What the Getting Started walkthrough's context keys were last set to. */
  walkthrough(): WalkthroughProgressView;
}

export function activate(context: vscode.ExtensionContext): CreditMeterApi {
  const started = performance.now();
  let services: Services | undefined;
  try {
    services = owned(context, new Services(context));
    const threads = owned(context, new ComposeThreads({ storageDir: path.dirname(services.ledgerDir), workspaceState: context.workspaceState, config: services.config, log: services.log }));
    const applier = owned(context, new CodeApplier(services.log));
    const statusBar = owned(context, new StatusBar(services, threads));
    const compose = registerComposeView(context, services, threads, applier);
    const telemetryHeaders = owned(context, new TelemetryHeaders(context.secrets));
    const telemetry = owned(context, new TelemetryHost({
      config: services.config, headers: telemetryHeaders, globalState: context.globalState, log: services.log,
      ledger: services.ledger.bind(services), version: String((context.extension.packageJSON as { version?: unknown }).version ?? '0.0.0'),
    }));
    const gateway = registerGateway(context, services);
    context.subscriptions.push(...registerCommands(commandTable({ services, compose, threads, applier, telemetry, telemetryHeaders, gateway: gateway.host })));
    registerHoverTips(context, services);
    registerHistory(context, services, threads);
    const ready = startAfterActivation(services, gateway);
    const walkthrough = registerWalkthrough(context, services, ready);
    // Telemetry (off by default) starts once the ledger is open; the SDK loads only when it is on.
    void ready.then(() => telemetry.reconcile());
    services.log.info(`Credit Meter activated in ${(performance.now() - started).toFixed(1)} ms (workspace ${vscode.workspace.isTrusted ? 'trusted' : 'restricted'})`);
    return exportedApi(services, threads, statusBar, gateway, ready, () => walkthrough.progress);
  } catch (error) {
    services?.log.error('Activation failed', error);
    void vscode.window.showErrorMessage(`Credit Meter failed to activate: ${error instanceof Error ? error.message : String(error)}`);
    throw error;
  }
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}

function owned<T extends IDisposable>(context: vscode.ExtensionContext, value: T): T {
  context.subscriptions.push(value);
  return value;
}

/** Heavy work starts on a later tick, never on the activation path: tokenizer ranks, ledger scan, profile file. */
function startAfterActivation(services: Services, gateway: GatewaySurfaces): Promise<void> {
  return new Promise<void>((resolve) => setImmediate(resolve))
    .then(async () => {
      const started = performance.now();
      await Promise.all([warmUp(['o200k_base']), services.start()]);
      // The gateway (when enabled) starts once the ledger is open.
      await gateway.host.sync();
      await gateway.terminal.apply();
      services.log.info(`Credit Meter ready: tokenizer warm, ledger open, profile loaded in ${(performance.now() - started).toFixed(1)} ms`);
    })
    .catch((error: unknown) => {
      services.log.error('Credit Meter could not start', error);
      void vscode.window.showErrorMessage(`Credit Meter could not start: ${error instanceof Error ? error.message : String(error)}`);
    });
}

function exportedApi(services: Services, threads: ComposeThreads, statusBar: StatusBar, gateway: GatewaySurfaces, ready: Promise<void>, walkthrough: () => WalkthroughProgressView): CreditMeterApi {
  return {
    services,
    threads,
    ledgerDir: () => services.ledgerDir,
    statusBar: () => statusBar.current(),
    gateway: gateway.host,
    gatewayTask: () => gateway.taskItem.current(),
    ready: () => ready,
    walkthrough,
  };
}
