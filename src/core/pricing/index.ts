export { type CatalogueModel, type ProviderHints, findCatalogueModel } from './catalogue';
export { type CreditExtras, type CreditQuote, CreditRangeError, creditsFor, quoteCredits, roundCredits } from './credits';
export { loadProfile } from './loadProfile';
export { findModelRule } from './modelRules';
export {
  type ModelPricing,
  type NoPrice,
  type PriceResult,
  type PricedUsage,
  modelPricing,
  priceRounds,
  priceUsage,
  toCatalogueUsage,
} from './price';
export { type UsageSplit, quoteUsageSplit, usageOfSplit } from './usageSplit';
export { DEFAULT_PROFILE, mergeProfile, parseProfile, parseProfileOverride } from './profile';
export { ProfileError, formatFieldPath } from './profileError';
export {
  type CreditProfile,
  type ModelPrices,
  type ModelRule,
  PROFILE_RANGES,
  PROFILE_VERSION,
  type ProfileOverride,
  type Surcharges,
  profileOverrideSchema,
} from './profileSchema';
