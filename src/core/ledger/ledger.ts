/**
 * The usage ledger of one workspace: a folder of append-only JSON Lines segments.
 *
 * ```
 * <dir>/segments/<start>-<pid>-<writer>.jsonl   one per writer process, append-only, fsynced per append
 * <dir>/quarantine.jsonl                        lines that could not be read, with reason and origin
 * <dir>/index.bin                               cache of the in-memory index (safe to delete)
 * ```
 * Readers merge every segment and keep the first record of each `id`, so a replayed record bills
 * once. Notes (turnNote.ts: a code block of an answer applied) are lines of the same segments that
 * add to a record without changing it; the index folds them per record, the sums never see them.
 * Sums and filters run on an in-memory index of compact summaries that `append` and `refresh`
 * update incrementally (per-segment byte offsets), so the live view never rereads the folder; full
 * records (prompt, contexts, tools) are read back from disk by byte offset when asked for.
 *
 * Totals never rest on a cache alone: the snapshot carries a checksum and is held against the
 * segments it describes, a segment changed in place (see segmentFingerprint.ts) rebuilds the index,
 * and every record read back from disk must equal its row in the index (else the index is rebuilt
 * and the read tried again). A reader (`repair: false`) needs no write access: it skips unreadable
 * lines and reports them; only a writer moves them to the quarantine file.
 *
 * Keep it out of VS Code's Memento (`workspaceState` / `globalState`): those rewrite the whole
 * object on every update. The extension passes `storageUri` (or `globalStorageUri`) here.
 */
import { randomUUID } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { aggregateRecords, type AggregateOptions, type AggregateRow, type Accuracy, type GroupBy, type Totals, totalsOf } from './aggregate';
import { compileFilter, type CompiledFilter, type LedgerFilter } from './ledgerFilter';
import { readSnapshot, SNAPSHOT_FILE, type SnapshotNote, type SnapshotSegment, type SnapshotSegmentMeta, writeSnapshot } from './ledgerSnapshot';
import { isCurrentRecord } from './isCurrentRecord';
import { InvalidRecordError, migrateRecord, NewerSchemaError, parseRecord } from './migrateRecord';
import { appendToQuarantine, type QuarantinedLine, writeFileAtomic } from './quarantine';
import { readLinesAt } from './readLinesAt';
import { NoteIndex } from './noteIndex';
import { redactRecord, schemaRedactor } from './redactRecord';
import { type RecordSummary, summarize } from './recordSummary';
import { isSegmentName, isSegmentWriterAlive, QUARANTINE_FILE, SEGMENTS_DIR } from './segmentFiles';
import { checkSegment, fingerprint, type SegmentFingerprint } from './segmentFingerprint';
import { readSegmentLines, type SegmentLine } from './segmentReader';
import { SegmentWriter } from './segmentWriter';
import { Col, RowView, rowMatches, STRIDE, SummaryTable } from './summaryTable';
import { appliedBlocksOf, isNoteLine, NOTE_SCHEMA_VERSION, parseNote, TURN_NOTE, TurnNote } from './turnNote';
import { SCHEMA_VERSION, type UsageRecord } from './usageRecord';

/**
 * A record as the ledger reads it back: the line as stored, plus what its notes add up to.
 * `appliedBlocks`: code blocks of its answer applied to the editor (distinct blocks noted); 0 for a
 * Compose request with none; null where nothing can be known (a request through the gateway).
 */
export type LedgerRecord = UsageRecord & { readonly appliedBlocks: number | null };

/** What `noteApplied` needs: the turn, the block, and the record when the caller knows it. */
export interface AppliedBlock {
  readonly turnId: string;
  /** 0-based index of the code block in the answer. */
  readonly appliedBlock: number;
  /** The record that holds the answer; by default the turn's last `ok` attempt in the index. */
  readonly recordId?: string;
}

export interface LedgerOpenOptions {
  /** Names this writer's segments (e.g. `window-3`); a random id when absent. */
  readonly writerId?: string;
  /**
   * Create the segments folder now (default true). Readers such as a report pass false, so looking
   * at a folder that holds no ledger leaves it untouched; the first append creates it anyway.
   */
  readonly create?: boolean;
  /**
   * Move unreadable lines to the quarantine file and rewrite their segment (default true: the
   * extension, which writes). Readers such as the CLI pass false: they skip those lines and count
   * them in `damaged`, and need no write access (the index snapshot is still saved when it can be).
   */
  readonly repair?: boolean;
  /**
   * Told when an `onDidAppend` or `onDidReset` listener throws (the append itself stands: it is on
   * disk). The extension logs it; `console.error` when absent, so it is never silent.
   */
  readonly onListenerError?: (error: unknown, event: 'append' | 'reset') => void;
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
  /** Notes in the index (code blocks applied): folded into their records, never part of the sums. */
  readonly notes: number;
  /** Lines moved to the quarantine file by this scan. */
  readonly quarantined: number;
  /**
   * Unreadable lines skipped and left in place, not counted: found by a reader (`repair: false`),
   * in a segment whose writer is still running (moved once it has exited), or in a folder this
   * process may not write.
   */
  readonly damaged: number;
  readonly quarantineFile: string;
  /** Segment files in the folder. */
  readonly segments: number;
  /** Why this open or scan rebuilt the index from the segments (a damaged snapshot, a segment changed in place). */
  readonly rebuilt?: string;
}

