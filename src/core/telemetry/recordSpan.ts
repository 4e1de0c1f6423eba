/**
 * A usage record as an OpenTelemetry GenAI span, as plain data (no SDK here): `src/telemetry`
 * turns it into the SDK's span and the OTLP exporter sends it.
 *
 * - Every record (one attempt sent to a provider) is a CLIENT span `chat <model>`.
 * - A gateway task (records with `source: 'gateway'` sharing a `turnId`, `round` numbering its
 *   requests) is an INTERNAL `invoke_agent` span whose children are its rounds; its start and end
 *   span theirs. Costs and credits stay on the rounds only, so summing them never counts twice.
 * - Failures (error, timeout, blocked, cancelled, aborted) carry `error.type` and an error status.
 * - Prompt, system text and context labels are sent only when `includeContent` is on.
 */
import { totalInput, type UsageRecord } from '../ledger/usageRecord';
import { CREDIT_METER, GEN_AI, GEN_AI_COST, GENERAL, OPERATION } from './genAiAttributes';
import { providerNameOf, splitHost } from './providerName';
import { spanIdOf, taskSpanIdOf, traceIdOf } from './spanIds';

export type AttributeValue = string | number | boolean | readonly string[];
export type Attributes = Readonly<Record<string, AttributeValue>>;

export interface SpanData {
  /** 32 hex digits. */
  readonly traceId: string;
  /** 16 hex digits. */
  readonly spanId: string;
  readonly parentSpanId?: string;
  readonly name: string;
  readonly kind: 'client' | 'internal';
  readonly startMs: number;
  readonly endMs: number;
  readonly attributes: Attributes;
  readonly status: { readonly code: 'unset' | 'error'; readonly message?: string };
}

export interface MappingOptions {
  /** Send prompt and system text (`gen_ai.input.messages`, `gen_ai.system_instructions`) and context labels. */
  readonly includeContent: boolean;
}

/** Records that belong to a gateway task (the rounds of an `invoke_agent` span). */
export function isTaskRecord(record: Pick<UsageRecord, 'source'>): boolean {
  return record.source === 'gateway';
}

/**
 * `error.type` of a record that did not end `ok`, else undefined: `timeout`, `cancelled` and
 * `blocked` by name; otherwise the provider error class (`rate_limited`, `auth`, `server`, ...),
 * the HTTP status, or the status itself.
 */
export function errorTypeOf(outcome: UsageRecord['outcome']): string | undefined {
  switch (outcome.status) {
    case 'ok':
      return undefined;
    case 'timeout':
    case 'cancelled':
    case 'blocked':
      return outcome.status;
    case 'aborted':
      return outcome.errorClass ?? 'aborted';
    case 'error':
      return outcome.errorClass ?? (outcome.httpStatus !== undefined ? String(outcome.httpStatus) : '_OTHER');
  }
}

function startEnd(record: UsageRecord): { startMs: number; endMs: number } {
  const startMs = Date.parse(record.startedAt);
  return { startMs, endMs: Math.max(startMs, Date.parse(record.finishedAt)) };
}

function serverAttributes(host: string | null): Record<string, AttributeValue> {
  if (host === null) {
    return {};
  }
  const { hostname, port } = splitHost(host);
  return port === undefined ? { [GENERAL.serverAddress]: hostname } : { [GENERAL.serverAddress]: hostname, [GENERAL.serverPort]: port };
}

/** The `chat <model>` span of one record. */
export function recordSpan(record: UsageRecord, options: MappingOptions): SpanData {
  const { tokens, cost, estimate, outcome } = record;
  const errorType = errorTypeOf(outcome);
  const attributes: Record<string, AttributeValue> = {
    [GEN_AI.operationName]: OPERATION.chat,
    [GEN_AI.providerName]: providerNameOf(record.provider, record.baseUrlHost),
    [GEN_AI.requestModel]: record.modelRequested,
    ...(record.modelServed !== null ? { [GEN_AI.responseModel]: record.modelServed } : {}),
    ...(record.threadId !== null ? { [GEN_AI.conversationId]: record.threadId } : {}),
    ...serverAttributes(record.baseUrlHost),
    [GEN_AI.inputTokens]: totalInput(tokens),
    [GEN_AI.outputTokens]: tokens.output,
    [GEN_AI.cacheReadInputTokens]: tokens.cacheRead,
    [GEN_AI.cacheCreationInputTokens]: tokens.cacheWrite,
    ...(tokens.reasoning > 0 ? { [GEN_AI.reasoningOutputTokens]: tokens.reasoning } : {}),
    ...(record.firstTokenAt !== null ? { [GEN_AI.timeToFirstChunk]: Math.max(0, Date.parse(record.firstTokenAt) - Date.parse(record.startedAt)) / 1000 } : {}),
    ...(errorType !== undefined ? { [GENERAL.errorType]: errorType } : {}),
    ...(outcome.httpStatus !== undefined ? { [GENERAL.httpStatusCode]: outcome.httpStatus } : {}),
    ...(cost.usd !== null ? {
      [GEN_AI_COST.amount]: cost.usd,
      [GEN_AI_COST.currency]: 'USD',
      [GEN_AI_COST.source]: cost.chargeSource === 'provider' ? 'provider' : 'local',
    } : {}),
    ...(cost.credits !== null ? { [CREDIT_METER.credits]: cost.credits } : {}),
    [CREDIT_METER.chargeSource]: cost.chargeSource,
    ...(estimate !== null ? {
      [CREDIT_METER.estimateLow]: estimate.low,
      [CREDIT_METER.estimateExpected]: estimate.expected,
      [CREDIT_METER.estimateHigh]: estimate.high,
      [CREDIT_METER.estimateInputTokens]: estimate.inputTokens,
      [CREDIT_METER.estimateOutputTokens]: estimate.outputTokens,
    } : {}),
    [CREDIT_METER.requestKind]: record.kind,
    [CREDIT_METER.status]: outcome.status,
    ...(record.source !== null ? { [CREDIT_METER.source]: record.source } : {}),
    ...(record.client !== null ? { [CREDIT_METER.client]: record.client } : {}),
    [CREDIT_METER.recordId]: record.id,
    [CREDIT_METER.turnId]: record.turnId,
    [CREDIT_METER.round]: record.round,
    [CREDIT_METER.attempt]: record.attempt,
    [CREDIT_METER.usageSource]: record.usageSource,
    ...(record.region !== null ? { [CREDIT_METER.region]: record.region } : {}),
    [CREDIT_METER.contextTokens]: record.contextTokens,
    [CREDIT_METER.toolCalls]: record.tools.calls,
    ...(options.includeContent ? contentAttributes(record) : {}),
  };
  return {
    traceId: traceIdOf(record.turnId),
    spanId: spanIdOf(record.id),
    ...(isTaskRecord(record) ? { parentSpanId: taskSpanIdOf(record.turnId) } : {}),
    name: `${OPERATION.chat} ${record.modelRequested}`,
    kind: 'client',
    ...startEnd(record),
    attributes,
    status: errorType === undefined ? { code: 'unset' } : { code: 'error', ...(options.includeContent && outcome.errorMessage ? { message: outcome.errorMessage } : {}) },
  };
}

