/** Wires the usage history view to the extension's services: the panel serializer and the show command. */
import * as vscode from 'vscode';
import { HISTORY_VIEW_TYPE } from '../../protocol/history';
import { threadText } from '../../views/composeText';
import type { ComposeThreads } from '../compose/composeThreads';
import type { Services } from '../services';
import { HistoryPanel, HistorySerializer, type HistoryHost } from './historyPanel';
import { ledgerNotesOf } from '../../views/historyModel';

function historyHost(services: Services, threads?: ComposeThreads): HistoryHost {
  return {
    extensionUri: services.context.extensionUri,
    log: services.log,
    ledger: () => services.ledger(),
    budget: () => ({ ...services.config.settings.budget }),
    onDidChangeBudget: services.config.onDidChange,
    ledgerNotes: async () => ledgerNotesOf(await (await services.ledger()).health()),
    threadOf: async (record) => {
      if (record.threadId === null || !threads) {
        return undefined;
      }
      const store = await threads.store();
      const title = store.list().find((thread) => thread.id === record.threadId)?.title;
      return { label: threadText.historyLabel(title, record.threadId) };
    },
  };
}

/** Registers the serializer that restores the view after a reload (`onWebviewPanel:creditMeter.history`). */
export function registerHistory(context: vscode.ExtensionContext, services: Services, threads?: ComposeThreads): void {
  context.subscriptions.push(vscode.window.registerWebviewPanelSerializer(HISTORY_VIEW_TYPE, new HistorySerializer(historyHost(services, threads))));
}

/** "Credit Meter: Show Usage History". */
export function showHistory(services: Services, threads?: ComposeThreads): HistoryPanel {
  return HistoryPanel.show(historyHost(services, threads));
}
