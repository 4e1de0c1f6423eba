/**
 * The usage ledger of one workspace: a folder of append-only JSON Lines segments.
 *
 * ```
 * <dir>/segments/<start>-<pid>-<writer>.jsonl   one per writer process, append-only, fsynced per append
 * <dir>/quarantine.jsonl                        lines that could not be read, with reason and origin
 * <dir>/index.bin                               cache of the in-memory index (safe to delete)
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
import { readSnapshot, SNAPSHOT_FILE, type SnapshotSegmentMeta, writeSnapshot } from './ledgerSnapshot';
import { isCurrentRecord } from './isCurrentRecord';
import { InvalidRecordError, migrateRecord, NewerSchemaError, parseRecord } from './migrateRecord';
import { appendToQuarantine, type QuarantinedLine, writeFileAtomic } from './quarantine';
import { readLinesAt } from './readLinesAt';
import { redactSecrets } from './redactSecrets';
import { type RecordSummary, summarize } from './recordSummary';
import { isSegmentName, isSegmentWriterAlive, QUARANTINE_FILE, SEGMENTS_DIR } from './segmentFiles';
import { readSegmentLines, type SegmentLine } from './segmentReader';
import { SegmentWriter } from './segmentWriter';
import { Col, RowView, SummaryTable } from './summaryTable';
import { SCHEMA_VERSION, type UsageRecord } from './usageRecord';

export interface LedgerOpenOptions {
  /** Names this writer's segments (e.g. `window-3`); a random id when absent. */
  readonly writerId?: string;
  /**
   * Create the segments folder now (default true). Readers such as a report pass false, so looking
   * at a folder that holds no ledger leaves it untouched; the first append creates it anyway.
   */
  readonly create?: boolean;
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

export interface LedgerSelection {
  readonly rowCount: number;
  readonly totals: Totals;
  /** The selected full records, oldest first, read from disk a batch at a time. */
  records(): AsyncGenerator<UsageRecord>;
}

export interface Disposable {
  dispose(): void;
}

type AppendListener = (record: UsageRecord) => void;

interface SegmentState {
  readonly index: number;
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

interface ScanCounts {
  quarantined: number;
  segments: number;
  parsed: number;
  added: UsageRecord[];
}

/** Full records are read back in batches of this many, to bound memory while streaming. */
const READ_BATCH = 500;
/** Write the snapshot after an open that had to parse at least this many lines. */
const SNAPSHOT_AFTER = 1000;

export class Ledger {
  private readonly table = new SummaryTable();
  /** Rows by `startedAt` (sorted lazily: appends usually arrive in order). */
  private order: number[] = [];
  private sorted = true;
  private readonly inFlight = new Set<string>();
  private readonly segments: SegmentState[] = [];
  private readonly segmentByName = new Map<string, SegmentState>();
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
    if (options.create ?? true) {
      await fsp.mkdir(path.join(ledger.dir, SEGMENTS_DIR), { recursive: true });
    }
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
    return this.table.length;
  }

  /**
   * Validates, writes and fsyncs one record, then indexes it and tells listeners. Rejects on an
   * invalid record (naming the field) or a failed write; a rejected record is not in the index.
   * A record whose `id` is already in the ledger is not written again. The error message goes
   * through `redactSecrets` once more, so no caller can put a key on disk.
   */
  async append(record: UsageRecord): Promise<void> {
    const valid = withRedactedError(parseRecord(record));
    if (this.table.has(valid.id) || this.inFlight.has(valid.id)) {
      return;
    }
    this.inFlight.add(valid.id);
    try {
      const where = await this.writer.append(JSON.stringify(valid) + '\n');
      const segment = this.segmentState(path.basename(where.file));
      segment.offset = Math.max(segment.offset, where.byteOffset + where.byteLength + 1);
      segment.lineNo += 1;
      this.index(summarize(valid), segment, where.byteOffset, where.byteLength);
    } finally {
      this.inFlight.delete(valid.id);
    }
    this.emit([valid]);
  }

  /** Summaries (what sums and lists need) of the matching records, oldest first. */
  async summaries(filter: LedgerFilter = {}): Promise<RecordSummary[]> {
    return (await this.matching(compileFilter(filter))).map((row) => this.table.summary(row));
  }

