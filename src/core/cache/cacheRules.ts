/**
 * Each provider's prompt-caching rules as data. Every number's source is in README.md
 * ("Provider rules"); change a number there and here together.
 */
import { bareModelName, tokenizerForModel } from '../tokens';
import type { AnthropicCacheRules, CacheRules, NoCacheRules, OpenAiCacheRules } from './cacheTypes';

/** Anthropic: "You can define up to 4 cache breakpoints"; a fifth makes the API answer 400. */
export const ANTHROPIC_MAX_BREAKPOINTS = 4;
/** Anthropic: "The system checks at most 20 positions per breakpoint, counting the breakpoint itself as the first." */
export const ANTHROPIC_LOOKBACK_POSITIONS = 20;
/** The minimum for a Claude model the table below does not list (the most common value). */
export const ANTHROPIC_DEFAULT_MINIMUM_TOKENS = 1024;

/**
 * "The minimum cacheable prompt length" per Claude model, keyed `<family>-<version>` (the
 * version as the model id writes it, dots for separators). From the prompt-caching guide's
 * "Cache limitations" list; README.md notes where its revisions disagree.
 */
export const ANTHROPIC_MINIMUM_TOKENS: Readonly<Record<string, number>> = {
  'fable-5.1': 512,
  'mythos-5.1': 512,
  'opus-5.5': 512,
  'opus-5': 512,
  'fable-5': 512,
  'mythos-5': 512,
  'opus-4.8': 1024,
  'sonnet-5': 1024,
  'sonnet-4.6': 1024,
  'sonnet-4.5': 1024,
  'opus-4.1': 1024,
  'opus-4': 1024,
  'sonnet-4': 1024,
  'sonnet-3.7': 1024,
  'sonnet-3.5': 1024,
  'opus-3': 1024,
  'mythos-preview': 2048,
  'opus-4.7': 2048,
  'haiku-3.5': 2048,
  'haiku-3': 2048,
  'opus-4.6': 4096,
  'opus-4.5': 4096,
  'haiku-4.5': 4096,
};

/** `claude-sonnet-4-5-20250929`, `anthropic/claude-sonnet-4.5`, `claude-3-5-haiku-latest` -> `sonnet-4.5`, `haiku-3.5`. */
export function claudeModelKey(modelId: string): string | undefined {
  const name = bareModelName(modelId);
  const current = /^claude-(opus|sonnet|haiku|fable|mythos)-(\d+|preview)(?:[-.](\d{1,2}))?(?=$|[-@:])/.exec(name);
  if (current) {
    const [, family, major, minor] = current;
    return minor === undefined ? `${family}-${major}` : `${family}-${major}.${minor}`;
  }
  const legacy = /^claude-(\d+)(?:[-.](\d))?-(opus|sonnet|haiku)/.exec(name);
  if (legacy) {
    const [, major, minor, family] = legacy;
    return minor === undefined ? `${family}-${major}` : `${family}-${major}.${minor}`;
  }
  return undefined;
}

export function anthropicMinimumTokens(modelId: string): number {
  const key = claudeModelKey(modelId);
  return (key !== undefined ? ANTHROPIC_MINIMUM_TOKENS[key] : undefined) ?? ANTHROPIC_DEFAULT_MINIMUM_TOKENS;
}

export function anthropicCacheRules(modelId: string): AnthropicCacheRules {
  return {
    kind: 'anthropic',
    minimumTokens: anthropicMinimumTokens(modelId),
    maxBreakpoints: ANTHROPIC_MAX_BREAKPOINTS,
    lookbackPositions: ANTHROPIC_LOOKBACK_POSITIONS,
  };
}

const MINUTE = 60_000;

/** OpenAI: "Caching is available for prompts containing 1024 tokens or more, with cache hits occurring in increments of 128 tokens." */
export const OPENAI_CACHE_RULES: OpenAiCacheRules = Object.freeze({
  kind: 'openai',
  minimumTokens: 1024,
  incrementTokens: 128,
  // "Cached prefixes generally remain active for 5 to 10 minutes of inactivity. However, during
  // off-peak periods, caches may persist for up to one hour."
  reliableMs: 5 * MINUTE,
  typicalMs: 10 * MINUTE,
  maxMs: 60 * MINUTE,
});

/** OpenAI with `prompt_cache_retention: "24h"`: "keeping cached prefixes active up to a maximum of 24 hours". */
export const OPENAI_EXTENDED_CACHE_RULES: OpenAiCacheRules = Object.freeze({
  ...OPENAI_CACHE_RULES,
  reliableMs: 24 * 60 * MINUTE,
  typicalMs: 24 * 60 * MINUTE,
  maxMs: 24 * 60 * MINUTE,
});

export const NO_CACHE_RULES: NoCacheRules = Object.freeze({ kind: 'none' });

export interface CacheRulesQuery {
  /** The wire format the request is sent in. */
  readonly dialect: 'anthropic' | 'openai';
  readonly model: string;
  /** OpenAI `prompt_cache_retention: "24h"` was asked for. */
  readonly extendedRetention?: boolean;
}

/**
 * The rules that apply to a request: Anthropic's for the Messages API; OpenAI's for OpenAI models
 * over the Chat Completions format (whoever serves them: OpenAI, Azure, a proxy in front of them);
 * none for every other model, so an estimate never counts on a cache it cannot know about.
 */
export function cacheRulesFor(query: CacheRulesQuery): CacheRules {
  if (query.dialect === 'anthropic') {
    return anthropicCacheRules(query.model);
  }
  if (tokenizerForModel(query.model).family === 'openai') {
    return query.extendedRetention ? OPENAI_EXTENDED_CACHE_RULES : OPENAI_CACHE_RULES;
  }
  return NO_CACHE_RULES;
}
