/**
 * The per-endpoint cursor: which ledger records (and task spans) an OTLP endpoint has acknowledged.
 *
 * The ledger is the outbox; records from other windows and segments arrive out of time order (a
 * long request is appended after shorter ones that started later; another window's records come
 * in with a refresh), so a time watermark alone would skip some. The cursor is therefore a set of
 * acknowledged ids, in two tiers, compacted by a watermark:
 *
 * ```
 * <ledger>/telemetry/<endpoint key>/journal.bin  append-only, fsynced per batch: 16-byte id + 8-byte startedAt (ms)
 * <ledger>/telemetry/<endpoint key>/acked.bin    sorted 16-byte ids of acknowledged records that started before the watermark
 * <ledger>/telemetry/<endpoint key>/tasks.json   gateway tasks whose invoke_agent span is still to be sent
 * <ledger>/telemetry/<endpoint key>/endpoint.json  where these go (scheme, host, port, path: never a header or credential)
 * <ledger>/telemetry/<endpoint key>/lock          the process exporting to this endpoint now
 * ```
 * Compaction moves journal entries older than the watermark into the sorted file (binary search,
 * 16 bytes per record, nothing per record in memory). A record is acknowledged if and only if its id
 * is in either tier: the watermark only decides where an id is kept, never whether a record counts
 * as sent, so a late record with an old `startedAt` is still found unacknowledged and sent.
 *
 * Crash safety: an id is written after the endpoint acknowledged it. A crash between the two
 * resends the batch with the same span ids (the backend deduplicates); a torn journal tail is
 * ignored (those records are resent). Nothing is acknowledged that was not acknowledged.
 */
import { randomUUID } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { writeFileAtomic } from '../core/ledger';

const JOURNAL = 'journal.bin';
const SEALED = 'acked.bin';
const TASKS = 'tasks.json';
const ENDPOINT = 'endpoint.json';
const LOCK = 'lock';
const ENTRY = 24;
const MAGIC = Buffer.from('CMACKv1\n');
const HEADER = MAGIC.length + 8 + 4;
/** Compact when the journal holds this many entries. */
const COMPACT_AFTER = 4096;
/** Journal entries that started longer ago than this move to the sorted file on compaction. */
const WATERMARK_AGE_MS = 24 * 3600_000;

export const TELEMETRY_DIR = 'telemetry';

/** A record id (UUID) or a 32-hex key as the 32 lower-case hex digits the cursor stores. */
export function cursorKey(id: string): string {
  const hex = id.replace(/-/g, '').toLowerCase();
  if (!/^[0-9a-f]{32}$/.test(hex)) {
    throw new RangeError(`not a UUID or 128-bit hex key: ${id}`);
  }
  return hex;
}

export interface CursorEntry {
  readonly key: string;
  readonly startedMs: number;
}

export class ExportCursor {
  /** Keys in the journal (recent). */
  private readonly recent = new Map<string, number>();
  private sealed: Buffer = Buffer.alloc(0);
  private watermarkMs = -Infinity;
  private tasks = new Map<string, number>();
  private writing: Promise<unknown> = Promise.resolve();
  /** Journal size that triggers the next compaction (grows when most entries are too recent to move). */
  private compactAt = COMPACT_AFTER;

  private constructor(readonly dir: string) {}

  /** The cursor folder of `tracesUrl`'s endpoint key beside a ledger. */
  static dirFor(ledgerDir: string, endpointKey: string): string {
    return path.join(ledgerDir, TELEMETRY_DIR, endpointKey);
  }

  static async open(dir: string, endpoint?: string): Promise<ExportCursor> {
    await fsp.mkdir(dir, { recursive: true });
    const cursor = new ExportCursor(dir);
    await cursor.load();
    if (endpoint !== undefined) {
      await writeFileAtomic(path.join(dir, ENDPOINT), JSON.stringify({ endpoint }) + '\n');
    }
    return cursor;
  }

  /** Acknowledged ids (records and task span keys) in both tiers. */
  get size(): number {
    return this.recent.size + this.sealed.length / 16;
  }

  get watermark(): number {
    return this.watermarkMs;
  }

