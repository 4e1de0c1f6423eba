/**
 * How many tokens tiktoken's byte-pair merge produces for one piece: start from single bytes and
 * repeatedly merge the adjacent pair whose concatenation has the lowest rank (leftmost on ties) until
 * no adjacent pair is a token. Only the number of parts is kept, never the token ids.
 *
 * Short pieces use tiktoken's own linear rescan; long ones (a 100 KB "word") use a heap keyed by
 * (rank, position), which makes the same choices in O(n log n) instead of O(n²).
 */
import { NO_RANK, rankOf as rankOfImported, type RankTable } from './rankTable';

// A local binding: calls through a module namespace cost a getter each when sources run unbundled.
const rankOf = rankOfImported;

const LONG_PIECE = 128;

/** Scratch arrays reused between calls; grown on demand. */
let next = new Int32Array(256);
let prev = new Int32Array(256);
let pairRank = new Int32Array(256);
let heapKeys = new Float64Array(256);

function ensureCapacity(length: number): void {
  if (next.length >= length + 1) {
    return;
  }
  let size = next.length;
  while (size < length + 1) {
    size *= 2;
  }
  next = new Int32Array(size);
  prev = new Int32Array(size);
  pairRank = new Int32Array(size);
}

/** Token count of bytes[0, length) under `table`. */
export function bytePairCount(table: RankTable, bytes: Uint8Array, length: number): number {
  if (length <= 1) {
    return length;
  }
  if (rankOf(table, bytes, 0, length) !== NO_RANK) {
    return 1;
  }
  ensureCapacity(length);
  return length < LONG_PIECE ? mergeByRescan(table, bytes, length) : mergeByHeap(table, bytes, length);
}

/**
 * The tokens of bytes[0, length) under `table`, as the offset each one ends at (in order): the same
 * merges as bytePairCount, for callers that need to know where the tokens are.
 */
export function bytePairSplit(table: RankTable, bytes: Uint8Array, length: number): number[] {
  if (length === 0) {
    return [];
  }
  if (length === 1 || rankOf(table, bytes, 0, length) !== NO_RANK) {
    return [length];
  }
  ensureCapacity(length);
  if (length < LONG_PIECE) {
    mergeByRescan(table, bytes, length);
  } else {
    mergeByHeap(table, bytes, length);
  }
  const ends: number[] = [];
  for (let part = 0; part < length; part = next[part]) {
    ends.push(next[part]);
  }
  return ends;
}

/** Rank of the pair starting at part `i` (part i joined with the part after it), or NO_RANK. */
function rankOfPair(table: RankTable, bytes: Uint8Array, length: number, i: number): number {
  const second = next[i];
  if (second >= length) {
    return NO_RANK;
  }
  return rankOf(table, bytes, i, next[second]);
}

function initParts(table: RankTable, bytes: Uint8Array, length: number): void {
  for (let i = 0; i < length; i++) {
    next[i] = i + 1;
    prev[i] = i - 1;
  }
  for (let i = 0; i < length - 1; i++) {
    pairRank[i] = rankOf(table, bytes, i, i + 2);
  }
  pairRank[length - 1] = NO_RANK;
}

/** Joins part i with the part after it and refreshes the two pair ranks that changed. */
function merge(table: RankTable, bytes: Uint8Array, length: number, i: number): void {
  const removed = next[i];
  const after = next[removed];
  next[i] = after;
  if (after < length) {
    prev[after] = i;
  }
  pairRank[i] = rankOfPair(table, bytes, length, i);
  const before = prev[i];
  if (before >= 0) {
    pairRank[before] = rankOfPair(table, bytes, length, before);
  }
}

function mergeByRescan(table: RankTable, bytes: Uint8Array, length: number): number {
  initParts(table, bytes, length);
  let parts = length;
  for (;;) {
    let best = -1;
    let bestRank = 0x7fffffff;
    for (let i = 0; i < length; i = next[i]) {
      const rank = pairRank[i];
      if (rank !== NO_RANK && rank < bestRank) {
        bestRank = rank;
        best = i;
      }
    }
    if (best < 0) {
      return parts;
    }
    merge(table, bytes, length, best);
    parts--;
  }
}

/** Heap entries are rank * 2^32 + position, so the smallest key is the lowest rank, leftmost. */
const POSITION_SPAN = 0x100000000;

function mergeByHeap(table: RankTable, bytes: Uint8Array, length: number): number {
  initParts(table, bytes, length);
  if (heapKeys.length < length * 3) {
    heapKeys = new Float64Array(length * 3);
  }
  let heap = heapKeys;
  let size = 0;
  const push = (key: number): void => {
    if (size === heap.length) {
      const grown = new Float64Array(heap.length * 2);
      grown.set(heap);
      heap = grown;
      heapKeys = grown;
    }
    let at = size++;
    while (at > 0) {
      const parent = (at - 1) >> 1;
      if (heap[parent] <= key) {
        break;
      }
      heap[at] = heap[parent];
      at = parent;
    }
    heap[at] = key;
  };
  const pop = (): number => {
    const top = heap[0];
    const last = heap[--size];
    let at = 0;
    for (;;) {
      let child = 2 * at + 1;
      if (child >= size) {
        break;
      }
      if (child + 1 < size && heap[child + 1] < heap[child]) {
        child++;
      }
      if (heap[child] >= last) {
        break;
      }
      heap[at] = heap[child];
      at = child;
    }
    heap[at] = last;
    return top;
  };
  // A part that has been merged into its left neighbour is marked dead with prev = -2.
  for (let i = 0; i < length; i++) {
    if (pairRank[i] !== NO_RANK) {
      push(pairRank[i] * POSITION_SPAN + i);
    }
  }
  let parts = length;
  while (size > 0) {
    const key = pop();
    const rank = Math.floor(key / POSITION_SPAN);
    const i = key - rank * POSITION_SPAN;
    if (prev[i] === -2 || pairRank[i] !== rank) {
      continue; // stale: the part is gone or its pair changed since this entry was pushed
    }
    const removed = next[i];
    merge(table, bytes, length, i);
    prev[removed] = -2;
    parts--;
    if (pairRank[i] !== NO_RANK) {
      push(pairRank[i] * POSITION_SPAN + i);
    }
    const before = prev[i];
    if (before >= 0 && pairRank[before] !== NO_RANK) {
      push(pairRank[before] * POSITION_SPAN + before);
    }
  }
  return parts;
}
