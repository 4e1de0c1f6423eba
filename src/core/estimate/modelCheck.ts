/**
 * Whether a model id names a model Credit Meter knows, one rule for counting and estimating: the
 * price catalogue knows it, or a credit profile rule names it, or it belongs to an open-weights family
 * people run themselves (Llama, Qwen, DeepSeek, Mistral, Gemma: counted through a calibrated proxy,
 * priced by a profile). OpenAI and Claude models are only served by their vendors and all in the
 * catalogue, so an id of theirs the catalogue does not know (`gpt4o`, `gpt-4.1-mni`) is a typo; it
 * is refused with the closest known ids, never counted as some unknown family.
 */
import * as l10n from '@vscode/l10n';
import { findProvider } from '@pydantic/genai-prices';
import { type CreditProfile, type ProviderHints, findCatalogueModel, findModelRule } from '../pricing';
import { bareModelName, tokenizerForModel } from '../tokens';

export type ModelCheck =
  | { readonly known: true; readonly by: 'catalogue' | 'profile' | 'tokenizer' }
  | { readonly known: false; readonly suggestions: readonly string[] };

/** Catalogue providers whose model ids are offered as suggestions. */
const SUGGESTED_PROVIDERS = ['anthropic', 'openai', 'google', 'mistral', 'deepseek', 'x-ai', 'cohere', 'moonshotai'];
/** Suggestions farther than this (edits, after lower-casing) are not close. */
const MAX_DISTANCE = 3;
const MAX_SUGGESTIONS = 3;
/** Tokenizer families whose models run outside the catalogue's providers (Ollama, vLLM, LM Studio). */
const SELF_HOSTED_FAMILIES = new Set(['google', 'meta', 'deepseek', 'mistral', 'qwen']);

let catalogueIds: string[] | undefined;

function knownIds(): string[] {
  catalogueIds ??= SUGGESTED_PROVIDERS.flatMap((id) => findProvider({ providerId: id })?.models.map((model) => model.id) ?? []);
  return catalogueIds;
}

export function checkModel(modelId: string, profile: CreditProfile, options: { readonly hints?: ProviderHints; readonly extraModels?: readonly string[] } = {}): ModelCheck {
  if (findCatalogueModel(modelId, options.hints)) {
    return { known: true, by: 'catalogue' };
  }
  if (findModelRule(profile.models, modelId)) {
    return { known: true, by: 'profile' };
  }
  if (SELF_HOSTED_FAMILIES.has(tokenizerForModel(modelId).family)) {
    return { known: true, by: 'tokenizer' };
  }
  return { known: false, suggestions: closeModelIds(modelId, [...(options.extraModels ?? []), ...knownIds()]) };
}

/** `unknown model 'gpt4o' (did you mean gpt-4o?)`, with how to add one when nothing is close. */
export function unknownModelMessage(modelId: string, suggestions: readonly string[]): string {
  return suggestions.length > 0
    ? l10n.t("unknown model '{0}' (did you mean {1}?)", modelId, suggestions.join(', '))
    : l10n.t("unknown model '{0}': not in the price catalogue and no known tokenizer family (give it a price in a credit profile to use it)", modelId);
}

/** The candidates closest to `modelId` (lower-cased, routing prefix removed), nearest first. */
export function closeModelIds(modelId: string, candidates: readonly string[]): string[] {
  const wanted = bareModelName(modelId);
  const squashed = wanted.replace(/[^a-z0-9]/g, '');
  const scored = new Map<string, number>();
  for (const candidate of candidates) {
    const name = candidate.toLowerCase();
    const distance = name.replace(/[^a-z0-9]/g, '') === squashed ? 0.5 : editDistance(wanted, name, MAX_DISTANCE);
    if (distance <= MAX_DISTANCE && !(scored.get(candidate)! <= distance)) {
      scored.set(candidate, distance);
    }
  }
  return [...scored].sort((a, b) => a[1] - b[1] || a[0].length - b[0].length || a[0].localeCompare(b[0])).slice(0, MAX_SUGGESTIONS).map(([id]) => id);
}

/** Levenshtein distance, or `limit + 1` as soon as it must exceed `limit`. */
function editDistance(a: string, b: string, limit: number): number {
  if (Math.abs(a.length - b.length) > limit) {
    return limit + 1;
  }
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const value = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
      current.push(value);
      rowMin = Math.min(rowMin, value);
    }
    if (rowMin > limit) {
      return limit + 1;
    }
    previous = current;
  }
  return previous[b.length];
}

/** A provider id the price catalogue knows (`anthropic`, `openai`, `openrouter`, ...). */
export function isCatalogueProvider(providerId: string): boolean {
  return findProvider({ providerId }) !== undefined;
}
