/**
 * One ledger record from one provider attempt. Never stores context contents; the prompt and system
 * text only when the user allows it; error text only after `redactSecrets`.
 */
import { randomUUID } from 'node:crypto';
import { redactSecrets } from '../core/redact';
import { recordTokensFromUsage } from '../core/ledger/recordTokens';
import { hostOf, SCHEMA_VERSION, type ContextItem, type RecordSource, type RequestKind, type UsageRecord } from '../core/ledger/usageRecord';
import { ZERO_USAGE } from '../core/usage';
import type { AttemptOutcome } from '../providers/types';
import type { Charge, ChargeCalculator, DraftContext, SendTimeEstimate } from './turnTypes';

export interface TurnIdentity {
  readonly turnId: string;
  readonly round: number;
  /** Which door the request came in by. */
  readonly source: RecordSource;
  /** The Compose conversation it belongs to, if any. */
  readonly threadId: string | null;
  /** Adapter kind, e.g. `openai`. */
  readonly provider: string;
  readonly baseUrl: string | undefined;
  readonly model: string;
  readonly kind: RequestKind;
  readonly prompt: string;
  readonly system: string;
  readonly storePrompts: boolean;
  readonly contexts: readonly DraftContext[];
  readonly estimate: SendTimeEstimate;
}

const ERROR_MESSAGE_LIMIT = 1000;

export function contextItems(contexts: readonly DraftContext[], tokens: readonly number[]): ContextItem[] {
  return contexts.map((context, index) => ({
    kind: context.kind,
    label: context.label.slice(0, 1024),
    tokens: Math.max(0, Math.round(tokens[index] ?? 0)),
    bytes: Buffer.byteLength(context.text, 'utf8'),
  }));
}

/** Provider-reported charge wins; else computed from usage; no usage (refused before it started) costs nothing. */
export function chargeOf(outcome: AttemptOutcome, model: string, calculator: ChargeCalculator): Charge & { chargeSource: 'provider' | 'computed' } {
  if (outcome.chargedCredits !== undefined && Number.isFinite(outcome.chargedCredits)) {
    return { ...calculator.fromCredits(outcome.chargedCredits), chargeSource: 'provider' };
  }
  if (outcome.providerCostUsd !== undefined && Number.isFinite(outcome.providerCostUsd)) {
    return { ...calculator.fromUsd(outcome.modelServed ?? model, outcome.providerCostUsd), chargeSource: 'provider' };
  }
  if (!outcome.usage) {
    return { usd: 0, credits: 0, profileVersion: null, chargeSource: 'computed' };
  }
  return { ...calculator.fromUsage(outcome.modelServed ?? model, outcome.usage), chargeSource: 'computed' };
}

function errorText(outcome: AttemptOutcome): string | undefined {
  const error = outcome.error;
  if (!error) {
    return undefined;
  }
  // Some messages already quote the provider's own words; don't store them twice.
  const text = error.detail && !error.message.includes(error.detail) ? `${error.message} (${error.detail})` : error.message;
  return redactSecrets(text).slice(0, ERROR_MESSAGE_LIMIT);
}

export function attemptRecord(turn: TurnIdentity, outcome: AttemptOutcome, calculator: ChargeCalculator, id: string = randomUUID()): UsageRecord {
  const counts = turn.estimate.counts;
  const contexts = contextItems(turn.contexts, counts.contextTokens);
  const charge = chargeOf(outcome, turn.model, calculator);
  const attempt = Math.max(0, outcome.attempt - 1);
  const errorMessage = errorText(outcome);
  return {
    schemaVersion: SCHEMA_VERSION,
    id,
    turnId: turn.turnId,
    round: turn.round,
    attempt,
    startedAt: outcome.startedAt.toISOString(),
    firstTokenAt: outcome.firstTokenAt ? outcome.firstTokenAt.toISOString() : null,
    finishedAt: outcome.finishedAt.toISOString(),
    source: turn.source,
    client: null,
    threadId: turn.threadId,
    provider: turn.provider,
    baseUrlHost: turn.baseUrl ? hostOf(turn.baseUrl) : null,
    modelRequested: turn.model,
    modelServed: outcome.modelServed || null,
    kind: turn.kind,
    region: outcome.region ? outcome.region.slice(0, 128) : null,
    tokens: recordTokensFromUsage(outcome.usage ?? ZERO_USAGE, outcome.usage ? { system: counts.systemTokens, tools: counts.toolsTokens } : {}),
    usageSource: outcome.usageSource,
    contexts,
    contextTokens: contexts.reduce((sum, item) => sum + item.tokens, 0),
    contextBytes: contexts.reduce((sum, item) => sum + item.bytes, 0),
    ...(turn.storePrompts ? { prompt: turn.prompt, system: turn.system } : {}),
    tools: { names: [], calls: 0, externalCalls: 0 },
    cost: {
      usd: charge.usd,
      credits: charge.credits,
      chargeSource: charge.chargeSource,
      profileVersion: charge.profileVersion,
    },
    estimate: turn.estimate.record,
    outcome: {
      status: outcome.status,
      ...(outcome.error ? { errorClass: outcome.error.errorClass } : {}),
      ...(errorMessage ? { errorMessage } : {}),
      ...(outcome.httpStatus !== undefined && outcome.httpStatus >= 100 && outcome.httpStatus <= 599 ? { httpStatus: outcome.httpStatus } : {}),
      latencyMs: Math.max(0, outcome.finishedAt.getTime() - outcome.startedAt.getTime()),
      retries: attempt,
    },
  };
}
