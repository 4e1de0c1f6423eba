/**
 * Token usage of one request, normalised across providers.
 *
 * Providers disagree on what "input tokens" means: OpenAI's `prompt_tokens` includes the cached
 * tokens, Anthropic's `input_tokens` excludes cache reads and writes. Adapters convert to this shape
 * once, so pricing and the ledger never need to know which provider a number came from.
 */
export interface TokenUsage {
  /** Input tokens billed at the full input price (cache reads and writes excluded). */
  readonly inputTokens: number;
  /** Input tokens served from the provider's prompt cache. */
  readonly cacheReadTokens: number;
  /** Input tokens written to the provider's prompt cache. */
  readonly cacheWriteTokens: number;
  /** The part of `cacheWriteTokens` written with a 1-hour lifetime (Anthropic), priced higher; 0 when absent. */
  readonly cacheWrite1hTokens?: number;
  /** Output tokens, reasoning included (providers bill reasoning as output). */
  readonly outputTokens: number;
  /** The part of `outputTokens` spent on hidden reasoning. */
  readonly reasoningTokens: number;
}

export const ZERO_USAGE: TokenUsage = {
  inputTokens: 0,
  cacheReadTokens: 0,
  cacheWriteTokens: 0,
  outputTokens: 0,
  reasoningTokens: 0,
};

/** All input the model read, whatever price it was billed at. */
export function totalInputTokens(usage: TokenUsage): number {
  return usage.inputTokens + usage.cacheReadTokens + usage.cacheWriteTokens;
}

export function addUsage(a: TokenUsage, b: TokenUsage): TokenUsage {
  const write1h = (a.cacheWrite1hTokens ?? 0) + (b.cacheWrite1hTokens ?? 0);
  return {
    inputTokens: a.inputTokens + b.inputTokens,
    cacheReadTokens: a.cacheReadTokens + b.cacheReadTokens,
    cacheWriteTokens: a.cacheWriteTokens + b.cacheWriteTokens,
    ...(write1h > 0 ? { cacheWrite1hTokens: write1h } : {}),
    outputTokens: a.outputTokens + b.outputTokens,
    reasoningTokens: a.reasoningTokens + b.reasoningTokens,
  };
}
