/**
 * The attribute, span and metric names Credit Meter sends over OpenTelemetry, in one place.
 *
 * GenAI names follow the OpenTelemetry semantic conventions v1.41 (Development status; the last
 * release that carried them in open-telemetry/semantic-conventions — since v1.42 they live in
 * open-telemetry/semantic-conventions-genai, whose main branch keeps every name used here), as
 * published in `@opentelemetry/semantic-conventions` 1.45 (`/incubating`); a unit test checks each
 * `gen_ai.*` name against that package. `gen_ai.usage.cost.*` is not released yet: it follows the
 * open proposal (semantic-conventions-genai pull request 443). Everything Credit Meter adds of its
 * own is under `credit_meter.*`.
 */

export const SEMCONV_VERSION = '1.41.0';
export const SCHEMA_URL = `https://opentelemetry.io/schemas/${SEMCONV_VERSION}`;
/** The instrumentation scope of every span and metric. */
export const SCOPE_NAME = 'credit-meter';

export const GEN_AI = {
  operationName: 'gen_ai.operation.name',
  providerName: 'gen_ai.provider.name',
  requestModel: 'gen_ai.request.model',
  responseModel: 'gen_ai.response.model',
  conversationId: 'gen_ai.conversation.id',
  agentName: 'gen_ai.agent.name',
  /** Every input token, cache reads and writes included (as the conventions require). */
  inputTokens: 'gen_ai.usage.input_tokens',
  outputTokens: 'gen_ai.usage.output_tokens',
  cacheReadInputTokens: 'gen_ai.usage.cache_read.input_tokens',
  cacheCreationInputTokens: 'gen_ai.usage.cache_creation.input_tokens',
  reasoningOutputTokens: 'gen_ai.usage.reasoning.output_tokens',
  timeToFirstChunk: 'gen_ai.response.time_to_first_chunk',
  tokenType: 'gen_ai.token.type',
  /** Opt-in content: the prompt, as the conventions' input messages JSON. */
  inputMessages: 'gen_ai.input.messages',
  /** Opt-in content: the system text, as the conventions' system instructions JSON. */
  systemInstructions: 'gen_ai.system_instructions',
} as const;

/** Proposed (not yet released) cost attributes. `source`: `provider` for a reported charge, `local` for one we computed. */
export const GEN_AI_COST = {
  amount: 'gen_ai.usage.cost.amount',
  currency: 'gen_ai.usage.cost.currency',
  source: 'gen_ai.usage.cost.source',
} as const;

/** Stable attributes from the general registry. */
export const GENERAL = {
  errorType: 'error.type',
  serverAddress: 'server.address',
  serverPort: 'server.port',
  httpStatusCode: 'http.response.status_code',
} as const;

export const CREDIT_METER = {
  credits: 'credit_meter.credits',
  chargeSource: 'credit_meter.charge.source',
  estimateLow: 'credit_meter.estimate.low',
  estimateExpected: 'credit_meter.estimate.expected',
  estimateHigh: 'credit_meter.estimate.high',
  estimateInputTokens: 'credit_meter.estimate.input_tokens',
  estimateOutputTokens: 'credit_meter.estimate.output_tokens',
  requestKind: 'credit_meter.request.kind',
  status: 'credit_meter.outcome.status',
  source: 'credit_meter.source',
  client: 'credit_meter.client',
  recordId: 'credit_meter.record.id',
  turnId: 'credit_meter.turn.id',
  round: 'credit_meter.round',
  attempt: 'credit_meter.attempt',
  usageSource: 'credit_meter.usage.source',
  region: 'credit_meter.region',
  contextTokens: 'credit_meter.context.tokens',
  toolCalls: 'credit_meter.tool.calls',
  taskRequests: 'credit_meter.task.requests',
  taskRounds: 'credit_meter.task.rounds',
  /** Opt-in content: where the attached context came from (paths and ranges). */
  contextLabels: 'credit_meter.context.labels',
} as const;

export const OPERATION = { chat: 'chat', invokeAgent: 'invoke_agent' } as const;
export const TOKEN_TYPE = { input: 'input', output: 'output' } as const;

export const METRIC = {
  tokenUsage: { name: 'gen_ai.client.token.usage', unit: '{token}', description: 'Number of input and output tokens used.' },
  credits: { name: 'credit_meter.credits', unit: '{credit}', description: 'Credits charged for requests.' },
} as const;

/** The conventions' advice for `gen_ai.client.token.usage`. */
export const TOKEN_USAGE_BUCKETS: readonly number[] = [1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864];
