/**
 * One ledger record per request the gateway handled: source `gateway`, the client's name, its task
 * (`turnId`) and round, the send-time estimate, the usage the provider reported (or an estimate of
 * it when the answer was cut or cancelled), the charge, tool calls, status and latency.
 *
 * The charge follows the same rules as Compose's: credits the service reported in the configured
 * header win, then a USD cost the provider reported (OpenRouter `usage.cost`), else usage × price
 * under the credit profile; an answer that never started costs nothing. Each record is one round, so
 * the profile's per-extra-round surcharge applies to every round after a task's first.
 */
import { randomUUID } from 'node:crypto';
import type { RawRequestEstimate } from '../core/estimate/rawRequest';
import { recordTokensFromUsage } from '../core/ledger/recordTokens';
import { redactSecrets as redactKeyLike } from '../core/redact';
import { type OutcomeStatus, type RecordEstimate, SCHEMA_VERSION, type UsageRecord, hostOf } from '../core/ledger/usageRecord';
import { type CreditProfile, creditsFor, quoteCredits } from '../core/pricing';
import { loadCounter, tokenizerForModel, type CalibrationTable } from '../core/tokens';
import { type TokenUsage, ZERO_USAGE } from '../core/usage';
import type { TapResult } from './usageTap';
import type { GatewayProvider } from './types';

const ERROR_MESSAGE_LIMIT = 1000;
/** Stored prompt and system text, when the user keeps them: the latest user text and the instructions, cut. */
const PROMPT_LIMIT = 32 * 1024;
const SYSTEM_LIMIT = 8 * 1024;

export interface RecordInput {
  readonly provider: GatewayProvider;
  readonly model: string;
  readonly client: string;
  readonly taskId: string;
  readonly round: number;
  readonly attempt: number;
  readonly estimate: RawRequestEstimate | undefined;
  readonly startedAt: Date;
  readonly finishedAt: Date;
  readonly status: OutcomeStatus;
  readonly httpStatus: number | undefined;
  readonly tap: TapResult | undefined;
  /** The answer started (2xx), so the provider may bill it. */
  readonly accepted: boolean;
  readonly errorClass?: string;
  readonly errorMessage?: string;
  readonly responseHeaders: Readonly<Record<string, string | string[] | undefined>>;
  readonly profile: CreditProfile;
  readonly calibration?: CalibrationTable;
  readonly storePrompts: boolean;
  /** Values to scrub from anything stored (the real key, the gateway token). */
  readonly secrets: readonly (string | undefined)[];
}

function clip(text: string, limit: number): string {
  return text.length > limit ? `${text.slice(0, limit - 1)}…` : text;
}

function scrub(text: string, secrets: readonly (string | undefined)[]): string {
  let out = text;
  for (const secret of secrets) {
    if (secret && secret.length >= 4) {
      out = out.split(secret).join('[redacted]');
    }
  }
  return redactKeyLike(out);
}

function header(headers: RecordInput['responseHeaders'], name: string | undefined): string | undefined {
  if (!name) {
    return undefined;
  }
  const value = headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}

/** Usage the provider reported, or our estimate of what a cut or cancelled answer was billed. */
function usageOf(input: RecordInput): { usage: TokenUsage | undefined; source: UsageRecord['usageSource'] } {
  const tap = input.tap;
  if (tap?.usage && (tap.complete || input.status === 'ok' || input.status === 'error')) {
    return { usage: tap.usage, source: 'provider' };
  }
  if (!input.accepted) {
    return { usage: undefined, source: 'estimated' };
  }
  const tokenizer = tokenizerForModel(input.model, input.calibration);
  const outputText = tap?.text ?? '';
  const counted = outputText === '' ? 0 : loadCounter(tokenizer.encoding).count(outputText);
  const input_ = tap?.inputUsage ?? { inputTokens: input.estimate?.inputTokens ?? 0, cacheReadTokens: 0, cacheWriteTokens: 0 };
  return {
    usage: { ...input_, outputTokens: tokenizer.exact ? counted : Math.round(counted * tokenizer.calibration), reasoningTokens: 0 },
    source: 'estimated',
  };
}