  has(id: string): boolean {
    const key = cursorKey(id);
    return this.recent.has(key) || this.sealedHas(Buffer.from(key, 'hex'));
  }

  /** Marks ids acknowledged: appended to the journal and fsynced before this resolves. */
  async acknowledge(entries: readonly CursorEntry[]): Promise<void> {
    const fresh = entries.map((entry) => ({ key: cursorKey(entry.key), startedMs: entry.startedMs })).filter((entry) => !this.recent.has(entry.key));
    if (fresh.length === 0) {
      return;
    }
    const buffer = Buffer.alloc(fresh.length * ENTRY);
    fresh.forEach((entry, i) => {
      buffer.write(entry.key, i * ENTRY, 'hex');
      buffer.writeDoubleLE(entry.startedMs, i * ENTRY + 16);
    });
    await this.serialized(async () => {
      const handle = await fsp.open(path.join(this.dir, JOURNAL), 'a');
      try {
        await handle.write(buffer);
        await handle.datasync();
      } finally {
        await handle.close();
      }
      for (const entry of fresh) {
        this.recent.set(entry.key, entry.startedMs);
      }
    });
    if (this.recent.size >= this.compactAt) {
      await this.compact(Date.now() - WATERMARK_AGE_MS);
    }
  }

  /** Gateway tasks whose `invoke_agent` span waits to be sent: turnId -> when its last known round finished (ms). */
  get pendingTasks(): ReadonlyMap<string, number> {
    return this.tasks;
  }

  async updatePendingTasks(change: (tasks: Map<string, number>) => void): Promise<void> {
    await this.serialized(async () => {
      const next = new Map(this.tasks);
      change(next);
      await writeFileAtomic(path.join(this.dir, TASKS), JSON.stringify(Object.fromEntries(next)) + '\n');
      this.tasks = next;
    });
  }

  /** Moves journal entries that started before `watermarkMs` into the sorted file. */
  async compact(watermarkMs: number): Promise<void> {
    await this.serialized(async () => {
      const moving: Buffer[] = [];
      const staying: Array<[string, number]> = [];
      for (const [key, startedMs] of this.recent) {
        if (startedMs < watermarkMs) {
          moving.push(Buffer.from(key, 'hex'));
        } else {
          staying.push([key, startedMs]);
        }
      }
      const watermark = Math.max(this.watermarkMs, watermarkMs);
      const ids: Buffer[] = [];
      for (let at = 0; at < this.sealed.length; at += 16) {
        ids.push(this.sealed.subarray(at, at + 16));
      }
      ids.push(...moving);
      ids.sort(Buffer.compare);
      const unique = ids.filter((id, i) => i === 0 || !id.equals(ids[i - 1]));
      const header = Buffer.alloc(HEADER);
      MAGIC.copy(header, 0);
      header.writeDoubleLE(watermark, MAGIC.length);
      header.writeUInt32LE(unique.length, MAGIC.length + 8);
      const sealed = Buffer.concat(unique);
      // The sorted file first: a crash before the journal is rewritten leaves ids in both tiers, never in none.
      await writeFileAtomic(path.join(this.dir, SEALED), Buffer.concat([header, sealed]));
      const journal = Buffer.alloc(staying.length * ENTRY);
      staying.forEach(([key, startedMs], i) => {
        journal.write(key, i * ENTRY, 'hex');
        journal.writeDoubleLE(startedMs, i * ENTRY + 16);
      });
      await writeFileAtomic(path.join(this.dir, JOURNAL), journal);
      this.sealed = sealed;
      this.watermarkMs = watermark;
      this.compactAt = Math.max(COMPACT_AFTER, staying.length * 2);
      this.recent.clear();
      for (const [key, startedMs] of staying) {
        this.recent.set(key, startedMs);
      }
    });
  }

  /** Waits for pending writes. */
  async close(): Promise<void> {
    await this.writing;
  }

  private serialized<T>(work: () => Promise<T>): Promise<T> {
    const next = this.writing.then(work);
    this.writing = next.catch(() => undefined);
    return next;
  }

