/**
 * Hosts the usage history webview: one panel, restored after reload by a `WebviewPanelSerializer`.
 * The ledger stays here; the view gets a columnar snapshot once, then only appended rows and the
 * selections it asks for. Every message from the view is checked against the zod protocol first.
 */
import * as vscode from 'vscode';
import type { Ledger } from '../../core/ledger/ledger';
import type { UsageRecord } from '../../core/ledger/usageRecord';
import { HISTORY_VIEW_TYPE, parseFromWebview, type Budget, type FromWebview, type HistoryColumns, type LedgerNotes, type ToWebview } from '../../protocol/history';
import { DEFAULT_FILTER, type HistoryFilter } from '../../protocol/historyFilter';
import { Disposable } from '../lifecycle';
import { renderWebviewHtml, WEBVIEW_COMMAND_LINKS, webviewResourceRoots } from '../webview/webviewHtml';
import { HistoryModel } from '../../views/historyModel';
import type { ExportUsageOptions } from '../../views/exportOptions';

/** What the panel needs from the extension's services. */
export interface HistoryHost {
  readonly extensionUri: vscode.Uri;
  readonly log: vscode.LogOutputChannel;
  ledger(): Promise<Ledger>;
  budget(): Budget;
  readonly onDidChangeBudget: vscode.Event<unknown>;
  /** What the sums leave out of the ledger (unreadable, newer-schema and quarantined lines; a rebuilt index), shown in the view's summary. */
  ledgerNotes(): Promise<LedgerNotes>;
  /** The Compose thread a record belongs to, worded. */
  threadOf?(record: UsageRecord): Promise<{ readonly label: string } | undefined>;
}

export interface PanelStats {
  snapshots: number;
  appends: number;
  selections: number;
  rejected: number;
  lastRejection?: string;
  /** What the view last reported on screen. */
  rendered?: { generation: number; rows: number };
}

/** New rows are sent at most this often, so a burst of appends is one message. */
const APPEND_DELAY_MS = 200;

let generations = 0;

export class HistoryPanel extends Disposable {
  private static current: HistoryPanel | undefined;

  private model: HistoryModel | undefined;
  private columns: HistoryColumns | undefined;
  private loading: Promise<HistoryModel> | undefined;
  private filter: HistoryFilter = DEFAULT_FILTER;
  private pendingAppends: UsageRecord[] = [];
  private appendTimer: ReturnType<typeof setTimeout> | undefined;
  private ready = false;
  private subscribed = false;
  private readonly counters: PanelStats = { snapshots: 0, appends: 0, selections: 0, rejected: 0 };

  /** Opens the view, or brings the open one to the front. */
  static show(host: HistoryHost): HistoryPanel {
    if (HistoryPanel.current) {
      HistoryPanel.current.panel.reveal();
      return HistoryPanel.current;
    }
    const panel = vscode.window.createWebviewPanel(HISTORY_VIEW_TYPE, vscode.l10n.t('Credit Usage'), vscode.ViewColumn.Active, HistoryPanel.options(host));
    return new HistoryPanel(panel, host);
  }

  /** Adopts a panel VS Code restored after a reload (its view state comes back by itself). */
  static revive(panel: vscode.WebviewPanel, host: HistoryHost): HistoryPanel {
    // One history view: an already open one is closed rather than left without a listener.
    HistoryPanel.current?.panel.dispose();
    panel.webview.options = HistoryPanel.options(host);
    return new HistoryPanel(panel, host);
  }

  static get open(): HistoryPanel | undefined {
    return HistoryPanel.current;
  }

  private static options(host: HistoryHost): vscode.WebviewPanelOptions & vscode.WebviewOptions {
    return { enableScripts: true, enableCommandUris: WEBVIEW_COMMAND_LINKS, localResourceRoots: webviewResourceRoots(host.extensionUri), enableFindWidget: false };
  }

