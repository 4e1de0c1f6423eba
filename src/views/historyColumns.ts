/**
 * Turns ledger records into the compact columns the history view receives (see src/protocol/history.ts).
 * Pure: no vscode, unit-tested in Node.
 */
import { OUTCOME_STATUSES, REQUEST_KINDS, type UsageRecord } from '../core/ledger/usageRecord';
import type { HistoryColumns, TaskRef } from '../protocol/history';

/** Keeps the model → code table stable across appends, so earlier rows keep their codes. */
export class ModelCodes {
  private readonly codes = new Map<string, number>();
  readonly names: string[] = [];

  codeOf(model: string): number {
    let code = this.codes.get(model);
    if (code === undefined) {
      code = this.names.length;
      this.codes.set(model, code);
      this.names.push(model);
    }
    return code;
  }
}

/** Keeps the task → code table stable across appends: the gateway's tasks, by turn id. */
export class TaskCodes {
  private readonly codes = new Map<string, number>();
  readonly tasks: TaskRef[] = [];

  /** The task of a record, or null for a request that is not part of one (Compose). */
  codeOf(record: UsageRecord): number | null {
    if (record.source !== 'gateway') {
      return null;
    }
    let code = this.codes.get(record.turnId);
    if (code === undefined) {
      code = this.tasks.length;
      this.codes.set(record.turnId, code);
      this.tasks.push({ id: record.turnId, client: record.client ?? '' });
    }
    return code;
  }
}

const kindCodes = new Map<string, number>(REQUEST_KINDS.map((kind, code) => [kind, code]));
const statusCodes = new Map<string, number>(OUTCOME_STATUSES.map((status, code) => [status, code]));

/** The model a row is filed under: the one requested, as filters and exports select by it. */
export function modelOf(record: UsageRecord): string {
  return record.modelRequested;
}

export function toColumns(records: readonly UsageRecord[], models: ModelCodes, tasks: TaskCodes = new TaskCodes()): HistoryColumns {
  const task: (number | null)[] = [];
  const columns: HistoryColumns = {
    startedAt: [], model: [], kind: [], status: [], inputTokens: [], cachedTokens: [], outputTokens: [],
    estimated: [], estimateLow: [], estimateHigh: [], charged: [], usd: [], latencyMs: [], retries: [], round: [], task,
  };
  for (const record of records) {
    columns.startedAt.push(Date.parse(record.startedAt));
    columns.model.push(models.codeOf(modelOf(record)));
    columns.kind.push(kindCodes.get(record.kind) ?? 0);
    columns.status.push(statusCodes.get(record.outcome.status) ?? 0);
    columns.inputTokens.push(record.tokens.input + record.tokens.cacheWrite);
    columns.cachedTokens.push(record.tokens.cacheRead);
    columns.outputTokens.push(record.tokens.output);
    columns.estimated.push(record.estimate?.expected ?? null);
    columns.estimateLow.push(record.estimate?.low ?? null);
    columns.estimateHigh.push(record.estimate?.high ?? null);
    columns.charged.push(record.cost.credits);
    columns.usd.push(record.cost.usd);
    columns.latencyMs.push(record.outcome.latencyMs);
    columns.retries.push(record.outcome.retries);
    columns.round.push(record.round);
    task.push(tasks.codeOf(record));
  }
  return columns;
}
