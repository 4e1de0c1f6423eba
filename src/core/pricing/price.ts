/**
 * The USD price of a request: catalogue prices (tiers and dated prices included) from
 * `@pydantic/genai-prices`, with the credit profile's per-model price overrides on top.
 *
 * Token semantics: our `TokenUsage.inputTokens` is *uncached* input, while the catalogue's
 * `input_tokens` is *all* input, cache reads and writes included (they are partitions of it, priced at
 * their own rates). So `input_tokens = inputTokens + cacheReadTokens + cacheWriteTokens`, and the
 * 1-hour part of the writes, when there is one, is the catalogue's `cache_write_1h_tokens`. Output
 * includes reasoning in both. An unknown model is never priced at 0: the result is `noPrice`.
 */
import { calcPrice, type ModelPrice, type Provider } from '@pydantic/genai-prices';
import { type TokenUsage, ZERO_USAGE } from '../usage';
import { type CatalogueModel, type ProviderHints, findCatalogueModel } from './catalogue';
import { linearPricer, linearUsagePricer } from './linearPrice';
import { findModelRule, idCandidates } from './modelRules';
import type { CreditProfile, ModelPrices, ModelRule } from './profileSchema';

export interface PricedUsage {
  readonly kind: 'priced';
  readonly usd: number;
  readonly inputUsd: number;
  readonly outputUsd: number;
  /** The priced model: the catalogue's id, or the id as given when only the profile prices it. */
  readonly model: string;
  /** Catalogue provider id, or `profile`. */
  readonly provider: string;
  /** Where the prices came from. */
  readonly source: 'catalogue' | 'profile' | 'catalogue+profile';
}

export interface NoPrice {
  readonly kind: 'noPrice';
  readonly model: string;
  readonly reason: string;
}

export type PriceResult = PricedUsage | NoPrice;

/** A model resolved once (catalogue lookup + profile rule), then priced cheaply per request. */
export type ModelPricing =
  | {
      readonly kind: 'priced';
      readonly modelId: string;
      /** The priced model and provider, as `PricedUsage` reports them. */
      readonly model: string;
      readonly provider: string;
      readonly source: PricedUsage['source'];
      readonly catalogue?: CatalogueModel;
      readonly rule?: ModelRule;
      price(usage: TokenUsage, at?: Date): PricedUsage;
      /** USD of `inputTokens` uncached input and `outputTokens` output: `price` without its allocations, for per-keystroke use. */
      priceUncached(inputTokens: number, outputTokens: number, at?: Date): number;
      /** Each round priced as its own request, so a per-request tier is judged per round. */
      priceRounds(rounds: readonly TokenUsage[], at?: Date): PricedUsage;
      /**
       * `price` of any usage (prompt-cache reads and writes included) without its allocations, for
       * per-keystroke use: the library's rates derived once per tier band and checked (see linearPrice.ts).
       */
      priceFast(usage: TokenUsage, at?: Date): PricedUsage;
    }
  | (NoPrice & { readonly modelId: string; readonly rule?: ModelRule });

const resolved = new WeakMap<CreditProfile, Map<string, ModelPricing>>();

export function modelPricing(modelId: string, profile: CreditProfile, hints: ProviderHints = {}): ModelPricing {
  let byModel = resolved.get(profile);
  if (!byModel) {
    byModel = new Map();
    resolved.set(profile, byModel);
  }
  const key = `${hints.providerId ?? ''}\u0000${hints.providerApiUrl ?? ''}\u0000${modelId}`;
  let pricing = byModel.get(key);
  if (!pricing) {
    pricing = resolve(modelId, profile, hints);
    byModel.set(key, pricing);
  }
  return pricing;
}

/** One request's USD price, or why there is none. */
export function priceUsage(usage: TokenUsage, modelId: string, profile: CreditProfile, hints: ProviderHints = {}): PriceResult {
  const pricing = modelPricing(modelId, profile, hints);
  return pricing.kind === 'priced' ? pricing.price(usage) : pricing;
}

/** Several rounds of one task, each priced as its own request, summed. */
export function priceRounds(rounds: readonly TokenUsage[], modelId: string, profile: CreditProfile, hints: ProviderHints = {}): PriceResult {
  const pricing = modelPricing(modelId, profile, hints);
  return pricing.kind === 'priced' ? pricing.priceRounds(rounds) : pricing;
}