/** Lines the sums leave out, for a report, an export header or the history view. */
export interface LedgerHealth {
  /** Lines in the quarantine file (moved there by a writer). */
  readonly quarantined: number;
  /** Unreadable lines skipped in place (see `LedgerScanReport.damaged`). */
  readonly damaged: number;
  /** Records written by a newer Credit Meter, left in place and not counted. */
  readonly newer: number;
  /** Why the index was last rebuilt from the segments, if it was. */
  readonly rebuilt?: string;
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
  /**
   * The selected full records, oldest first, read from disk a batch at a time. Rejects with
   * `LedgerChangedError` when the bytes on disk no longer match the selection (the index has then
   * been rebuilt: selecting again reads the new state).
   */
  records(): AsyncGenerator<LedgerRecord>;
}

export interface Disposable {
  dispose(): void;
}

/**
 * The ledger on disk changed under a read in a way only a rebuilt index could follow (a segment
 * edited in place, records dropped). The index has been rebuilt by the time this is thrown, so the
 * same operation run again sees the new state.
 */
export class LedgerChangedError extends Error {
  constructor(readonly reason: string) {
    super(`the ledger changed on disk while reading (${reason}); its index was rebuilt, so reading again sees the new state`);
    this.name = 'LedgerChangedError';
  }
}

type AppendListener = (record: UsageRecord) => void;
type ResetListener = (reason: string) => void;

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
  /** Unreadable lines read and left in place (the offset has moved past them). */
  damaged: number;
  /** 1 while the segment ends in a torn line of a writer that has exited, left in place. */
  tornTail: number;
  /** The indexed range as read, to notice an edit in place; undefined until read (then it is read whole). */
  fingerprint: SegmentFingerprint | undefined;
}

interface ScanCounts {
  quarantined: number;
  segments: number;
  parsed: number;
  added: UsageRecord[];
}

/** What a whole read of a known segment found again: rows and notes not seen have left it. */
interface Seen {
  readonly rows: Set<number>;
  readonly notes: Set<string>;
}

interface ScanOptions {
  /** Read this writer's own segment too (a rebuild). */
  readonly includeOwn?: boolean;
  /** Ids indexed before a rebuild: not announced to listeners again. */
  readonly known?: ReadonlySet<string>;
  /** Why the index is being rebuilt. */
  readonly rebuilt?: string;
}

/** A segment's bytes under the index changed in place: only a rebuild can follow. */
class SegmentEditedError extends Error {
  constructor(readonly segment: string) {
    super(`segment ${segment} was changed in place`);
    this.name = 'SegmentEditedError';
  }
}

/** Full records are read back in batches of this many, to bound memory while streaming. */
const READ_BATCH = 500;
/** Write the snapshot after an open that had to parse at least this many lines. */
const SNAPSHOT_AFTER = 1000;
/** Lines of each cached segment read back and compared with the snapshot's rows on open. */
const SPOT_CHECKS = 4;
/** Every free-text field of a note through the same redaction as a record's. */
const redactNote = schemaRedactor(TurnNote);

export class Ledger {
  private table = new SummaryTable();
  private notes = new NoteIndex();
  /** `recordId#block` of notes being written. */
  private readonly notesInFlight = new Set<string>();
  /** Rows by `startedAt` (sorted lazily: appends usually arrive in order). */
  private order: number[] = [];
  private sorted = true;
  private readonly inFlight = new Set<string>();
  private segments: SegmentState[] = [];
  private readonly segmentByName = new Map<string, SegmentState>();
  private readonly listeners = new Set<AppendListener>();
  private readonly resetListeners = new Set<ResetListener>();
  private readonly writer: SegmentWriter;
  private readonly repair: boolean;
  private readonly listenerError: (error: unknown, event: 'append' | 'reset') => void;
  private scanning: Promise<unknown> = Promise.resolve();
  private changedSinceSnapshot = 0;
  /** Bumped whenever row numbers stop meaning what they meant (rebuild, rows dropped). */
  private generation = 0;
  /** Why the snapshot was not used, until the first scan reports it. */
  private snapshotProblem: string | undefined;
  private lastRebuild: string | undefined;

  private constructor(readonly dir: string, options: LedgerOpenOptions) {
    this.writer = new SegmentWriter(path.join(dir, SEGMENTS_DIR), options.writerId);
    this.repair = options.repair ?? true;
    this.listenerError = options.onListenerError ?? ((error, event) => console.error(`Credit Meter: a ledger ${event} listener failed`, error));
  }

