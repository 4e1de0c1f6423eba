/**
 * Compose conversations of one workspace: one JSON file per thread in a `ThreadStorage`.
 *
 * The store keeps every thread in memory and rewrites a thread's file (atomically) after each change;
 * writes are serialised, so a file always holds the latest state once the returned promise resolves.
 * With `storeText` off the files hold only the metering (no prompt, answer or context text), while
 * the texts of this session stay in memory so follow-ups can still resend the history.
 *
 * Opening never fails because of one file: a file that cannot be read or validated is reported in
 * `report.corrupt` (with the reason, naming the field) and left on disk untouched; a file of a newer
 * format is reported in `report.newer` and never overwritten. Neither keeps the others from loading.
 */
import { randomUUID } from 'node:crypto';
import type { CacheState } from '../cache';
import { contentHash } from '../cache';
import type { RecordEstimate } from '../ledger';
import {
  InvalidThreadFileError,
  NewerThreadFormatError,
  THREAD_FORMAT_VERSION,
  type ThreadCharge,
  type ThreadContext,
  type ThreadFile,
  type ThreadTurn,
  type TurnStatus,
  parseThreadFile,
} from './threadFormat';
import { type ContextText, turnInHistory } from './threadRequest';
import type { ThreadStorage } from './threadStorage';

/** A thread as the store holds it: the file's shape, texts present when known. */
export type Thread = ThreadFile;

export const DEFAULT_THREAD_TITLE = 'New thread';
const TITLE_LENGTH = 60;
const FILE_SUFFIX = '.json';

export interface ThreadStoreOptions {
  /** Keep prompt, answer and context texts in the files (`creditMeter.storePrompts`). */
  readonly storeText: boolean;
  readonly now?: () => Date;
  readonly newId?: () => string;
}

export interface CorruptThreadFile {
  readonly file: string;
  readonly reason: string;
}

/** What opening the store found. Nothing here is fatal. */
export interface ThreadOpenReport {
  readonly threads: number;
  /** Files of an older format, migrated in memory (rewritten on their next change). */
  readonly migrated: number;
  /** Files that could not be read as threads: left on disk, listed here every time. */
  readonly corrupt: readonly CorruptThreadFile[];
  /** Files written by a newer Credit Meter: left untouched. */
  readonly newer: readonly string[];
}

/** A context attached to a new turn (its token count when the estimate has it). */
export interface ContextInput extends ContextText {
  readonly tokens?: number;
}

export interface NewTurn {
  readonly turnId: string;
  readonly startedAt: Date;
  readonly provider: string;
  readonly model: string;
  readonly prompt: string;
  readonly contexts: readonly ContextInput[];
  readonly estimate?: RecordEstimate | null;
  readonly recordIds?: readonly string[];
}

export interface TurnUpdate {
  readonly status?: TurnStatus;
  readonly answer?: string;
  /** Added to the turn's record ids (each once). */
  readonly recordIds?: readonly string[];
  readonly charge?: ThreadCharge | null;
  readonly estimate?: RecordEstimate | null;
}

export interface ThreadCost {
  /** Charged credits and USD of the turns that have a charge. */
  readonly credits: number;
  readonly usd: number;
  readonly chargedTurns: number;
  /** Turns without a known charge (pending, or a provider that reported none). */
  readonly unchargedTurns: number;
  /** Sum of the send-time expected estimates. */
  readonly estimatedCredits: number;
  /** Code blocks of the answers applied to the editor. */
  readonly appliedBlocks: number;
}

export interface ThreadSummary {
  readonly id: string;
  /** The user's title, or the first line of the first prompt while the title is automatic and the prompt is known. */
  readonly title: string;
  readonly autoTitle: boolean;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly turns: number;
  readonly cost: ThreadCost;
  /** False when earlier turns' texts were not kept, so a follow-up cannot resend them. */
  readonly historyAvailable: boolean;
}

export function threadCost(thread: Thread): ThreadCost {
  let credits = 0;
  let usd = 0;
  let chargedTurns = 0;
  let estimatedCredits = 0;
  let appliedBlocks = 0;
  for (const turn of thread.turns) {
    appliedBlocks += turn.appliedBlocks;
    if (turn.charge && (turn.charge.credits !== null || turn.charge.usd !== null)) {
      credits += turn.charge.credits ?? 0;
      usd += turn.charge.usd ?? 0;
      chargedTurns++;
    }
    estimatedCredits += turn.estimate?.expected ?? 0;
  }
  return { credits, usd, chargedTurns, unchargedTurns: thread.turns.length - chargedTurns, estimatedCredits, appliedBlocks };
}

/** True when every answered turn's prompt, answer and context texts are known, so a follow-up resends them all. */
export function historyAvailable(thread: Thread): boolean {
  return thread.turns.every((turn) => turnInHistory(turn) !== 'missing');
}