function resolve(modelId: string, profile: CreditProfile, hints: ProviderHints): ModelPricing {
  const rule = findModelRule(profile.models, modelId);
  const overrides = rule?.prices && Object.values(rule.prices).some((value) => value !== undefined) ? rule.prices : undefined;
  const catalogue = findCatalogueModel(modelId, hints);
  let provider: Provider;
  let lookupId: string;
  let source: PricedUsage['source'];
  if (catalogue) {
    lookupId = catalogue.lookupId;
    provider = overrides ? withOverrides(catalogue.provider, overrides) : catalogue.provider;
    source = overrides ? 'catalogue+profile' : 'catalogue';
  } else if (overrides?.input !== undefined && overrides.output !== undefined) {
    lookupId = idCandidates(modelId)[0];
    provider = {
      id: 'profile',
      name: 'credit profile',
      api_pattern: '',
      models: [{ id: lookupId, match: { equals: lookupId }, prices: toCataloguePrices(overrides) }],
    };
    source = 'profile';
  } else {
    const reason = overrides
      ? `no price for model '${modelId}': it is not in the price catalogue and the credit profile rule '${rule?.model}' needs both "input" and "output" prices`
      : `no price for model '${modelId}': it is not in the price catalogue (add "prices" for it to your credit profile)`;
    return { kind: 'noPrice', model: modelId, modelId, reason, ...(rule ? { rule } : {}) };
  }
  const model = catalogue?.id ?? modelId;
  const price = (usage: TokenUsage, at?: Date): PricedUsage => {
    const result = calcPrice(toCatalogueUsage(usage), lookupId, { provider, ...(at ? { timestamp: at } : {}) });
    if (!result) {
      // The one-model provider was built from a match on this very id, so this cannot happen.
      throw new Error(`price catalogue lost model '${lookupId}'`);
    }
    return {
      kind: 'priced',
      usd: result.total_price,
      inputUsd: result.input_price,
      outputUsd: result.output_price,
      model,
      provider: provider.id,
      source,
    };
  };
  const priceRoundsOf = (rounds: readonly TokenUsage[], at?: Date): PricedUsage => {
    let usd = 0;
    let inputUsd = 0;
    let outputUsd = 0;
    for (const round of rounds) {
      const one = price(round, at);
      usd += one.usd;
      inputUsd += one.inputUsd;
      outputUsd += one.outputUsd;
    }
    return { kind: 'priced', usd, inputUsd, outputUsd, model, provider: provider.id, source };
  };
  const priceUncached = linearPricer(provider, (inputTokens, outputTokens, at) => price({ ...ZERO_USAGE, inputTokens, outputTokens }, at).usd);
  const fastUsage = linearUsagePricer(provider, price);
  const priceFast = (usage: TokenUsage, at?: Date): PricedUsage => {
    const { usd, inputUsd, outputUsd } = fastUsage(usage, at);
    return { kind: 'priced', usd, inputUsd, outputUsd, model, provider: provider.id, source };
  };
  return {
    kind: 'priced',
    modelId,
    model,
    priceUncached,
    priceFast,
    provider: provider.id,
    source,
    price,
    priceRounds: priceRoundsOf,
    ...(catalogue ? { catalogue } : {}),
    ...(rule ? { rule } : {}),
  };
}

/** Our usage -> the catalogue's, where `input_tokens` is the total and cache tokens are parts of it. */
export function toCatalogueUsage(usage: TokenUsage): Record<string, number> {
  for (const field of ['inputTokens', 'cacheReadTokens', 'cacheWriteTokens', 'outputTokens'] as const) {
    const value = usage[field];
    if (!Number.isFinite(value) || value < 0) {
      throw new RangeError(`token usage ${field} must be a number >= 0, got ${value}`);
    }
  }
  const write1h = usage.cacheWrite1hTokens ?? 0;
  if (!Number.isFinite(write1h) || write1h < 0 || write1h > usage.cacheWriteTokens) {
    throw new RangeError(`token usage cacheWrite1hTokens must be a number from 0 to cacheWriteTokens (${usage.cacheWriteTokens}), got ${write1h}`);
  }
  return {
    input_tokens: usage.inputTokens + usage.cacheReadTokens + usage.cacheWriteTokens,
    cache_read_tokens: usage.cacheReadTokens,
    cache_write_tokens: usage.cacheWriteTokens,
    // A part of the writes the catalogue prices at its 1-hour rate (`cache_write_1h_mtok`) when it has one.
    ...(write1h > 0 ? { cache_write_1h_tokens: write1h } : {}),
    output_tokens: usage.outputTokens,
  };
}

function toCataloguePrices(prices: Readonly<ModelPrices>): ModelPrice {
  const result: ModelPrice = {};
  if (prices.input !== undefined) {
    result.input_mtok = prices.input;
  }
  if (prices.cacheRead !== undefined) {
    result.cache_read_mtok = prices.cacheRead;
  }
  if (prices.cacheWrite !== undefined) {
    result.cache_write_mtok = prices.cacheWrite;
  }
  if (prices.output !== undefined) {
    result.output_mtok = prices.output;
  }
  return result;
}

/** The catalogue's prices with the profile's flat overrides replacing the keys they name (tiers included). */
function withOverrides(provider: Provider, overrides: Readonly<ModelPrices>): Provider {
  const patch = toCataloguePrices(overrides);
  const [model] = provider.models;
  const prices = Array.isArray(model.prices)
    ? model.prices.map((conditional) => ({ ...conditional, prices: { ...conditional.prices, ...patch } }))
    : { ...model.prices, ...patch };
  return { ...provider, models: [{ ...model, prices }] };
}
