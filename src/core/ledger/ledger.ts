/**
 * The usage ledger of one workspace: a folder of append-only JSON Lines segments.
 *
 * ```
 * <dir>/segments/<start>-<pid>-<writer>.jsonl   one per writer process, append-only, fsynced per append
 * <dir>/quarantine.jsonl                        lines that could not be read, with reason and origin
 * <dir>/index.json                              cache of the in-memory index (safe to delete)
 * ```
 * Readers merge every segment and keep the first record of each `id`, so a replayed record bills
 * once. Sums and filters run on an in-memory index of compact summaries that `append` and `refresh`
 * update incrementally (per-segment byte offsets), so the live view never rereads the folder; full
 * records (prompt, contexts, tools) are read back from disk by byte offset when asked for.
 *
 * Keep it out of VS Code's Memento (`workspaceState` / `globalState`): those rewrite the whole
 * object on every update. The extension passes `storageUri` (or `globalStorageUri`) here.
 */
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { aggregateRecords, type AggregateOptions, type AggregateRow, type Accuracy, type GroupBy, type Totals, totalsOf } from './aggregate';
import { compileFilter, type CompiledFilter, type LedgerFilter } from './ledgerFilter';
import { readSnapshot, SNAPSHOT_FILE, type SnapshotSegment, writeSnapshot } from './ledgerSnapshot';
import { InvalidRecordError, migrateRecord, NewerSchemaError, parseRecord } from './migrateRecord';
import { appendToQuarantine, type QuarantinedLine, writeFileAtomic } from './quarantine';
import { readLinesAt } from './readLinesAt';
import { type RecordSummary, summarize } from './recordSummary';
import { isSegmentName, isSegmentWriterAlive, QUARANTINE_FILE, SEGMENTS_DIR } from './segmentFiles';
import { readSegmentLines, type SegmentLine } from './segmentReader';
import { SegmentWriter } from './segmentWriter';
import { SCHEMA_VERSION, type UsageRecord } from './usageRecord';

export interface LedgerOpenOptions {
  /** Names this writer's segments (e.g. `window-3`); a random id when absent. */
  readonly writerId?: string;
}

/** What reading the folder found. Nothing here is fatal. */
export interface LedgerScanReport {
  /** Unique records now in the index. */
  readonly records: number;
  /** Lines whose `id` was already indexed (replays): kept on disk, counted once. */
  readonly duplicates: number;
  /** Records of an older `schemaVersion`, migrated in memory. */
  readonly migrated: number;
  /** Records written by a newer Credit Meter: left in place, not counted. */
  readonly newer: number;
  /** Lines moved to the quarantine file by this scan. */
  readonly quarantined: number;
  /** Unreadable lines in segments whose writer is still running: moved once it has exited. */
  readonly pending: number;
  readonly quarantineFile: string;
  /** Segment files in the folder. */
  readonly segments: number;
}

export interface QueryOptions {
  /** `asc` (oldest first, the default) or `desc`. */
  readonly order?: 'asc' | 'desc';
  readonly offset?: number;
  readonly limit?: number;
}

export interface Disposable {
  dispose(): void;
}

type AppendListener = (record: UsageRecord) => void;

interface SegmentState {
  readonly name: string;
  ino: number;
  /** Bytes read (always the end of a complete line). */
  offset: number;
  lineNo: number;
  duplicates: number;
  migrated: number;
  newer: number;
  /** Unreadable lines left in place because the writer is alive: keep it out of the snapshot. */
  pending: number;
}

interface Entry {
  readonly summary: RecordSummary;
  segment: SegmentState;
  byteOffset: number;
  byteLength: number;
}

interface ScanCounts {
  quarantined: number;
  segments: number;
  parsed: number;
  added: UsageRecord[];
}

/** Full records are read back in batches of this many, to bound memory while streaming. */
const READ_BATCH = 2000;
/** Write the snapshot after an open that had to parse at least this many lines. */
const SNAPSHOT_AFTER = 1000;

export class Ledger {
  private readonly entries: Entry[] = [];
  private readonly byId = new Map<string, Entry>();
  private readonly inFlight = new Set<string>();
  private sorted = true;
  private readonly segments = new Map<string, SegmentState>();
  private readonly listeners = new Set<AppendListener>();
  private readonly writer: SegmentWriter;
  private scanning: Promise<unknown> = Promise.resolve();
  private changedSinceSnapshot = 0;

