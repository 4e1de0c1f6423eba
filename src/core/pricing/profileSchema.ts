/**
 * The shape of a credit profile: how the service turns a request's USD cost into credits.
 * Profiles are data (JSON files or a settings object), so every field is validated here with zod and
 * every error names the field. Every number has a finite range (`PROFILE_RANGES`), wide enough for
 * any real service and narrow enough that no credit figure can overflow or vanish: a multiplier of
 * 1e308 or a USD-per-credit of 1e-320 is refused by name instead of printing Infinity or nothing.
 * `media/credit-profile.schema.json` is generated from this for editors (a test keeps them equal).
 */
import { z } from 'zod';

export const PROFILE_VERSION = 1;

/** The documented range of every number in a profile (inclusive). */
export const PROFILE_RANGES = {
  /** USD one credit stands for. */
  usdPerCredit: { min: 0.000001, max: 1_000_000 },
  /** The least a request costs, in credits. */
  minimumCredits: { min: 0, max: 10_000 },
  /** The rounding step in credits, when not 0 (off). */
  roundingStep: { min: 0.000001, max: 1_000 },
  /** A model's credit multiplier. */
  multiplier: { min: 0.000001, max: 1_000 },
  /** A price in USD per million tokens. */
  price: { min: 0, max: 10_000 },
  /** A flat surcharge in credits. */
  surcharge: { min: 0, max: 10_000 },
} as const;

function format(value: number): string {
  return value.toLocaleString('en-US', { maximumFractionDigits: 6 });
}

/** `0.000001 to 1,000` */
function between(range: { readonly min: number; readonly max: number }): string {
  return `${format(range.min)} to ${format(range.max)}`;
}

/** A finite number in `range`, with one message that states the range. */
function ranged(range: { readonly min: number; readonly max: number }, what = range.min > 0 ? 'a positive number' : 'a number', error = `expected ${what} from ${between(range)}`) {
  return z.number({ error }).min(range.min, { error }).max(range.max, { error });
}

const roundingStepError = `expected 0 (no rounding) or a number from ${between(PROFILE_RANGES.roundingStep)}`;

const usdPerMillion = ranged(PROFILE_RANGES.price, 'a price in USD per million tokens');
const surcharge = ranged(PROFILE_RANGES.surcharge, 'a number of credits');

/** USD per million tokens; each key overrides the catalogue's price for that kind of token. */
export const modelPricesSchema = z.strictObject({
  input: usdPerMillion.describe(`USD per million uncached input tokens (${between(PROFILE_RANGES.price)}).`).optional(),
  cacheRead: usdPerMillion.describe(`USD per million input tokens read from the prompt cache (${between(PROFILE_RANGES.price)}).`).optional(),
  cacheWrite: usdPerMillion.describe(`USD per million input tokens written to the prompt cache (${between(PROFILE_RANGES.price)}).`).optional(),
  output: usdPerMillion.describe(`USD per million output tokens, reasoning included (${between(PROFILE_RANGES.price)}).`).optional(),
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
    multiplier: ranged(PROFILE_RANGES.multiplier).describe(`Credits for this model are multiplied by this (${between(PROFILE_RANGES.multiplier)}).`).optional(),
    prices: modelPricesSchema.describe('Prices replacing the catalogue\'s; with input and output they price a model the catalogue does not know.').optional(),
    note: z.string({ error: 'expected text' }).describe('Free text, e.g. where the numbers come from.').optional(),
  })
  .refine((rule) => rule.multiplier !== undefined || rule.prices !== undefined, {
    error: 'expected a multiplier and/or prices',
  });

/** Flat credits added on top of the token cost. */
export const surchargesSchema = z.strictObject({
  perToolCall: surcharge.describe(`Credits per tool call the model makes (${between(PROFILE_RANGES.surcharge)}).`).optional(),
  perExtraRound: surcharge.describe(`Credits per round beyond the first (${between(PROFILE_RANGES.surcharge)}).`).optional(),
  perExternalCall: surcharge.describe(`Credits per external API call, e.g. web search (${between(PROFILE_RANGES.surcharge)}).`).optional(),
});

/**
 * What a user writes: every field optional, merged over the defaults (see `mergeProfile`).
 * Unknown keys are errors so that a typo (`usdPerCreidt`) is not silently ignored.
 */
export const profileOverrideSchema = z.strictObject({
  $schema: z.string({ error: 'expected a schema URL' }).optional(),
  version: z.literal(PROFILE_VERSION, { error: `expected ${PROFILE_VERSION} (the profile version this release reads)` }).describe('Profile format version.').optional(),
  usdPerCredit: ranged(PROFILE_RANGES.usdPerCredit).describe(`USD one credit stands for, ${between(PROFILE_RANGES.usdPerCredit)} (default 0.04).`).optional(),
  minimumCredits: ranged(PROFILE_RANGES.minimumCredits).describe(`The least a request costs in credits, ${between(PROFILE_RANGES.minimumCredits)} (default 0.1).`).optional(),
  roundingStep: z
    .union([z.literal(0), ranged(PROFILE_RANGES.roundingStep, '', roundingStepError)], { error: roundingStepError })
    .describe(`Credits are rounded to a multiple of this, ${between(PROFILE_RANGES.roundingStep)}; 0 turns rounding off (default 0.1).`)
    .optional(),
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