  private sealedHas(id: Buffer): boolean {
    let low = 0;
    let high = this.sealed.length / 16 - 1;
    while (low <= high) {
      const middle = (low + high) >>> 1;
      const order = Buffer.compare(this.sealed.subarray(middle * 16, middle * 16 + 16), id);
      if (order === 0) {
        return true;
      }
      if (order < 0) {
        low = middle + 1;
      } else {
        high = middle - 1;
      }
    }
    return false;
  }

  private async load(): Promise<void> {
    const sealed = await fsp.readFile(path.join(this.dir, SEALED)).catch(() => undefined);
    if (sealed && sealed.length >= HEADER && sealed.subarray(0, MAGIC.length).equals(MAGIC)) {
      const count = sealed.readUInt32LE(MAGIC.length + 8);
      if (sealed.length === HEADER + count * 16) {
        this.watermarkMs = sealed.readDoubleLE(MAGIC.length);
        this.sealed = Buffer.from(sealed.subarray(HEADER));
      }
    }
    const journal = await fsp.readFile(path.join(this.dir, JOURNAL)).catch(() => Buffer.alloc(0));
    // A torn last entry (crash while appending) is ignored: its records are simply sent again.
    const whole = journal.length - (journal.length % ENTRY);
    for (let at = 0; at < whole; at += ENTRY) {
      this.recent.set(journal.toString('hex', at, at + 16), journal.readDoubleLE(at + 16));
    }
    const tasks = await fsp.readFile(path.join(this.dir, TASKS), 'utf8').catch(() => undefined);
    if (tasks !== undefined) {
      try {
        const parsed = JSON.parse(tasks) as Record<string, unknown>;
        for (const [turnId, finishedMs] of Object.entries(parsed)) {
          if (typeof finishedMs === 'number') {
            this.tasks.set(turnId, finishedMs);
          }
        }
      } catch {
        // A damaged task list only delays task spans: the next acknowledged round of a task lists it again.
      }
    }
  }
}

/**
 * One exporter per ledger and endpoint at a time (several windows share a ledger): an exclusive
 * lock file naming the owning process. A lock whose process has exited is taken over.
 */
export class ExportLock {
  private static readonly held = new Set<string>();

  private constructor(private readonly file: string, private readonly token: string) {}

  /** The lock, or undefined when a live process holds it. */
  static async acquire(dir: string): Promise<ExportLock | undefined> {
    await fsp.mkdir(dir, { recursive: true });
    const file = path.join(dir, LOCK);
    const token = randomUUID();
    const content = JSON.stringify({ pid: process.pid, host: os.hostname(), token, since: new Date().toISOString() }) + '\n';
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        await fsp.writeFile(file, content, { flag: 'wx' });
        ExportLock.held.add(path.resolve(file));
        return new ExportLock(file, token);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
          throw error;
        }
      }
      if (!(await ExportLock.isStale(file))) {
        return undefined;
      }
      await fsp.rm(file, { force: true });
    }
    return undefined;
  }

  private static async isStale(file: string): Promise<boolean> {
    let owner: { pid?: unknown; host?: unknown };
    try {
      owner = JSON.parse(await fsp.readFile(file, 'utf8')) as { pid?: unknown; host?: unknown };
    } catch {
      // Unreadable (torn while being written): stale only once it is old enough not to be mid-write.
      const stat = await fsp.stat(file).catch(() => undefined);
      return stat === undefined || Date.now() - stat.mtimeMs > 10_000;
    }
    if (typeof owner.pid !== 'number' || owner.host !== os.hostname()) {
      // Another machine's process (a shared folder) cannot be checked: respect it.
      return typeof owner.pid !== 'number';
    }
    if (owner.pid === process.pid) {
      return !ExportLock.held.has(path.resolve(file));
    }
    try {
      process.kill(owner.pid, 0);
      return false;
    } catch (error) {
      return (error as NodeJS.ErrnoException).code === 'ESRCH';
    }
  }

  async release(): Promise<void> {
    ExportLock.held.delete(path.resolve(this.file));
    try {
      const owner = JSON.parse(await fsp.readFile(this.file, 'utf8')) as { token?: unknown };
      if (owner.token === this.token) {
        await fsp.rm(this.file, { force: true });
      }
    } catch {
      // Already gone.
    }
  }
}
