/**
 * How many tokens a model reads at most (its context window), and whether a request's input passes a
 * long-context price tier. The window comes from the credit profile when a model rule sets one, else
 * from the price catalogue (`@pydantic/genai-prices`, `context_window`), else from a table per model
 * family below; unknown models have no known window and are never refused for size.
 */
import type { CatalogueModel } from '../pricing';
import { findModelRule } from '../pricing/modelRules';
import type { CreditProfile } from '../pricing/profileSchema';
import { bareModelName } from '../tokens';

export type ContextWindowSource = 'profile' | 'catalogue' | 'family';

export interface ContextWindow {
  readonly tokens: number;
  readonly source: ContextWindowSource;
}

/**
 * Standard windows per model family, from the providers' model pages, for models the catalogue has no
 * window for. First match wins.
 * - Claude: 200k for every Claude model's standard window (Anthropic "Models overview"; 1M is a beta
 *   or a newer model's own window, which the catalogue then lists).
 * - GPT-4.1: 1,047,576 (OpenAI model page); GPT-5: 400k; GPT-4o, GPT-4 Turbo, o1-mini: 128k; o-series: 200k;
 *   GPT-4: 8,192; GPT-3.5 Turbo: 16,385.
 * - Gemini 1.5 / 2.x: 1,048,576 (Google AI model pages).
 * - Llama 3.1+, DeepSeek V3/R1, Mistral Large / Codestral, Qwen 2.5: 128k (their model cards; 131,072
 *   rounded down to 128k, the figure the cards print).
 */
export const FAMILY_CONTEXT_WINDOWS: readonly (readonly [RegExp, number])[] = [
  [/claude/, 200_000],
  [/^gpt-4\.1/, 1_047_576],
  [/^gpt-5/, 400_000],
  [/^(?:gpt-4o|chatgpt-4o|gpt-4-turbo|o1-mini)/, 128_000],
  [/^o[134](?:$|-)/, 200_000],
  [/^gpt-4(?:$|-)/, 8_192],
  [/^gpt-3\.5/, 16_385],
  [/gemini/, 1_048_576],
  [/llama|deepseek|mistral|codestral|qwen/, 128_000],
];

export function contextWindowFor(modelId: string, profile: CreditProfile, catalogue: CatalogueModel | undefined): ContextWindow | undefined {
  const fromProfile = findModelRule(profile.models, modelId)?.contextWindow;
  if (fromProfile !== undefined) {
    return { tokens: fromProfile, source: 'profile' };
  }
  const fromCatalogue = catalogue?.info.context_window;
  if (fromCatalogue !== undefined && fromCatalogue > 0) {
    return { tokens: fromCatalogue, source: 'catalogue' };
  }
  const name = bareModelName(modelId);
  const family = FAMILY_CONTEXT_WINDOWS.find(([pattern]) => pattern.test(name));
  return family ? { tokens: family[1], source: 'family' } : undefined;
}

/**
 * The input size from which a higher price tier applies to the whole request (e.g. Claude's input
 * over 200k, GPT-5.4's over 272k), or undefined when the model's price has no input tier.
 */
export function longContextThreshold(catalogue: CatalogueModel | undefined): number | undefined {
  if (!catalogue) {
    return undefined;
  }
  const prices = catalogue.info.prices;
  const variants = Array.isArray(prices) ? prices.map((variant) => variant.prices) : [prices];
  let lowest: number | undefined;
  for (const variant of variants) {
    const input = variant.input_mtok;
    if (typeof input === 'object' && Array.isArray(input.tiers)) {
      for (const tier of input.tiers) {
        lowest = lowest === undefined ? tier.start : Math.min(lowest, tier.start);
      }
    }
  }
  return lowest;
}