function estimateRecord(estimate: RawRequestEstimate | undefined): RecordEstimate | null {
  if (!estimate || estimate.cost.kind !== 'priced') {
    return null;
  }
  const credits = estimate.cost.credits;
  return {
    low: credits.low,
    expected: credits.expected,
    high: credits.high,
    inputTokens: estimate.inputTokens,
    outputTokens: Math.round(estimate.outputTokens.p50),
    cacheReadTokens: 0,
    cacheWriteTokens: 0,
  };
}

export function gatewayRecord(input: RecordInput, id: string = randomUUID()): UsageRecord {
  const { usage, source } = usageOf(input);
  const tap = input.tap;
  const profile = input.profile;
  const extras = { toolCalls: tap?.toolCalls ?? 0, externalCalls: tap?.externalCalls ?? 0, rounds: input.round > 0 ? 2 : 1 };
  const creditsHeader = header(input.responseHeaders, input.provider.creditsHeader ?? profile.creditsHeader);
  let cost: UsageRecord['cost'];
  if (creditsHeader !== undefined && /^\s*\d+(\.\d+)?\s*$/.test(creditsHeader)) {
    const credits = Number(creditsHeader);
    cost = { usd: credits * profile.usdPerCredit, credits, chargeSource: 'provider', profileVersion: String(profile.version) };
  } else if (input.accepted && tap?.providerCostUsd !== undefined && Number.isFinite(tap.providerCostUsd) && tap.providerCostUsd >= 0) {
    cost = { usd: tap.providerCostUsd, credits: creditsFor(tap.providerCostUsd, profile, input.model, extras), chargeSource: 'provider', profileVersion: String(profile.version) };
  } else if (!usage) {
    cost = { usd: 0, credits: 0, chargeSource: 'computed', profileVersion: String(profile.version) };
  } else {
    const quote = quoteCredits(usage, tap?.modelServed ?? input.model, profile, extras, { providerId: input.provider.kind, providerApiUrl: input.provider.baseUrl });
    cost = { usd: quote.usd ?? null, credits: quote.credits ?? null, chargeSource: 'computed', profileVersion: String(profile.version) };
  }
  const estimate = input.estimate;
  const region = header(input.responseHeaders, input.provider.regionHeader) ?? header(input.responseHeaders, 'x-region') ?? header(input.responseHeaders, 'x-ms-region');
  const errorMessage = input.errorMessage ? clip(scrub(input.errorMessage, input.secrets), ERROR_MESSAGE_LIMIT) : undefined;
  const modelServed = tap?.modelServed ? clip(scrub(tap.modelServed, input.secrets), 256) : null;
  return {
    schemaVersion: SCHEMA_VERSION,
    id,
    turnId: input.taskId,
    round: input.round,
    attempt: input.attempt,
    startedAt: input.startedAt.toISOString(),
    firstTokenAt: tap?.firstTokenAt ? tap.firstTokenAt.toISOString() : null,
    finishedAt: input.finishedAt.toISOString(),
    source: 'gateway',
    client: clip(input.client, 128),
    threadId: null,
    provider: input.provider.kind,
    baseUrlHost: hostOf(input.provider.baseUrl),
    modelRequested: clip(input.model, 256),
    modelServed,
    kind: estimate?.kind ?? 'other',
    region: region ? clip(region, 128) : null,
    tokens: recordTokensFromUsage(usage ?? ZERO_USAGE, usage ? { system: estimate?.systemTokens ?? 0, tools: estimate?.toolsTokens ?? 0 } : {}),
    usageSource: source,
    contexts: [],
    contextTokens: 0,
    contextBytes: 0,
    ...(input.storePrompts && estimate
      ? { prompt: clip(scrub(estimate.userText, input.secrets), PROMPT_LIMIT), system: clip(scrub(estimate.systemText, input.secrets), SYSTEM_LIMIT) }
      : {}),
    tools: { names: [...(tap?.toolNames ?? [])], calls: tap?.toolCalls ?? 0, externalCalls: tap?.externalCalls ?? 0 },
    cost,
    estimate: estimateRecord(estimate),
    outcome: {
      status: input.status,
      ...(input.errorClass ? { errorClass: input.errorClass.slice(0, 128) } : {}),
      ...(errorMessage ? { errorMessage } : {}),
      ...(input.httpStatus !== undefined && input.httpStatus >= 100 && input.httpStatus <= 599 ? { httpStatus: input.httpStatus } : {}),
      latencyMs: Math.max(0, input.finishedAt.getTime() - input.startedAt.getTime()),
      retries: input.attempt,
    },
  };
}
