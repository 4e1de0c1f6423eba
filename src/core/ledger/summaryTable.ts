/**
 * The in-memory index: one row of numbers per record in a single growing Float64Array (NaN for
 * null, strings interned), plus the ids. 100k records take a few MB and no per-record objects, so
 * opening from the snapshot is a copy and sums over every record stay in the tens of milliseconds.
 */
import type { RecordSummary } from './recordSummary';
import type { OutcomeStatus, RequestKind } from './usageRecord';

export const Col = {
  startedMs: 0, modelRequested: 1, modelServed: 2, kind: 3, status: 4,
  input: 5, cacheRead: 6, cacheWrite: 7, output: 8, reasoning: 9,
  credits: 10, usd: 11, low: 12, expected: 13, high: 14,
  byteOffset: 15, byteLength: 16, segment: 17,
} as const;
export const STRIDE = 18;

export class SummaryTable {
  data = new Float64Array(STRIDE * 1024);
  length = 0;
  readonly ids: string[] = [];
  readonly turnIds: string[] = [];
  /** Row by id, built on first use: opening from the snapshot does not need it. */
  private rowById: Map<string, number> | undefined;
  strings: string[] = [];
  private stringIds = new Map<string, number>();

  intern(value: string | null): number {
    if (value === null) {
      return -1;
    }
    let id = this.stringIds.get(value);
    if (id === undefined) {
      id = this.strings.length;
      this.strings.push(value);
      this.stringIds.set(value, id);
    }
    return id;
  }

  /** Adopts a string table (only while empty, when loading a snapshot that uses it). */
  adoptStrings(strings: string[]): void {
    if (this.length > 0 || this.strings.length > 0) {
      throw new Error('string table already in use');
    }
    this.strings = strings;
    this.stringIds = new Map(strings.map((value, index) => [value, index]));
  }

  rowOf(id: string): number | undefined {
    if (!this.rowById) {
      this.rowById = new Map();
      for (let row = 0; row < this.length; row++) {
        this.rowById.set(this.ids[row], row);
      }
    }
    return this.rowById.get(id);
  }

  has(id: string): boolean {
    return this.rowOf(id) !== undefined;
  }

  push(summary: RecordSummary, segment: number, byteOffset: number, byteLength: number): number {
    const row = this.reserve(1);
    this.write(row, summary, segment, byteOffset, byteLength);
    this.ids.push(summary.id);
    this.rowById?.set(summary.id, row);
    return row;
  }

  /** Overwrites the numbers of an existing row (its id stays). */
  write(row: number, summary: RecordSummary, segment: number, byteOffset: number, byteLength: number): void {
    this.data.set([
      summary.startedMs, this.intern(summary.modelRequested), this.intern(summary.modelServed), this.intern(summary.kind), this.intern(summary.status),
      summary.inputTokens, summary.cacheReadTokens, summary.cacheWriteTokens, summary.outputTokens, summary.reasoningTokens,
      summary.credits ?? NaN, summary.usd ?? NaN, summary.estimate?.low ?? NaN, summary.estimate?.expected ?? NaN, summary.estimate?.high ?? NaN,
      byteOffset, byteLength, segment,
    ], row * STRIDE);
    this.turnIds[row] = summary.turnId;
  }

  /**
   * Appends rows copied from a snapshot (same string table) in one block; `segment` is written
   * into every copied row. Ids already present are dropped after the copy (a snapshot holds each
   * id once, so this only costs a lookup).
   */
  pushRows(data: Float64Array, ids: readonly string[], turnIds: readonly string[], segment: number): void {
    const first = this.reserve(ids.length);
    this.data.set(data.subarray(0, ids.length * STRIDE), first * STRIDE);
    let row = first;
    for (let i = 0; i < ids.length; i++) {
      if (this.rowById?.has(ids[i])) {
        continue;
      }
      if (row !== first + i) {
        this.data.copyWithin(row * STRIDE, (first + i) * STRIDE, (first + i + 1) * STRIDE);
      }
      this.data[row * STRIDE + Col.segment] = segment;
      this.ids.push(ids[i]);
      this.turnIds.push(turnIds[i]);
      this.rowById?.set(ids[i], row);
      row++;
    }
    this.length = row;
  }

  /** Drops the rows `keep` rejects; returns the new row number of each old row (-1 when dropped). */
  retain(keep: (row: number) => boolean): Int32Array {
    const moved = new Int32Array(this.length).fill(-1);
    let next = 0;
    for (let row = 0; row < this.length; row++) {
      if (!keep(row)) {
        continue;
      }
      if (next !== row) {
        this.data.copyWithin(next * STRIDE, row * STRIDE, (row + 1) * STRIDE);
        this.ids[next] = this.ids[row];
        this.turnIds[next] = this.turnIds[row];
      }
      moved[row] = next++;
    }
    this.ids.length = next;
    this.turnIds.length = next;
    this.length = next;
    this.rowById = undefined;
    return moved;
  }

