/**
 * The shape of a credit profile: how the service turns a request's USD cost into credits.
 * Profiles are data (JSON files or a settings object), so every field is validated here with zod and
 * every error names the field. `media/credit-profile.schema.json` mirrors this for editors.
 */
import { z } from 'zod';

export const PROFILE_VERSION = 1;

const positive = z.number({ error: 'expected a positive number' }).positive({ error: 'expected a positive number' });
const nonNegative = z.number({ error: 'expected a number >= 0' }).nonnegative({ error: 'expected a number >= 0' });
const usdPerMillion = z
  .number({ error: 'expected a price in USD per million tokens (a number >= 0)' })
  .nonnegative({ error: 'expected a price in USD per million tokens (a number >= 0)' });

/** USD per million tokens; each key overrides the catalogue's price for that kind of token. */
export const modelPricesSchema = z.strictObject({
  input: usdPerMillion.optional(),
  cacheRead: usdPerMillion.optional(),
  cacheWrite: usdPerMillion.optional(),
  output: usdPerMillion.optional(),
});

export const modelRuleSchema = z
  .strictObject({
    /** A model id (`gpt-4o`), a glob (`claude-*-4-5*`, `ollama/*`) or a prefix written as a glob (`llama3*`). */
    model: z.string({ error: 'expected a model id or glob' }).trim().min(1, { error: 'expected a model id or glob' }),
    /** Credits for this model are multiplied by this (the service's markup for expensive models). */
    multiplier: positive.optional(),
    prices: modelPricesSchema.optional(),
    note: z.string({ error: 'expected text' }).optional(),
  })
  .refine((rule) => rule.multiplier !== undefined || rule.prices !== undefined, {
    error: 'expected a multiplier and/or prices',
  });

/** Flat credits added on top of the token cost. */
export const surchargesSchema = z.strictObject({
  perToolCall: nonNegative.optional(),
  perExtraRound: nonNegative.optional(),
  perExternalCall: nonNegative.optional(),
});

/**
 * What a user writes: every field optional, merged over the defaults (see `mergeProfile`).
 * Unknown keys are errors so that a typo (`usdPerCreidt`) is not silently ignored.
 */
export const profileOverrideSchema = z.strictObject({
  $schema: z.string({ error: 'expected a schema URL' }).optional(),
  version: z.literal(PROFILE_VERSION, { error: `expected ${PROFILE_VERSION} (the profile version this release reads)` }).optional(),
  usdPerCredit: positive.optional(),
  minimumCredits: nonNegative.optional(),
  roundingStep: nonNegative.optional(),
  rounding: z.enum(['nearest', 'up'], { error: 'expected "nearest" or "up"' }).optional(),
  models: z.array(modelRuleSchema, { error: 'expected a list of model rules' }).optional(),
  surcharges: surchargesSchema.optional(),
  creditsHeader: z
    .string({ error: 'expected an HTTP header name' })
    .regex(/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/, { error: 'expected an HTTP header name' })
    .optional(),
});

export type ProfileOverride = z.infer<typeof profileOverrideSchema>;
export type ModelPrices = z.infer<typeof modelPricesSchema>;

export interface ModelRule {
  readonly model: string;
  readonly multiplier?: number;
  readonly prices?: Readonly<ModelPrices>;
  readonly note?: string;
}

export interface Surcharges {
  /** Credits per tool call the model makes. */
  readonly perToolCall: number;
  /** Credits per round beyond the first (agent iterations). */
  readonly perExtraRound: number;
  /** Credits per external API call (web search, integrations). */
  readonly perExternalCall: number;
}

/** A complete, validated profile: what pricing code reads. */
export interface CreditProfile {
  readonly version: typeof PROFILE_VERSION;
  readonly usdPerCredit: number;
  readonly minimumCredits: number;
  /** 0 turns rounding off. */
  readonly roundingStep: number;
  readonly rounding: 'nearest' | 'up';
  /** First matching rule wins; user rules come before the defaults. */
  readonly models: readonly ModelRule[];
  readonly surcharges: Surcharges;
  /** Response header in which the service reports the credits it actually charged, if it does. */
  readonly creditsHeader?: string;
}
