/**
 * The usage record: one line of the ledger per attempt sent to a provider.
 *
 * A user request is a *turn* (`turnId`); a turn may take several *rounds* (tool / agent iterations)
 * and each round may be *attempted* more than once (retries). Every attempt is one record, so the
 * ledger bills exactly what was sent. `id` is the idempotency key: replaying a record bills once.
 *
 * Prompt and system text are kept locally for the history view and are left out of every export
 * unless the user opts in. Error messages go through `redactSecrets` before they get here.
 */
import * as z from 'zod';
import { REQUEST_KINDS } from '../requestKind';

/** Bump when the shape changes, and teach `migrateRecord` the step from the previous version. */
export const SCHEMA_VERSION = 3;

export { REQUEST_KINDS, type RequestKind } from '../requestKind';

/**
 * - `ok`: answered; `error`: the provider refused or failed;
 * - `cancelled`: the caller stopped it; `aborted`: the stream was cut before its usage;
 * - `timeout`: a deadline (first byte, idle, overall, error body) ran out;
 * - `blocked`: never sent, refused by a budget before it left (the gateway's enforcement).
 */
export const OUTCOME_STATUSES = ['ok', 'error', 'cancelled', 'aborted', 'timeout', 'blocked'] as const;
export type OutcomeStatus = (typeof OUTCOME_STATUSES)[number];

/**
 * Which door a request came in by: the Compose view, the Ask About Selection input box, or the
 * metering gateway in front of another assistant. Null for records written before it was kept.
 */
export const RECORD_SOURCES = ['compose', 'inputBox', 'gateway'] as const;
export type RecordSource = (typeof RECORD_SOURCES)[number];

/** `provider`: the provider reported usage; `counted`: we counted it (e.g. VS Code LM); `estimated`: nobody reported it. */
export const USAGE_SOURCES = ['provider', 'counted', 'estimated'] as const;
export type UsageSource = (typeof USAGE_SOURCES)[number];

/** `provider`: the provider reported the charge (e.g. OpenRouter `usage.cost`, a credits header); `computed`: usage × price. */
export const CHARGE_SOURCES = ['provider', 'computed'] as const;
export type ChargeSource = (typeof CHARGE_SOURCES)[number];

const count = z.number().int().nonnegative();
const isoUtc = z.iso.datetime({ offset: false, local: false });
/** A host name (and port), never a path, query or user-info that could carry a key. */
export const HOST_PATTERN = /^[A-Za-z0-9.\-[\]:]+$/;
const host = z.string().regex(HOST_PATTERN, 'a bare host name (no scheme, path or credentials)');

export const RecordTokens = z.object({
  /** Input billed at the full input price (cache reads and writes excluded). */
  input: count,
  cacheRead: count,
  cacheWrite: count,
  /** Output tokens, reasoning included. */
  output: count,
  /** The part of `output` spent on hidden reasoning. */
  reasoning: count,
  /** Tokens of the system message(s), part of the input above. */
  system: count,
  /** Tokens of the tool definitions sent, part of the input above. */
  tools: count,
});
export type RecordTokens = z.infer<typeof RecordTokens>;

export const ContextItem = z.object({
  /** e.g. `file`, `selection`, `symbol`, `terminal`. */
  kind: z.string().min(1).max(64),
  /** Where it came from: a path and range, never the content. */
  label: z.string().max(1024),
  tokens: count,
  bytes: count,
});
export type ContextItem = z.infer<typeof ContextItem>;

export const RecordCost = z.object({
  usd: z.number().nonnegative().nullable(),
  credits: z.number().nonnegative().nullable(),
  chargeSource: z.enum(CHARGE_SOURCES),
  /** Version of the price profile used to compute (or convert) the charge. */
  profileVersion: z.string().max(128).nullable(),
});
export type RecordCost = z.infer<typeof RecordCost>;

/** What the meter predicted at send time, so accuracy can be measured against the charge. */
export const RecordEstimate = z.object({
  low: z.number().nonnegative(),
  expected: z.number().nonnegative(),
  high: z.number().nonnegative(),
  /** Every input token the estimate assumed (cached and written included). */
  inputTokens: count,
  outputTokens: count,
  /** The part of `inputTokens` predicted to be read from the provider's prompt cache. */
  cacheReadTokens: count,
  /** The part of `inputTokens` predicted to be written to the prompt cache. */
  cacheWriteTokens: count,
});
export type RecordEstimate = z.infer<typeof RecordEstimate>;

export const RecordOutcome = z.object({
  status: z.enum(OUTCOME_STATUSES),
  /** e.g. `RateLimitError`, `NetworkError`. */
  errorClass: z.string().max(128).optional(),
  /** Already redacted: never an Authorization header or key. */
  errorMessage: z.string().max(4096).optional(),
  httpStatus: z.number().int().min(100).max(599).optional(),
  latencyMs: z.number().nonnegative(),
  retries: count,
});
export type RecordOutcome = z.infer<typeof RecordOutcome>;

export const UsageRecord = z.object({
  schemaVersion: z.literal(SCHEMA_VERSION),
  id: z.uuid(),
  turnId: z.string().min(1).max(128),
  /** 0-based tool / agent iteration within the turn (for the gateway: the round within its task). */
  round: count,
  /** 0-based retry number within the round. */
  attempt: count,
  startedAt: isoUtc,
  firstTokenAt: isoUtc.nullable(),
  finishedAt: isoUtc,
  /** Which door it came in by; null for records written before it was kept. */
  source: z.enum(RECORD_SOURCES).nullable(),
  /** The assistant that sent it through the gateway, from its User-Agent (`claude-cli`, `Cline`, `openai-node`); null for Compose. */
  client: z.string().min(1).max(128).nullable(),
  /** The Compose conversation the request belongs to; null outside a thread. */
  threadId: z.string().min(1).max(128).nullable(),
  /** Adapter that sent it, e.g. `openai`, `anthropic`, `vscode-lm`. */
  provider: z.string().min(1).max(64),
  baseUrlHost: host.nullable(),
  modelRequested: z.string().min(1).max(256),
  /** What the response said it was served by (may differ from the request); null when unknown. */
  modelServed: z.string().min(1).max(256).nullable(),
  kind: z.enum(REQUEST_KINDS),
  /** Processing region / cluster when the provider reports one. */
  region: z.string().max(128).nullable(),
  tokens: RecordTokens,
  usageSource: z.enum(USAGE_SOURCES),
  contexts: z.array(ContextItem),
  contextTokens: count,
  contextBytes: count,
  /** Local only: left out of exports unless the user opts in. */
  prompt: z.string().optional(),
  /** Local only: left out of exports unless the user opts in. */
  system: z.string().optional(),
  tools: z.object({
    names: z.array(z.string().max(256)),
    calls: count,
    externalCalls: count,
  }),
  cost: RecordCost,
  estimate: RecordEstimate.nullable(),
  outcome: RecordOutcome,
});
export type UsageRecord = z.infer<typeof UsageRecord>;

/** Every input token the model read, whatever price it was billed at. */
export function totalInput(tokens: RecordTokens): number {
  return tokens.input + tokens.cacheRead + tokens.cacheWrite;
}

/** `https://user:key@api.example.com/v1?k=x` -> `api.example.com`; null when it is not a URL. */
export function hostOf(baseUrl: string): string | null {
  try {
    return new URL(baseUrl).host || null;
  } catch {
    return null;
  }
}