  /** Full records, read back from disk, ordered by `startedAt`. */
  async query(filter: LedgerFilter = {}, options: QueryOptions = {}): Promise<UsageRecord[]> {
    const out: UsageRecord[] = [];
    const skip = options.offset ?? 0;
    const limit = options.limit ?? Infinity;
    let seen = 0;
    for await (const record of this.records(filter, { order: options.order })) {
      if (out.length >= limit) {
        break;
      }
      if (seen++ >= skip) {
        out.push(record);
      }
    }
    return out;
  }

  /** Streams the matching full records (for export), reading a batch at a time. */
  async *records(filter: LedgerFilter = {}, options: Pick<QueryOptions, 'order'> = {}): AsyncGenerator<UsageRecord> {
    const compiled = compileFilter(filter);
    const rows = this.rowsMatchingSummary(compiled);
    if (options.order === 'desc') {
      rows.reverse();
    }
    for (let start = 0; start < rows.length; start += READ_BATCH) {
      for (const record of await this.readFull(rows.slice(start, start + READ_BATCH))) {
        if (compiled.matchesText(record)) {
          yield record;
        }
      }
    }
  }

  /**
   * One consistent selection for an export: the row count and totals of exactly the records the
   * stream will yield (taken from the same index state), so an export's header matches its rows.
   */
  async select(filter: LedgerFilter = {}): Promise<LedgerSelection> {
    const rows = await this.matching(compileFilter(filter));
    const totals = totalsOf(this.views(rows));
    const read = (batch: number[]) => this.readFull(batch);
    return {
      rowCount: rows.length,
      totals,
      async *records() {
        for (let start = 0; start < rows.length; start += READ_BATCH) {
          yield* await read(rows.slice(start, start + READ_BATCH));
        }
      },
    };
  }

  async get(id: string): Promise<UsageRecord | undefined> {
    const row = this.table.rowOf(id);
    return row === undefined ? undefined : (await this.readFull([row]))[0];
  }

  async aggregate(filter: LedgerFilter, by: GroupBy, options: AggregateOptions = {}): Promise<AggregateRow[]> {
    return aggregateRecords(this.views(await this.matching(compileFilter(filter))), by, options);
  }