  private constructor(readonly dir: string, options: LedgerOpenOptions) {
    this.writer = new SegmentWriter(path.join(dir, SEGMENTS_DIR), options.writerId);
  }

  /** Opens (creating if needed) the ledger in `dir`, reading and repairing every segment. */
  static async open(dir: string, options: LedgerOpenOptions = {}): Promise<{ ledger: Ledger; report: LedgerScanReport }> {
    const ledger = new Ledger(path.resolve(dir), options);
    await fsp.mkdir(path.join(ledger.dir, SEGMENTS_DIR), { recursive: true });
    await ledger.loadSnapshot();
    const { report, parsed } = await ledger.scanSerialized();
    if (parsed >= SNAPSHOT_AFTER) {
      await ledger.saveSnapshot();
    }
    return { ledger, report };
  }

  get quarantineFile(): string {
    return path.join(this.dir, QUARANTINE_FILE);
  }

  /** This writer's segment (created on the first append; a new one after a failed write). */
  get segmentPath(): string {
    return this.writer.path;
  }

  /** Unique records in the index. */
  get size(): number {
    return this.entries.length;
  }

  /**
   * Validates, writes and fsyncs one record, then indexes it and tells listeners. Rejects on an
   * invalid record (naming the field) or a failed write; a rejected record is not in the index.
   * A record whose `id` is already in the ledger is not written again.
   */
  async append(record: UsageRecord): Promise<void> {
    const valid = parseRecord(record);
    if (this.byId.has(valid.id) || this.inFlight.has(valid.id)) {
      return;
    }
    this.inFlight.add(valid.id);
    try {
      const where = await this.writer.append(JSON.stringify(valid) + '\n');
      const name = path.basename(where.file);
      let segment = this.segments.get(name);
      if (!segment) {
        segment = { name, ino: 0, offset: 0, lineNo: 0, duplicates: 0, migrated: 0, newer: 0, pending: 0 };
        this.segments.set(name, segment);
      }
      segment.offset = Math.max(segment.offset, where.byteOffset + where.byteLength + 1);
      segment.lineNo += 1;
      this.index(summarize(valid), segment, where.byteOffset, where.byteLength);
    } finally {
      this.inFlight.delete(valid.id);
    }
    this.emit([valid]);
  }

  /** Summaries (what sums and lists need) of the matching records, oldest first. */
  summaries(filter: LedgerFilter = {}): Promise<RecordSummary[]> {
    return this.matching(compileFilter(filter)).then((entries) => entries.map((entry) => entry.summary));
  }

  /** Full records, read back from disk, ordered by `startedAt`. */
  async query(filter: LedgerFilter = {}, options: QueryOptions = {}): Promise<UsageRecord[]> {
    const out: UsageRecord[] = [];
    const skip = options.offset ?? 0;
    const limit = options.limit ?? Infinity;
    let seen = 0;
    for await (const record of this.records(filter, { order: options.order })) {
      if (seen++ < skip) {
        continue;
      }
      if (out.length >= limit) {
        break;
      }
      out.push(record);
    }
    return out;
  }

  /** Streams the matching full records (for export), reading a batch at a time. */
  async *records(filter: LedgerFilter = {}, options: Pick<QueryOptions, 'order'> = {}): AsyncGenerator<UsageRecord> {
    const compiled = compileFilter(filter);
    const entries = this.entriesMatchingSummary(compiled);
    if (options.order === 'desc') {
      entries.reverse();
    }
    for (let start = 0; start < entries.length; start += READ_BATCH) {
      for (const record of await this.readFull(entries.slice(start, start + READ_BATCH))) {
        if (compiled.matchesText(record)) {
          yield record;
        }
      }
    }
  }

  async get(id: string): Promise<UsageRecord | undefined> {
    const entry = this.byId.get(id);
    return entry ? (await this.readFull([entry]))[0] : undefined;
  }

  async aggregate(filter: LedgerFilter, by: GroupBy, options: AggregateOptions = {}): Promise<AggregateRow[]> {
    return aggregateRecords(await this.summaries(filter), by, options);
  }

