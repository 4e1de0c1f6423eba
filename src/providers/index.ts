export type {
  AttemptOutcome, AttemptStatus, ChargeSource, ChatEvents, ChatMessage, ChatProvider, ChatRequest, ChatResult, ChatTextBlock,
  EstimateTokens, ProviderKind, UsageSource,
} from './types';
export { roughTokenEstimate } from './types';
export { ProviderError, type ProviderErrorClass, type ProviderErrorInit } from './providerError';
export { HttpChatProvider, DEFAULT_REGION_HEADERS, type HttpProviderOptions } from './httpChatProvider';
export { createOpenAiCompatibleProvider, type OpenAiCompatibleOptions } from './openAiCompatible';
export { createAnthropicProvider, DEFAULT_ANTHROPIC_BASE_URL } from './anthropicMessages';
export { systemClock, DEFAULT_RETRY, type Clock, type RetryOptions } from './retryPolicy';
export { SseParser, type SseEvent } from './sseParser';

import { createAnthropicProvider as anthropic } from './anthropicMessages';
import type { HttpChatProvider, HttpProviderOptions as Options } from './httpChatProvider';
import { createOpenAiCompatibleProvider as openAi, type OpenAiCompatibleOptions as OpenAiOptions } from './openAiCompatible';

/** The HTTP adapter for a configured provider kind. */
export function createHttpProvider(kind: 'openai' | 'anthropic', options: Options & OpenAiOptions): HttpChatProvider {
  return kind === 'anthropic' ? anthropic(options) : openAi(options);
}
