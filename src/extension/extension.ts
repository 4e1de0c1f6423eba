import * as path from 'node:path';
import * as l10n from '@vscode/l10n';
import * as vscode from 'vscode';
import { warmUp } from '../core/tokens';
import { commandTable, registerCommands } from './commands';
import { CodeApplier } from './compose/applyCode';
import { ComposeThreads } from './compose/composeThreads';
import { registerComposeView } from './compose/registerComposeView';
import { registerGateway, type GatewaySurfaces } from './gateway/registerGateway';
import { registerHistory } from './history/registerHistory';
import { registerHoverTips } from './hoverTips';
import { type CreditMeterApiV1, type CreditMeterExports, creditMeterExports } from './api';
import type { IDisposable } from './lifecycle';
import { Services } from './services';
import { StatusBar } from './statusBar';
import { TelemetryHeaders } from './telemetry/telemetryHeaders';
import { TelemetryHost } from './telemetry/telemetryHost';
import { registerWalkthrough, type WalkthroughProgressView } from './walkthrough';

export type { CreditMeterApiV1, CreditMeterExports } from './api';

/** What deactivation waits for: the gateway stopped (its last records written), then the ledger closed. */
let shutdown: (() => Promise<void>) | undefined;

export function activate(context: vscode.ExtensionContext): CreditMeterExports {
  const started = performance.now();
  // First, before anything renders: the code that cannot import `vscode` (core, send, views) translates
  // through @vscode/l10n, which reads the same bundle VS Code loaded for this extension's language.
  l10n.config({ contents: vscode.l10n.bundle ?? {} });
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
    const running = services;
    shutdown = async () => {
      await gateway.host.shutdown().catch((error: unknown) => running.log.error('The metering gateway did not stop cleanly', error));
      await running.closeLedger().catch((error: unknown) => running.log.error('The usage ledger did not close cleanly', error));
    };
    context.subscriptions.push(...registerCommands(commandTable({ services, compose, threads, applier, telemetry, telemetryHeaders, gateway: gateway.host })));
    registerHoverTips(context, services);
    registerHistory(context, services, threads);
    const ready = startAfterActivation(services, gateway);
    const walkthrough = registerWalkthrough(context, services, ready);
    // Telemetry (off by default) starts once the ledger is open; the SDK loads only when it is on.
    void ready.then(() => telemetry.reconcile());
    services.log.info(`Credit Meter activated in ${(performance.now() - started).toFixed(1)} ms (workspace ${vscode.workspace.isTrusted ? 'trusted' : 'restricted'})`);
    return creditMeterExports(apiV1(context, services, threads, statusBar, gateway, ready, () => walkthrough.progress));
  } catch (error) {
    services?.log.error('Activation failed', error);
    void vscode.window.showErrorMessage(vscode.l10n.t('Credit Meter failed to activate: {0}', error instanceof Error ? error.message : String(error)));
    throw error;
  }
}

/** Waits for the gateway to stop and the ledger to close; everything else is disposed through context.subscriptions. */
export async function deactivate(): Promise<void> {
  const stop = shutdown;
  shutdown = undefined;
  await stop?.();
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
      void vscode.window.showErrorMessage(vscode.l10n.t('Credit Meter could not start: {0}', error instanceof Error ? error.message : String(error)));
    });
}

function apiV1(
  context: vscode.ExtensionContext,
  services: Services,
  threads: ComposeThreads,
  statusBar: StatusBar,
  gateway: GatewaySurfaces,
  ready: Promise<void>,
  walkthrough: () => WalkthroughProgressView,
): CreditMeterApiV1 {
  return {
    version: 1,
    ready: () => ready,
    ledger: () => services.ledger(),
    ledgerDir: () => services.ledgerDir,
    config: services.config,
    profile: () => services.profile,
    calibration: () => services.calibration,
    restoreCalibration: (json) => services.restoreCalibration(json),
    apiKeys: services.apiKeys,
    liveEstimate: services.liveEstimate,
    budgets: services.budgets,
    requestRunning: () => services.turns.isRunning,
    send: (draft) => services.send(draft),
    get confirmKeyOrigin() {
      return services.confirmKeyOrigin;
    },
    set confirmKeyOrigin(confirm) {
      services.confirmKeyOrigin = confirm;
    },
    threads,
    statusBar: () => statusBar.current(),
    gateway: gateway.host,
    gatewayTask: () => gateway.taskItem.current(),
    walkthrough,
    log: services.log,
    storage: context,
  };
}
