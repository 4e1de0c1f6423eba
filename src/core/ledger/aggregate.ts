/**
 * Sums over records: totals, groups (per day / model / kind / status) and estimate accuracy.
 *
 * - `inputTokens` counts every input token read (uncached + cache read + cache write).
 * - `credits` / `usd` sum the charges; records with no known charge add 0 and are counted in
 *   `unpricedRequests`.
 * - Accuracy uses records with status `ok`, an estimate and a positive charge: the median of
 *   |expected - charged| / charged, in percent, and the share whose charge fell in [low, high].
 * - Days are calendar days in UTC unless `tzOffsetMinutes` is given (e.g. 120 for UTC+2,
 *   -300 for UTC-5): the offset is added to `startedAt` before the date is taken.
 */
import { type RecordSummary, summarize } from './recordSummary';
import type { UsageRecord } from './usageRecord';

export type GroupBy = 'day' | 'model' | 'kind' | 'status';

export interface Accuracy {
  /** Records that had an estimate and a charge to compare. */
  readonly samples: number;
  /** Median absolute percentage error of the expected credits; null without samples. */
  readonly medianAbsPctError: number | null;
  /** Share (0..1) of charges inside the estimate's low–high range; null without samples. */
  readonly withinRangeShare: number | null;
}

export interface Totals {
  readonly requests: number;
  readonly inputTokens: number;
  readonly cacheReadTokens: number;
  readonly cacheWriteTokens: number;
  readonly outputTokens: number;
  readonly reasoningTokens: number;
  readonly credits: number;
  readonly usd: number;
  readonly estimatedCredits: number;
  readonly unpricedRequests: number;
  readonly errors: number;
  readonly accuracy: Accuracy;
}

export interface AggregateRow extends Totals {
  /** `YYYY-MM-DD`, the model asked for, a request kind or a status. */
  readonly key: string;
  /**
   * Grouped by model: the models the responses said served the group's requests (a dated or
   * routed name of the requested one), sorted; failed requests often have none.
   */
  readonly served?: readonly string[];
}

export interface AggregateOptions {
  readonly tzOffsetMinutes?: number;
}

/** Running sums; `add` is cheap so the live view can keep one per group and update it on append. */
export class TotalsAccumulator {
  private requests = 0;
  private inputTokens = 0;
  private cacheReadTokens = 0;
  private cacheWriteTokens = 0;
  private outputTokens = 0;
  private reasoningTokens = 0;
  private credits = 0;
  private usd = 0;
  private estimatedCredits = 0;
  private unpricedRequests = 0;
  private errors = 0;
  private readonly pctErrors: number[] = [];
  private withinRange = 0;

  /** Adds a summary (what the ledger keeps in memory) or a full record. */
  add(item: RecordSummary | UsageRecord): void {
    const record = 'outcome' in item ? summarize(item) : item;
    const { credits, estimate } = record;
    this.requests += 1;
    this.inputTokens += record.inputTokens;
    this.cacheReadTokens += record.cacheReadTokens;
    this.cacheWriteTokens += record.cacheWriteTokens;
    this.outputTokens += record.outputTokens;
    this.reasoningTokens += record.reasoningTokens;
    if (credits === null) {
      this.unpricedRequests += 1;
    } else {
      this.credits += credits;
    }
    this.usd += record.usd ?? 0;
    if (record.status === 'error') {
      this.errors += 1;
    }
    if (estimate) {
      this.estimatedCredits += estimate.expected;
      if (record.status === 'ok' && credits !== null && credits > 0) {
        this.pctErrors.push((Math.abs(estimate.expected - credits) / credits) * 100);
        if (credits >= estimate.low && credits <= estimate.high) {
          this.withinRange += 1;
        }
      }
    }
  }

  result(): Totals {
    const samples = this.pctErrors.length;
    return {
      requests: this.requests,
      inputTokens: this.inputTokens,
      cacheReadTokens: this.cacheReadTokens,
      cacheWriteTokens: this.cacheWriteTokens,
      outputTokens: this.outputTokens,
      reasoningTokens: this.reasoningTokens,
      credits: roundMoney(this.credits),
      usd: roundMoney(this.usd),
      estimatedCredits: roundMoney(this.estimatedCredits),
      unpricedRequests: this.unpricedRequests,
      errors: this.errors,
      accuracy: {
        samples,
        medianAbsPctError: samples === 0 ? null : roundMoney(median(this.pctErrors)),
        withinRangeShare: samples === 0 ? null : this.withinRange / samples,
      },
    };
  }
}

/** Sums of many floats drift in the last digits; 1e-9 is far below any credit or cent shown. */
function roundMoney(value: number): number {
  return Math.round(value * 1e9) / 1e9;
}

export function totalsOf(records: Iterable<RecordSummary>): Totals {
  const sum = new TotalsAccumulator();
  for (const record of records) {
    sum.add(record);
  }
  return sum.result();
}

export function median(values: number[]): number {
  const sorted = Float64Array.from(values).sort();
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

const DAY_MS = 86_400_000;
const dayKeys = new Map<number, string>();

/** `YYYY-MM-DD` of a day number since the epoch (cached: formatting a date per record is slow). */
function dayKey(day: number): string {
  let key = dayKeys.get(day);
  if (key === undefined) {
    key = new Date(day * DAY_MS).toISOString().slice(0, 10);
    if (dayKeys.size < 100_000) {
      dayKeys.set(day, key);
    }
  }
  return key;
}

export function groupKey(record: RecordSummary, by: GroupBy, options: AggregateOptions = {}): string {
  switch (by) {
    case 'day':
      return dayKey(Math.floor((record.startedMs + (options.tzOffsetMinutes ?? 0) * 60_000) / DAY_MS));
    case 'model':
      // The model the user chose: a failure (no served name) and its successful retry (a dated
      // served name) are the same model. The served names are kept per row (`served`).
      return record.modelRequested;
    case 'kind':
      return record.kind;
    case 'status':
      return record.status;
    default: {
      const never: never = by;
      throw new RangeError(`by: unknown grouping ${String(never)}`);
    }
  }
}

/** Rows sorted by key (days ascending, names alphabetically). */
export function aggregateRecords(records: Iterable<RecordSummary>, by: GroupBy, options: AggregateOptions = {}): AggregateRow[] {
  const groups = new Map<string, { sum: TotalsAccumulator; served: Set<string> }>();
  for (const record of records) {
    const key = groupKey(record, by, options);
    let group = groups.get(key);
    if (!group) {
      group = { sum: new TotalsAccumulator(), served: new Set() };
      groups.set(key, group);
    }
    group.sum.add(record);
    if (by === 'model' && record.modelServed !== null) {
      group.served.add(record.modelServed);
    }
  }
  return [...groups.keys()].sort().map((key) => {
    const group = groups.get(key)!;
    return { key, ...group.sum.result(), ...(by === 'model' ? { served: [...group.served].sort() } : {}) };
  });
}
