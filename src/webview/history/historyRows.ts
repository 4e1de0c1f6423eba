/**
 * The rows the history view holds: the columns the extension sent, grown in place as rows are appended.
 * Pure data (no DOM), so filtering, sorting and summaries are unit-tested in Node.
 */
import { OUTCOME_STATUSES, REQUEST_KINDS, type OutcomeStatus, type RequestKind } from '../../core/ledger/usageRecord';
import type { HistoryColumns, TaskRef } from '../../protocol/history';

type MutableColumns = { [K in keyof HistoryColumns]: HistoryColumns[K] };

type Columns = MutableColumns & { task: (number | null)[] };

function emptyColumns(): Columns {
  return {
    startedAt: [], model: [], kind: [], status: [], inputTokens: [], cachedTokens: [], outputTokens: [],
    estimated: [], estimateLow: [], estimateHigh: [], charged: [], usd: [], latencyMs: [], retries: [], round: [], task: [],
  };
}

/** The task column of a batch; all null when the sender had none. */
function taskColumn(batch: HistoryColumns): (number | null)[] {
  return batch.task ?? new Array<number | null>(batch.startedAt.length).fill(null);
}

export class HistoryRows {
  generation = -1;
  models: string[] = [];
  /** The gateway's tasks, indexed by the `task` column. */
  tasks: TaskRef[] = [];
  columns: Columns = emptyColumns();

  get length(): number {
    return this.columns.startedAt.length;
  }

  reset(generation: number, models: readonly string[], columns: HistoryColumns, tasks: readonly TaskRef[] = []): void {
    this.generation = generation;
    this.models = [...models];
    this.tasks = [...tasks];
    this.columns = { ...columns, task: taskColumn(columns) };
  }

  /** Adds a batch that continues the rows; false (and nothing changed) for a stale or out-of-order batch. */
  append(generation: number, startIndex: number, models: readonly string[], batch: HistoryColumns, tasks?: readonly TaskRef[]): boolean {
    if (generation !== this.generation || startIndex !== this.length) {
      return false;
    }
    this.models = [...models];
    if (tasks) {
      this.tasks = [...tasks];
    }
    const full = { ...batch, task: taskColumn(batch) };
    for (const name of Object.keys(full) as (keyof Columns)[]) {
      const target = this.columns[name] as (number | null)[];
      for (const value of full[name]) {
        target.push(value);
      }
    }
    return true;
  }

  /** The gateway task a row belongs to (its code), or null. */
  taskAt(index: number): number | null {
    return this.columns.task[index] ?? null;
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
