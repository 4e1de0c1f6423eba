/**
 * Every command of Credit Meter in one table: id -> handler. Surfaces add their entries here.
 */
import * as vscode from 'vscode';
import { askAboutSelection, type AskArgs } from './askAboutSelection';
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
  readonly telemetry: TelemetryHost;
  readonly telemetryHeaders: TelemetryHeaders;
  readonly gateway: GatewayHost;
}

export function commandTable({ services, compose, telemetry, telemetryHeaders, gateway }: CommandSurfaces): Record<string, CommandHandler> {
  return {
    'creditMeter.askAboutSelection': (args?: AskArgs) => askAboutSelection(services, compose, args),
    'creditMeter.openCompose': () => vscode.commands.executeCommand('creditMeter.compose.focus'),
    'creditMeter.setApiKey': (providerId?: string, key?: string) => setApiKey(services.apiKeys, services.config.settings.providers, providerId, key),
    'creditMeter.clearApiKey': (providerId?: string) => clearApiKey(services.apiKeys, services.config.settings.providers, providerId),
    'creditMeter.selectModel': (modelRef?: string) => selectModel(services, modelRef),
    'creditMeter.stopRequest': () => services.turns.stop(),
    'creditMeter.showLog': () => services.log.show(),
    'creditMeter.showHistory': () => showHistory(services),
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