  async totals(filter: LedgerFilter = {}): Promise<Totals> {
    return totalsOf(await this.summaries(filter));
  }

  async accuracy(filter: LedgerFilter = {}): Promise<Accuracy> {
    return (await this.totals(filter)).accuracy;
  }

  /** Called with every record that enters the index, by `append` or by `refresh`. */
  onDidAppend(listener: AppendListener): Disposable {
    this.listeners.add(listener);
    return { dispose: () => { this.listeners.delete(listener); } };
  }

  /** Reads what other writers appended since the last scan (only the new bytes of each segment). */
  async refresh(): Promise<LedgerScanReport> {
    return (await this.scanSerialized()).report;
  }

  /** Stops writing, and saves the index snapshot so the next open is fast. */
  async close(): Promise<void> {
    await this.writer.close();
    this.listeners.clear();
    await this.scanning;
    if (this.changedSinceSnapshot > 0) {
      await this.saveSnapshot().catch(() => undefined);
    }
  }

  private async matching(compiled: CompiledFilter): Promise<Entry[]> {
    const entries = this.entriesMatchingSummary(compiled);
    if (compiled.text === undefined) {
      return entries;
    }
    const out: Entry[] = [];
    for (let start = 0; start < entries.length; start += READ_BATCH) {
      const batch = entries.slice(start, start + READ_BATCH);
      const records = await this.readFull(batch);
      records.forEach((record, i) => {
        if (compiled.matchesText(record)) {
          out.push(batch[i]);
        }
      });
    }
    return out;
  }

  private entriesMatchingSummary(compiled: CompiledFilter): Entry[] {
    if (!this.sorted) {
      this.entries.sort((a, b) => a.summary.startedMs - b.summary.startedMs);
      this.sorted = true;
    }
    return this.entries.filter((entry) => compiled.matchesSummary(entry.summary));
  }

  /** Reads the records of `entries` back from their segments, in the same order. */
  private async readFull(entries: readonly Entry[], retried = false): Promise<UsageRecord[]> {
    const bySegment = new Map<string, Array<{ at: number; entry: Entry }>>();
    entries.forEach((entry, at) => {
      const list = bySegment.get(entry.segment.name) ?? [];
      list.push({ at, entry });
      bySegment.set(entry.segment.name, list);
    });
    const out = new Array<UsageRecord>(entries.length);
    try {
      for (const [name, list] of bySegment) {
        const texts = await readLinesAt(path.join(this.dir, SEGMENTS_DIR, name), list.map(({ entry }) => ({ byteOffset: entry.byteOffset, byteLength: entry.byteLength })));
        list.forEach(({ at, entry }, i) => {
          const record = decodeLine(texts[i]);
          if (record?.id !== entry.summary.id) {
            throw new StaleIndexError();
          }
          out[at] = record;
        });
      }
    } catch (error) {
      // A segment rewritten by a repair in another window moves lines: rescan once, then read again.
      if (retried || !(error instanceof StaleIndexError || (error as NodeJS.ErrnoException).code === 'ENOENT')) {
        throw error;
      }
      await this.refresh();
      return this.readFull(entries.map((entry) => this.byId.get(entry.summary.id) ?? entry), true);
    }
    return out;
  }

  /** Adds a record unless its id is known; false for a duplicate. */
  private index(summary: RecordSummary, segment: SegmentState, byteOffset: number, byteLength: number): boolean {
    const known = this.byId.get(summary.id);
    if (known) {
      if (known.segment.name === segment.name) {
        // The same line, re-read after its segment was rewritten: only its position moved.
        known.segment = segment;
        known.byteOffset = byteOffset;
        known.byteLength = byteLength;
      }
      return false;
    }
    const last = this.entries[this.entries.length - 1];
    if (last && summary.startedMs < last.summary.startedMs) {
      this.sorted = false;
    }
    const entry: Entry = { summary, segment, byteOffset, byteLength };
    this.byId.set(summary.id, entry);
    this.entries.push(entry);
    this.changedSinceSnapshot += 1;
    return true;
  }

