/**
 * Brings in what other windows of this workspace append to the ledger: a file watcher on the segments
 * folder and the window regaining focus both schedule a `refresh()`, debounced, one at a time. What
 * the refresh finds reaches the budgets, the status bar and the history view through the ledger's
 * `onDidAppend`, like this window's own appends.
 */
import * as fsp from 'node:fs/promises';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Ledger } from '../core/ledger/ledger';
import { SEGMENTS_DIR } from '../core/ledger/segmentFiles';
import { Disposable } from './lifecycle';

/** Another window's append burst (a retried turn, several rounds) becomes one refresh. */
export const REFRESH_DEBOUNCE_MS = 200;

export interface LedgerRefresherOptions {
  readonly log: vscode.LogOutputChannel;
  /** Called after a refresh caused by a deleted segment: its records left the index without an event. */
  readonly onSegmentsDeleted: () => Promise<unknown>;
}

export class LedgerRefresher extends Disposable {
  private timer: ReturnType<typeof setTimeout> | undefined;
  private inFlight = false;
  private pending = false;
  private deleted = false;

  /** Watches `<ledger>/segments`, creating it first: a watcher on a missing folder never sees its first file. */
  static async start(ledger: Ledger, options: LedgerRefresherOptions): Promise<LedgerRefresher> {
    const folder = path.join(ledger.dir, SEGMENTS_DIR);
    await fsp.mkdir(folder, { recursive: true }).catch((error: unknown) => {
      options.log.warn(`Other windows' usage shows on focus only: ${error instanceof Error ? error.message : String(error)}`);
    });
    return new LedgerRefresher(ledger, vscode.Uri.file(folder), options);
  }

  private constructor(private readonly ledger: Ledger, folder: vscode.Uri, private readonly options: LedgerRefresherOptions) {
    super();
    const watcher = this._register(vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(folder, '*.jsonl')));
    this._register(watcher.onDidCreate(() => this.schedule()));
    this._register(watcher.onDidChange(() => this.schedule()));
    this._register(watcher.onDidDelete(() => { this.deleted = true; this.schedule(); }));
    // Watchers can miss events (network folders, a suspended machine): coming back to the window catches up.
    this._register(vscode.window.onDidChangeWindowState((state) => { if (state.focused) { this.schedule(); } }));
    this._register({ dispose: () => { if (this.timer !== undefined) { clearTimeout(this.timer); } } });
  }

  private schedule(): void {
    if (this.isDisposed) {
      return;
    }
    if (this.timer !== undefined) {
      clearTimeout(this.timer);
    }
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.refresh();
    }, REFRESH_DEBOUNCE_MS);
  }

  private async refresh(): Promise<void> {
    if (this.inFlight) {
      this.pending = true;
      return;
    }
    this.inFlight = true;
    const deleted = this.deleted;
    this.deleted = false;
    try {
      await this.ledger.refresh();
      if (deleted) {
        await this.options.onSegmentsDeleted();
      }
    } catch (error) {
      this.options.log.warn(`Ledger refresh failed: ${error instanceof Error ? error.message : String(error)}`);
    } finally {
      this.inFlight = false;
      if (this.pending) {
        this.pending = false;
        this.schedule();
      }
    }
  }
}
