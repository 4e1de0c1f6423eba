/**
 * What the ledger keeps in memory per record: the fields that filters and sums need, about a tenth
 * of a full record. Full records (prompt, contexts, tools, error text) stay on disk and are read
 * back by byte offset when a query asks for them.
 */
import { totalInput, type OutcomeStatus, type RequestKind, type UsageRecord } from './usageRecord';

export interface RecordSummary {
  readonly id: string;
  readonly turnId: string;
  readonly startedMs: number;
  readonly modelRequested: string;
  readonly modelServed: string | null;
  readonly kind: RequestKind;
  readonly status: OutcomeStatus;
  /** Every input token read: uncached + cache read + cache write. */
  readonly inputTokens: number;
  readonly cacheReadTokens: number;
  readonly cacheWriteTokens: number;
  readonly outputTokens: number;
  readonly reasoningTokens: number;
  readonly credits: number | null;
  readonly usd: number | null;
  /** The estimate made at send time; null when none was made. */
  readonly estimate: { readonly low: number; readonly expected: number; readonly high: number } | null;
}

export function summarize(record: UsageRecord): RecordSummary {
  const { tokens, estimate } = record;
  return {
    id: record.id,
    turnId: record.turnId,
    startedMs: Date.parse(record.startedAt),
    modelRequested: record.modelRequested,
    modelServed: record.modelServed,
    kind: record.kind,
    status: record.outcome.status,
    inputTokens: totalInput(tokens),
    cacheReadTokens: tokens.cacheRead,
    cacheWriteTokens: tokens.cacheWrite,
    outputTokens: tokens.output,
    reasoningTokens: tokens.reasoning,
    credits: record.cost.credits,
    usd: record.cost.usd,
    estimate: estimate ? { low: estimate.low, expected: estimate.expected, high: estimate.high } : null,
  };
}
