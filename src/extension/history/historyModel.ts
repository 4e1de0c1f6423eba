/**
 * The extension's side of one history view: which ledger record each row of the view is (rows are
 * numbered in the order they were sent), and what a filter selects among them. No vscode: unit-tested
 * in Node against a real ledger.
 *
 * Selection asks the ledger itself (`summaries` with `toLedgerFilter`) and sums with the core's
 * `totalsOf`: the same filter and sums as `Ledger.totals` and "Export Usage", so the view's row count
 * and credits always equal an export of the same filter.
 */
import { totalsOf, type Totals } from '../../core/ledger/aggregate';
import type { Ledger } from '../../core/ledger/ledger';
import type { UsageRecord } from '../../core/ledger/usageRecord';
import { encodeBits, type HistoryColumns, type Selection, type SelectionTotals } from '../../protocol/history';
import { startOfLocalDay, startOfLocalMonth, startOfLocalWeek, toLedgerFilter, type HistoryFilter } from '../../protocol/historyFilter';
import { ModelCodes, toColumns } from './historyColumns';

/** What the view needs of the ledger. */
export type HistoryLedger = Pick<Ledger, 'records' | 'summaries' | 'get'>;

/** Records read per batch while loading, so 100k rows never sit in memory as full records. */
const LOAD_BATCH = 2_000;

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

function concatColumns(target: HistoryColumns, batch: HistoryColumns): void {
  for (const name of Object.keys(batch) as (keyof HistoryColumns)[]) {
    (target[name] as (number | null)[]).push(...batch[name]);
  }
}

export class HistoryModel {
  private readonly ids: string[] = [];
  private readonly rowOf = new Map<string, number>();
  private readonly codes = new ModelCodes();

  private constructor(readonly generation: number, private readonly ledger: HistoryLedger) {}

  /** Reads every record of the ledger once, oldest first, into the columns of a snapshot. */
  static async load(ledger: HistoryLedger, generation: number): Promise<{ model: HistoryModel; columns: HistoryColumns }> {
    const model = new HistoryModel(generation, ledger);
    const columns = toColumns([], model.codes);
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

  /** Adds records not yet shown (a replay or a record already loaded is skipped); null when none is new. */
  append(records: readonly UsageRecord[]): { startIndex: number; columns: HistoryColumns } | null {
    const startIndex = this.ids.length;
    const columns = this.add(records);
    return columns.startedAt.length === 0 ? null : { startIndex, columns };
  }

  async record(index: number): Promise<UsageRecord | undefined> {
    const id = this.ids[index];
    return id === undefined ? undefined : this.ledger.get(id);
  }

  /** The rows `filter` selects as of `nowMs`, their totals, and today / this week / this month over every row. */
  async select(filter: HistoryFilter, nowMs: number): Promise<Selection> {
    const rowCount = this.ids.length;
    const matched = await this.ledger.summaries(toLedgerFilter(filter, nowMs));
    const flags = new Array<boolean>(rowCount).fill(false);
    for (const summary of matched) {
      const row = this.rowOf.get(summary.id);
      if (row !== undefined && row < rowCount) {
        flags[row] = true;
      }
    }
    const since = async (startMs: number) => selectionTotals(totalsOf(await this.ledger.summaries({ since: new Date(startMs) })));
    return {
      generation: this.generation,
      rowCount,
      matches: encodeBits(flags),
      totals: selectionTotals(totalsOf(matched)),
      periods: { today: await since(startOfLocalDay(nowMs)), week: await since(startOfLocalWeek(nowMs)), month: await since(startOfLocalMonth(nowMs)) },
    };
  }

  private add(records: readonly UsageRecord[]): HistoryColumns {
    const fresh: UsageRecord[] = [];
    for (const record of records) {
      if (!this.rowOf.has(record.id)) {
        this.rowOf.set(record.id, this.ids.length);
        this.ids.push(record.id);
        fresh.push(record);
      }
    }
    return toColumns(fresh, this.codes);
  }
}
