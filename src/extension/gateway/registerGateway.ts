/** The gateway's part of activation: its host, the running-task status item and the terminal environment. */
import type * as vscode from 'vscode';
import type { Services } from '../services';
import { GatewayHost } from './gatewayHost';
import { TaskStatusItem } from './taskStatusItem';
import { TerminalEnvironment } from './terminalEnvironment';

export interface GatewaySurfaces {
  readonly host: GatewayHost;
  readonly taskItem: TaskStatusItem;
  readonly terminal: TerminalEnvironment;
}

export function registerGateway(context: vscode.ExtensionContext, services: Services): GatewaySurfaces {
  const host = new GatewayHost(services, context);
  const taskItem = new TaskStatusItem(host);
  const terminal = new TerminalEnvironment(services, host, context.environmentVariableCollection);
  // Disposed in reverse: the terminal variables and the item go before the gateway closes.
  context.subscriptions.push(host, taskItem, terminal);
  return { host, taskItem, terminal };
}
