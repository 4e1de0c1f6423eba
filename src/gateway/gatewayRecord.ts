/**
 * One ledger record per request the gateway handled: source `gateway`, the client's name, its task
 * (`turnId`) and round, the send-time estimate, the usage the provider reported (or an estimate of
 * it when the answer was cut or cancelled), the charge, tool calls, status and latency.
 *
 * The record itself is built by the core's `attemptRecord`, the same builder as Compose's, so the
 * charge, redaction, token fields and limits follow one set of rules; this file turns what the
 * gateway saw (the usage tap, the response headers, the raw-request estimate) into its facts. Each
 * record is one round, so the profile's per-extra-round surcharge applies to every round after a
 * task's first.
 */
import { randomUUID } from 'node:crypto';
import type { RawRequestEstimate } from '../core/estimate/rawRequest';
import { type AttemptFacts, attemptRecord, parseChargedCredits } from '../core/ledger/attemptRecord';
import type { OutcomeStatus, RecordEstimate, UsageRecord } from '../core/ledger/usageRecord';
import type { CreditProfile } from '../core/pricing';
import { loadCounter, tokenizerForModel, type CalibrationTable } from '../core/tokens';
import type { TokenUsage } from '../core/usage';
import type { TapResult } from './usageTap';
import type { GatewayProvider } from './types';

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
    cacheReadTokens: estimate.cache?.readTokens ?? 0,
    cacheWriteTokens: estimate.cache?.writeTokens ?? 0,
  };
}

/** What the gateway saw of one request, as the core's record builder takes it. */
export function gatewayFacts(input: RecordInput): AttemptFacts {
  const { usage, source } = usageOf(input);
  const tap = input.tap;
  const estimate = input.estimate;
  const headers = input.responseHeaders;
  return {
    turnId: input.taskId,
    round: input.round,
    attempt: input.attempt,
    source: 'gateway',
    client: input.client,
    threadId: null,
    provider: input.provider.kind,
    baseUrl: input.provider.baseUrl,
    model: input.model,
    kind: estimate?.kind ?? 'other',
    startedAt: input.startedAt,
    firstTokenAt: tap?.firstTokenAt,
    finishedAt: input.finishedAt,
    status: input.status,
    httpStatus: input.httpStatus,
    errorClass: input.errorClass,
    errorMessage: input.errorMessage,
    usage,
    usageSource: source,
    modelServed: tap?.modelServed,
    region: header(headers, input.provider.regionHeader) ?? header(headers, 'x-region') ?? header(headers, 'x-ms-region'),
    chargedCredits: parseChargedCredits(header(headers, input.provider.creditsHeader ?? input.profile.creditsHeader)),
    // A cost reported for an answer that never started is not a charge.
    providerCostUsd: input.accepted ? tap?.providerCostUsd : undefined,
    tools: { names: tap?.toolNames ?? [], calls: tap?.toolCalls ?? 0, externalCalls: tap?.externalCalls ?? 0 },
    contexts: [],
    // The latest user text and the instructions, cut: an agent resends far more than a person reads.
    texts: input.storePrompts && estimate
      ? { prompt: estimate.userText, system: estimate.systemText, limits: { prompt: PROMPT_LIMIT, system: SYSTEM_LIMIT } }
      : undefined,
    partTokens: { system: estimate?.systemTokens ?? 0, tools: estimate?.toolsTokens ?? 0 },
    estimate: estimateRecord(estimate),
    secrets: input.secrets,
  };
}

export function gatewayRecord(input: RecordInput, id: string = randomUUID()): UsageRecord {
  return attemptRecord(gatewayFacts(input), { profile: input.profile, hints: { providerId: input.provider.kind, providerApiUrl: input.provider.baseUrl } }, id);
}
