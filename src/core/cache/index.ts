/** The prompt-cache model, Anthropic's breakpoint policy, and raw-request adapters (see README.md). */
export {
  type AnthropicCacheRules,
  type BlockCacheStatus,
  CACHE_TTL_MS,
  type CacheEntry,
  type CacheNote,
  type CachePrediction,
  type CacheRequest,
  type CacheRules,
  type CacheSplit,
  type CacheState,
  type CacheTtl,
  EMPTY_CACHE_STATE,
  type NoCacheRules,
  type ObservedCacheUsage,
  type OpenAiCacheRules,
  type PromptBlock,
} from './cacheTypes';
export {
  ANTHROPIC_DEFAULT_MINIMUM_TOKENS,
  ANTHROPIC_LOOKBACK_POSITIONS,
  ANTHROPIC_MAX_BREAKPOINTS,
  ANTHROPIC_MINIMUM_TOKENS,
  type CacheRulesQuery,
  NO_CACHE_RULES,
  OPENAI_CACHE_RULES,
  OPENAI_EXTENDED_CACHE_RULES,
  anthropicCacheRules,
  anthropicMinimumTokens,
  cacheRulesFor,
  claudeModelKey,
} from './cacheRules';
export { EXPIRED_ENTRY_KEEP_MS, MAX_CACHE_ENTRIES, predictCache, recordSend } from './predictCache';
export { contentHash, fieldsHash, prefixKeys } from './prefixHash';
export {
  type ConversationMessage,
  type ConversationRequest,
  type TextBlock,
  type TextBlockKind,
  conversationMessage,
  systemText,
} from './conversation';
export {
  BREAKPOINT_PRIORITY,
  type BreakpointRole,
  type BreakpointSlot,
  type PlacedBreakpoint,
  type Placement,
  type PlacementOptions,
  type SkippedBreakpoint,
  placeBreakpoints,
} from './breakpointPolicy';
export {
  ATTACHMENT_TOKENS,
  type BlockCounting,
  anthropicCacheRequest,
  anthropicPromptBlocks,
  modelTokenCounter,
  openAiCacheRequest,
  openAiPromptBlocks,
} from './requestBlocks';
export { type CacheQuote, quoteCachePrediction, splitUsage } from './quoteCache';
