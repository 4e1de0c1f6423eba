/**
 * Credits low / expected / high for an estimated request.
 *
 * Each round re-sends the input plus the replies so far (the conversation grows by one response per
 * round), and is priced as its own request so per-request tiers apply per round:
 * - low:      the expected rounds, each answered at the p10 output length;
 * - expected: the expected rounds, each answered at p50;
 * - high:     more rounds than expected (agent loops overrun: ×1.5, rounded up, when more than one
 *             round is expected), each answered at p90.
 *
 * With a prompt-cache split (`CacheScenario`), every round's input is read, written and sent fresh
 * as the cache model predicted for the first one, and the earlier rounds' answers are fresh input;
 * when the provider's cache lifetime is best effort, the range covers both outcomes (low the cheaper,
 * high the dearer) while the expected value follows the expected one.
 */
import type { CacheSplit } from '../cache/cacheTypes';
import { splitUsage } from '../cache/quoteCache';
import { type CreditProfile, type ModelPricing, creditsFor } from '../pricing';
import type { EstimateCost } from './estimateTypes';
import type { OutputQuantiles } from './outputModel';

export const ROUNDS_OVERRUN = 1.5;

/** A cache split of the input, and the other outcome when the cache's lifetime is not certain. */
export interface CacheScenario {
  readonly split: CacheSplit;
  readonly alternative?: CacheSplit;
}

export function highRoundsFor(rounds: number): number {
  return rounds <= 1 ? 1 : Math.ceil(rounds * ROUNDS_OVERRUN);
}

export function costRange(
  pricing: ModelPricing,
  profile: CreditProfile,
  modelId: string,
  inputTokens: number,
  output: OutputQuantiles,
  rounds: number,
  cache?: CacheScenario,
): EstimateCost {
  if (pricing.kind === 'noPrice') {
    return { kind: 'noPrice', reason: pricing.reason, credits: undefined, usd: undefined };
  }
  const scenario = (roundCount: number, perRoundOutput: number, split: CacheSplit | undefined): [usd: number, credits: number] => {
    let usd = 0;
    for (let round = 0; round < roundCount; round++) {
      usd += split
        ? pricing.priceFast(splitUsage(split, perRoundOutput, round * perRoundOutput)).usd
        : pricing.priceUncached(inputTokens + round * perRoundOutput, perRoundOutput);
    }
    return [usd, creditsFor(usd, profile, modelId, { rounds: roundCount })];
  };
  const highRounds = highRoundsFor(rounds);
  let [lowUsd, lowCredits] = scenario(rounds, output.p10, cache?.split);
  const [expectedUsd, expectedCredits] = scenario(rounds, output.p50, cache?.split);
  let [highUsd, highCredits] = scenario(highRounds, output.p90, cache?.split);
  if (cache?.alternative) {
    const [altLowUsd, altLowCredits] = scenario(rounds, output.p10, cache.alternative);
    const [altHighUsd, altHighCredits] = scenario(highRounds, output.p90, cache.alternative);
    if (altLowUsd < lowUsd) {
      [lowUsd, lowCredits] = [altLowUsd, altLowCredits];
    }
    if (altHighUsd > highUsd) {
      [highUsd, highCredits] = [altHighUsd, altHighCredits];
    }
  }
  return {
    kind: 'priced',
    credits: { low: lowCredits, expected: expectedCredits, high: highCredits },
    usd: { low: lowUsd, expected: expectedUsd, high: highUsd },
    pricedModel: pricing.model,
    provider: pricing.provider,
  };
}