  private constructor(readonly panel: vscode.WebviewPanel, private readonly host: HistoryHost) {
    super();
    HistoryPanel.current = this;
    panel.iconPath = vscode.Uri.joinPath(host.extensionUri, 'media', 'credit-meter.svg');
    panel.webview.html = renderWebviewHtml(panel.webview, host.extensionUri, {
      title: vscode.l10n.t('Credit Usage'),
      script: 'history.js',
      styles: ['vendor/codicon.css', 'vendor/uPlot.min.css', 'webview.css', 'history.css'],
    });
    this._register(panel.onDidDispose(() => this.dispose()));
    this._register(panel.webview.onDidReceiveMessage((raw: unknown) => this.receive(raw)));
    this._register(host.onDidChangeBudget(() => this.post({ type: 'budget', budget: this.host.budget() })));
    // A view hidden and shown again is a new page: it says `ready` again and gets the cached snapshot.
    this._register(panel.onDidChangeViewState(() => {
      if (!panel.visible) {
        this.ready = false;
      }
    }));
    this._register({ dispose: () => clearTimeout(this.appendTimer) });
    this._register({ dispose: () => { if (HistoryPanel.current === this) { HistoryPanel.current = undefined; } } });
  }

  /** Every message from the view enters here: checked against the protocol, rejected and logged if it does not fit. */
  receive(raw: unknown): void {
    const parsed = parseFromWebview(raw);
    if (!parsed.ok) {
      this.counters.rejected += 1;
      this.counters.lastRejection = parsed.reason;
      this.host.log.warn(`History view: rejected a message (${parsed.reason})`);
      return;
    }
    this.handle(parsed.message).catch((error: unknown) => this.host.log.error(`History view: ${parsed.message.type} failed`, error));
  }

  /** What the panel has exchanged with its view (read by the integration tests and the log). */
  get stats(): Readonly<PanelStats> {
    return { ...this.counters };
  }

  private async handle(message: FromWebview): Promise<void> {
    switch (message.type) {
      case 'ready': {
        this.filter = message.filter;
        let model: HistoryModel;
        try {
          model = await this.load();
        } catch (error) {
          this.host.log.error('History view: the usage ledger could not be read', error);
          this.post({ type: 'selection', error: vscode.l10n.t('The usage ledger could not be read: {0}. See "Credit Meter: Show Log".', error instanceof Error ? error.message : String(error)) });
          return;
        }
        this.ready = true;
        this.post({
          type: 'snapshot',
          generation: model.generation,
          models: [...model.models],
          tasks: [...model.tasks],
          columns: this.columns as HistoryColumns,
          selection: await model.select(this.filter, Date.now()),
          budget: this.host.budget(),
          ledger: await this.host.ledgerNotes(),
        });
        return;
      }
      case 'query': {
        this.filter = message.filter;
        try {
          const model = await this.load();
          this.post({ type: 'selection', requestId: message.requestId, selection: await model.select(message.filter, Date.now()) });
        } catch (error) {
          this.post({ type: 'selection', requestId: message.requestId, error: vscode.l10n.t('The filter could not be applied: {0}', error instanceof Error ? error.message : String(error)) });
        }
        return;
      }
      case 'getRecord': {
        const model = await this.load();
        if (message.generation !== model.generation) {
          this.post({ type: 'record', requestId: message.requestId, error: vscode.l10n.t('The history was reloaded; select the row again.') });
          return;
        }
        const record = await model.record(message.index).catch((error: unknown) => {
          this.host.log.error('History view: a record could not be read', error);
          return undefined;
        });
        const thread = record ? await this.host.threadOf?.(record).catch((error: unknown) => {
          this.host.log.warn(`History view: the thread of a record could not be read: ${String(error)}`);
          return undefined;
        }) : undefined;
        this.post(record
          ? { type: 'record', requestId: message.requestId, record, ...(thread ? { thread } : {}), appliedBlocks: record.appliedBlocks }
          : { type: 'record', requestId: message.requestId, error: vscode.l10n.t('This record could not be read from the ledger.') });
        return;
      }
      case 'export': {
        const { range, since, until, models, kinds, statuses, search, task } = message.filter;
        const options: ExportUsageOptions = { range, ...(since ? { since } : {}), ...(until ? { until } : {}), models, kinds, statuses, search, ...(task ? { task } : {}) };
        await vscode.commands.executeCommand('creditMeter.exportUsage', options);
        return;
      }
      case 'rendered':
        this.counters.rendered = { generation: message.generation, rows: message.rows };
        return;
      case 'openBudgetSettings':
        await vscode.commands.executeCommand('workbench.action.openSettings', 'creditMeter.budget');
        return;
      default: {
        const unknown: never = message;
        this.host.log.warn(`History view: unhandled message ${JSON.stringify(unknown)}`);
      }
    }
  }

