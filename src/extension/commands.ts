/**
 * Every command of Credit Meter in one table: id -> handler. Surfaces add their entries here.
 */
import * as vscode from 'vscode';
import { askAboutSelection, type AskArgs } from './askAboutSelection';
import type { CodeApplier } from './compose/applyCode';
import type { ComposeThreads } from './compose/composeThreads';
import type { ComposeViewProvider } from './compose/composeViewProvider';
import { exportUsageCommand } from './exportUsage/exportUsage';
import { type ConnectArgs, connectAssistant, rotateGatewayToken, stopGateway } from './gateway/connectAssistant';
import type { GatewayHost } from './gateway/gatewayHost';
import { showHistory } from './history/registerHistory';
import { selectModel } from './selectModel';
import { clearApiKey, setApiKey } from './secrets';
import type { Services } from './services';
import type { TelemetryHeaders } from './telemetry/telemetryHeaders';
import { setTelemetryHeader, type TelemetryHost } from './telemetry/telemetryHost';
import { openWalkthrough } from './walkthrough';

export type CommandHandler = (...args: never[]) => unknown;

export interface CommandSurfaces {
  readonly services: Services;
  readonly compose: ComposeViewProvider;
  readonly threads: ComposeThreads;
  readonly applier: CodeApplier;
  readonly telemetry: TelemetryHost;
  readonly telemetryHeaders: TelemetryHeaders;
  readonly gateway: GatewayHost;
}

export function commandTable({ services, compose, threads, applier, telemetry, telemetryHeaders, gateway }: CommandSurfaces): Record<string, CommandHandler> {
  const showing = (action: () => Promise<unknown>) => action().catch((error: unknown) => services.showSendError(error));
  return {
    'creditMeter.askAboutSelection': (args?: AskArgs) => askAboutSelection(services, compose, args),
    'creditMeter.openCompose': () => vscode.commands.executeCommand('creditMeter.compose.focus'),
    'creditMeter.setApiKey': (providerId?: string, key?: string) => setApiKey(services.apiKeys, services.config.settings.providers, providerId, key),
    'creditMeter.clearApiKey': (providerId?: string) => clearApiKey(services.apiKeys, services.config.settings.providers, providerId),
    'creditMeter.selectModel': (modelRef?: string) => selectModel(services, modelRef),
    'creditMeter.stopRequest': () => services.turns.stop(),
    'creditMeter.showLog': () => services.log.show(),
    'creditMeter.showHistory': () => showHistory(services, threads),
    'creditMeter.newThread': () => showing(() => compose.newThread()),
    'creditMeter.switchThread': (id?: string) => showing(() => compose.switchThread(id)),
    'creditMeter.renameThread': (id?: string, title?: string) => showing(() => compose.renameThread(id, title)),
    'creditMeter.deleteThread': (id?: string, confirmed?: boolean) => showing(() => compose.deleteThread(id, confirmed === true)),
    'creditMeter.newThreadFromSummary': (confirmed?: boolean) => showing(() => compose.summarizeThread(confirmed === true)),
    'creditMeter.acceptProposal': (uri?: vscode.Uri) => applier.accept(uri instanceof vscode.Uri ? uri : undefined),
    'creditMeter.discardProposal': (uri?: vscode.Uri) => applier.discard(uri instanceof vscode.Uri ? uri : undefined),
    'creditMeter.exportUsage': (options?: unknown) => exportUsageCommand(services)(options),
    'creditMeter.setTelemetryHeader': (name?: string, value?: string) => setTelemetryHeader(services.config, telemetryHeaders, name, value),
    'creditMeter.showTelemetryDisclosure': (answer?: 'send' | 'turnOff') => telemetry.showDisclosure(answer),
    'creditMeter.connectAssistant': (args?: ConnectArgs) => connectAssistant(services, gateway, args),
    'creditMeter.rotateGatewayToken': (quiet?: boolean) => rotateGatewayToken(gateway, quiet === true),
    'creditMeter.stopGateway': () => stopGateway(gateway),
    'creditMeter.openWalkthrough': () => openWalkthrough(services.context.extension.id),
  };
}

export function registerCommands(table: Record<string, CommandHandler>): vscode.Disposable[] {
  return Object.entries(table).map(([id, handler]) => vscode.commands.registerCommand(id, handler as (...args: unknown[]) => unknown));
}
