/**
 * A BPE rank table that answers "which rank does this byte slice have?" without building a
 * 200k-entry Map: the token bytes live in one blob, and an open-addressing hash table maps the
 * FNV-1a hash of a slice to its rank. Everything is a typed array, so the token bytes can be written
 * to disk once at build time and mapped back without parsing (see rankFile.ts); the hash table is
 * rebuilt from them on load.
 */
export interface RankTable {
  /** Number of ranks (max rank + 1); ranks without a token have an empty slice. */
  readonly rankCount: number;
  /** offsets[r]..offsets[r + 1] is the token of rank r inside `blob`. */
  readonly offsets: Uint32Array;
  readonly blob: Uint8Array;
  /** Open-addressing table (power-of-two size) of ranks, -1 for an empty slot. */
  readonly slots: Int32Array;
}

export const NO_RANK = -1;

/** FNV-1a over bytes[start, end), with a final avalanche so the low bits spread well. */
export function hashBytes(bytes: Uint8Array, start: number, end: number): number {
  let hash = 0x811c9dc5;
  for (let i = start; i < end; i++) {
    hash = Math.imul(hash ^ bytes[i], 0x01000193);
  }
  hash ^= hash >>> 15;
  hash = Math.imul(hash, 0x2c1b3c6d);
  hash ^= hash >>> 12;
  return hash >>> 0;
}

/** The rank of bytes[start, end), or NO_RANK when that byte string is not a token. */
export function rankOf(table: RankTable, bytes: Uint8Array, start: number, end: number): number {
  const { slots, offsets, blob } = table;
  const mask = slots.length - 1;
  const length = end - start;
  let slot = hashBytes(bytes, start, end) & mask;
  for (;;) {
    const rank = slots[slot];
    if (rank === NO_RANK) {
      return NO_RANK;
    }
    const from = offsets[rank];
    if (offsets[rank + 1] - from === length) {
      let i = 0;
      while (i < length && blob[from + i] === bytes[start + i]) {
        i++;
      }
      if (i === length) {
        return rank;
      }
    }
    slot = (slot + 1) & mask;
  }
}

/**
 * Builds the table from js-tiktoken's compressed rank text: lines of `! <first rank> <base64 token> ...`
 * where consecutive tokens take consecutive ranks.
 */
export function buildRankTable(bpeRanks: string): RankTable {
  const tokens: Uint8Array[] = [];
  let blobLength = 0;
  for (const line of bpeRanks.split('\n')) {
    if (line.length === 0) {
      continue;
    }
    const [, first, ...encoded] = line.split(' ');
    let rank = Number.parseInt(first, 10);
    for (const token of encoded) {
      const bytes = Buffer.from(token, 'base64');
      tokens[rank++] = bytes;
      blobLength += bytes.length;
    }
  }
  const rankCount = tokens.length;
  const offsets = new Uint32Array(rankCount + 1);
  const blob = new Uint8Array(blobLength);
  let cursor = 0;
  for (let rank = 0; rank < rankCount; rank++) {
    offsets[rank] = cursor;
    const bytes = tokens[rank];
    if (bytes) {
      blob.set(bytes, cursor);
      cursor += bytes.length;
    }
  }
  offsets[rankCount] = cursor;
  return { rankCount, offsets, blob, slots: buildSlots(rankCount, offsets, blob) };
}

/** The open-addressing table from a token's bytes to its rank (load factor below 0.4 keeps probe chains short). */
export function buildSlots(rankCount: number, offsets: Uint32Array, blob: Uint8Array): Int32Array {
  let slotCount = 1;
  while (slotCount < rankCount * 2.5) {
    slotCount *= 2;
  }
  const slots = new Int32Array(slotCount).fill(NO_RANK);
  const mask = slotCount - 1;
  for (let rank = 0; rank < rankCount; rank++) {
    const from = offsets[rank];
    const to = offsets[rank + 1];
    if (to === from) {
      continue;
    }
    let slot = hashBytes(blob, from, to) & mask;
    while (slots[slot] !== NO_RANK) {
      slot = (slot + 1) & mask;
    }
    slots[slot] = rank;
  }
  return slots;
}