  get(row: number, column: number): number {
    return this.data[row * STRIDE + column];
  }

  set(row: number, column: number, value: number): void {
    this.data[row * STRIDE + column] = value;
  }

  /** True when row `row` holds exactly the summary of `summary` (id, strings, counts, charges, estimate). */
  matches(row: number, summary: RecordSummary): boolean {
    return this.ids[row] === summary.id && this.turnIds[row] === summary.turnId && rowMatches(this.data, row * STRIDE, this.strings, summary);
  }

  /** A plain summary object of one row. */
  summary(row: number): RecordSummary {
    const view = new RowView(this);
    view.row = row;
    const { estimate } = view;
    return {
      id: view.id, turnId: view.turnId, startedMs: view.startedMs, modelRequested: view.modelRequested, modelServed: view.modelServed,
      kind: view.kind, status: view.status, inputTokens: view.inputTokens, cacheReadTokens: view.cacheReadTokens,
      cacheWriteTokens: view.cacheWriteTokens, outputTokens: view.outputTokens, reasoningTokens: view.reasoningTokens,
      credits: view.credits, usd: view.usd, estimate: estimate ? { ...estimate } : null,
    };
  }

  private reserve(count: number): number {
    const row = this.length;
    if ((row + count) * STRIDE > this.data.length) {
      const grown = new Float64Array(Math.max((row + count) * STRIDE, this.data.length * 2));
      grown.set(this.data.subarray(0, row * STRIDE));
      this.data = grown;
    }
    this.length += count;
    return row;
  }
}

const sameAmount = (stored: number, value: number | null): boolean => (value === null ? Number.isNaN(stored) : stored === value);

/**
 * True when the numbers at `base` of `data` (string columns indexing `strings`) are the summary's,
 * column for column; the position columns are not compared.
 */
export function rowMatches(data: Float64Array, base: number, strings: readonly string[], summary: RecordSummary): boolean {
  const served = data[base + Col.modelServed];
  const estimate = summary.estimate;
  return data[base + Col.startedMs] === summary.startedMs
    && strings[data[base + Col.modelRequested]] === summary.modelRequested
    && (served === -1 ? summary.modelServed === null : strings[served] === summary.modelServed)
    && strings[data[base + Col.kind]] === summary.kind && strings[data[base + Col.status]] === summary.status
    && data[base + Col.input] === summary.inputTokens && data[base + Col.cacheRead] === summary.cacheReadTokens
    && data[base + Col.cacheWrite] === summary.cacheWriteTokens && data[base + Col.output] === summary.outputTokens
    && data[base + Col.reasoning] === summary.reasoningTokens
    && sameAmount(data[base + Col.credits], summary.credits) && sameAmount(data[base + Col.usd], summary.usd)
    && sameAmount(data[base + Col.low], estimate?.low ?? null) && sameAmount(data[base + Col.expected], estimate?.expected ?? null)
    && sameAmount(data[base + Col.high], estimate?.high ?? null);
}

/** A movable window onto one row that reads as a `RecordSummary` without allocating per row. */
export class RowView implements RecordSummary {
  row = 0;
  private readonly range = { low: 0, expected: 0, high: 0 };

  constructor(private readonly table: SummaryTable) {}

  private at(column: number): number {
    return this.table.data[this.row * STRIDE + column];
  }

  private nullable(column: number): number | null {
    const value = this.at(column);
    return Number.isNaN(value) ? null : value;
  }

  get id(): string { return this.table.ids[this.row]; }
  get turnId(): string { return this.table.turnIds[this.row]; }
  get startedMs(): number { return this.at(Col.startedMs); }
  get modelRequested(): string { return this.table.strings[this.at(Col.modelRequested)]; }
  get modelServed(): string | null {
    const index = this.at(Col.modelServed);
    return index === -1 ? null : this.table.strings[index];
  }
  get kind(): RequestKind { return this.table.strings[this.at(Col.kind)] as RequestKind; }
  get status(): OutcomeStatus { return this.table.strings[this.at(Col.status)] as OutcomeStatus; }
  get inputTokens(): number { return this.at(Col.input); }
  get cacheReadTokens(): number { return this.at(Col.cacheRead); }
  get cacheWriteTokens(): number { return this.at(Col.cacheWrite); }
  get outputTokens(): number { return this.at(Col.output); }
  get reasoningTokens(): number { return this.at(Col.reasoning); }
  get credits(): number | null { return this.nullable(Col.credits); }
  get usd(): number | null { return this.nullable(Col.usd); }
  /** Reused between rows: copy it to keep it. */
  get estimate(): { low: number; expected: number; high: number } | null {
    const expected = this.at(Col.expected);
    if (Number.isNaN(expected)) {
      return null;
    }
    this.range.low = this.at(Col.low);
    this.range.expected = expected;
    this.range.high = this.at(Col.high);
    return this.range;
  }
}
