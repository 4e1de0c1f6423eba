/**
 * One memoised counter per encoding. Loading is synchronous (tens of ms from the prebuilt rank file);
 * `warmUp` does it on a later tick so extension activation never waits for it.
 */
import { BpeCounter, type TokenCounter } from './bpeCounter';
import type { EncodingName } from './encodingName';
import { loadRankTable } from './loadRankTable';

const counters = new Map<EncodingName, BpeCounter>();

export function loadCounter(encoding: EncodingName): TokenCounter {
  let counter = counters.get(encoding);
  if (counter === undefined) {
    counter = new BpeCounter(encoding, loadRankTable(encoding));
    counters.set(encoding, counter);
  }
  return counter;
}

/** True once the encoding's counter exists (e.g. for a "tokenizer warming up" hint). */
export function isCounterLoaded(encoding: EncodingName): boolean {
  return counters.has(encoding);
}

/** Loads the encodings' tables off the caller's tick, one per macrotask. */
export async function warmUp(encodings: EncodingName[] = ['o200k_base']): Promise<void> {
  for (const encoding of encodings) {
    await new Promise<void>((resolve) => setImmediate(resolve));
    loadCounter(encoding);
  }
}
