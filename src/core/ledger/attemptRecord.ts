/**
 * THE usage record of one attempt, whichever door the request came in by: Compose and Ask About
 * Selection (`src/send/turnRunner.ts`) and the metering gateway (`src/gateway/gatewayRecord.ts`)
 * turn what they know of an attempt into `AttemptFacts` and call `attemptRecord`, so the charge, the
 * token fields, the redaction, the limits and the outcome follow one set of rules. What differs
 * between the doors is in the facts: the source, the client, the task and round, the tool calls, the
 * contexts, the prompt text each keeps.
 *
 * The charge: credits the service reported (a configured response header) win; then a USD cost the
 * provider reported (OpenRouter `usage.cost`); an attempt with no usage (refused before its answer
 * started) costs nothing; otherwise usage × price under the credit profile. Tool calls and every
 * round after a task's first carry the profile's surcharges.
 *
 * Never stores context contents (labels and sizes only); prompt and system text only when the door
 * passes them (the user keeps prompts); every free-text field goes through `redactSecrets`, with the
 * exact secrets of the request (its API key, the gateway's token) taken out first.
 */
import { randomUUID } from 'node:crypto';
import { type CreditExtras, type CreditProfile, type ProviderHints, creditsFor, quoteCredits } from '../pricing';
import { redactSecrets } from '../redact';
import { type TokenUsage, ZERO_USAGE } from '../usage';
import { recordTokensFromUsage } from './recordTokens';
import { redactRecord } from './redactRecord';
import {
  type ChargeSource,
  type ContextItem,
  type OutcomeStatus,
  type RecordEstimate,
  type RecordSource,
  type RequestKind,
  SCHEMA_VERSION,
  type UsageRecord,
  type UsageSource,
  hostOf,
} from './usageRecord';

/** Stored error messages are cut here (the schema allows more; a thousand characters say enough). */
export const ERROR_MESSAGE_LIMIT = 1000;

/** Everything one attempt adds to the ledger, as plain values. */
export interface AttemptFacts {
  /** The turn (Compose) or task (gateway) the attempt belongs to. */
  readonly turnId: string;
  /** 0-based round within the turn or task. */
  readonly round: number;
  /** 0-based attempt within the round. */
  readonly attempt: number;
  /** Which door the request came in by. */
  readonly source: RecordSource;
  /** The assistant that sent it through the gateway; null for the editor's own doors. */
  readonly client: string | null;
  /** The Compose thread it belongs to. */
  readonly threadId: string | null;
  /** Adapter kind, e.g. `openai`, `anthropic`, `vscode-lm`. */
  readonly provider: string;
  /** The base URL it was sent to (only its host is kept). */
  readonly baseUrl: string | undefined;
  /** The model as requested. */
  readonly model: string;
  readonly kind: RequestKind;
  readonly startedAt: Date;
  readonly firstTokenAt: Date | undefined;
  readonly finishedAt: Date;
  readonly status: OutcomeStatus;
  readonly httpStatus: number | undefined;
  /** e.g. `rate_limit`, `BudgetExceeded`. */
  readonly errorClass: string | undefined;
  /** What went wrong, as the door words it (redacted and cut here). */
  readonly errorMessage: string | undefined;
  /** Usage billed; undefined when the answer never started. */
  readonly usage: TokenUsage | undefined;
  readonly usageSource: UsageSource;
  readonly modelServed: string | undefined;
  readonly region: string | undefined;
  /** Credits the service reported as charged (a configured response header). */
  readonly chargedCredits: number | undefined;
  /** USD the provider reported as its cost (OpenRouter `usage.cost`). */
  readonly providerCostUsd: number | undefined;
  /** Tool calls the model made, and their names. */
  readonly tools: { readonly names: readonly string[]; readonly calls: number; readonly externalCalls: number };
  /** What was attached, as labels and sizes (never the text). */
  readonly contexts: readonly ContextItem[];
  /** Prompt and system text, when the user keeps them. */
  readonly texts: AttemptTexts | undefined;
  /** Tokens of the system part and of the tool definitions, as counted at send time. */
  readonly partTokens: { readonly system: number; readonly tools: number };
  /** The estimate made at send time. */
  readonly estimate: RecordEstimate | null;
  /** Exact values to take out of every stored text (the request's API key, the gateway's token). */
  readonly secrets?: readonly (string | undefined)[];
}

/** Prompt and system text to keep, and how much of each (cut after redaction, so a key on the cut never stays half in place). */
export interface AttemptTexts {
  readonly prompt: string;
  readonly system: string;
  /** Characters kept of each; the whole text (up to the record's own limits) by default. */
  readonly limits?: { readonly prompt: number; readonly system: number };
}

/** The price list a charge is computed with. */
export interface AttemptPricing {
  readonly profile: CreditProfile;
  /** Which catalogue provider prices the model; none for the editor's doors (priced like their estimate). */
  readonly hints?: ProviderHints;
}

export interface AttemptCharge {
  readonly usd: number | null;
  readonly credits: number | null;
  readonly chargeSource: ChargeSource;
  readonly profileVersion: string | null;
}

/** `42`, ` 1.5 ` -> a number of credits; anything else (negative, exponent, text) -> undefined. */
export function parseChargedCredits(text: string | undefined): number | undefined {
  return text !== undefined && /^\s*\d+(\.\d+)?\s*$/.test(text) ? Number(text) : undefined;
}

