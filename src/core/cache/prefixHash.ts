/**
 * Content hashes for prompt blocks and the chained prefix keys built from them.
 *
 * A provider's cache key is the whole prefix up to a block, so a key here is chained: the key at
 * block i hashes the key at block i-1 with block i's hash. An edited early block therefore changes
 * every key after it, exactly as it invalidates every later cache entry at the provider.
 *
 * The hash is 64 bits (two 32-bit FNV-1a lanes with different offsets, each finished with a
 * murmur3-style mix), in plain JavaScript so the core stays free of I/O and native modules. It is not
 * cryptographic: it only has to tell a conversation's blocks apart. About 3-4 ms of CPU per MB of text;
 * long texts' hashes are remembered, so an unchanged history is hashed once.
 */

import { memoLong } from './memoLong';

const FNV_PRIME = 0x01000193;

function finish(hash: number): number {
  let h = hash;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

function hex8(value: number): string {
  return value.toString(16).padStart(8, '0');
}

/** A 64-bit hash of `text` as 16 hex digits (long texts' hashes are remembered). */
export const contentHash: (text: string) => string = memoLong(hashText);

function hashText(text: string): string {
  let a = 0x811c9dc5;
  let b = 0x050c5d1f;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    a = Math.imul(a ^ code, FNV_PRIME);
    b = Math.imul(b ^ code, FNV_PRIME) ^ (b >>> 15);
  }
  // The length goes in too, so texts that differ only in a run of zero code units still differ.
  return hex8(finish(a ^ text.length)) + hex8(finish(b + text.length));
}

/** The hash of several fields, each delimited so that `('ab','c')` and `('a','bc')` differ. */
export function fieldsHash(...fields: readonly string[]): string {
  return contentHash(fields.map((field) => `${field.length}:${field}`).join('|'));
}

/**
 * The prefix key at every block: `keys[i]` identifies blocks 0..i (and the partition). Two requests
 * share a cache entry exactly when their keys at that block are equal.
 */
export function prefixKeys(blockHashes: readonly string[], partition = ''): string[] {
  const keys = new Array<string>(blockHashes.length);
  let previous = contentHash(`partition:${partition}`);
  for (let i = 0; i < blockHashes.length; i++) {
    previous = contentHash(`${previous}/${blockHashes[i]}`);
    keys[i] = previous;
  }
  return keys;
}
