/**
 * The `ChargeCalculator` over a credit profile: usage priced from the catalogue, a provider's USD cost
 * converted, or the service's own credit figure taken as is.
 */
import { creditsFor, quoteCredits, type ProviderHints } from '../core/pricing';
import type { CreditProfile } from '../core/pricing/profileSchema';
import type { TokenUsage } from '../core/usage';
import type { Charge, ChargeCalculator } from './turnTypes';

export function profileCharges(profile: CreditProfile, hints: ProviderHints = {}): ChargeCalculator {
  const version = String(profile.version);
  return {
    fromUsage(model: string, usage: TokenUsage): Charge {
      const quote = quoteCredits(usage, model, profile, {}, hints);
      return quote.kind === 'priced'
        ? { usd: quote.usd, credits: quote.credits, profileVersion: version }
        : { usd: null, credits: null, profileVersion: version };
    },
    fromUsd(model: string, usd: number): Charge {
      return { usd, credits: creditsFor(usd, profile, model), profileVersion: version };
    },
    fromCredits(credits: number): Charge {
      return { usd: credits * profile.usdPerCredit, credits, profileVersion: version };
    },
  };
}