/** The charge of an attempt: reported credits, then a reported USD cost, then usage × price; no usage costs nothing. */
export function attemptCharge(facts: Pick<AttemptFacts, 'chargedCredits' | 'providerCostUsd' | 'usage' | 'model' | 'modelServed' | 'round' | 'tools'>, pricing: AttemptPricing): AttemptCharge {
  const { profile } = pricing;
  const profileVersion = String(profile.version);
  const model = facts.modelServed || facts.model;
  const extras: CreditExtras = { toolCalls: facts.tools.calls, externalCalls: facts.tools.externalCalls, rounds: facts.round > 0 ? 2 : 1 };
  if (facts.chargedCredits !== undefined && Number.isFinite(facts.chargedCredits) && facts.chargedCredits >= 0) {
    return { usd: facts.chargedCredits * profile.usdPerCredit, credits: facts.chargedCredits, chargeSource: 'provider', profileVersion };
  }
  if (facts.providerCostUsd !== undefined && Number.isFinite(facts.providerCostUsd) && facts.providerCostUsd >= 0) {
    return { usd: facts.providerCostUsd, credits: creditsFor(facts.providerCostUsd, profile, model, extras), chargeSource: 'provider', profileVersion };
  }
  if (!facts.usage) {
    return { usd: 0, credits: 0, chargeSource: 'computed', profileVersion };
  }
  const quote = quoteCredits(facts.usage, model, profile, extras, pricing.hints ?? {});
  return quote.kind === 'priced'
    ? { usd: quote.usd, credits: quote.credits, chargeSource: 'computed', profileVersion }
    : { usd: null, credits: null, chargeSource: 'computed', profileVersion };
}

function clip(text: string, limit: number): string {
  return text.length > limit ? `${text.slice(0, limit - 1)}…` : text;
}

function nonNegative(value: number): number {
  return Number.isFinite(value) && value > 0 ? Math.round(value) : 0;
}

/** One ledger record from one attempt. `id` is the idempotency key (a new UUID by default). */
export function attemptRecord(facts: AttemptFacts, pricing: AttemptPricing, id: string = randomUUID()): UsageRecord {
  const secrets = facts.secrets ?? [];
  const scrub = (text: string): string => redactSecrets(text, secrets);
  const charge = attemptCharge(facts, pricing);
  const attempt = nonNegative(facts.attempt);
  const contexts = facts.contexts.map((item) => ({ kind: item.kind, label: clip(item.label, 1024), tokens: nonNegative(item.tokens), bytes: nonNegative(item.bytes) }));
  const errorMessage = facts.errorMessage ? clip(scrub(facts.errorMessage), ERROR_MESSAGE_LIMIT) : undefined;
  const record: UsageRecord = {
    schemaVersion: SCHEMA_VERSION,
    id,
    turnId: facts.turnId,
    round: nonNegative(facts.round),
    attempt,
    startedAt: facts.startedAt.toISOString(),
    firstTokenAt: facts.firstTokenAt ? facts.firstTokenAt.toISOString() : null,
    finishedAt: facts.finishedAt.toISOString(),
    source: facts.source,
    client: facts.client ? clip(scrub(facts.client), 128) : null,
    threadId: facts.threadId,
    provider: facts.provider,
    baseUrlHost: facts.baseUrl ? hostOf(facts.baseUrl) : null,
    modelRequested: clip(scrub(facts.model), 256),
    modelServed: facts.modelServed ? clip(scrub(facts.modelServed), 256) : null,
    kind: facts.kind,
    region: facts.region ? clip(scrub(facts.region), 128) : null,
    tokens: recordTokensFromUsage(facts.usage ?? ZERO_USAGE, facts.usage ? facts.partTokens : {}),
    usageSource: facts.usageSource,
    contexts,
    contextTokens: contexts.reduce((sum, item) => sum + item.tokens, 0),
    contextBytes: contexts.reduce((sum, item) => sum + item.bytes, 0),
    ...(facts.texts
      ? { prompt: clip(scrub(facts.texts.prompt), facts.texts.limits?.prompt ?? Infinity), system: clip(scrub(facts.texts.system), facts.texts.limits?.system ?? Infinity) }
      : {}),
    tools: { names: facts.tools.names.map((name) => clip(scrub(name), 256)), calls: nonNegative(facts.tools.calls), externalCalls: nonNegative(facts.tools.externalCalls) },
    cost: charge,
    estimate: facts.estimate,
    outcome: {
      status: facts.status,
      ...(facts.errorClass ? { errorClass: facts.errorClass.slice(0, 128) } : {}),
      ...(errorMessage ? { errorMessage } : {}),
      ...(facts.httpStatus !== undefined && facts.httpStatus >= 100 && facts.httpStatus <= 599 ? { httpStatus: facts.httpStatus } : {}),
      latencyMs: Math.max(0, facts.finishedAt.getTime() - facts.startedAt.getTime()),
      retries: attempt,
    },
  };
  // Every other free-text field (ids, thread, provider, error class, context labels, profile version)
  // through the one redaction, the exact secrets included.
  return redactRecord(record, secrets);
}
