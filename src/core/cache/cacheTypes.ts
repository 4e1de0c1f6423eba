/**
 * The plain values the prompt-cache model is made of. Everything here is JSON-safe (times are epoch
 * milliseconds), so a `CacheState` can be kept in a thread file or a gateway task as it is.
 */

/** Lifetime of an Anthropic cache entry: `5m` (the default `{"type":"ephemeral"}`) or `1h` (`"ttl":"1h"`). */
export type CacheTtl = '5m' | '1h';

export const CACHE_TTL_MS: Readonly<Record<CacheTtl, number>> = { '5m': 5 * 60_000, '1h': 60 * 60_000 };

/**
 * One block of a request's prompt, in the order the provider reads it (tools, system, messages).
 * For Anthropic a block is a content block (a breakpoint can sit on it); for OpenAI a message part.
 */
export interface PromptBlock {
  /** Identifies what the block says as sent (its role and kind included); equal hashes mean equal blocks. */
  readonly hash: string;
  /** Input tokens of the block as the provider counts them, its message's framing included. */
  readonly tokens: number;
  /** A cache breakpoint on this block (Anthropic `cache_control`) and the lifetime it asks for. */
  readonly breakpoint?: CacheTtl;
  /** Consecutive blocks of the same run count as one lookback position (Anthropic: `tool_use`, `tool_result`). */
  readonly run?: 'tool_use' | 'tool_result';
  /** For explanations only: `system`, `tool lookup`, `message 3`, `context src/a.ts`. */
  readonly label?: string;
}

/** How a provider caches prompts. */
export type CacheRules = AnthropicCacheRules | OpenAiCacheRules | NoCacheRules;

/** Explicit breakpoints (`cache_control`); see README for every number's source. */
export interface AnthropicCacheRules {
  readonly kind: 'anthropic';
  /** A prefix shorter than this is never cached, even at a breakpoint (per model). */
  readonly minimumTokens: number;
  /** More breakpoints than this and the API refuses the request. */
  readonly maxBreakpoints: number;
  /** Positions checked per breakpoint, the breakpoint itself counted as the first. */
  readonly lookbackPositions: number;
}

/** Automatic caching of the longest prefix seen before. */
export interface OpenAiCacheRules {
  readonly kind: 'openai';
  /** Prompts shorter than this are never cached. */
  readonly minimumTokens: number;
  /** Cached tokens come in whole increments of this. */
  readonly incrementTokens: number;
  /** After its last use a prefix stays cached at least this long (what "cached until" shows). */
  readonly reliableMs: number;
  /** Typically evicted by then; between `reliableMs` and this a hit is expected but not certain. */
  readonly typicalMs: number;
  /** Never cached longer than this after its last use. */
  readonly maxMs: number;
}

/** A provider (or local server) that caches nothing we can predict. */
export interface NoCacheRules {
  readonly kind: 'none';
}

/** The next request, as the cache model sees it. */
export interface CacheRequest {
  readonly rules: CacheRules;
  /** Caches are kept per model: another model never reads this one's entries. */
  readonly model: string;
  readonly blocks: readonly PromptBlock[];
  /**
   * What, outside the blocks, keeps two identical prompts from sharing a cache (OpenAI
   * `prompt_cache_key`); folded into every prefix key. Empty by default.
   */
  readonly partition?: string;
}

/** One prefix the provider is believed to hold. */
export interface CacheEntry {
  readonly rules: 'anthropic' | 'openai';
  readonly model: string;
  /** Chained hash of the prefix ending at the entry's last block. */
  readonly key: string;
  /** Tokens of the prefix. */
  readonly tokens: number;
  /** Anthropic: the lifetime it was written with; OpenAI entries have none. */
  readonly ttl?: CacheTtl;
  /** When it was written or last read (ms since epoch): every read refreshes it. */
  readonly usedAt: number;
  /** When it expires unless read again (ms). For OpenAI the reliable lifetime. */
  readonly expiresAt: number;
  /** OpenAI: the latest it may survive (off-peak); absent when `expiresAt` is exact. */
  readonly mayLastUntil?: number;
}

/** What the cache model knows of one conversation (a Compose thread, a gateway task). */
export interface CacheState {
  readonly version: 1;
  readonly entries: readonly CacheEntry[];
  /** The last request recorded: its model and the prefix key at each block, for "the prefix changed here". */
  readonly last?: {
    readonly model: string;
    readonly at: number;
    readonly keys: readonly string[];
    /** Leading blocks of it that the provider holds after it. */
    readonly cachedBlocks: number;
  };
}

export const EMPTY_CACHE_STATE: CacheState = Object.freeze({ version: 1, entries: Object.freeze([]) as readonly CacheEntry[] });

/** How much of a request's input is read from the cache, written to it, and sent fresh. */
export interface CacheSplit {
  readonly cacheReadTokens: number;
  /** Everything written, 1-hour writes included. */
  readonly cacheWriteTokens: number;
  /** The part of `cacheWriteTokens` written with the 1-hour lifetime (priced higher). */
  readonly cacheWrite1hTokens: number;
  /** Billed at the full input price. */
  readonly freshInputTokens: number;
}

/** Why a prediction is what it is, for a tooltip or a test. */
export type CacheNote =
  | { readonly code: 'noCaching' }
  | { readonly code: 'noBreakpoints' }
  | { readonly code: 'tooManyBreakpoints'; readonly breakpoints: number; readonly maximum: number }
  | { readonly code: 'belowMinimum'; readonly tokens: number; readonly minimum: number }
  | { readonly code: 'expired'; readonly at: number; readonly tokens: number }
  | { readonly code: 'modelChanged'; readonly from: string; readonly tokens: number }
  | { readonly code: 'prefixChanged'; readonly block: number; readonly label?: string }
  | { readonly code: 'lookbackMissed'; readonly tokens: number }
  | { readonly code: 'uncertainLifetime'; readonly usedAt: number };

/** What happens to each block: read from the cache, written to it, sent fresh, or partly read (OpenAI's 128-token steps). */
export type BlockCacheStatus = 'read' | 'write' | 'fresh' | 'partial';

export interface CachePrediction extends CacheSplit {
  readonly rules: CacheRules['kind'];
  /** All input tokens of the request (read + written + fresh). */
  readonly inputTokens: number;
  readonly blocks: readonly BlockCacheStatus[];
  /** The cached prefix is read only if the request is sent before this (ms); absent when nothing is read. */
  readonly readUntil?: number;
  /** After this request: the longest prefix cached and until when (what the next follow-up can read). */
  readonly cachedAfter?: { readonly tokens: number; readonly until: number; readonly mayLastUntil?: number };
  /** The other possible outcome when the provider's cache lifetime is best effort (OpenAI). */
  readonly alternative?: CacheSplit;
  /** False when the provider would refuse the request as built (more breakpoints than allowed). */
  readonly valid: boolean;
  readonly notes: readonly CacheNote[];
}

/** What the provider reported for a request, to correct the state after it (evictions, ignored markers). */
export interface ObservedCacheUsage {
  readonly cacheReadTokens: number;
  readonly cacheWriteTokens: number;
}
