/**
 * Credits low / expected / high for an estimated request.
 *
 * Each round re-sends the input plus the replies so far (the conversation grows by one response per
 * round), and is priced as its own request so per-request tiers apply per round:
 * - low:      the expected rounds, each answered at the p10 output length;
 * - expected: the expected rounds, each answered at p50;
 * - high:     more rounds than expected (agent loops overrun: ×1.5, rounded up, when more than one
 *             round is expected), each answered at p90.
 */
import { type CreditProfile, type ModelPricing, creditsFor } from '../pricing';
import type { EstimateCost } from './estimateTypes';
import type { OutputQuantiles } from './outputModel';

export const ROUNDS_OVERRUN = 1.5;

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
): EstimateCost {
  if (pricing.kind === 'noPrice') {
    return { kind: 'noPrice', reason: pricing.reason, credits: undefined, usd: undefined };
  }
  const scenario = (roundCount: number, perRoundOutput: number): [usd: number, credits: number] => {
    let usd = 0;
    for (let round = 0; round < roundCount; round++) {
      usd += pricing.priceUncached(inputTokens + round * perRoundOutput, perRoundOutput);
    }
    return [usd, creditsFor(usd, profile, modelId, { rounds: roundCount })];
  };
  const [lowUsd, lowCredits] = scenario(rounds, output.p10);
  const [expectedUsd, expectedCredits] = scenario(rounds, output.p50);
  const [highUsd, highCredits] = scenario(highRoundsFor(rounds), output.p90);
  return {
    kind: 'priced',
    credits: { low: lowCredits, expected: expectedCredits, high: highCredits },
    usd: { low: lowUsd, expected: expectedUsd, high: highUsd },
    pricedModel: pricing.model,
    provider: pricing.provider,
  };
}
