/**
 * Streams usage records out as CSV, JSON or JSON Lines, a chunk at a time and honouring the sink's
 * backpressure, so 100k records never become one giant string.
 *
 * - Prompt and system text are left out unless `includePrompts` is set.
 * - Every free-text field of every record goes through `redactSecrets` once more (`redactRecord`,
 *   as on append): an export is the one file most likely to be shared, and records written by an
 *   older version were redacted less.
 * - Records read from a ledger carry `appliedBlocks` (code blocks of the answer applied, from the
 *   ledger's notes): the CSV's last column, a field of each JSON / JSONL record.
 * - JSON: `{ schemaVersion, generatedAt, filters, includePrompts, skipped?, rowCount, totals, records: [...] }`.
 *   `skipped` (when the caller passes it) counts the ledger lines no export can include: damaged,
 *   written by a newer schema, quarantined. When the records arrive as an async stream and
 *   `summary` is not given, `rowCount` and `totals` cannot be known up front and follow `records`
 *   instead (same keys, same meaning).
 * - JSONL: one record per line, nothing else (each record carries its `schemaVersion`).
 */
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { compileFilter, describeFilter, type LedgerFilter, type LedgerHealth, redactRecord, SCHEMA_VERSION, summarize, type Totals, totalsOf, type UsageRecord } from '../ledger';
import { csvColumns, type ExportRecord } from './csvColumns';
import { csvRow } from './csvRow';

export const EXPORT_FORMATS = ['csv', 'json', 'jsonl'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export interface ExportOptions {
  readonly format: ExportFormat;
  /** Include local prompt and system text (off by default). */
  readonly includePrompts?: boolean;
  /** Applied to the records, and described in the JSON header. */
  readonly filters?: LedgerFilter;
  readonly generatedAt?: Date | string;
  /** Row count and totals when already known (e.g. from the ledger's index), so JSON can lead with them. */
  readonly summary?: { readonly rowCount: number; readonly totals: Totals };
  /** Ledger lines left out of every export (from `ledger.health()`), for the JSON header. */
  readonly skipped?: SkippedLines;
}

/** What the JSON header says was left out of the ledger's records. */
export interface SkippedLines {
  /** Unreadable lines skipped in place. */
  readonly damaged: number;
  /** Records written by a newer version of Credit Meter. */
  readonly newerSchema: number;
  /** Lines set aside in the quarantine file. */
  readonly quarantined: number;
}

export function skippedLines(health: LedgerHealth): SkippedLines {
  return { damaged: health.damaged, newerSchema: health.newer, quarantined: health.quarantined };
}

export interface ExportResult {
  readonly rows: number;
  readonly totalCredits: number;
}

const CHUNK = 64 * 1024;

export async function writeExport(records: AsyncIterable<ExportRecord> | Iterable<ExportRecord>, options: ExportOptions, sink: Writable): Promise<ExportResult> {
  const includePrompts = options.includePrompts ?? false;
  const filter = compileFilter(options.filters);
  const filtering = Object.keys(describeFilter(options.filters)).length > 0;
  const selected = filtering ? filterRecords(records, filter) : records;
  let summary = options.summary;
  let source: AsyncIterable<ExportRecord> | Iterable<ExportRecord> = selected;
  if (!summary && options.format === 'json' && isIterable(selected)) {
    const list = [...selected];
    summary = { rowCount: list.length, totals: totalsOf(list.map(summarize)) };
    source = list;
  }
  const out = new ChunkedWriter(sink);
  let rows = 0;
  let credits = 0;
  const count = (record: ExportRecord): ExportRecord => {
    rows += 1;
    credits += record.cost.credits ?? 0;
    return exportable(record, includePrompts);
  };

  switch (options.format) {
    case 'csv': {
      await out.write(csvColumns(includePrompts).map((column) => column.name).join(',') + '\r\n');
      for await (const record of source) {
        const flushed = out.write(csvRow(count(record), includePrompts) + '\r\n');
        if (flushed) {
          await flushed;
        }
      }
      break;
    }
    case 'jsonl':
      for await (const record of source) {
        const flushed = out.write(JSON.stringify(count(record)) + '\n');
        if (flushed) {
          await flushed;
        }
      }
      break;
    case 'json': {
      const generatedAt = new Date(options.generatedAt ?? Date.now()).toISOString();
      const skipped = options.skipped ? { skipped: options.skipped } : {};
      const head = { schemaVersion: SCHEMA_VERSION, generatedAt, filters: describeFilter(options.filters), includePrompts, ...skipped, ...summary };
      await out.write(JSON.stringify(head).slice(0, -1) + ',"records":[');
      const trailer = new TrailerTotals();
      for await (const record of source) {
        const flushed = out.write((rows > 0 ? ',\n' : '\n') + JSON.stringify(count(record)));
        if (flushed) {
          await flushed;
        }
        if (!summary) {
          trailer.add(record);
        }
      }
      await out.write(rows > 0 ? '\n]' : ']');
      await out.write(summary ? '}\n' : `,"rowCount":${rows},"totals":${JSON.stringify(trailer.result())}}\n`);
      break;
    }
    default: {
      const never: never = options.format;
      throw new RangeError(`format: must be csv, json or jsonl, not ${String(never)}`);
    }
  }
  await out.flush();
  return { rows, totalCredits: Math.round(credits * 1e9) / 1e9 };
}

/**
 * The record as exported: prompts dropped unless asked for, every free-text field redacted, and
 * what the ledger's notes add (`appliedBlocks`) kept.
 */
export function exportable(record: ExportRecord, includePrompts: boolean): ExportRecord {
  if (includePrompts || (record.prompt === undefined && record.system === undefined)) {
    return redactRecord(record);
  }
  const { prompt: _prompt, system: _system, ...rest } = record;
  return redactRecord(rest);
}

class TrailerTotals {
  private readonly records: ReturnType<typeof summarize>[] = [];
  add(record: UsageRecord): void {
    this.records.push(summarize(record));
  }
  result(): Totals {
    return totalsOf(this.records);
  }
}

function isIterable(value: AsyncIterable<ExportRecord> | Iterable<ExportRecord>): value is Iterable<ExportRecord> {
  return typeof (value as Iterable<ExportRecord>)[Symbol.iterator] === 'function';
}

function filterRecords(records: AsyncIterable<ExportRecord> | Iterable<ExportRecord>, filter: ReturnType<typeof compileFilter>): AsyncIterable<ExportRecord> | Iterable<ExportRecord> {
  if (isIterable(records)) {
    return [...records].filter((record) => filter.matches(record));
  }
  return (async function* () {
    for await (const record of records) {
      if (filter.matches(record)) {
        yield record;
      }
    }
  })();
}

/** Gathers small strings into ~64 KB writes and waits for `drain` when the sink is full. */
class ChunkedWriter {
  private parts: string[] = [];
  private size = 0;

  constructor(private readonly sink: Writable) {}

  /** Buffers `text`; returns a promise only when a chunk went out (so most rows cost no await). */
  write(text: string): Promise<void> | undefined {
    this.parts.push(text);
    this.size += text.length;
    return this.size >= CHUNK ? this.flush() : undefined;
  }

  async flush(): Promise<void> {
    if (this.parts.length === 0) {
      return;
    }
    const chunk = this.parts.join('');
    this.parts = [];
    this.size = 0;
    if (this.sink.destroyed) {
      throw this.sink.errored ?? new Error('export destination was closed');
    }
    if (!this.sink.write(chunk)) {
      await once(this.sink, 'drain');
    }
  }
}
