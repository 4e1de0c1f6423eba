/**
 * USD -> credits under a profile:
 *   raw = usd / usdPerCredit × model multiplier
 *       + toolCalls × perToolCall + (rounds − 1) × perExtraRound + externalCalls × perExternalCall
 *   credits = max(minimumCredits, round(raw to roundingStep))
 * Rounding is to the nearest step (half up) by default, or up when the profile says `rounding: "up"`;
 * the minimum is applied after rounding, so a tiny request costs exactly the minimum.
 * The result is always a finite number >= 0: anything else throws a `CreditRangeError` naming what
 * made it so, never Infinity or NaN shown as a price.
 */
import type { TokenUsage } from '../usage';
import type { ProviderHints } from './catalogue';
import { findModelRule } from './modelRules';
import { type NoPrice, type PricedUsage, modelPricing } from './price';
import type { CreditProfile } from './profileSchema';

export interface CreditExtras {
  /** Tool calls the model made. */
  readonly toolCalls?: number;
  /** Rounds (iterations) of the request, 1 when omitted. */
  readonly rounds?: number;
  /** Calls to external APIs (web search, integrations). */
  readonly externalCalls?: number;
}

/** Credits that cannot be a finite number of credits; the message names the cause. */
export class CreditRangeError extends RangeError {
  constructor(message: string) {
    super(message);
    this.name = 'CreditRangeError';
  }
}

export function creditsFor(usd: number, profile: CreditProfile, modelId: string, extras: CreditExtras = {}): number {
  if (!Number.isFinite(usd) || usd < 0) {
    throw new CreditRangeError(`a request's price must be a finite number of USD >= 0, got ${usd}`);
  }
  if (!(Number.isFinite(profile.usdPerCredit) && profile.usdPerCredit > 0)) {
    throw new CreditRangeError(`usdPerCredit must be a finite number above 0, got ${profile.usdPerCredit}`);
  }
  const rule = findModelRule(profile.models, modelId);
  const multiplier = rule?.multiplier ?? 1;
  const { surcharges } = profile;
  const tokenCredits = (usd / profile.usdPerCredit) * multiplier;
  if (!Number.isFinite(tokenCredits)) {
    throw new CreditRangeError(
      `credits overflow: $${usd} at usdPerCredit ${profile.usdPerCredit}${rule?.multiplier !== undefined ? ` × multiplier ${multiplier} (rule '${rule.model}')` : ''} is not a finite number`,
    );
  }
  const raw =
    tokenCredits +
    count(extras.toolCalls) * surcharges.perToolCall +
    count((extras.rounds ?? 1) - 1) * surcharges.perExtraRound +
    count(extras.externalCalls) * surcharges.perExternalCall;
  const credits = Math.max(profile.minimumCredits, roundCredits(raw, profile));
  if (!Number.isFinite(credits)) {
    throw new CreditRangeError(`credits overflow: ${tokenCredits} credits of tokens plus the surcharges, rounded to ${profile.roundingStep}, is not a finite number`);
  }
  return credits;
}

export function roundCredits(raw: number, profile: Pick<CreditProfile, 'roundingStep' | 'rounding'>): number {
  const step = profile.roundingStep;
  if (!(step > 0) || !Number.isFinite(raw)) {
    return raw;
  }
  // The epsilon absorbs binary noise (0.15 / 0.1 = 1.4999999999999998) so halves round up as written.
  const steps = profile.rounding === 'up' ? Math.ceil(raw / step - 1e-9) : Math.floor(raw / step + 0.5 + 1e-9);
  return Math.round(steps * step * 1e9) / 1e9;
}

export type CreditQuote =
  | (PricedUsage & { readonly credits: number })
  | (NoPrice & { readonly credits: undefined; readonly usd: undefined });

/**
 * What a finished request cost: its rounds priced one by one (a per-request price tier is judged per
 * round, never on the sum), then turned into credits. `noPrice` when the model has no price.
 */
export function quoteCredits(
  rounds: TokenUsage | readonly TokenUsage[],
  modelId: string,
  profile: CreditProfile,
  extras: CreditExtras = {},
  hints: ProviderHints = {},
): CreditQuote {
  const pricing = modelPricing(modelId, profile, hints);
  if (pricing.kind === 'noPrice') {
    return { kind: 'noPrice', model: pricing.model, reason: pricing.reason, credits: undefined, usd: undefined };
  }
  const list = isUsageList(rounds) ? rounds : [rounds];
  const priced = pricing.priceRounds(list);
  return { ...priced, credits: creditsFor(priced.usd, profile, modelId, { ...extras, rounds: extras.rounds ?? list.length }) };
}

function isUsageList(value: TokenUsage | readonly TokenUsage[]): value is readonly TokenUsage[] {
  return Array.isArray(value);
}

function count(value: number | undefined): number {
  return value !== undefined && Number.isFinite(value) && value > 0 ? value : 0;
}
