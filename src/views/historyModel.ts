/**
 * The model behind one history view: which ledger record each row of the view is (rows are
 * numbered in the order they were sent), and what a filter selects among them. No vscode: unit-tested
 * in Node against a real ledger.
 *
 * Selection asks the ledger itself (`summaries` with `toLedgerFilter`) and sums with the core's
 * `totalsOf`: the same filter and sums as `Ledger.totals` and "Export Usage", so the view's row count
 * and credits always equal an export of the same filter. Only the text search is answered here, from
 * a search index kept in memory (see searchIndex.ts), with the core's answer for every row.
 */
import { totalsOf, type Totals } from '../core/ledger/aggregate';
import type { Ledger, LedgerHealth, LedgerRecord } from '../core/ledger/ledger';
import { compileFilter } from '../core/ledger/ledgerFilter';
import type { RecordSummary } from '../core/ledger/recordSummary';
import type { UsageRecord } from '../core/ledger/usageRecord';
import { encodeBits, type HistoryColumns, type LedgerNotes, type Selection, type SelectionTotals, type TaskRef } from '../protocol/history';
import { startOfLocalDay, startOfLocalMonth, startOfLocalWeek, toLedgerFilter, type HistoryFilter } from '../protocol/historyFilter';
import { ModelCodes, TaskCodes, toColumns } from './historyColumns';
import { SearchIndex } from '../core/ledger/searchIndex';

/** What the view needs of the ledger. */
export type HistoryLedger = Pick<Ledger, 'records' | 'summaries' | 'get'>;

/** Records read per batch while loading, so 100k rows never sit in memory as full records. */
const LOAD_BATCH = 2_000;
/** Up to this many rows the search index cannot decide are read back one by one; beyond, the ledger filters them all. */
const UNSURE_READS = 256;

export function selectionTotals(totals: Totals): SelectionTotals {
  return {
    requests: totals.requests,
    credits: totals.credits,
    usd: totals.usd,
    unpricedRequests: totals.unpricedRequests,
    inputTokens: totals.inputTokens,
    cacheReadTokens: totals.cacheReadTokens,
    outputTokens: totals.outputTokens,
    accuracy: { ...totals.accuracy },
  };
}

/** The ledger's health as the view's summary note shows it. */
export function ledgerNotesOf(health: LedgerHealth): LedgerNotes {
  return { quarantined: health.quarantined, damaged: health.damaged, newerSchema: health.newer, indexRebuilt: health.rebuilt?.slice(0, 1024) ?? null };
}

function concatColumns(target: HistoryColumns, batch: HistoryColumns): void {
  for (const name of Object.keys(batch) as (keyof HistoryColumns)[]) {
    const values = batch[name] ?? [];
    (target[name] as (number | null)[] | undefined)?.push(...values);
  }
}

export class HistoryModel {
  private readonly ids: string[] = [];
  private readonly rowOf = new Map<string, number>();
  private readonly codes = new ModelCodes();
  private readonly taskCodes = new TaskCodes();
  private readonly search = new SearchIndex();
  /** Today / this week / this month: they do not depend on the filter, so they are summed once per day and row count. */
  private periods: { key: string; value: Selection['periods'] } | undefined;

  private constructor(readonly generation: number, private readonly ledger: HistoryLedger) {}

  /** Reads every record of the ledger once, oldest first, into the columns of a snapshot. */
  static async load(ledger: HistoryLedger, generation: number): Promise<{ model: HistoryModel; columns: HistoryColumns }> {
    const model = new HistoryModel(generation, ledger);
    const columns = toColumns([], model.codes, model.taskCodes);
    let batch: UsageRecord[] = [];
    for await (const record of ledger.records({})) {
      batch.push(record);
      if (batch.length >= LOAD_BATCH) {
        concatColumns(columns, model.add(batch));
        batch = [];
      }
    }
    concatColumns(columns, model.add(batch));
    return { model, columns };
  }

  get length(): number {
    return this.ids.length;
  }

  get models(): readonly string[] {
    return this.codes.names;
  }