function displayTitle(thread: Thread): string {
  const first = thread.turns[0]?.prompt;
  if (!thread.autoTitle || !first) {
    return thread.title;
  }
  const line = first.trim().split(/\r?\n/, 1)[0].replace(/\s+/g, ' ');
  return line.length > TITLE_LENGTH ? `${line.slice(0, TITLE_LENGTH - 1)}…` : line || thread.title;
}

function withoutTexts(thread: Thread): Thread {
  return {
    ...thread,
    turns: thread.turns.map((turn) => ({
      ...turn,
      prompt: null,
      answer: null,
      contexts: turn.contexts.map((context) => ({ ...context, text: null })),
    })),
  };
}

function holdsText(thread: Thread): boolean {
  return thread.turns.some((turn) => turn.prompt !== null || turn.answer !== null || turn.contexts.some((context) => context.text !== null));
}

export class ThreadStore {
  private readonly threads = new Map<string, Thread>();
  /** Threads whose file holds texts (to scrub when texts stop being kept). */
  private readonly textOnDisk = new Set<string>();
  private writing: Promise<unknown> = Promise.resolve();
  private storeText: boolean;
  private readonly now: () => Date;
  private readonly newId: () => string;

  private constructor(private readonly storage: ThreadStorage, options: ThreadStoreOptions) {
    this.storeText = options.storeText;
    this.now = options.now ?? (() => new Date());
    this.newId = options.newId ?? randomUUID;
  }

  static async open(storage: ThreadStorage, options: ThreadStoreOptions): Promise<{ store: ThreadStore; report: ThreadOpenReport }> {
    const store = new ThreadStore(storage, options);
    const corrupt: CorruptThreadFile[] = [];
    const newer: string[] = [];
    let migrated = 0;
    const names = (await storage.list()).filter((name) => name.endsWith(FILE_SUFFIX) && !name.startsWith('.')).sort();
    for (const file of names) {
      try {
        const parsed = parseThreadFile(await storage.read(file));
        if (`${parsed.thread.id}${FILE_SUFFIX}` !== file) {
          throw new InvalidThreadFileError(`id: '${parsed.thread.id}' does not match the file name`);
        }
        store.threads.set(parsed.thread.id, parsed.thread);
        if (holdsText(parsed.thread)) {
          store.textOnDisk.add(parsed.thread.id);
        }
        migrated += parsed.migrated ? 1 : 0;
      } catch (error) {
        if (error instanceof NewerThreadFormatError) {
          newer.push(file);
        } else {
          const reason = error instanceof InvalidThreadFileError ? error.reason : `unreadable (${(error as Error).message})`;
          corrupt.push({ file, reason });
        }
      }
    }
    return { store, report: { threads: store.threads.size, migrated, corrupt, newer } };
  }

  /** Newest activity first. */
  list(): ThreadSummary[] {
    return [...this.threads.values()]
      .map((thread) => ({
        id: thread.id,
        title: displayTitle(thread),
        autoTitle: thread.autoTitle,
        createdAt: thread.createdAt,
        updatedAt: thread.updatedAt,
        turns: thread.turns.length,
        cost: threadCost(thread),
        historyAvailable: historyAvailable(thread),
      }))
      .sort((a, b) => b.updatedAt.localeCompare(a.updatedAt) || a.id.localeCompare(b.id));
  }

  get(id: string): Thread | undefined {
    return this.threads.get(id);
  }

  cost(id: string): ThreadCost {
    return threadCost(this.require(id));
  }

  async create(title?: string): Promise<Thread> {
    const at = this.now().toISOString();
    const given = title?.trim();
    const thread: Thread = {
      formatVersion: THREAD_FORMAT_VERSION,
      id: this.newId(),
      title: given ? given.slice(0, 200) : DEFAULT_THREAD_TITLE,
      autoTitle: !given,
      createdAt: at,
      updatedAt: at,
      turns: [],
      cache: null,
    };
    if (this.threads.has(thread.id)) {
      throw new Error(`thread id '${thread.id}' is already taken`);
    }
    return this.save(thread);
  }

  async rename(id: string, title: string): Promise<Thread> {
    const trimmed = title.trim();
    if (trimmed === '') {
      throw new RangeError('a thread title cannot be empty');
    }
    return this.save({ ...this.require(id), title: trimmed.slice(0, 200), autoTitle: false, updatedAt: this.now().toISOString() });
  }

  async delete(id: string): Promise<void> {
    this.require(id);
    this.threads.delete(id);
    this.textOnDisk.delete(id);
    await this.enqueue(() => this.storage.remove(`${id}${FILE_SUFFIX}`));
  }