  private emit(records: readonly UsageRecord[]): void {
    for (const listener of [...this.listeners]) {
      for (const record of records) {
        try {
          listener(record);
        } catch {
          // A failing view must not undo a durable append; the view reports its own errors.
        }
      }
    }
  }

  private async loadSnapshot(): Promise<void> {
    const segmentsDir = path.join(this.dir, SEGMENTS_DIR);
    for (const cached of await readSnapshot(path.join(this.dir, SNAPSHOT_FILE))) {
      const stat = await fsp.lstat(path.join(segmentsDir, cached.name)).catch(() => undefined);
      if (!stat?.isFile() || stat.ino !== cached.ino || stat.size < cached.size) {
        continue;
      }
      const segment: SegmentState = {
        name: cached.name, ino: cached.ino, offset: cached.size, lineNo: cached.lineNo,
        duplicates: cached.duplicates, migrated: cached.migrated, newer: cached.newer, pending: 0,
      };
      this.segments.set(cached.name, segment);
      for (const entry of cached.entries) {
        this.index(entry.summary, segment, entry.byteOffset, entry.byteLength);
      }
    }
    this.changedSinceSnapshot = 0;
  }

  private async saveSnapshot(): Promise<void> {
    const bySegment = new Map<SegmentState, SnapshotSegment['entries']>();
    for (const entry of this.entries) {
      if (entry.segment.pending > 0) {
        continue;
      }
      const list = bySegment.get(entry.segment) ?? [];
      list.push({ summary: entry.summary, byteOffset: entry.byteOffset, byteLength: entry.byteLength });
      bySegment.set(entry.segment, list);
    }
    const segments: SnapshotSegment[] = [];
    for (const segment of [...this.segments.values()].sort((a, b) => a.name.localeCompare(b.name))) {
      if (segment.pending > 0) {
        continue;
      }
      const stat = await fsp.lstat(path.join(this.dir, SEGMENTS_DIR, segment.name)).catch(() => undefined);
      if (!stat?.isFile()) {
        continue;
      }
      segments.push({ ...segment, ino: stat.ino, size: segment.offset, entries: bySegment.get(segment) ?? [] });
    }
    await writeSnapshot(path.join(this.dir, SNAPSHOT_FILE), segments);
    this.changedSinceSnapshot = 0;
  }

  private scanSerialized(): Promise<{ report: LedgerScanReport; parsed: number }> {
    const next = this.scanning.then(() => this.scan());
    this.scanning = next.catch(() => undefined);
    return next;
  }