  /** The gateway's tasks the rows belong to, indexed by the `task` column. */
  get tasks(): readonly TaskRef[] {
    return this.taskCodes.tasks;
  }

  /** Adds records not yet shown (a replay or a record already loaded is skipped); null when none is new. */
  append(records: readonly UsageRecord[]): { startIndex: number; columns: HistoryColumns } | null {
    const startIndex = this.ids.length;
    const columns = this.add(records);
    return columns.startedAt.length === 0 ? null : { startIndex, columns };
  }

  /** The ledger id of row `index`. */
  idAt(index: number): string | undefined {
    return this.ids[index];
  }

  /** The full record of row `index`, with what its notes add (code blocks applied). */
  async record(index: number): Promise<LedgerRecord | undefined> {
    const id = this.ids[index];
    return id === undefined ? undefined : this.ledger.get(id);
  }

  /** The rows `filter` selects as of `nowMs`, their totals, and today / this week / this month over every row. */
  async select(filter: HistoryFilter, nowMs: number): Promise<Selection> {
    const rowCount = this.ids.length;
    const matched = await this.matching(filter, nowMs);
    const flags = new Uint8Array(rowCount);
    for (const summary of matched) {
      const row = this.rowOf.get(summary.id);
      if (row !== undefined && row < rowCount) {
        flags[row] = 1;
      }
    }
    return {
      generation: this.generation,
      rowCount,
      matches: encodeBits(flags),
      totals: selectionTotals(totalsOf(matched)),
      periods: await this.periodTotals(nowMs),
    };
  }

  /**
   * The ledger's summaries for the filter. Without search text that is the ledger's own answer; with
   * it, the rest of the filter is the ledger's and the text is looked up in the index, falling back to
   * the full record (the core's own test) only for rows the index cannot decide.
   */
  private async matching(filter: HistoryFilter, nowMs: number): Promise<RecordSummary[]> {
    const { text, ...rest } = toLedgerFilter(filter, nowMs);
    const candidates = await this.ledger.summaries(rest);
    const compiled = compileFilter({ text });
    const needle = compiled.text;
    if (needle === undefined) {
      return candidates;
    }
    const out: RecordSummary[] = [];
    const unsure: RecordSummary[] = [];
    for (const summary of candidates) {
      const row = this.rowOf.get(summary.id);
      const answer = row === undefined ? 'unsure' : this.search.matches(row, needle);
      if (answer === true) {
        out.push(summary);
      } else if (answer === 'unsure') {
        unsure.push(summary);
      }
    }
    if (unsure.length === 0) {
      return out;
    }
    if (unsure.length > UNSURE_READS) {
      // Many long rows to confirm: the ledger's batched read of every candidate is cheaper than one read each.
      return this.ledger.summaries({ ...rest, text });
    }
    const confirmed = new Set<string>();
    for (const summary of unsure) {
      const record = await this.ledger.get(summary.id);
      if (record && compiled.matchesText(record)) {
        confirmed.add(summary.id);
      }
    }
    // Back in ledger order, as the ledger answers.
    const found = new Set(out.map((summary) => summary.id));
    return candidates.filter((summary) => found.has(summary.id) || confirmed.has(summary.id));
  }

  private async periodTotals(nowMs: number): Promise<Selection['periods']> {
    const key = `${this.ids.length}:${startOfLocalDay(nowMs)}`;
    if (this.periods?.key !== key) {
      const since = async (startMs: number) => selectionTotals(totalsOf(await this.ledger.summaries({ since: new Date(startMs) })));
      this.periods = { key, value: { today: await since(startOfLocalDay(nowMs)), week: await since(startOfLocalWeek(nowMs)), month: await since(startOfLocalMonth(nowMs)) } };
    }
    return this.periods.value;
  }

  private add(records: readonly UsageRecord[]): HistoryColumns {
    const fresh: UsageRecord[] = [];
    for (const record of records) {
      if (!this.rowOf.has(record.id)) {
        this.rowOf.set(record.id, this.ids.length);
        this.ids.push(record.id);
        this.search.add(record);
        fresh.push(record);
      }
    }
    return toColumns(fresh, this.codes, this.taskCodes);
  }
}