  /** Opens (creating if needed) the ledger in `dir`, reading (and, unless `repair: false`, repairing) every segment. */
  static async open(dir: string, options: LedgerOpenOptions = {}): Promise<{ ledger: Ledger; report: LedgerScanReport }> {
    const ledger = new Ledger(path.resolve(dir), options);
    if (options.create ?? true) {
      await fsp.mkdir(path.join(ledger.dir, SEGMENTS_DIR), { recursive: true });
    }
    await ledger.loadSnapshot();
    const { report, parsed } = await ledger.serialized(() => ledger.scan());
    if (parsed >= SNAPSHOT_AFTER || report.rebuilt !== undefined) {
      // Only a cache: a folder this process may not write just opens slower next time.
      await ledger.saveSnapshot().catch(() => undefined);
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
   * Validates, redacts, writes and fsyncs one record, then indexes it and tells listeners. Rejects
   * on an invalid record (naming the field) or a failed write; a rejected record is not in the
   * index. A record whose `id` is already in the ledger is not written again. Every free-text field
   * goes through `redactSecrets` (see redactRecord.ts), so no caller can put a key on disk.
   */
  async append(record: UsageRecord): Promise<void> {
    const valid = redacted(parseRecord(record));
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

  /**
   * Notes that code block `appliedBlock` of a request's answer was applied to the editor: one note
   * line (turnNote.ts: the block's index, never its text), validated, redacted, written and
   * fsynced to this writer's segment and indexed before it resolves, like `append`. The answer is
   * the turn's last `ok` attempt unless `recordId` names it. A block already noted for the record
   * writes nothing and resolves undefined (the fold counts distinct blocks). Rejects when the turn
   * has no answered request in the ledger, or on a failed write (then nothing is indexed).
   */
  async noteApplied(applied: AppliedBlock, at: Date = new Date()): Promise<TurnNote | undefined> {
    const { turnId } = redactNote({ turnId: applied.turnId }) as { turnId: string };
    let recordId = applied.recordId;
    if (recordId === undefined) {
      let row = this.answerRow(turnId);
      if (row === undefined) {
        // Recorded by another window since the last scan?
        await this.refresh();
        row = this.answerRow(turnId);
      }
      if (row === undefined) {
        throw new RangeError(`turn ${turnId} has no answered request in the ledger`);
      }
      recordId = this.table.ids[row];
    }
    const note = parseNote(redactNote({
      schemaVersion: NOTE_SCHEMA_VERSION, type: TURN_NOTE, id: randomUUID(), turnId, recordId, at: at.toISOString(), appliedBlock: applied.appliedBlock,
    }));
    const key = `${note.recordId}#${note.appliedBlock}`;
    if (this.notes.noted(note.recordId, note.appliedBlock) || this.notesInFlight.has(key)) {
      return undefined;
    }
    this.notesInFlight.add(key);
    try {
      const where = await this.writer.append(JSON.stringify(note) + '\n');
      const segment = this.segmentState(path.basename(where.file));
      segment.offset = Math.max(segment.offset, where.byteOffset + where.byteLength + 1);
      segment.lineNo += 1;
      this.notes.add(note, segment.index, where.byteOffset, where.byteLength);
      this.changedSinceSnapshot += 1;
    } finally {
      this.notesInFlight.delete(key);
    }
    return note;
  }

  /** Code blocks applied of a record's answer, as its `LedgerRecord` says (see `appliedBlocksOf`). */
  appliedBlocks(record: Pick<UsageRecord, 'id' | 'source'>): number | null {
    return appliedBlocksOf(record.source, this.notes.appliedBlocks(record.id));
  }

  /** Summaries (what sums and lists need) of the matching records, oldest first. */
  async summaries(filter: LedgerFilter = {}): Promise<RecordSummary[]> {
    return (await this.matching(compileFilter(filter))).map((row) => this.table.summary(row));
  }

  /** Full records, read back from disk, ordered by `startedAt`. */
  async query(filter: LedgerFilter = {}, options: QueryOptions = {}): Promise<LedgerRecord[]> {
    const out: LedgerRecord[] = [];
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

  /**
   * Streams the matching full records (for export), reading a batch at a time. When the index is
   * rebuilt meanwhile, the stream carries on over the rebuilt index with the records not yet given.
   */
  async *records(filter: LedgerFilter = {}, options: Pick<QueryOptions, 'order'> = {}): AsyncGenerator<LedgerRecord> {
    const compiled = compileFilter(filter);
    const pick = (): number[] => {
      const rows = this.rowsMatchingSummary(compiled);
      return options.order === 'desc' ? rows.reverse() : rows;
    };
    let rows = pick();
    let ids = rows.map((row) => this.table.ids[row]);
    let generation = this.generation;
    let done = 0;
    let restarted = false;
    while (done < rows.length) {
      const batch = rows.slice(done, done + READ_BATCH);
      let records: LedgerRecord[];
      try {
        records = await this.readFull(batch, generation);
      } catch (error) {
        if (!(error instanceof LedgerChangedError) || restarted) {
          throw error;
        }
        restarted = true;
        const given = new Set(ids.slice(0, done));
        rows = pick().filter((row) => !given.has(this.table.ids[row]));
        ids = rows.map((row) => this.table.ids[row]);
        generation = this.generation;
        done = 0;
        continue;
      }
      done += batch.length;
      for (const record of records) {
        if (compiled.matchesText(record)) {
          yield record;
        }
      }
    }
  }

  /**
   * One consistent selection for an export: the row count and totals of exactly the records the
   * stream will yield (taken from the same index state), so an export's header matches its rows.
   * It first looks at what changed on disk since the last scan (a segment edited in place rebuilds
   * the index here, before anything is counted).
   */
  async select(filter: LedgerFilter = {}): Promise<LedgerSelection> {
    await this.refresh();
    const rows = await this.matching(compileFilter(filter));
    const generation = this.generation;
    const totals = totalsOf(this.views(rows));
    const read = (batch: number[]) => this.readFull(batch, generation);
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

  async get(id: string): Promise<LedgerRecord | undefined> {
    for (let attempt = 0; ; attempt++) {
      const row = this.table.rowOf(id);
      if (row === undefined) {
        return undefined;
      }
      try {
        return (await this.readFull([row], this.generation))[0];
      } catch (error) {
        if (!(error instanceof LedgerChangedError) || attempt > 0) {
          throw error;
        }
      }
    }
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

  /** What the sums leave out: quarantined, damaged and newer-schema lines, and the last rebuild. */
  async health(): Promise<LedgerHealth> {
    let damaged = 0;
    let newer = 0;
    for (const segment of this.segments) {
      damaged += segment.damaged + segment.tornTail;
      newer += segment.newer;
    }
    const quarantined = await countLines(this.quarantineFile);
    return { quarantined, damaged, newer, ...(this.lastRebuild !== undefined ? { rebuilt: this.lastRebuild } : {}) };
  }

  /** Called with every record that enters the index, by `append` or by `refresh`. */
  onDidAppend(listener: AppendListener): Disposable {
    this.listeners.add(listener);
    return { dispose: () => { this.listeners.delete(listener); } };
  }

  /**
   * Called when records left or changed in the index without an append (segments deleted, the index
   * rebuilt after damage or an edit in place): running sums kept from `onDidAppend` must be recounted.
   */
  onDidReset(listener: ResetListener): Disposable {
    this.resetListeners.add(listener);
    return { dispose: () => { this.resetListeners.delete(listener); } };
  }

  /** Reads what other writers appended since the last scan (only the new bytes of each segment). */
  async refresh(): Promise<LedgerScanReport> {
    return (await this.serialized(() => this.scan())).report;
  }

  /** Throws the index away and reads every segment again (done by itself when damage is found). */
  async rebuild(reason: string): Promise<LedgerScanReport> {
    return (await this.serialized(() => this.rebuildNow(reason))).report;
  }

  /** Stops writing, and saves the index snapshot so the next open is fast. */
  async close(): Promise<void> {
    await this.writer.close();
    this.listeners.clear();
    this.resetListeners.clear();
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

  /** Rows matching the filter, for immediate use (row numbers change on a rebuild). */
  private async matching(compiled: CompiledFilter): Promise<number[]> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.matchingOnce(compiled);
      } catch (error) {
        if (!(error instanceof LedgerChangedError) || attempt > 0) {
          throw error;
        }
      }
    }
  }

  private async matchingOnce(compiled: CompiledFilter): Promise<number[]> {
    const rows = this.rowsMatchingSummary(compiled);
    if (compiled.text === undefined) {
      return rows;
    }
    const generation = this.generation;
    const out: number[] = [];
    for (let start = 0; start < rows.length; start += READ_BATCH) {
      const batch = rows.slice(start, start + READ_BATCH);
      const records = await this.readFull(batch, generation);
      records.forEach((record, i) => {
        if (compiled.matchesText(record)) {
          out.push(batch[i]);
        }
      });
    }
    if (generation !== this.generation) {
      throw new LedgerChangedError('the index was rebuilt');
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

  /**
   * Reads the records of `rows` (numbered in `generation`) back from their segments, in order.
   * Every record must be the one its row describes, with the same summary. If not, a rescan of
   * what changed is tried first (a repair elsewhere moves lines); if that does not explain it, the
   * index is rebuilt and `LedgerChangedError` thrown.
   */
  private async readFull(rows: readonly number[], generation: number): Promise<LedgerRecord[]> {
    this.assertGeneration(generation);
    const first = await this.readRows(rows);
    if (Array.isArray(first)) {
      return first;
    }
    await this.refresh();
    this.assertGeneration(generation);
    const second = await this.readRows(rows);
    if (Array.isArray(second)) {
      return second;
    }
    const reason = `segment ${second.segment} does not hold what the index says`;
    await this.rebuild(reason);
    throw new LedgerChangedError(reason);
  }

  private assertGeneration(generation: number): void {
    if (generation !== this.generation) {
      throw new LedgerChangedError(this.lastRebuild ?? 'records left the index');
    }
  }

  /** The records, or the segment whose bytes do not match the index. */
  private async readRows(rows: readonly number[]): Promise<LedgerRecord[] | { segment: string }> {
    const bySegment = new Map<number, Array<{ at: number; row: number }>>();
    rows.forEach((row, at) => {
      const segment = this.table.get(row, Col.segment);
      const list = bySegment.get(segment) ?? [];
      list.push({ at, row });
      bySegment.set(segment, list);
    });
    const out = new Array<LedgerRecord>(rows.length);
    for (const [segment, list] of bySegment) {
      const name = this.segments[segment].name;
      const spans = list.map(({ row }) => ({ byteOffset: this.table.get(row, Col.byteOffset), byteLength: this.table.get(row, Col.byteLength) }));
      let texts: string[];
      try {
        texts = await readLinesAt(path.join(this.dir, SEGMENTS_DIR, name), spans);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
          return { segment: name };
        }
        throw error;
      }
      for (let i = 0; i < list.length; i++) {
        const record = decodeLine(texts[i]);
        if (!record || !this.table.matches(list[i].row, summarize(record))) {
          return { segment: name };
        }
        // A fresh object from the line: it takes the fold of its notes as it is.
        out[list[i].at] = Object.assign(record, { appliedBlocks: this.appliedBlocks(record) });
      }
    }
    return out;
  }

  private segmentState(name: string): SegmentState {
    let segment = this.segmentByName.get(name);
    if (!segment) {
      segment = { index: this.segments.length, name, ino: 0, offset: 0, lineNo: 0, duplicates: 0, migrated: 0, newer: 0, damaged: 0, tornTail: 0, fingerprint: undefined };
      this.segments.push(segment);
      this.segmentByName.set(name, segment);
    }
    return segment;
  }

  /**
   * Adds a record unless its id is known; false for a duplicate. The same line read again from the
   * same segment (rewritten by a repair) only gets its new position, and its new values if it changed.
   */
  private index(summary: RecordSummary, segment: SegmentState, byteOffset: number, byteLength: number): boolean {
    const known = this.table.rowOf(summary.id);
    if (known !== undefined) {
      if (this.table.get(known, Col.segment) === segment.index) {
        if (!this.table.matches(known, summary)) {
          this.table.write(known, summary, segment.index, byteOffset, byteLength);
          this.sorted = false;
          this.changedSinceSnapshot += 1;
        } else {
          this.table.set(known, Col.byteOffset, byteOffset);
          this.table.set(known, Col.byteLength, byteLength);
        }
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
        } catch (error) {
          // A failing view must not undo a durable append, nor stop the other listeners.
          this.reportListenerError(error, 'append');
        }
      }
    }
  }

  private emitReset(reason: string): void {
    for (const listener of [...this.resetListeners]) {
      try {
        listener(reason);
      } catch (error) {
        this.reportListenerError(error, 'reset');
      }
    }
  }

  private reportListenerError(error: unknown, event: 'append' | 'reset'): void {
    try {
      this.listenerError(error, event);
    } catch {
      // The reporter itself failed: nothing is left to tell.
    }
  }

  /**
   * Adopts `index.bin` when it passes its own checks (see ledgerSnapshot.ts) and every segment it
   * describes is as it was indexed, with a few of its lines read back equal to the cached rows.
   * Otherwise nothing is adopted: the scan reads every segment and reports why.
   */
  private async loadSnapshot(): Promise<void> {
    const { snapshot, problem } = await readSnapshot(path.join(this.dir, SNAPSHOT_FILE));
    if (!snapshot) {
      this.snapshotProblem = problem === undefined ? undefined : `${SNAPSHOT_FILE} ${problem}`;
      return;
    }
    const segmentsDir = path.join(this.dir, SEGMENTS_DIR);
    const usable: SnapshotSegment[] = [];
    for (const cached of snapshot.segments) {
      const file = path.join(segmentsDir, cached.name);
      const stat = await fsp.lstat(file).catch(() => undefined);
      if (!stat?.isFile()) {
        continue;
      }
      const check = await checkSegment(file, stat, cached).catch(() => 'replaced' as const);
      if (check === 'replaced') {
        // Rewritten by a repair (or replaced): read whole by the scan.
        continue;
      }
      if (check === 'edited') {
        this.snapshotProblem = `segment ${cached.name} was changed in place`;
        return;
      }
      if (!(await spotCheck(file, cached, snapshot.strings))) {
        this.snapshotProblem = `${SNAPSHOT_FILE} does not match segment ${cached.name}`;
        return;
      }
      usable.push(cached);
    }
    this.table.adoptStrings(snapshot.strings);
    for (const cached of usable) {
      const segment = this.segmentState(cached.name);
      const { ino, size, mtimeMs, ctimeMs, digest } = cached;
      Object.assign(segment, {
        ino, offset: size, lineNo: cached.lineNo, duplicates: cached.duplicates, migrated: cached.migrated, newer: cached.newer,
        fingerprint: { ino, size, mtimeMs, ctimeMs, digest },
      });
      const before = this.table.length;
      this.table.pushRows(cached.data, cached.ids, cached.turnIds, segment.index);
      for (let row = before; row < this.table.length; row++) {
        this.noteRow(row);
      }
      for (const note of cached.notes) {
        this.notes.add(note, segment.index, note.byteOffset, note.byteLength);
      }
    }
    this.changedSinceSnapshot = 0;
  }

  private async saveSnapshot(): Promise<void> {
    const rowsBySegment = this.segments.map((): number[] => []);
    for (let row = 0; row < this.table.length; row++) {
      rowsBySegment[this.table.get(row, Col.segment)].push(row);
    }
    const segments: Array<SnapshotSegmentMeta & { rows: number[]; notes: SnapshotNote[] }> = [];
    for (const segment of [...this.segments].sort((a, b) => a.name.localeCompare(b.name))) {
      if (segment.damaged > 0 || segment.tornTail > 0) {
        // Read again on the next open, so a writer can move the bad lines (and a reader reports them).
        continue;
      }
      let known = segment.fingerprint;
      if (known?.size !== segment.offset) {
        // This writer's own segment (or one read since): fingerprint what the index covers now.
        known = await fingerprint(path.join(this.dir, SEGMENTS_DIR, segment.name), segment.offset).catch(() => undefined);
        if (!known) {
          continue;
        }
      }
      const data = this.table.data;
      const at = Col.byteOffset;
      const rows = rowsBySegment[segment.index].sort((a, b) => data[a * STRIDE + at] - data[b * STRIDE + at]);
      const { name, lineNo, duplicates, migrated, newer } = segment;
      segments.push({ ...known, name, lineNo, duplicates, migrated, newer, rows, notes: this.notes.ofSegment(segment.index) });
    }
    await writeSnapshot(path.join(this.dir, SNAPSHOT_FILE), this.table, segments);
    this.changedSinceSnapshot = 0;
  }

  private serialized<T>(task: () => Promise<T>): Promise<T> {
    const next = this.scanning.then(task);
    this.scanning = next.catch(() => undefined);
    return next;
  }

  /** Forgets every row and segment; row numbers held by callers are stale from here on. */
  private resetIndex(): Set<string> {
    const known = new Set(this.table.ids);
    this.table = new SummaryTable();
    this.notes = new NoteIndex();
    this.order = [];
    this.sorted = true;
    this.segments = [];
    this.segmentByName.clear();
    this.generation += 1;
    this.changedSinceSnapshot += 1;
    return known;
  }

  private async rebuildNow(reason: string): Promise<{ report: LedgerScanReport; parsed: number }> {
    const known = this.resetIndex();
    const result = await this.scan({ includeOwn: true, known, rebuilt: reason });
    await this.saveSnapshot().catch(() => undefined);
    return result;
  }

  private async scan(options: ScanOptions = {}): Promise<{ report: LedgerScanReport; parsed: number }> {
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
      if (name === own && !options.includeOwn) {
        counts.segments += 1;
        continue;
      }
      try {
        await this.scanSegment(segmentsDir, name, counts, name !== own);
      } catch (error) {
        if (!(error instanceof SegmentEditedError) || options.rebuilt !== undefined) {
          throw error;
        }
        // The bytes under the index changed: only reading everything again gives true totals.
        this.emit(options.known ? counts.added.filter((record) => !options.known!.has(record.id)) : counts.added);
        const result = await this.rebuildNow(error.message);
        return { report: result.report, parsed: result.parsed + counts.parsed };
      }
    }
    this.emit(options.known ? counts.added.filter((record) => !options.known!.has(record.id)) : counts.added);
    const rebuilt = options.rebuilt ?? this.snapshotProblem;
    this.snapshotProblem = undefined;
    if (rebuilt !== undefined) {
      this.lastRebuild = rebuilt;
    }
    if (options.rebuilt !== undefined) {
      this.emitReset(options.rebuilt);
    }
    let duplicates = 0;
    let migrated = 0;
    let newer = 0;
    let damaged = 0;
    for (const segment of this.segments) {
      duplicates += segment.duplicates;
      migrated += segment.migrated;
      newer += segment.newer;
      damaged += segment.damaged + segment.tornTail;
    }
    const report: LedgerScanReport = {
      records: this.table.length, duplicates, migrated, newer, notes: this.notes.size, damaged,
      quarantined: counts.quarantined, quarantineFile: this.quarantineFile, segments: counts.segments,
      ...(rebuilt !== undefined ? { rebuilt } : {}),
    };
    return { report, parsed: counts.parsed };
  }

  /** Records of segment files that were deleted (e.g. history cleared elsewhere) leave the index. */
  private forgetVanishedSegments(present: ReadonlySet<string>, own: string): void {
    const gone = new Set<number>();
    for (const segment of this.segments) {
      if (!present.has(segment.name) && segment.name !== own && (segment.offset > 0 || segment.ino !== 0)) {
        gone.add(segment.index);
        Object.assign(segment, { ino: 0, offset: 0, lineNo: 0, duplicates: 0, migrated: 0, newer: 0, damaged: 0, tornTail: 0, fingerprint: undefined });
      }
    }
    if (gone.size > 0) {
      this.dropRows((row) => gone.has(this.table.get(row, Col.segment)), 'segments were deleted');
      this.dropNotes((note) => !gone.has(note.segment));
    }
  }

  /** Removes rows; a record one of them held first may live on as a duplicate elsewhere, so those segments are read again. */
  private dropRows(drop: (row: number) => boolean, reason: string): void {
    const moved = this.table.retain((row) => !drop(row));
    this.order = this.order.map((row) => moved[row]).filter((row) => row !== -1);
    this.generation += 1;
    this.changedSinceSnapshot += 1;
    this.rereadDuplicates();
    this.emitReset(reason);
  }

  /** Removes notes (their records' counts follow); as for rows, a copy elsewhere is found by reading again. */
  private dropNotes(keep: Parameters<NoteIndex['retain']>[0]): void {
    if (this.notes.retain(keep) > 0) {
      this.changedSinceSnapshot += 1;
      this.rereadDuplicates();
    }
  }

  /** Segments holding replays of what left the index are read whole again on the next scan. */
  private rereadDuplicates(): void {
    for (const segment of this.segments) {
      if (segment.duplicates > 0) {
        segment.fingerprint = undefined;
      }
    }
  }

  private async scanSegment(segmentsDir: string, name: string, counts: ScanCounts, mayRepair: boolean): Promise<void> {
    const file = path.join(segmentsDir, name);
    const stat = await fsp.lstat(file).catch(() => undefined);
    if (!stat?.isFile()) {
      return;
    }
    counts.segments += 1;
    const segment = this.segmentState(name);
    const check = segment.fingerprint ? await checkSegment(file, stat, segment.fingerprint) : 'replaced';
    if (check === 'unchanged') {
      return;
    }
    if (check === 'edited') {
      throw new SegmentEditedError(name);
    }
    let seen: Seen | undefined;
    if (check === 'replaced') {
      // New, or rewritten (a repair, here or elsewhere): read it whole. Known ids get their new
      // position; rows and notes of this segment whose line is gone leave the index afterwards.
      seen = segment.ino !== 0 || segment.offset > 0 ? { rows: new Set(), notes: new Set() } : undefined;
      Object.assign(segment, { ino: stat.ino, offset: 0, lineNo: 0, duplicates: 0, migrated: 0, newer: 0, damaged: 0, tornTail: 0, fingerprint: undefined });
    }
    const bad: Array<{ line: SegmentLine; reason: string }> = [];
    const chunk = await readSegmentLines(file, segment.offset, segment.lineNo, async (lines) => {
      for (const line of lines) {
        counts.parsed += 1;
        const reason = this.ingestLine(line, segment, counts, seen);
        if (reason !== undefined) {
          bad.push({ line, reason });
        }
      }
      // A long backlog must not freeze the extension host: let other work run between chunks.
      await new Promise((resolve) => setImmediate(resolve));
    });
    const writerAlive = isSegmentWriterAlive(file);
    const torn = chunk.tail !== undefined && !writerAlive;
    if (chunk.tail && torn) {
      bad.push({ line: chunk.tail, reason: 'torn line (no newline at end of segment)' });
    }
    segment.ino = chunk.ino;
    segment.offset = Math.max(segment.offset, chunk.endOffset);
    segment.lineNo = chunk.endLineNo;
    if (seen) {
      const index = segment.index;
      const keep = seen;
      if (this.table.ids.some((_id, row) => this.table.get(row, Col.segment) === index && !keep.rows.has(row))) {
        this.dropRows((row) => this.table.get(row, Col.segment) === index && !keep.rows.has(row), `lines of segment ${name} are gone`);
      }
      this.dropNotes((note) => note.segment !== index || keep.notes.has(note.id));
    }
    const leaveInPlace = (): void => {
      segment.damaged += bad.length - (torn ? 1 : 0);
      segment.tornTail = torn ? 1 : 0;
    };
    if (bad.length === 0 || writerAlive || !mayRepair || !this.repair) {
      leaveInPlace();
      await this.noteFingerprint(file, segment);
      return;
    }
    let moved: boolean;
    try {
      moved = await this.quarantineLines(file, name, chunk.ino, bad);
    } catch (error) {
      if (!isPermissionError(error)) {
        throw error;
      }
      // A folder this process may not write: leave the lines where they are, and report them.
      leaveInPlace();
      await this.noteFingerprint(file, segment);
      return;
    }
    if (moved) {
      counts.quarantined += bad.length;
    }
    // Positions moved (by us or by a repair elsewhere): read the segment again, once; known ids
    // just get their new offsets.
    segment.fingerprint = undefined;
    await this.scanSegment(segmentsDir, name, counts, false);
    counts.segments -= 1;
  }

  /** Remembers what the index read of the segment, so an edit in place is noticed later. */
  private async noteFingerprint(file: string, segment: SegmentState): Promise<void> {
    segment.fingerprint = await fingerprint(file, segment.offset).catch(() => undefined);
  }

  /** Indexes one line; returns why it is unreadable, or undefined. */
  private ingestLine(line: SegmentLine, segment: SegmentState, counts: ScanCounts, seen: Seen | undefined): string | undefined {
    let raw: unknown;
    try {
      raw = JSON.parse(line.text);
    } catch (error) {
      return `invalid JSON: ${(error as Error).message}`;
    }
    if (isNoteLine(raw)) {
      return this.ingestNote(raw, line, segment, seen);
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
      seen?.rows.add(this.table.length - 1);
    } else {
      const row = this.table.rowOf(record.id)!;
      if (this.table.get(row, Col.segment) !== segment.index) {
        segment.duplicates += 1;
      } else {
        seen?.rows.add(row);
      }
    }
    return undefined;
  }

  /** Indexes one note line (a replay of a known note counts as a duplicate); returns why it is unreadable, or undefined. */
  private ingestNote(raw: unknown, line: SegmentLine, segment: SegmentState, seen: Seen | undefined): string | undefined {
    let note: TurnNote;
    try {
      note = parseNote(raw);
    } catch (error) {
      if (error instanceof NewerSchemaError) {
        segment.newer += 1;
        return undefined;
      }
      if (error instanceof InvalidRecordError) {
        return `note: ${error.reason}`;
      }
      throw error;
    }
    const added = this.notes.add(note, segment.index, line.byteOffset, line.byteLength);
    if (added === 'duplicate') {
      segment.duplicates += 1;
      return undefined;
    }
    seen?.notes.add(note.id);
    if (added === 'added') {
      this.changedSinceSnapshot += 1;
    }
    return undefined;
  }

  /** The row of a turn's answer: its last `ok` attempt (by `startedAt`), or undefined. */
  private answerRow(turnId: string): number | undefined {
    const { turnIds, strings } = this.table;
    let answer: number | undefined;
    for (let row = 0; row < this.table.length; row++) {
      if (turnIds[row] !== turnId || strings[this.table.get(row, Col.status)] !== 'ok') {
        continue;
      }
      if (answer === undefined || this.table.get(row, Col.startedMs) >= this.table.get(answer, Col.startedMs)) {
        answer = row;
      }
    }
    return answer;
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

/** A line that was valid when indexed: current-version lines need no second validation. */
function decodeLine(text: string): UsageRecord | undefined {
  try {
    const raw = JSON.parse(text) as { schemaVersion?: unknown };
    return raw.schemaVersion === SCHEMA_VERSION ? (raw as UsageRecord) : migrateRecord(raw);
  } catch {
    return undefined;
  }
}

/**
 * Reads a few lines of a cached segment back and compares them with the snapshot's rows, and every
 * note line (notes are few, one per code block applied, and a wrong one would show a wrong count).
 */
async function spotCheck(file: string, cached: SnapshotSegment, strings: readonly string[]): Promise<boolean> {
  const count = cached.ids.length;
  const rows = count === 0 ? [] : [...new Set(Array.from({ length: SPOT_CHECKS }, (_unused, i) => Math.round((i * (count - 1)) / (SPOT_CHECKS - 1))))];
  const notes = cached.notes;
  if (rows.length === 0 && notes.length === 0) {
    return true;
  }
  const spans = [
    ...rows.map((row) => ({ byteOffset: cached.data[row * STRIDE + Col.byteOffset], byteLength: cached.data[row * STRIDE + Col.byteLength] })),
    ...notes,
  ];
  try {
    const texts = await readLinesAt(file, spans);
    return rows.every((row, i) => {
      const record = decodeLine(texts[i]);
      return record !== undefined && record.id === cached.ids[row] && record.turnId === cached.turnIds[row]
        && rowMatches(cached.data, row * STRIDE, strings, summarize(record));
    }) && notes.every((expected, i) => {
      const note = decodeNote(texts[rows.length + i]);
      return note !== undefined && note.id === expected.id && note.turnId === expected.turnId
        && note.recordId === expected.recordId && note.appliedBlock === expected.appliedBlock;
    });
  } catch {
    return false;
  }
}

function decodeNote(text: string): TurnNote | undefined {
  try {
    return parseNote(JSON.parse(text));
  } catch {
    return undefined;
  }
}

/** The record with its free text redacted, still valid (redaction keeps every field in its bounds). */
function redacted(record: UsageRecord): UsageRecord {
  const clean = redactRecord(record);
  return clean === record ? record : parseRecord(clean);
}

function isPermissionError(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException).code;
  return code === 'EACCES' || code === 'EPERM' || code === 'EROFS';
}

/** Non-empty lines of a text file; 0 when it does not exist. */
async function countLines(file: string): Promise<number> {
  const text = await fsp.readFile(file, 'utf8').catch(() => '');
  let count = 0;
  for (const line of text.split('\n')) {
    if (line.trim() !== '') {
      count += 1;
    }
  }
  return count;
}
