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
  input: usdPerMillion.describe('USD per million uncached input tokens.').optional(),
  cacheRead: usdPerMillion.describe('USD per million input tokens read from the prompt cache.').optional(),
  cacheWrite: usdPerMillion.describe('USD per million input tokens written to the prompt cache.').optional(),
  output: usdPerMillion.describe('USD per million output tokens (reasoning included).').optional(),
});

export const modelRuleSchema = z
  .strictObject({
    /** A model id (`gpt-4o`), a glob (`claude-*-4-5*`, `ollama/*`) or a prefix written as a glob (`llama3*`). */
    model: z
      .string({ error: 'expected a model id or glob' })
      .trim()
      .min(1, { error: 'expected a model id or glob' })
      .describe('A model id, or a glob: `*` any run, `?` one character (e.g. `claude-*`, `ollama/*`). First matching rule wins.'),
    /** Credits for this model are multiplied by this (the service's markup for expensive models). */
    multiplier: positive.describe('Credits for this model are multiplied by this.').optional(),
    prices: modelPricesSchema.describe('Prices replacing the catalogue\'s; with input and output they price a model the catalogue does not know.').optional(),
    note: z.string({ error: 'expected text' }).describe('Free text, e.g. where the numbers come from.').optional(),
    contextWindow: z
      .number({ error: 'expected a whole number of tokens from 1,000 to 100,000,000' })
      .int({ error: 'expected a whole number of tokens from 1,000 to 100,000,000' })
      .min(1_000, { error: 'expected a whole number of tokens from 1,000 to 100,000,000' })
      .max(100_000_000, { error: 'expected a whole number of tokens from 1,000 to 100,000,000' })
      .describe('Input tokens the model reads at most, replacing the catalogue\'s or the built-in figure.')
      .optional(),
  })
  .refine((rule) => rule.multiplier !== undefined || rule.prices !== undefined || rule.contextWindow !== undefined, {
    error: 'expected a multiplier, prices and/or a contextWindow',
  });

/** Flat credits added on top of the token cost. */
export const surchargesSchema = z.strictObject({
  perToolCall: nonNegative.describe('Credits per tool call the model makes.').optional(),
  perExtraRound: nonNegative.describe('Credits per round beyond the first.').optional(),
  perExternalCall: nonNegative.describe('Credits per external API call (web search, integrations).').optional(),
});

/**
 * What a user writes: every field optional, merged over the defaults (see `mergeProfile`).
 * Unknown keys are errors so that a typo (`usdPerCreidt`) is not silently ignored.
 */
export const profileOverrideSchema = z.strictObject({
  $schema: z.string({ error: 'expected a schema URL' }).optional(),
  version: z.literal(PROFILE_VERSION, { error: `expected ${PROFILE_VERSION} (the profile version this release reads)` }).describe('Profile format version.').optional(),
  usdPerCredit: positive.describe('USD one credit stands for (default 0.04).').optional(),
  minimumCredits: nonNegative.describe('The least a request costs, in credits (default 0.1).').optional(),
  roundingStep: nonNegative.describe('Credits are rounded to a multiple of this; 0 turns rounding off (default 0.1).').optional(),
  rounding: z.enum(['nearest', 'up'], { error: 'expected "nearest" or "up"' }).describe('Round to the nearest step (default) or up.').optional(),
  models: z.array(modelRuleSchema, { error: 'expected a list of model rules' }).describe('Per-model multipliers and price overrides; these come before the defaults\' rules.').optional(),
  surcharges: surchargesSchema.describe('Flat credits added on top of the token cost.').optional(),
  creditsHeader: z
    .string({ error: 'expected an HTTP header name' })
    .regex(/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/, { error: 'expected an HTTP header name' })
    .describe('Response header in which the service reports the credits it charged.')
    .optional(),
});

export type ProfileOverride = z.infer<typeof profileOverrideSchema>;
export type ModelPrices = z.infer<typeof modelPricesSchema>;

export interface ModelRule {
  readonly model: string;
  readonly multiplier?: number;
  readonly prices?: Readonly<ModelPrices>;
  readonly note?: string;
  /** Input tokens the model reads at most. */
  readonly contextWindow?: number;
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