  async totals(filter: LedgerFilter = {}): Promise<Totals> {
    return totalsOf(this.views(await this.matching(compileFilter(filter))));
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

  /** One moving view over the rows: consumers must not keep it between iterations. */
  private *views(rows: readonly number[]): Generator<RecordSummary> {
    const view = new RowView(this.table);
    for (const row of rows) {
      view.row = row;
      yield view;
    }
  }

  private async matching(compiled: CompiledFilter): Promise<number[]> {
    const rows = this.rowsMatchingSummary(compiled);
    if (compiled.text === undefined) {
      return rows;
    }
    const out: number[] = [];
    for (let start = 0; start < rows.length; start += READ_BATCH) {
      const batch = rows.slice(start, start + READ_BATCH);
      const records = await this.readFull(batch);
      records.forEach((record, i) => {
        if (compiled.matchesText(record)) {
          out.push(batch[i]);
        }
      });
    }
    return out;
  }

  private rowsMatchingSummary(compiled: CompiledFilter): number[] {
    if (!this.sorted) {
      const data = this.table;
      this.order.sort((a, b) => data.get(a, Col.startedMs) - data.get(b, Col.startedMs) || a - b);
      this.sorted = true;
    }
    const view = new RowView(this.table);
    const out: number[] = [];
    for (const row of this.order) {
      view.row = row;
      if (compiled.matchesSummary(view)) {
        out.push(row);
      }
    }
    return out;
  }

  /** Reads the records of `rows` back from their segments, in the same order. */
  private async readFull(rows: readonly number[], retried = false): Promise<UsageRecord[]> {
    const bySegment = new Map<number, Array<{ at: number; row: number }>>();
    rows.forEach((row, at) => {
      const segment = this.table.get(row, Col.segment);
      const list = bySegment.get(segment) ?? [];
      list.push({ at, row });
      bySegment.set(segment, list);
    });
    const out = new Array<UsageRecord>(rows.length);
    try {
      for (const [segment, list] of bySegment) {
        const spans = list.map(({ row }) => ({ byteOffset: this.table.get(row, Col.byteOffset), byteLength: this.table.get(row, Col.byteLength) }));
        const texts = await readLinesAt(path.join(this.dir, SEGMENTS_DIR, this.segments[segment].name), spans);
        list.forEach(({ at, row }, i) => {
          const record = decodeLine(texts[i]);
          if (record?.id !== this.table.ids[row]) {
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
      return this.readFull(rows, true);
    }
    return out;
  }

  private segmentState(name: string): SegmentState {
    let segment = this.segmentByName.get(name);
    if (!segment) {
      segment = { index: this.segments.length, name, ino: 0, offset: 0, lineNo: 0, duplicates: 0, migrated: 0, newer: 0, pending: 0 };
      this.segments.push(segment);
      this.segmentByName.set(name, segment);
    }
    return segment;
  }

  /** Adds a record unless its id is known; false for a duplicate. */
  private index(summary: RecordSummary, segment: SegmentState, byteOffset: number, byteLength: number): boolean {
    const known = this.table.rowOf(summary.id);
    if (known !== undefined) {
      if (this.table.get(known, Col.segment) === segment.index) {
        // The same line, re-read after its segment was rewritten: only its position moved.
        this.table.set(known, Col.byteOffset, byteOffset);
        this.table.set(known, Col.byteLength, byteLength);
      }
      return false;
    }
    const row = this.table.push(summary, segment.index, byteOffset, byteLength);
    this.noteRow(row);
    return true;
  }

  private noteRow(row: number): void {
    const last = this.order[this.order.length - 1];
    if (last !== undefined && this.table.get(row, Col.startedMs) < this.table.get(last, Col.startedMs)) {
      this.sorted = false;
    }
    this.order.push(row);
    this.changedSinceSnapshot += 1;
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
    const snapshot = await readSnapshot(path.join(this.dir, SNAPSHOT_FILE));
    if (!snapshot) {
      return;
    }
    this.table.adoptStrings(snapshot.strings);
    const segmentsDir = path.join(this.dir, SEGMENTS_DIR);
    for (const cached of snapshot.segments) {
      const stat = await fsp.lstat(path.join(segmentsDir, cached.name)).catch(() => undefined);
      if (!stat?.isFile() || stat.ino !== cached.ino || stat.size < cached.size) {
        continue;
      }
      const segment = this.segmentState(cached.name);
      Object.assign(segment, { ino: cached.ino, offset: cached.size, lineNo: cached.lineNo, duplicates: cached.duplicates, migrated: cached.migrated, newer: cached.newer });
      const before = this.table.length;
      this.table.pushRows(cached.data, cached.ids, cached.turnIds, segment.index);
      for (let row = before; row < this.table.length; row++) {
        this.noteRow(row);
      }
    }
    this.changedSinceSnapshot = 0;
  }

  private async saveSnapshot(): Promise<void> {
    const rowsBySegment = this.segments.map((): number[] => []);
    for (let row = 0; row < this.table.length; row++) {
      rowsBySegment[this.table.get(row, Col.segment)].push(row);
    }
    const segments: Array<SnapshotSegmentMeta & { rows: number[] }> = [];
    for (const segment of [...this.segments].sort((a, b) => a.name.localeCompare(b.name))) {
      if (segment.pending > 0) {
        continue;
      }
      const stat = await fsp.lstat(path.join(this.dir, SEGMENTS_DIR, segment.name)).catch(() => undefined);
      if (!stat?.isFile()) {
        continue;
      }
      const { name, lineNo, duplicates, migrated, newer } = segment;
      segments.push({ name, ino: stat.ino, size: segment.offset, lineNo, duplicates, migrated, newer, rows: rowsBySegment[segment.index] });
    }
    await writeSnapshot(path.join(this.dir, SNAPSHOT_FILE), this.table, segments);
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
    this.forgetVanishedSegments(new Set(names), own);
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
    for (const segment of this.segments) {
      duplicates += segment.duplicates;
      migrated += segment.migrated;
      newer += segment.newer;
      pending += segment.pending;
    }
    const report: LedgerScanReport = {
      records: this.table.length, duplicates, migrated, newer, pending,
      quarantined: counts.quarantined, quarantineFile: this.quarantineFile, segments: counts.segments,
    };
    return { report, parsed: counts.parsed };
  }

  /** Records of segment files that were deleted (e.g. history cleared elsewhere) leave the index. */
  private forgetVanishedSegments(present: ReadonlySet<string>, own: string): void {
    const gone = new Set<number>();
    for (const segment of this.segments) {
      if (!present.has(segment.name) && segment.name !== own && (segment.offset > 0 || segment.ino !== 0)) {
        gone.add(segment.index);
        Object.assign(segment, { ino: 0, offset: 0, lineNo: 0, duplicates: 0, migrated: 0, newer: 0, pending: 0 });
      }
    }
    if (gone.size === 0) {
      return;
    }
    const moved = this.table.retain((row) => !gone.has(this.table.get(row, Col.segment)));
    this.order = this.order.map((row) => moved[row]).filter((row) => row !== -1);
    this.changedSinceSnapshot += 1;
    // A record the vanished segment held first may live on as a duplicate elsewhere: read those again.
    for (const segment of this.segments) {
      if (segment.duplicates > 0) {
        segment.ino = -1;
      }
    }
  }

  private async scanSegment(segmentsDir: string, name: string, counts: ScanCounts, mayRepair = true): Promise<void> {
    const file = path.join(segmentsDir, name);
    const stat = await fsp.lstat(file).catch(() => undefined);
    if (!stat?.isFile()) {
      return;
    }
    counts.segments += 1;
    const segment = this.segmentState(name);
    if (segment.ino === stat.ino && stat.size === segment.offset && segment.pending === 0) {
      return;
    }
    if (segment.ino !== stat.ino || stat.size < segment.offset) {
      // New, or rewritten by a repair elsewhere: read it whole; known ids only get their new position.
      Object.assign(segment, { ino: stat.ino, offset: 0, lineNo: 0, duplicates: 0, migrated: 0, newer: 0, pending: 0 });
    }
    const bad: Array<{ line: SegmentLine; reason: string }> = [];
    const chunk = await readSegmentLines(file, segment.offset, segment.lineNo, async (lines) => {
      for (const line of lines) {
        counts.parsed += 1;
        const reason = this.ingestLine(line, segment, counts);
        if (reason !== undefined) {
          bad.push({ line, reason });
        }
      }
      // A long backlog must not freeze the extension host: let other work run between chunks.
      await new Promise((resolve) => setImmediate(resolve));
    });
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
    if (writerAlive || !mayRepair) {
      segment.pending += bad.length;
      return;
    }
    if (await this.quarantineLines(file, name, chunk.ino, bad)) {
      counts.quarantined += bad.length;
    }
    // Positions moved (by us or by a repair elsewhere): read the segment again, once; known ids
    // just get their new offsets.
    segment.ino = -1;
    await this.scanSegment(segmentsDir, name, counts, false);
    counts.segments -= 1;
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
      // The structural check accepts only what zod would return unchanged; zod names the field otherwise.
      record = isCurrentRecord(raw) ? raw : migrateRecord(raw);
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
    if (this.index(summarize(record), segment, line.byteOffset, line.byteLength)) {
      if (this.listeners.size > 0) {
        // Kept only for listeners: a cold open of a large ledger must not hold every full record.
        counts.added.push(record);
      }
    } else if (this.table.get(this.table.rowOf(record.id)!, Col.segment) !== segment.index) {
      segment.duplicates += 1;
    }
    return undefined;
  }

  /**
   * Moves the bad lines to the quarantine file, then rewrites the segment without them. Returns
   * false (and changes nothing) when the segment is no longer the file that was read, e.g. another
   * window repaired it first: cutting byte ranges out of a different file would lose good lines.
   */
  private async quarantineLines(file: string, name: string, ino: number, bad: ReadonlyArray<{ line: SegmentLine; reason: string }>): Promise<boolean> {
    const handle = await fsp.open(file, 'r');
    let original: Buffer;
    try {
      if ((await handle.stat()).ino !== ino) {
        return false;
      }
      original = await handle.readFile();
    } finally {
      await handle.close();
    }
    const ranges = [...bad].sort((a, b) => a.line.byteOffset - b.line.byteOffset).map(({ line }) => ({ start: line.byteOffset, length: line.byteLength, text: line.text }));
    if (ranges.some(({ start, length, text }) => original.toString('utf8', start, start + length) !== text)) {
      return false;
    }
    const now = new Date().toISOString();
    await appendToQuarantine(this.quarantineFile, bad.map(({ line, reason }): QuarantinedLine => ({
      quarantinedAt: now, segment: name, line: line.lineNo, byteOffset: line.byteOffset, reason, text: line.text,
    })));
    const kept: Buffer[] = [];
    let position = 0;
    for (const { start, length } of ranges) {
      kept.push(original.subarray(position, start));
      // Skip the line and its newline (a torn tail has none).
      position = Math.min(original.length, start + length + 1);
    }
    kept.push(original.subarray(position));
    await writeFileAtomic(file, Buffer.concat(kept));
    return true;
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

function withRedactedError(record: UsageRecord): UsageRecord {
  const message = record.outcome.errorMessage;
  const redacted = message === undefined ? undefined : redactSecrets(message);
  return redacted === message ? record : { ...record, outcome: { ...record.outcome, errorMessage: redacted } };
}