function contentAttributes(record: UsageRecord): Record<string, AttributeValue> {
  const out: Record<string, AttributeValue> = {};
  if (record.prompt !== undefined && record.prompt !== '') {
    out[GEN_AI.inputMessages] = JSON.stringify([{ role: 'user', parts: [{ type: 'text', content: record.prompt }] }]);
  }
  if (record.system !== undefined && record.system !== '') {
    out[GEN_AI.systemInstructions] = JSON.stringify([{ type: 'text', content: record.system }]);
  }
  if (record.contexts.length > 0) {
    out[CREDIT_METER.contextLabels] = record.contexts.map((item) => `${item.kind}: ${item.label}`);
  }
  return out;
}

/**
 * The `invoke_agent` span of a gateway task, from every record of the task known so far. Its start
 * and end cover all rounds; its token sums are the rounds' (as the conventions recommend for agent
 * spans); its status is the last request's.
 */
export function taskSpan(rounds: readonly UsageRecord[]): SpanData {
  if (rounds.length === 0) {
    throw new RangeError('a task span needs at least one round');
  }
  const ordered = [...rounds].sort((a, b) => a.startedAt.localeCompare(b.startedAt) || a.round - b.round || a.attempt - b.attempt);
  const first = ordered[0];
  const turnId = first.turnId;
  let startMs = Infinity;
  let endMs = -Infinity;
  let last = first;
  let input = 0;
  let output = 0;
  let cacheRead = 0;
  let cacheWrite = 0;
  for (const record of ordered) {
    if (record.turnId !== turnId) {
      throw new RangeError(`records of two tasks in one task span: ${turnId} and ${record.turnId}`);
    }
    const span = startEnd(record);
    startMs = Math.min(startMs, span.startMs);
    if (span.endMs >= endMs) {
      endMs = span.endMs;
      last = record;
    }
    input += totalInput(record.tokens);
    output += record.tokens.output;
    cacheRead += record.tokens.cacheRead;
    cacheWrite += record.tokens.cacheWrite;
  }
  const client = ordered.find((record) => record.client !== null)?.client ?? null;
  const errorType = errorTypeOf(last.outcome);
  return {
    traceId: traceIdOf(turnId),
    spanId: taskSpanIdOf(turnId),
    name: client !== null ? `${OPERATION.invokeAgent} ${client}` : OPERATION.invokeAgent,
    kind: 'internal',
    startMs,
    endMs,
    attributes: {
      [GEN_AI.operationName]: OPERATION.invokeAgent,
      [GEN_AI.providerName]: providerNameOf(first.provider, first.baseUrlHost),
      [GEN_AI.requestModel]: first.modelRequested,
      ...(client !== null ? { [GEN_AI.agentName]: client, [CREDIT_METER.client]: client } : {}),
      [GEN_AI.inputTokens]: input,
      [GEN_AI.outputTokens]: output,
      [GEN_AI.cacheReadInputTokens]: cacheRead,
      [GEN_AI.cacheCreationInputTokens]: cacheWrite,
      ...(errorType !== undefined ? { [GENERAL.errorType]: errorType } : {}),
      [CREDIT_METER.source]: 'gateway',
      [CREDIT_METER.turnId]: turnId,
      [CREDIT_METER.taskRequests]: ordered.length,
      [CREDIT_METER.taskRounds]: new Set(ordered.map((record) => record.round)).size,
      [CREDIT_METER.status]: last.outcome.status,
    },
    status: errorType === undefined ? { code: 'unset' } : { code: 'error' },
  };
}
