/**
 * A cache prediction priced: the expected split, the other possible outcome when the provider's
 * lifetime is best effort, and the same request without any cache (what caching saves, or what a
 * write costs more). All three go through `quoteUsageSplit`, the one price engine.
 */
import { type CreditProfile, type CreditQuote, type ProviderHints, quoteUsageSplit } from '../pricing';
import type { CachePrediction, CacheSplit } from './cacheTypes';

export interface CacheQuote {
  readonly expected: CreditQuote;
  /** Present when the prediction carries an `alternative` outcome. */
  readonly alternative?: CreditQuote;
  /** Every input token at the full price. */
  readonly uncached: CreditQuote;
}

export function quoteCachePrediction(
  prediction: CachePrediction,
  outputTokens: number,
  modelId: string,
  profile: CreditProfile,
  hints: ProviderHints = {},
): CacheQuote {
  const quote = (split: CacheSplit) => quoteUsageSplit({ ...split, outputTokens }, modelId, profile, hints);
  const uncached: CacheSplit = { cacheReadTokens: 0, cacheWriteTokens: 0, cacheWrite1hTokens: 0, freshInputTokens: prediction.inputTokens };
  return {
    expected: quote(prediction),
    ...(prediction.alternative ? { alternative: quote(prediction.alternative) } : {}),
    uncached: quote(uncached),
  };
}
