/**
 * The Compose conversations of this workspace: the core's `ThreadStore` over a folder in the
 * workspace's storage (`<storage>/threads`, beside the ledger), the thread Compose continues, and a
 * change event every surface (the Compose view, the status bar, the history view) listens to.
 * Follows `creditMeter.storePrompts`: with it off the files keep only the metering.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { CacheState } from '../../core/cache';
import {
  type NewTurn,
  type Thread,
  ThreadStore,
  type ThreadSummary,
  type TurnUpdate,
  folderThreadStorage,
} from '../../core/threads';
import type { Config } from '../config';
import { Disposable } from '../lifecycle';
import { threadText } from '../../views/composeText';

const ACTIVE_KEY = 'creditMeter.compose.activeThread';

export interface ComposeThreadsOptions {
  /** Where the workspace keeps Credit Meter's files (the ledger's parent). */
  readonly storageDir: string;
  readonly workspaceState: vscode.Memento;
  readonly config: Config;
  readonly log: vscode.LogOutputChannel;
}

export class ComposeThreads extends Disposable {
  private opened: ThreadStore | undefined;
  private opening: Promise<ThreadStore> | undefined;
  private readonly changed = this._register(new vscode.EventEmitter<void>());
  /** Fires after any change to a thread, the list, or which thread is active. */
  readonly onDidChange = this.changed.event;
  readonly dir: string;

  constructor(private readonly options: ComposeThreadsOptions) {
    super();
    this.dir = path.join(options.storageDir, 'threads');
    this._register(options.config.onDidChange((settings) => {
      void this.opened?.setStoreText(settings.storePrompts).then(() => this.changed.fire(), (error: unknown) => options.log.error('Threads could not be rewritten without their texts', error));
    }));
  }

  /** Opens the store on first use; reports files it could not read (they stay on disk untouched). */
  store(): Promise<ThreadStore> {
    this.opening ??= this.open();
    return this.opening;
  }

  /** The store when it is open already (for synchronous readers: the status bar, the estimate). */
  get storeIfOpen(): ThreadStore | undefined {
    return this.opened;
  }

  /** The thread Compose continues; undefined when the next message starts a new one. */
  get activeId(): string | undefined {
    const id = this.options.workspaceState.get<string>(ACTIVE_KEY);
    return id !== undefined && this.opened?.get(id) ? id : undefined;
  }

  get active(): Thread | undefined {
    const id = this.activeId;
    return id === undefined ? undefined : this.opened?.get(id);
  }

  list(): ThreadSummary[] {
    return this.opened?.list() ?? [];
  }

  get(id: string): Thread | undefined {
    return this.opened?.get(id);
  }

  /** The thread and turn of a ledger turn id. */
  findTurn(turnId: string): ReturnType<ThreadStore['findTurn']> {
    return this.opened?.findTurn(turnId);
  }

  /** Makes `id` the thread Compose continues (undefined: the next message starts a new thread). */
  async activate(id: string | undefined): Promise<void> {
    await this.options.workspaceState.update(ACTIVE_KEY, id);
    this.changed.fire();
  }

  /** A new, empty thread, made active. */
  async create(title?: string): Promise<Thread> {
    const thread = await (await this.store()).create(title);
    await this.activate(thread.id);
    return thread;
  }

  async rename(id: string, title: string): Promise<void> {
    await (await this.store()).rename(id, title);
    this.changed.fire();
  }

  /** Deletes a thread; when it was active, the next message starts a new thread. */
  async delete(id: string): Promise<void> {
    await (await this.store()).delete(id);
    if (this.options.workspaceState.get<string>(ACTIVE_KEY) === id) {
      await this.options.workspaceState.update(ACTIVE_KEY, undefined);
    }
    this.changed.fire();
  }

  async appendTurn(id: string, turn: NewTurn): Promise<void> {
    await (await this.store()).appendTurn(id, turn);
    this.changed.fire();
  }

  async updateTurn(id: string, turnId: string, update: TurnUpdate): Promise<void> {
    await (await this.store()).updateTurn(id, turnId, update);
    this.changed.fire();
  }

  async setCacheState(id: string, state: CacheState): Promise<void> {
    await (await this.store()).setCacheState(id, state);
    this.changed.fire();
  }

  async noteApplied(id: string, turnId: string): Promise<void> {
    await (await this.store()).noteApplied(id, turnId);
    this.changed.fire();
  }

  private async open(): Promise<ThreadStore> {
    const { store, report } = await ThreadStore.open(folderThreadStorage(this.dir), { storeText: this.options.config.settings.storePrompts });
    this.opened = store;
    this.options.log.info(`Threads ${this.dir}: ${report.threads} thread(s)${report.migrated > 0 ? `, ${report.migrated} from an older format` : ''}`);
    const unreadable = [
      ...report.corrupt.map((file) => `${file.file}: ${file.reason}`),
      ...report.newer.map((file) => `${file}: ${threadText.newerFormat}`),
    ];
    if (unreadable.length > 0) {
      for (const line of unreadable) {
        this.options.log.warn(`Thread file left as it is: ${line}`);
      }
      void vscode.window.showWarningMessage(threadText.unreadableFiles(unreadable.length, this.dir), threadText.showLog).then((picked) => {
        if (picked) {
          this.options.log.show();
        }
      });
    }
    this.changed.fire();
    return store;
  }
}
