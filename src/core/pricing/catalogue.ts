/**
 * Finding a model in the bundled `@pydantic/genai-prices` catalogue (never updated over the network).
 *
 * A lookup scans every provider's match rules, so it is done once per model id and cached; the result
 * carries a one-model provider that later `calcPrice` calls use directly. Ids routed through a provider
 * prefix (`anthropic/claude-sonnet-4-5`, `openai:gpt-4o`), which the catalogue does not match on its
 * own, are retried with the prefix as the provider hint.
 */
import { calcPrice, findProvider, type ModelInfo, type Provider } from '@pydantic/genai-prices';

export interface ProviderHints {
  /** Catalogue provider id, e.g. `anthropic`, `openai`, `openrouter`. */
  readonly providerId?: string;
  /** Base URL of the API the request goes to; the catalogue matches providers by it. */
  readonly providerApiUrl?: string;
}

export interface CatalogueModel {
  /** The catalogue's id for the model, e.g. `claude-sonnet-4-5` for `claude-sonnet-4-5-20250929`. */
  readonly id: string;
  readonly name: string;
  readonly providerId: string;
  readonly providerName: string;
  /** The id (lower-cased, routing prefix removed) that matched; what `calcPrice` is called with. */
  readonly lookupId: string;
  readonly info: ModelInfo;
  /** The matched provider reduced to this one model, so pricing a request skips the scan. */
  readonly provider: Provider;
}

const cache = new Map<string, CatalogueModel | null>();

export function findCatalogueModel(modelId: string, hints: ProviderHints = {}): CatalogueModel | undefined {
  const key = `${hints.providerId ?? ''}\u0000${hints.providerApiUrl ?? ''}\u0000${modelId}`;
  let found = cache.get(key);
  if (found === undefined) {
    found = lookUp(modelId.trim().toLowerCase(), hints, 0) ?? null;
    cache.set(key, found);
  }
  return found ?? undefined;
}

function lookUp(id: string, hints: ProviderHints, depth: number): CatalogueModel | undefined {
  const direct = probe(id, hints);
  if (direct || depth > 2) {
    return direct;
  }
  const routed = /^([a-z0-9_.-]+)[/:](.+)$/.exec(id);
  if (!routed) {
    return undefined;
  }
  const [, prefix, rest] = routed;
  if (findProvider({ providerId: prefix })) {
    const viaPrefix = lookUp(rest, { providerId: prefix }, depth + 1);
    if (viaPrefix) {
      return viaPrefix;
    }
  }
  // `vendor/model` from an aggregator whose vendor the catalogue does not list as a provider.
  return id.includes('/') ? lookUp(rest, hints, depth + 1) : undefined;
}

function probe(id: string, hints: ProviderHints): CatalogueModel | undefined {
  let result;
  try {
    result = calcPrice({ input_tokens: 1, output_tokens: 1 }, id, {
      ...(hints.providerId ? { providerId: hints.providerId } : {}),
      ...(hints.providerApiUrl ? { providerApiUrl: hints.providerApiUrl } : {}),
    });
  } catch {
    return undefined;
  }
  if (!result) {
    return undefined;
  }
  const { model, provider } = result;
  return {
    id: model.id,
    name: model.name ?? model.id,
    providerId: provider.id,
    providerName: provider.name,
    lookupId: id,
    info: model,
    provider: { ...provider, models: [model], fallback_model_providers: undefined },
  };
}
