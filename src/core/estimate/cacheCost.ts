/**
 * The cache-aware price of a request, the one function every door calls: Compose's estimate (on
 * every keystroke) and, for the requests of other assistants, the gateway. It takes a cache request
 * (the prompt's blocks, as `src/core/cache` turns a Messages or Chat Completions body into them) and
 * what the conversation sent before (a `CacheState`), predicts which part of the input the provider
 * reads from its prompt cache, writes to it and receives fresh, and prices low / expected / high with
 * the catalogue's cache read and write prices, exactly like an estimate without a cache otherwise.
 */
import { type BlockCounting, type CacheNote, type CachePrediction, type CacheRequest, type CacheSplit, type CacheState, modelTokenCounter, predictCache } from '../cache';
import { type CreditProfile, type ModelPricing, type ProviderHints, modelPricing } from '../pricing';
import type { CalibrationTable } from '../tokens';
import { costRange } from './costRange';
import type { EstimateCache, EstimateCost } from './estimateTypes';
import { messageFormatFor } from './messageFormat';
import type { OutputQuantiles } from './outputModel';

/**
 * How the cache model counts a request's blocks so they add up to the estimator's input: texts
 * counted like the estimate (exact, or o200k × the family's calibration), framing from the model's
 * message format. One counter per call: keep it while the model and the calibration stay the same
 * (it remembers the counts of long texts, so an unchanged history is not recounted).
 */
export function blockCounting(model: string, calibration?: CalibrationTable): BlockCounting {
  const format = messageFormatFor(model);
  return {
    countTokens: modelTokenCounter(model, calibration),
    perMessageTokens: format.perMessage + format.perRole,
    replyPrimingTokens: format.replyPriming,
  };
}

export interface CacheCostOptions {
  readonly profile: CreditProfile;
  readonly hints?: ProviderHints;
  /** Output tokens of one answer. */
  readonly output: OutputQuantiles;
  /** Rounds of the request (1 when absent); each round's input is split like the first, earlier answers fresh. */
  readonly rounds?: number;
  /**
   * The input as the estimate counted it. The blocks count each text on its own, so a calibrated
   * count may differ from the estimate's by rounding; the fresh part takes the difference, so the
   * split always adds up to the input shown next to it.
   */
  readonly inputTokens?: number;
  /** The model id the price is looked up by (the request's model when absent). */
  readonly modelId?: string;
  /** The model's pricing, when the caller keeps it resolved (per keystroke). */
  readonly pricing?: ModelPricing;
}

export interface CacheCost {
  readonly prediction: CachePrediction;
  readonly cache: EstimateCache;
  readonly cost: EstimateCost;
}

/** The split made to add up to `inputTokens`: the fresh part absorbs the difference (then writes, then reads, if it must shrink). */
function reconcile(split: CacheSplit, inputTokens: number): CacheSplit {
  let fresh = split.freshInputTokens + inputTokens - (split.cacheReadTokens + split.cacheWriteTokens + split.freshInputTokens);
  let write = split.cacheWriteTokens;
  let read = split.cacheReadTokens;
  if (fresh < 0) {
    const fromWrite = Math.min(write, -fresh);
    write -= fromWrite;
    fresh += fromWrite;
  }
  if (fresh < 0) {
    const fromRead = Math.min(read, -fresh);
    read -= fromRead;
    fresh += fromRead;
  }
  return { cacheReadTokens: read, cacheWriteTokens: write, cacheWrite1hTokens: Math.min(split.cacheWrite1hTokens, write), freshInputTokens: Math.max(0, fresh) };
}

function expiredNote(notes: readonly CacheNote[]): Extract<CacheNote, { code: 'expired' }> | undefined {
  for (const note of notes) {
    if (note.code === 'expired') {
      return note;
    }
  }
  return undefined;
}

/**
 * What `request` costs if sent at `at` (ms) after what `state` recorded: the cache split, "cached
 * until", and credits low / expected / high with the cache (and without it, for comparison).
 */
export function cacheAwareCost(state: CacheState | undefined, request: CacheRequest, at: number, options: CacheCostOptions): CacheCost {
  const prediction = predictCache(state, request, at);
  const inputTokens = options.inputTokens ?? prediction.inputTokens;
  const modelId = options.modelId ?? request.model;
  const pricing = options.pricing ?? modelPricing(modelId, options.profile, options.hints);
  const rounds = options.rounds ?? 1;
  const split = reconcile(prediction, inputTokens);
  const alternative = prediction.alternative ? reconcile(prediction.alternative, inputTokens) : undefined;
  const cost = costRange(pricing, options.profile, modelId, inputTokens, options.output, rounds, { split, ...(alternative ? { alternative } : {}) });
  const uncached = costRange(pricing, options.profile, modelId, inputTokens, options.output, rounds);
  const expired = split.cacheReadTokens === 0 ? expiredNote(prediction.notes) : undefined;
  const cache: EstimateCache = {
    rules: prediction.rules,
    readTokens: split.cacheReadTokens,
    writeTokens: split.cacheWriteTokens,
    write1hTokens: split.cacheWrite1hTokens,
    freshTokens: split.freshInputTokens,
    cachedUntil: split.cacheReadTokens > 0 ? prediction.readUntil : undefined,
    expiredAt: expired?.at,
    cachedAfter: prediction.cachedAfter ? { tokens: prediction.cachedAfter.tokens, until: prediction.cachedAfter.until } : undefined,
    uncached: uncached.kind === 'priced' ? uncached.credits : undefined,
    notes: prediction.notes,
  };
  return { prediction, cache, cost };
}
