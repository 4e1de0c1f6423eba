/**
 * The workspace's usage ledger, opened on first use. A failed open is not kept: the next use tries
 * again, and the user is told once (until an open succeeds). Listener failures are logged. `close()`
 * waits for the ledger to be closed (deactivation awaits it).
 */
import * as vscode from 'vscode';
import type { HistoryRecord } from '../core/estimate/outputModel';
import { Ledger, type LedgerScanReport } from '../core/ledger/ledger';
import { totalInput, type UsageRecord } from '../core/ledger/usageRecord';
import { RetryingOpen } from '../core/lifecycle';
import type { Budgets } from './budgets';
import { LedgerRefresher } from './ledgerRefresher';
import { Disposable } from './lifecycle';

const HISTORY_LIMIT = 2000;

export interface WorkspaceLedgerOptions {
  readonly dir: string;
  readonly log: vscode.LogOutputChannel;
  readonly budgets: Budgets;
}

export class WorkspaceLedger extends Disposable {
  private readonly handle: RetryingOpen<Ledger>;
  private history: HistoryRecord[] = [];

  constructor(private readonly options: WorkspaceLedgerOptions) {
    super();
    this.handle = new RetryingOpen({
      open: () => this.open(),
      onFailure: (error, first) => {
        const reason = error instanceof Error ? error.message : String(error);
        options.log.error(`The usage ledger in ${options.dir} could not be opened`, error);
        if (first) {
          void vscode.window.showErrorMessage(vscode.l10n.t('Credit Meter could not open its usage ledger ({0}). Requests are not recorded until it opens; it is tried again with the next one.', reason));
        }
      },
    });
    this._register({ dispose: () => { void this.close(); } });
  }

  /** The ledger, opened now if it is not yet (or the last open failed). */
  get(): Promise<Ledger> {
    return this.handle.get();
  }

  /** The ledger when it is open (for synchronous readers such as the status bar). */
  get current(): Ledger | undefined {
    return this.handle.current;
  }

  /** Recent successful requests, which the output-size model learns from. */
  get outputHistory(): readonly HistoryRecord[] {
    return this.history;
  }

  /** Closes the ledger once every write in progress has ended. */
  close(): Promise<void> {
    return this.handle.close((ledger) => ledger.close());
  }

  private async open(): Promise<Ledger> {
    const { log, dir } = this.options;
    const { ledger, report } = await Ledger.open(dir, {
      onListenerError: (error, event) => log.error(`A ledger ${event} listener failed`, error),
    });
    try {
      return await this.follow(ledger, report);
    } catch (error) {
      // Not half open: the next use opens it again from the start.
      await ledger.close().catch(() => undefined);
      throw error;
    }
  }

  private async follow(ledger: Ledger, report: LedgerScanReport): Promise<Ledger> {
    const { log, budgets, dir } = this.options;
    log.info(`Ledger ${dir}: ${report.records} records in ${report.segments} segment(s)`);
    if (report.rebuilt !== undefined) {
      log.warn(`Ledger index rebuilt from the segments: ${report.rebuilt}`);
    }
    if (report.damaged > 0 || report.newer > 0) {
      log.warn(`Ledger: ${report.damaged} unreadable line(s) left in place, ${report.newer} record(s) of a newer Credit Meter not counted`);
    }
    if (report.quarantined > 0) {
      log.warn(`Credit Meter moved ${report.quarantined} unreadable usage line(s) to ${report.quarantineFile}.`);
      void vscode.window.showWarningMessage(vscode.l10n.t('Credit Meter moved {0} unreadable usage line(s) to {1}.', report.quarantined, report.quarantineFile));
    }
    // Records changed or left without an append (index rebuilt, segments deleted): sums kept on append are recounted.
    this._register(ledger.onDidReset((reason) => {
      log.info(`Ledger index changed without an append: ${reason}`);
      void budgets.recount();
    }));
    const recent = await ledger.query({ statuses: ['ok'] }, { order: 'desc', limit: HISTORY_LIMIT });
    this.history = recent.reverse().map(historyEntry);
    this._register(ledger.onDidAppend((record) => {
      if (record.outcome.status === 'ok') {
        this.history.push(historyEntry(record));
        if (this.history.length > HISTORY_LIMIT * 2) {
          this.history = this.history.slice(-HISTORY_LIMIT);
        }
      }
    }));
    await budgets.attach(ledger);
    this._register(await LedgerRefresher.start(ledger, { log, onSegmentsDeleted: () => budgets.recount() }));
    return ledger;
  }
}

/** What the output-size model learns from a recorded request. */
function historyEntry(record: UsageRecord): HistoryRecord {
  return { model: record.modelRequested, kind: record.kind, outputTokens: record.tokens.output, inputTokens: totalInput(record.tokens) };
}
