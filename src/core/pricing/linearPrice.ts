/**
 * Fast prices for estimates redone per keystroke: of uncached usage (`input` + `output` tokens only,
 * `linearPricer`) and of any usage with prompt-cache parts (`linearUsagePricer`).
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
import type { TokenUsage } from '../usage';

type PriceOf = (inputTokens: number, outputTokens: number, at?: Date) => number;

interface Linear {
  readonly fixed: number;
  readonly perInput: number;
  readonly perOutput: number;
}

const PROBE = 1_000_000;
/** Prices that change by date or time of day are re-derived this often. */
const DATED_PRICE_BUCKET_MS = 60_000;

/**
 * Something derived once per input tier band of a model's prices (`derive(low, high, at)` for the band
 * `low..high`, both inclusive), looked up by a request's total input; prices that change by date or
 * time of day are derived again every minute.
 */
function perBand<T>(provider: Provider, derive: (low: number, high: number, at: Date | undefined) => T): (inputTokens: number, at: Date | undefined) => T {
  const [model] = provider.models;
  const dated = Array.isArray(model.prices);
  const starts = tierStarts(model.prices);
  let bands = new Map<number, T>();
  let bucket = Number.NaN;
  return (inputTokens, at) => {
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
    if (!bands.has(band)) {
      const low = band === 0 ? 0 : starts[band - 1] + 1;
      bands.set(band, derive(low, band < starts.length ? starts[band] : low + PROBE, at));
    }
    return bands.get(band) as T;
  };
}

export function linearPricer(provider: Provider, exact: PriceOf): PriceOf {
  const linearIn = perBand(provider, (low, high, at): Linear | null => {
    const base = exact(low, 0, at);
    const perInput = high > low ? (exact(high, 0, at) - base) / (high - low) : 0;
    const perOutput = (exact(low, PROBE, at) - base) / PROBE;
    const linear = { fixed: base - perInput * low, perInput, perOutput };
    const checkInput = Math.floor((low + high) / 2);
    const expected = exact(checkInput, 12_345, at);
    const got = linear.fixed + linear.perInput * checkInput + linear.perOutput * 12_345;
    return Math.abs(got - expected) <= 1e-9 * Math.max(1e-6, Math.abs(expected)) ? linear : null;
  });
  return (inputTokens, outputTokens, at) => {
    const linear = linearIn(inputTokens, at);
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

/** A request's USD price split into its input and output parts. */
export interface UsagePrice {
  readonly usd: number;
  readonly inputUsd: number;
  readonly outputUsd: number;
}

type PriceUsageOf = (usage: TokenUsage, at?: Date) => UsagePrice;

/** Per token of each part of a usage within one input tier band. */
interface LinearSplit {
  readonly fixed: number;
  readonly fresh: number;
  readonly read: number;
  readonly write: number;
  /** Extra per 1-hour write token on top of `write` (the 1-hour writes are part of the writes). */
  readonly write1h: number;
  readonly output: number;
}

const usageOf = (fresh: number, read: number, write: number, write1h: number, output: number): TokenUsage => ({
  inputTokens: fresh,
  cacheReadTokens: read,
  cacheWriteTokens: write,
  ...(write1h > 0 ? { cacheWrite1hTokens: write1h } : {}),
  outputTokens: output,
  reasoningTokens: 0,
});

/**
 * The fast price of any usage, prompt-cache parts included, for estimates redone per keystroke
 * (a cache-aware estimate prices up to nine scenarios per keystroke). The same idea as
 * `linearPricer`: within one input tier band (judged on all input, cached and written included, as the
 * catalogue judges it) the price is `fixed + fresh·a + read·b + write·c + write1h·d + output·e`; the
 * rates are asked of the library at a few points of the band and checked at a mixed one, and a band
 * whose price is not linear keeps using `exact`.
 */
export function linearUsagePricer(provider: Provider, exact: PriceUsageOf): PriceUsageOf {
  const linearIn = perBand(provider, (low, high, at): LinearSplit | null => {
    if (high - low < 8) {
      return null;
    }
    const t1 = low + Math.floor((high - low) / 4);
    const t2 = low + Math.floor((3 * (high - low)) / 4);
    const usd = (fresh: number, read: number, write: number, write1h: number, output: number) => exact(usageOf(fresh, read, write, write1h, output), at).usd;
    const base = usd(t1, 0, 0, 0, 0);
    const fresh = (usd(t2, 0, 0, 0, 0) - base) / (t2 - t1);
    const fixed = base - fresh * t1;
    const read = (usd(0, t1, 0, 0, 0) - fixed) / t1;
    const write = (usd(0, 0, t1, 0, 0) - fixed) / t1;
    const write1h = (usd(0, 0, t1, t1, 0) - fixed) / t1 - write;
    const output = (usd(t1, 0, 0, 0, PROBE) - base) / PROBE;
    const linear: LinearSplit = { fixed, fresh, read, write, write1h, output };
    // A mixed point: every part at once, within the band.
    const total = Math.floor((t1 + t2) / 2);
    const r = Math.floor(total / 3);
    const w = Math.floor(total / 4);
    const check = usageOf(total - r - w, r, w, Math.floor(w / 2), 12_345);
    const expected = exact(check, at);
    const got = apply(linear, check);
    const close = (a: number, b: number) => Math.abs(a - b) <= 1e-9 * Math.max(1e-6, Math.abs(b));
    return close(got.usd, expected.usd) && close(got.outputUsd, expected.outputUsd) ? linear : null;
  });
  return (usage, at) => {
    const linear = linearIn(usage.inputTokens + usage.cacheReadTokens + usage.cacheWriteTokens, at);
    return linear ? apply(linear, usage) : exact(usage, at);
  };
}

function apply(linear: LinearSplit, usage: TokenUsage): UsagePrice {
  const outputUsd = linear.output * usage.outputTokens;
  const usd = linear.fixed
    + linear.fresh * usage.inputTokens
    + linear.read * usage.cacheReadTokens
    + linear.write * usage.cacheWriteTokens
    + linear.write1h * (usage.cacheWrite1hTokens ?? 0)
    + outputUsd;
  return { usd, inputUsd: usd - outputUsd, outputUsd };
}