  async appendTurn(id: string, turn: NewTurn): Promise<Thread> {
    const thread = this.require(id);
    if (thread.turns.some((existing) => existing.turnId === turn.turnId)) {
      throw new Error(`thread '${id}' already has turn '${turn.turnId}'`);
    }
    const contexts: ThreadContext[] = turn.contexts.map((context) => ({
      kind: context.kind,
      label: context.label,
      hash: contentHash(context.text),
      tokens: context.tokens ?? null,
      text: context.text,
    }));
    const added: ThreadTurn = {
      turnId: turn.turnId,
      recordIds: [...new Set(turn.recordIds ?? [])],
      startedAt: turn.startedAt.toISOString(),
      provider: turn.provider,
      model: turn.model,
      status: 'pending',
      prompt: turn.prompt,
      contexts,
      answer: null,
      estimate: turn.estimate ?? null,
      charge: null,
      appliedBlocks: 0,
    };
    return this.save({ ...thread, turns: [...thread.turns, added], updatedAt: this.now().toISOString() });
  }

  async updateTurn(id: string, turnId: string, update: TurnUpdate): Promise<Thread> {
    const thread = this.require(id);
    const index = thread.turns.findIndex((turn) => turn.turnId === turnId);
    if (index < 0) {
      throw new Error(`thread '${id}' has no turn '${turnId}'`);
    }
    const turn = thread.turns[index];
    const changed: ThreadTurn = {
      ...turn,
      ...(update.status !== undefined ? { status: update.status } : {}),
      ...(update.answer !== undefined ? { answer: update.answer } : {}),
      ...(update.recordIds ? { recordIds: [...new Set([...turn.recordIds, ...update.recordIds])] } : {}),
      ...(update.charge !== undefined ? { charge: update.charge } : {}),
      ...(update.estimate !== undefined ? { estimate: update.estimate } : {}),
    };
    const turns = [...thread.turns];
    turns[index] = changed;
    return this.save({ ...thread, turns, updatedAt: this.now().toISOString() });
  }

  /**
   * Counts `blocks` more code blocks of a turn's answer applied to the editor (a count, never the
   * text: kept with the metering, so also when texts are not kept).
   */
  async noteApplied(id: string, turnId: string, blocks = 1): Promise<Thread> {
    if (!Number.isInteger(blocks) || blocks < 1) {
      throw new RangeError(`blocks applied must be a whole number >= 1, got ${blocks}`);
    }
    const thread = this.require(id);
    const index = thread.turns.findIndex((turn) => turn.turnId === turnId);
    if (index < 0) {
      throw new Error(`thread '${id}' has no turn '${turnId}'`);
    }
    const turns = [...thread.turns];
    turns[index] = { ...turns[index], appliedBlocks: turns[index].appliedBlocks + blocks };
    return this.save({ ...thread, turns, updatedAt: this.now().toISOString() });
  }

  /** The thread and turn a ledger turn id belongs to (the history view's "Thread" line). */
  findTurn(turnId: string): { thread: Thread; turn: ThreadTurn } | undefined {
    for (const thread of this.threads.values()) {
      const turn = thread.turns.find((candidate) => candidate.turnId === turnId);
      if (turn) {
        return { thread, turn };
      }
    }
    return undefined;
  }

  /** Keeps the prompt-cache model's state with the thread (hashes and counts only). */
  async setCacheState(id: string, cache: CacheState | null): Promise<Thread> {
    const copy = cache
      ? { version: cache.version, entries: [...cache.entries], ...(cache.last ? { last: { ...cache.last, keys: [...cache.last.keys] } } : {}) }
      : null;
    return this.save({ ...this.require(id), cache: copy });
  }

  /**
   * Follows `creditMeter.storePrompts`. Turning it off rewrites every file that still holds texts
   * without them (the texts of this session stay in memory).
   */
  async setStoreText(storeText: boolean): Promise<void> {
    this.storeText = storeText;
    if (!storeText) {
      await Promise.all([...this.textOnDisk].map((id) => this.persist(id)));
    }
  }

  /** Resolves when every change made so far is on disk. */
  async flush(): Promise<void> {
    await this.writing.catch(() => undefined);
  }

  private require(id: string): Thread {
    const thread = this.threads.get(id);
    if (!thread) {
      throw new Error(`no thread '${id}'`);
    }
    return thread;
  }

  private async save(thread: Thread): Promise<Thread> {
    this.threads.set(thread.id, thread);
    await this.persist(thread.id);
    return thread;
  }

  /** Writes the thread's current state (whatever it is when its turn in the queue comes). */
  private persist(id: string): Promise<void> {
    return this.enqueue(async () => {
      const thread = this.threads.get(id);
      if (!thread) {
        return; // deleted meanwhile
      }
      const onDisk = this.storeText ? thread : withoutTexts(thread);
      await this.storage.write(`${id}${FILE_SUFFIX}`, JSON.stringify(onDisk, null, 1) + '\n');
      if (this.storeText && holdsText(thread)) {
        this.textOnDisk.add(id);
      } else {
        this.textOnDisk.delete(id);
      }
    });
  }

  private enqueue(action: () => Promise<void>): Promise<void> {
    const run = this.writing.catch(() => undefined).then(action);
    this.writing = run;
    return run;
  }
}