  /** Reads the ledger into a model once per panel; later calls reuse it. */
  private load(): Promise<HistoryModel> {
    this.loading ??= (async () => {
      const ledger = await this.host.ledger();
      // Subscribe before reading, so a record appended meanwhile is queued, not lost (duplicates are skipped).
      if (!this.subscribed) {
        this.subscribed = true;
        this._register(ledger.onDidAppend((record) => this.queueAppend(record)));
        // Records changed or left without an append (index rebuilt, segments deleted): the rows are stale.
        this._register(ledger.onDidReset(() => this.reload()));
      }
      // Pick up what other windows appended since this one opened the ledger.
      await ledger.refresh().catch((error: unknown) => this.host.log.warn(`History view: ledger refresh failed: ${String(error)}`));
      const started = Date.now();
      const { model, columns } = await HistoryModel.load(ledger, generations++);
      this.host.log.info(`History view: ${model.length} records loaded in ${Date.now() - started} ms`);
      this.model = model;
      this.columns = columns;
      if (this.pendingAppends.length > 0) {
        // Records that arrived while loading: a flush that ran before the model existed left them queued.
        this.queueAppend();
      }
      return model;
    })().catch((error: unknown) => {
      // Not cached: the next message tries again.
      this.loading = undefined;
      throw error;
    });
    return this.loading;
  }

  /** Forgets the loaded rows; a view on screen gets a fresh snapshot (a new generation). */
  private reload(): void {
    this.loading = undefined;
    this.model = undefined;
    this.columns = undefined;
    this.pendingAppends = [];
    if (this.ready) {
      this.handle({ type: 'ready', filter: this.filter }).catch((error: unknown) => this.host.log.error('History view: reload after a ledger change failed', error));
    }
  }

  private queueAppend(record?: UsageRecord): void {
    if (record) {
      this.pendingAppends.push(record);
    }
    this.appendTimer ??= setTimeout(() => {
      this.appendTimer = undefined;
      this.flushAppends().catch((error: unknown) => this.host.log.error('History view: new records could not be shown', error));
    }, APPEND_DELAY_MS);
  }

  private async flushAppends(): Promise<void> {
    const model = this.model;
    if (!model || !this.columns) {
      return;
    }
    const batch = model.append(this.pendingAppends.splice(0));
    if (!batch) {
      return;
    }
    for (const name of Object.keys(batch.columns) as (keyof HistoryColumns)[]) {
      (this.columns[name] as (number | null)[] | undefined)?.push(...(batch.columns[name] ?? []));
    }
    if (!this.ready) {
      return;
    }
    this.post({ type: 'append', generation: model.generation, startIndex: batch.startIndex, models: [...model.models], tasks: [...model.tasks], columns: batch.columns });
    this.post({ type: 'selection', selection: await model.select(this.filter, Date.now()) });
  }

  private post(message: ToWebview): void {
    if (message.type === 'snapshot') {
      this.counters.snapshots += 1;
    } else if (message.type === 'append') {
      this.counters.appends += 1;
    } else if (message.type === 'selection') {
      this.counters.selections += 1;
    }
    void this.panel.webview.postMessage(message);
  }
}

/** Brings a restored history panel back to life after a reload. */
export class HistorySerializer implements vscode.WebviewPanelSerializer {
  constructor(private readonly host: HistoryHost) {}

  async deserializeWebviewPanel(panel: vscode.WebviewPanel): Promise<void> {
    HistoryPanel.revive(panel, this.host);
  }
}
