/**
 * A conversation (the system prompt and the messages as text blocks: `src/core/threads`
 * `buildThreadRequest` makes it) as what a provider is sent, and as the prompt-cache model's request
 * for those very bytes. Compose's estimate and its send both come through here, so the prediction is
 * always made from the body the dialect builds, exactly as the gateway predicts from the body it
 * receives.
 *
 * - Anthropic: breakpoints placed by `placeBreakpoints` (the documented policy: at most four, each
 *   where the prefix reaches the model's minimum), sent as content blocks with `cache_control`.
 * - OpenAI-compatible: the blocks joined, so the prefix is byte-stable; the provider caches it by itself.
 * - Language models of VS Code: the joined text, no cache we can predict.
 */
import {
  type BlockCounting,
  type CacheRequest,
  type CacheTtl,
  type ConversationRequest,
  NO_CACHE_RULES,
  anthropicCacheRequest,
  anthropicCacheRules,
  openAiCacheRequest,
  openAiPromptBlocks,
  placeBreakpoints,
  systemText,
} from '../core/cache';
import { anthropicDialect } from './anthropicDialect';
import { openAiDialect } from './openAiDialect';
import type { ChatMessage, ChatTextBlock } from './types';

/** The wire format a request goes out in, as far as caching is concerned. */
export type CacheDialect = 'anthropic' | 'openai' | 'none';

export interface ConversationSend {
  /** The system prompt joined ('' for none), and as blocks (breakpoints marked). */
  readonly system: string;
  readonly systemBlocks: readonly ChatTextBlock[];
  readonly messages: readonly ChatMessage[];
  /** The cache model's request for the body the dialect builds from these messages. */
  readonly cacheRequest: CacheRequest;
}

export interface ConversationSendOptions {
  /** Counts as the estimator does (exact, or calibrated) with the message format's framing. */
  readonly counting: BlockCounting;
  /** Lifetime of Anthropic breakpoints (5 minutes by default). */
  readonly ttl?: CacheTtl;
  /**
   * Place Anthropic breakpoints even where the prefix is below the model's minimum. For an estimate
   * made with a placeholder prompt: a breakpoint below the minimum writes nothing and reads nothing
   * (the cache model applies the minimum itself), so the prediction is the same as the real
   * request's, and the prompt's breakpoint is there once the prompt grows past the minimum.
   */
  readonly ignoreMinimum?: boolean;
}

export function conversationSend(dialect: CacheDialect, model: string, conversation: ConversationRequest, options: ConversationSendOptions): ConversationSend {
  const { counting } = options;
  if (dialect === 'anthropic') {
    const rules = anthropicCacheRules(model);
    const placed = placeBreakpoints(conversation, {
      rules: options.ignoreMinimum ? { ...rules, minimumTokens: 0 } : rules,
      countTokens: counting.countTokens,
      ...(options.ttl ? { ttl: options.ttl } : {}),
    }).request;
    const send = { system: systemText(placed), systemBlocks: placed.system, messages: placed.messages };
    const body = anthropicDialect().buildRequest({ model, ...send }, undefined).body;
    return { ...send, cacheRequest: anthropicCacheRequest(body, counting) };
  }
  const send = { system: systemText(conversation), systemBlocks: conversation.system, messages: conversation.messages };
  const body = openAiDialect().buildRequest({ model, ...send }, undefined).body;
  return {
    ...send,
    cacheRequest: dialect === 'openai' ? openAiCacheRequest(body, counting) : { rules: NO_CACHE_RULES, model, blocks: openAiPromptBlocks(body, counting) },
  };
}
