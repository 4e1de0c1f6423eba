/**
 * A fast price for uncached usage (`input` + `output` tokens only), for estimates redone per keystroke.
 *
 * `calcPrice` is general (any unit, any provider quirk) and allocates ~60 KB per call, which would
 * mean a young-generation GC every few keystrokes. But for a given model and date, the price of
 * `{input, output}` is linear within each input tier band (a tier applies to the whole request once
 * total input passes its `start`). So per band we ask the library three times, derive
 * `usd = fixed + perInput·input + perOutput·output`, and check it against a fourth call; a model whose
 * price is not linear in a band (a minimum charge, say) keeps using `calcPrice`.
 * Only the band boundaries (the tiers' `start` values) are read from the price data; every rate comes
 * from the library.
 */
import type { ModelInfo, ModelPrice, Provider, Tier } from '@pydantic/genai-prices';

type PriceOf = (inputTokens: number, outputTokens: number, at?: Date) => number;

interface Linear {
  readonly fixed: number;
  readonly perInput: number;
  readonly perOutput: number;
}

const PROBE = 1_000_000;
/** Prices that change by date or time of day are re-derived this often. */
const DATED_PRICE_BUCKET_MS = 60_000;

export function linearPricer(provider: Provider, exact: PriceOf): PriceOf {
  const [model] = provider.models;
  const dated = Array.isArray(model.prices);
  const starts = tierStarts(model.prices);
  let bands = new Map<number, Linear | null>();
  let bucket = Number.NaN;

  const derive = (band: number, at: Date | undefined): Linear | null => {
    const low = band === 0 ? 0 : starts[band - 1] + 1;
    const high = band < starts.length ? starts[band] : low + PROBE;
    const base = exact(low, 0, at);
    const perInput = high > low ? (exact(high, 0, at) - base) / (high - low) : 0;
    const perOutput = (exact(low, PROBE, at) - base) / PROBE;
    const linear = { fixed: base - perInput * low, perInput, perOutput };
    const checkInput = Math.floor((low + high) / 2);
    const expected = exact(checkInput, 12_345, at);
    const got = linear.fixed + linear.perInput * checkInput + linear.perOutput * 12_345;
    return Math.abs(got - expected) <= 1e-9 * Math.max(1e-6, Math.abs(expected)) ? linear : null;
  };

  return (inputTokens, outputTokens, at) => {
    if (dated) {
      const now = Math.floor((at ? at.getTime() : Date.now()) / DATED_PRICE_BUCKET_MS);
      if (now !== bucket) {
        bucket = now;
        bands = new Map();
      }
    }
    let band = 0;
    while (band < starts.length && inputTokens > starts[band]) {
      band++;
    }
    let linear = bands.get(band);
    if (linear === undefined) {
      linear = derive(band, at);
      bands.set(band, linear);
    }
    return linear ? linear.fixed + linear.perInput * inputTokens + linear.perOutput * outputTokens : exact(inputTokens, outputTokens, at);
  };
}

/** Every tier boundary in the model's prices (all dated variants), ascending. */
function tierStarts(prices: ModelInfo['prices']): number[] {
  const starts = new Set<number>();
  const variants: ModelPrice[] = Array.isArray(prices) ? prices.map((variant) => variant.prices) : [prices];
  for (const variant of variants) {
    for (const value of Object.values(variant)) {
      const tiers: unknown = typeof value === 'object' ? value.tiers : undefined;
      if (Array.isArray(tiers)) {
        for (const tier of tiers as Tier[]) {
          starts.add(tier.start);
        }
      }
    }
  }
  return [...starts].sort((a, b) => a - b);
}
