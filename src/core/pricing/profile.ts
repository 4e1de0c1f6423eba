/**
 * The default credit profile and the pure functions that validate and merge user overrides over it.
 *
 * Calibration of the default (the service's published scale, on a $3 / $15 per million model):
 * 1,000 in / 80 out costs $0.0042 = 0.105 credits at $0.04 per credit, which the service calls
 * "0.1 credits". Rounding *up* to the 0.1 step would show 0.2 for the simplest request, so the
 * default rounds to the nearest step (half up) and then applies the 0.1 minimum.
 */
import { ProfileError, formatFieldPath } from './profileError';
import {
  type CreditProfile,
  type ModelRule,
  PROFILE_VERSION,
  type ProfileOverride,
  profileOverrideSchema,
} from './profileSchema';

export const DEFAULT_PROFILE: CreditProfile = Object.freeze({
  version: PROFILE_VERSION,
  usdPerCredit: 0.04,
  minimumCredits: 0.1,
  roundingStep: 0.1,
  rounding: 'nearest',
  models: [],
  surcharges: Object.freeze({
    // A tool call's cost is already in its tokens (schema, arguments, results), and each extra round
    // is priced as its own request, so neither needs a flat fee by default.
    perToolCall: 0,
    perExtraRound: 0,
    // External calls carry a real fee outside tokens: the catalogue's web search price is
    // $10 per 1,000 calls = $0.01 = 0.25 credits at $0.04 per credit.
    perExternalCall: 0.25,
  }),
});

/** Validates what a user wrote (a partial profile). `source` names the file or setting in errors. */
export function parseProfileOverride(json: unknown, source: string): ProfileOverride {
  const result = profileOverrideSchema.safeParse(json);
  if (result.success) {
    return result.data;
  }
  const issue = result.error.issues[0];
  if (issue.code === 'unrecognized_keys') {
    const key = issue.keys[0];
    return fail(source, [...issue.path, key], issue.keys.length > 1 ? `unknown fields ${issue.keys.join(', ')}` : 'unknown field');
  }
  if (issue.path.length === 0) {
    return fail(source, [], 'expected a JSON object');
  }
  return fail(source, issue.path, issue.message.replace(/^Invalid (input|option): /, ''));
}

/** Validates a profile document and returns it merged over the defaults. */
export function parseProfile(json: unknown, source: string): CreditProfile {
  return mergeProfile(DEFAULT_PROFILE, parseProfileOverride(json, source));
}

/**
 * `override` over `base`: scalars replace, surcharges merge key by key, and the override's model rules
 * come first so they win over the base's (rules are first-match).
 */
export function mergeProfile(base: CreditProfile, override: ProfileOverride): CreditProfile {
  const models: ModelRule[] = [...(override.models ?? []), ...base.models];
  const creditsHeader = override.creditsHeader ?? base.creditsHeader;
  return Object.freeze({
    version: PROFILE_VERSION,
    usdPerCredit: override.usdPerCredit ?? base.usdPerCredit,
    minimumCredits: override.minimumCredits ?? base.minimumCredits,
    roundingStep: override.roundingStep ?? base.roundingStep,
    rounding: override.rounding ?? base.rounding,
    models: Object.freeze(models),
    surcharges: Object.freeze({
      perToolCall: override.surcharges?.perToolCall ?? base.surcharges.perToolCall,
      perExtraRound: override.surcharges?.perExtraRound ?? base.surcharges.perExtraRound,
      perExternalCall: override.surcharges?.perExternalCall ?? base.surcharges.perExternalCall,
    }),
    ...(creditsHeader === undefined ? {} : { creditsHeader }),
  });
}

function fail(source: string, path: readonly PropertyKey[], problem: string): never {
  throw new ProfileError(source, path.length > 0 ? formatFieldPath(path) : undefined, problem);
}
