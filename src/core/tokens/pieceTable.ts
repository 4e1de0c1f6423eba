/**
 * A bounded memo of piece -> token count, keyed by a range of a string so that counting never
 * allocates a substring: the key's UTF-16 code units are copied into an arena only when stored.
 *
 * Two generations: when the young one is full it becomes the old one and the previous old one is
 * cleared, so memory stays fixed (about 3 MB per encoding) while pieces that keep being hit are
 * promoted back into the young generation and survive.
 */

const ENTRIES = 1 << 15;
const SLOTS = ENTRIES * 2;
const ARENA_UNITS = ENTRIES * 12;
/** Longer pieces are not memoised (they rarely repeat, and would crowd the arena). */
export const MAX_MEMOISED_LENGTH = 128;

/** FNV-1a over text[start, end) code units. */
export function hashRange(text: string, start: number, end: number): number {
  let hash = 0x811c9dc5;
  for (let index = start; index < end; index++) {
    hash = Math.imul(hash ^ text.charCodeAt(index), 0x01000193);
  }
  return hash ^ (hash >>> 16);
}

class Generation {
  private readonly slots = new Int32Array(SLOTS);
  private readonly hashes = new Int32Array(ENTRIES);
  private readonly offsets = new Int32Array(ENTRIES);
  private readonly lengths = new Int32Array(ENTRIES);
  private readonly tokens = new Int32Array(ENTRIES);
  private readonly arena = new Uint16Array(ARENA_UNITS);
  private size = 0;
  private arenaUsed = 0;

  /** Token count stored for text[start, end), or -1. */
  find(text: string, start: number, end: number, hash: number): number {
    const length = end - start;
    let slot = hash & (SLOTS - 1);
    for (;;) {
      const entry = this.slots[slot] - 1;
      if (entry < 0) {
        return -1;
      }
      if (this.hashes[entry] === hash && this.lengths[entry] === length) {
        const offset = this.offsets[entry];
        let index = 0;
        while (index < length && this.arena[offset + index] === text.charCodeAt(start + index)) {
          index++;
        }
        if (index === length) {
          return this.tokens[entry];
        }
      }
      slot = (slot + 1) & (SLOTS - 1);
    }
  }

  /** Stores a count; false when this generation is full. */
  add(text: string, start: number, end: number, hash: number, tokens: number): boolean {
    const length = end - start;
    if (this.size === ENTRIES || this.arenaUsed + length > ARENA_UNITS) {
      return false;
    }
    const entry = this.size++;
    const offset = this.arenaUsed;
    for (let index = 0; index < length; index++) {
      this.arena[offset + index] = text.charCodeAt(start + index);
    }
    this.arenaUsed += length;
    this.hashes[entry] = hash;
    this.offsets[entry] = offset;
    this.lengths[entry] = length;
    this.tokens[entry] = tokens;
    let slot = hash & (SLOTS - 1);
    while (this.slots[slot] !== 0) {
      slot = (slot + 1) & (SLOTS - 1);
    }
    this.slots[slot] = entry + 1;
    return true;
  }

  clear(): void {
    if (this.size > 0) {
      this.slots.fill(0);
      this.size = 0;
      this.arenaUsed = 0;
    }
  }
}

export class PieceTable {
  private young = new Generation();
  private old = new Generation();

  /** Token count memoised for text[start, end) with the given hashRange, or -1. */
  get(text: string, start: number, end: number, hash: number): number {
    const young = this.young.find(text, start, end, hash);
    if (young >= 0) {
      return young;
    }
    const old = this.old.find(text, start, end, hash);
    if (old >= 0) {
      this.set(text, start, end, hash, old);
    }
    return old;
  }

  set(text: string, start: number, end: number, hash: number, tokens: number): void {
    if (!this.young.add(text, start, end, hash, tokens)) {
      const cleared = this.old;
      cleared.clear();
      this.old = this.young;
      this.young = cleared;
      this.young.add(text, start, end, hash, tokens);
    }
  }

  clear(): void {
    this.young.clear();
    this.old.clear();
  }
}
