/**
 * A cache prediction priced: the expected split, the other possible outcome when the provider's
 * lifetime is best effort, and the same request without any cache (what caching saves, or what a
 * write costs more). Each is the catalogue's price of the split (cache read, 5-minute and 1-hour
 * write prices included) turned into credits by the profile: `priceFast`, the library's own rates
 * derived once per tier band, so the estimate can redo it on every keystroke.
 */
import { type CreditProfile, type CreditQuote, type ProviderHints, creditsFor, modelPricing } from '../pricing';
import type { TokenUsage } from '../usage';
import type { CachePrediction, CacheSplit } from './cacheTypes';

/** The usage a request with this split is billed for: `extraFresh` more fresh input (earlier rounds' answers) and `outputTokens` out. */
export function splitUsage(split: CacheSplit, outputTokens: number, extraFresh = 0): TokenUsage {
  return {
    inputTokens: split.freshInputTokens + extraFresh,
    cacheReadTokens: split.cacheReadTokens,
    cacheWriteTokens: split.cacheWriteTokens,
    ...(split.cacheWrite1hTokens > 0 ? { cacheWrite1hTokens: split.cacheWrite1hTokens } : {}),
    outputTokens,
    reasoningTokens: 0,
  };
}

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
  const pricing = modelPricing(modelId, profile, hints);
  const quote = (split: CacheSplit): CreditQuote => {
    if (pricing.kind === 'noPrice') {
      return { kind: 'noPrice', model: pricing.model, reason: pricing.reason, credits: undefined, usd: undefined };
    }
    const priced = pricing.priceFast(splitUsage(split, outputTokens));
    return { ...priced, credits: creditsFor(priced.usd, profile, modelId) };
  };
  const uncached: CacheSplit = { cacheReadTokens: 0, cacheWriteTokens: 0, cacheWrite1hTokens: 0, freshInputTokens: prediction.inputTokens };
  return {
    expected: quote(prediction),
    ...(prediction.alternative ? { alternative: quote(prediction.alternative) } : {}),
    uncached: quote(uncached),
  };
}