  private async scan(): Promise<{ report: LedgerScanReport; parsed: number }> {
    const segmentsDir = path.join(this.dir, SEGMENTS_DIR);
    const counts: ScanCounts = { quarantined: 0, segments: 0, parsed: 0, added: [] };
    let names: string[];
    try {
      names = (await fsp.readdir(segmentsDir)).filter(isSegmentName).sort();
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
        throw error;
      }
      names = [];
    }
    const own = path.basename(this.writer.path);
    for (const name of names) {
      if (name === own) {
        counts.segments += 1;
        continue;
      }
      await this.scanSegment(segmentsDir, name, counts);
    }
    this.emit(counts.added);
    let duplicates = 0;
    let migrated = 0;
    let newer = 0;
    let pending = 0;
    for (const segment of this.segments.values()) {
      duplicates += segment.duplicates;
      migrated += segment.migrated;
      newer += segment.newer;
      pending += segment.pending;
    }
    const report: LedgerScanReport = {
      records: this.entries.length, duplicates, migrated, newer, pending,
      quarantined: counts.quarantined, quarantineFile: this.quarantineFile, segments: counts.segments,
    };
    return { report, parsed: counts.parsed };
  }

  private async scanSegment(segmentsDir: string, name: string, counts: ScanCounts): Promise<void> {
    const file = path.join(segmentsDir, name);
    const stat = await fsp.lstat(file).catch(() => undefined);
    if (!stat?.isFile()) {
      return;
    }
    counts.segments += 1;
    let segment = this.segments.get(name);
    if (segment && segment.ino === stat.ino && stat.size === segment.offset && segment.pending === 0) {
      return;
    }
    if (!segment || segment.ino !== stat.ino || stat.size < segment.offset) {
      // New, or rewritten by a repair elsewhere: read it whole; known ids only get their new position.
      segment = { name, ino: stat.ino, offset: 0, lineNo: 0, duplicates: 0, migrated: 0, newer: 0, pending: 0 };
      this.segments.set(name, segment);
    }
    const chunk = await readSegmentLines(file, segment.offset, segment.lineNo);
    const bad: Array<{ line: SegmentLine; reason: string }> = [];
    for (const line of chunk.lines) {
      counts.parsed += 1;
      const reason = this.ingestLine(line, segment, counts);
      if (reason !== undefined) {
        bad.push({ line, reason });
      }
    }
    const writerAlive = isSegmentWriterAlive(file);
    if (chunk.tail && !writerAlive) {
      bad.push({ line: chunk.tail, reason: 'torn line (no newline at end of segment)' });
    }
    segment.ino = chunk.ino;
    segment.offset = chunk.endOffset;
    segment.lineNo = chunk.endLineNo;
    if (bad.length === 0) {
      return;
    }
    if (writerAlive) {
      segment.pending += bad.length;
      return;
    }
    await this.quarantineLines(file, name, bad);
    counts.quarantined += bad.length;
    // Positions moved: read the rewritten segment again (known ids just get their new offsets).
    const pendingBefore = segment.pending;
    this.segments.delete(name);
    await this.scanSegment(segmentsDir, name, counts);
    counts.segments -= 1;
    const rescanned = this.segments.get(name);
    if (rescanned) {
      rescanned.pending = Math.max(0, pendingBefore - bad.length);
    }
  }

  /** Indexes one line; returns why it is unreadable, or undefined. */
  private ingestLine(line: SegmentLine, segment: SegmentState, counts: ScanCounts): string | undefined {
    let raw: unknown;
    try {
      raw = JSON.parse(line.text);
    } catch (error) {
      return `invalid JSON: ${(error as Error).message}`;
    }
    let record: UsageRecord;
    try {
      record = migrateRecord(raw);
    } catch (error) {
      if (error instanceof NewerSchemaError) {
        segment.newer += 1;
        return undefined;
      }
      if (error instanceof InvalidRecordError) {
        return error.reason;
      }
      throw error;
    }
    if ((raw as { schemaVersion: number }).schemaVersion !== SCHEMA_VERSION) {
      segment.migrated += 1;
    }
    if (this.index(summarize(record), segment, line.byteOffset, Buffer.byteLength(line.text, 'utf8'))) {
      counts.added.push(record);
    } else if (this.byId.get(record.id)?.segment !== segment) {
      segment.duplicates += 1;
    }
    return undefined;
  }

  /** Moves the bad lines to the quarantine file, then rewrites the segment without them. */
  private async quarantineLines(file: string, name: string, bad: ReadonlyArray<{ line: SegmentLine; reason: string }>): Promise<void> {
    const now = new Date().toISOString();
    const entries: QuarantinedLine[] = bad.map(({ line, reason }) => ({
      quarantinedAt: now, segment: name, line: line.lineNo, byteOffset: line.byteOffset, reason, text: line.text,
    }));
    await appendToQuarantine(this.quarantineFile, entries);
    const original = await fsp.readFile(file);
    const kept: Buffer[] = [];
    let position = 0;
    for (const { line } of [...bad].sort((a, b) => a.line.byteOffset - b.line.byteOffset)) {
      kept.push(original.subarray(position, line.byteOffset));
      // Skip the line and its newline (a torn tail has none).
      position = Math.min(original.length, line.byteOffset + Buffer.byteLength(line.text, 'utf8') + 1);
    }
    kept.push(original.subarray(position));
    await writeFileAtomic(file, Buffer.concat(kept));
  }
}

class StaleIndexError extends Error {
  constructor() {
    super('the ledger changed on disk while reading');
    this.name = 'StaleIndexError';
  }
}

/** A line that was valid when indexed: current-version lines need no second validation. */
function decodeLine(text: string): UsageRecord | undefined {
  try {
    const raw = JSON.parse(text) as { schemaVersion?: unknown };
    return raw.schemaVersion === SCHEMA_VERSION ? (raw as UsageRecord) : migrateRecord(raw);
  } catch {
    return undefined;
  }
}
