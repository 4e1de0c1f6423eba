export type {
  AttemptOutcome, AttemptStatus, ChargeSource, ChatEvents, ChatMessage, ChatProvider, ChatRequest, ChatResult,
  EstimateTokens, ProviderKind, UsageSource,
} from './types';
export { roughTokenEstimate } from './types';
export { ProviderError, redactSecrets, type ProviderErrorClass, type ProviderErrorInit } from './providerError';
export { HttpChatProvider, DEFAULT_REGION_HEADERS, type HttpProviderOptions } from './httpChatProvider';
export { createOpenAiCompatibleProvider, type OpenAiCompatibleOptions } from './openAiCompatible';
export { createAnthropicProvider, DEFAULT_ANTHROPIC_BASE_URL } from './anthropicMessages';
export { systemClock, DEFAULT_RETRY, type Clock, type RetryOptions } from './retryPolicy';
export { SseParser, type SseEvent } from './sseParser';
