/**
 * Pricing a request whose input is split by the prompt cache: fresh input, cache reads, cache writes
 * (some of them at the 1-hour rate) and output. It is the same price engine as every other charge
 * (`quoteCredits` over the catalogue and the credit profile), fed the split as a `TokenUsage`; the
 * catalogue holds each model's cache read and write prices, and a model without them is priced at
 * its input price (no discount, no surcharge).
 */
import type { TokenUsage } from '../usage';
import type { ProviderHints } from './catalogue';
import { type CreditExtras, type CreditQuote, quoteCredits } from './credits';
import type { CreditProfile } from './profileSchema';

export interface UsageSplit {
  /** Input billed at the full price. */
  readonly freshInputTokens: number;
  readonly cacheReadTokens: number;
  /** All cache writes, 1-hour writes included. */
  readonly cacheWriteTokens: number;
  /** The part of `cacheWriteTokens` written with a 1-hour lifetime. */
  readonly cacheWrite1hTokens?: number;
  readonly outputTokens: number;
  readonly reasoningTokens?: number;
}

export function usageOfSplit(split: UsageSplit): TokenUsage {
  const write1h = split.cacheWrite1hTokens ?? 0;
  return {
    inputTokens: split.freshInputTokens,
    cacheReadTokens: split.cacheReadTokens,
    cacheWriteTokens: split.cacheWriteTokens,
    ...(write1h > 0 ? { cacheWrite1hTokens: write1h } : {}),
    outputTokens: split.outputTokens,
    reasoningTokens: split.reasoningTokens ?? 0,
  };
}

/** Credits (and USD) of one request with this split, or `noPrice` when the model has no price. */
export function quoteUsageSplit(
  split: UsageSplit,
  modelId: string,
  profile: CreditProfile,
  hints: ProviderHints = {},
  extras: CreditExtras = {},
): CreditQuote {
  return quoteCredits(usageOfSplit(split), modelId, profile, extras, hints);
}
