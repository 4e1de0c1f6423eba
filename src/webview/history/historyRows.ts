/**
 * The rows the history view holds: the columns the extension sent, grown in place as rows are appended.
 * Pure data (no DOM), so filtering, sorting and summaries are unit-tested in Node.
 */
import { OUTCOME_STATUSES, REQUEST_KINDS, type OutcomeStatus, type RequestKind } from '../../core/ledger/usageRecord';
import type { HistoryColumns } from '../../protocol/history';

type MutableColumns = { [K in keyof HistoryColumns]: HistoryColumns[K] };

function emptyColumns(): MutableColumns {
  return {
    startedAt: [], model: [], kind: [], status: [], inputTokens: [], cachedTokens: [], outputTokens: [],
    estimated: [], estimateLow: [], estimateHigh: [], charged: [], usd: [], latencyMs: [], retries: [], round: [],
  };
}

export class HistoryRows {
  generation = -1;
  models: string[] = [];
  columns: MutableColumns = emptyColumns();

  get length(): number {
    return this.columns.startedAt.length;
  }

  reset(generation: number, models: readonly string[], columns: HistoryColumns): void {
    this.generation = generation;
    this.models = [...models];
    this.columns = { ...columns };
  }

  /** Adds a batch that continues the rows; false (and nothing changed) for a stale or out-of-order batch. */
  append(generation: number, startIndex: number, models: readonly string[], batch: HistoryColumns): boolean {
    if (generation !== this.generation || startIndex !== this.length) {
      return false;
    }
    this.models = [...models];
    for (const name of Object.keys(batch) as (keyof HistoryColumns)[]) {
      const target = this.columns[name] as (number | null)[];
      for (const value of batch[name]) {
        target.push(value);
      }
    }
    return true;
  }

  modelAt(index: number): string {
    return this.models[this.columns.model[index]] ?? '?';
  }

  kindAt(index: number): RequestKind {
    return REQUEST_KINDS[this.columns.kind[index]] ?? 'other';
  }

  statusAt(index: number): OutcomeStatus {
    return OUTCOME_STATUSES[this.columns.status[index]] ?? 'error';
  }

  /** Charged minus expected estimate; null when either is unknown. */
  differenceAt(index: number): number | null {
    const charged = this.columns.charged[index];
    const estimated = this.columns.estimated[index];
    return charged === null || estimated === null ? null : charged - estimated;
  }
}
