/** Wires the usage history view to the extension's services: the panel serializer and the show command. */
import * as vscode from 'vscode';
import { HISTORY_VIEW_TYPE } from '../../protocol/history';
import type { Services } from '../services';
import { HistoryPanel, HistorySerializer, type HistoryHost } from './historyPanel';
import { ledgerNotesOf } from './historyModel';

function historyHost(services: Services): HistoryHost {
  return {
    extensionUri: services.context.extensionUri,
    log: services.log,
    ledger: () => services.ledger(),
    budget: () => ({ ...services.config.settings.budget }),
    onDidChangeBudget: services.config.onDidChange,
    ledgerNotes: async () => ledgerNotesOf(await (await services.ledger()).health()),
  };
}

/** Registers the serializer that restores the view after a reload (`onWebviewPanel:creditMeter.history`). */
export function registerHistory(context: vscode.ExtensionContext, services: Services): void {
  context.subscriptions.push(vscode.window.registerWebviewPanelSerializer(HISTORY_VIEW_TYPE, new HistorySerializer(historyHost(services))));
}

/** "Credit Meter: Show Usage History". */
export function showHistory(services: Services): HistoryPanel {
  return HistoryPanel.show(historyHost(services));
}
