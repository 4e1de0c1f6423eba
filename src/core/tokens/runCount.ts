/**
 * Token counts of long pieces that repeat one short unit (a run of spaces, of one letter, of "ab"),
 * from their length: after the first few of each length class, a count costs no BPE at all.
 *
 * Why a count follows from the length. tiktoken's BPE merges, step by step, the adjacent pair of
 * parts whose concatenation has the lowest rank (leftmost on ties). Two facts about it:
 * (1) A stretch e_i..e_j of a BPE result is the BPE result of its own bytes: each merge inside it was
 *     the lowest pair of a larger set, so it is the lowest inside the stretch too, in the same order,
 *     and no merge crossed its edges.
 * (2) If X = e_0..e_i and Y = e_i..e_n are BPE results sharing the token e_i, then e_0..e_n is the BPE
 *     result of the joined bytes: while no merge crosses an edge of e_i, the joined run makes exactly
 *     the merges of the two runs, and the first merge across an edge would have been the lowest pair of
 *     X's (or Y's) own run at that point, which that run never made.
 * Let the BPE of a periodic text (a unit repeated, as bytes) hold a group of tokens G twice in a row,
 * G G, whose byte length is a multiple of the unit's. By (1), X = ..G G (through the second G) and
 * Y = g G.. (from the last token g of the first G) are results; by (2) they join on g into the
 * sequence with one more G. Its bytes are the text with G copied in place, and a copy whose length is
 * a multiple of the period leaves a periodic text periodic: it is the BPE of the same periodic text |G|
 * bytes longer, and it still holds G G. So count(n + k·step) = count(n) + k·t for all k ≥ 0, with
 * `step` the length of G in UTF-16 units and t its number of tokens (G is one token of 128 spaces in
 * a run of spaces; a 3-byte and a 1-byte token per emoji in a run of emoji in cl100k).
 *
 * Each length class (modulo the step) takes its count from one base length, counted with the real BPE
 * (a couple of kilobytes) and checked to hold G G; when it does not, `count` says so and the caller
 * counts the piece in full, so the result is exact either way. The tests hold this to tiktoken.
 */
import { bytePairSplit } from './bytePairCount';
import type { RankTable } from './rankTable';

export interface RunCounterOptions {
  /** Pieces shorter than this (UTF-16 units) are left to the caller: their BPE costs no more than a base's. */
  readonly minLength: number;
  /** About how many bytes a base length has: enough for the repeating token to show up twice. */
  readonly baseBytes: number;
}

const DEFAULTS: RunCounterOptions = { minLength: 4096, baseBytes: 2048 };
/** Longest unit looked for, in UTF-16 units. */
const MAX_UNIT = 8;
/** Units remembered at once (each holds up to `step` base counts). */
const MAX_UNITS = 64;

interface UnitCounts {
  readonly unit: string;
  /** UTF-8 of the unit. */
  readonly bytes: Uint8Array;
  /** UTF-8 length of the unit's first r UTF-16 units, or -1 where r splits a surrogate pair. */
  readonly prefixBytes: readonly number[];
  /** Smallest base length, a multiple of the unit's length. */
  readonly base: number;
  /** Length in UTF-16 units of the group of tokens that repeats; 0 when there is none (never counted here). */
  readonly step: number;
  /** Base length -> its token count and the length of its repeating token, or undefined tokens when it has none. */
  readonly bases: Map<number, Base>;
}

/** A group of tokens that occurs twice in a row in a BPE result: its length and how many tokens it has. */
interface Repeat {
  readonly units: number;
  readonly tokens: number;
}

interface Base {
  readonly tokens: number;
  /** The base's repeating group (its length divides `step`), or undefined when it shows none. */
  readonly repeat: Repeat | undefined;
}

const utf8 = new TextEncoder();

export class RunCounter {
  private readonly options: RunCounterOptions;
  private readonly units = new Map<string, UnitCounts>();
  private scratch = new Uint8Array(256);

  constructor(private readonly table: RankTable, options: Partial<RunCounterOptions> = {}) {
    this.options = { ...DEFAULTS, ...options };
  }

  /** Tokens of the piece text[start, end) when it is a long repetition of a short unit; -1 otherwise. */
  count(text: string, start: number, end: number): number {
    if (end - start < this.options.minLength) {
      return -1;
    }
    const width = periodOf(text, start, end);
    return width < 0 ? -1 : this.countRepeat(text.slice(start, start + width), end - start);
  }

  /**
   * Tokens of one piece made of the first `length` UTF-16 units of `unit` repeated (a prefix of
   * unit·unit·unit…), or -1 when this counter cannot tell (count the piece in full then).
   */
  countRepeat(unit: string, length: number): number {
    const counts = this.unitCounts(unit);
    if (counts.step === 0 || counts.prefixBytes[length % unit.length] < 0) {
      return -1;
    }
    if (length < counts.base + counts.step) {
      return this.bpe(counts, length).length;
    }
    const baseLength = counts.base + ((length - counts.base) % counts.step);
    let base = counts.bases.get(baseLength);
    if (base === undefined) {
      const ends = this.bpe(counts, baseLength);
      base = { tokens: ends.length, repeat: repeatedGroup(ends, counts.bytes.length, unit.length, counts.step) };
      counts.bases.set(baseLength, base);
    }
    return base.repeat === undefined ? -1 : base.tokens + ((length - baseLength) / base.repeat.units) * base.repeat.tokens;
  }

  /** Forgets every unit (for measuring cold speed). */
  clear(): void {
    this.units.clear();
  }

  private unitCounts(unit: string): UnitCounts {
    let counts = this.units.get(unit);
    if (counts !== undefined) {
      return counts;
    }
    if (this.units.size >= MAX_UNITS) {
      this.units.clear();
    }
    const bytes = utf8.encode(unit);
    const prefixBytes: number[] = [];
    for (let units = 0; units <= unit.length; units++) {
      const prefix = utf8.encode(unit.slice(0, units));
      prefixBytes.push(prefix.every((byte, index) => byte === bytes[index]) ? prefix.length : -1);
    }
    const base = Math.ceil(this.options.baseBytes / bytes.length) * unit.length;
    const probe: UnitCounts = { unit, bytes, prefixBytes, base, step: 0, bases: new Map() };
    // A unit ending in a high surrogate would pair with the next repetition: leave such text alone.
    const high = unit.charCodeAt(unit.length - 1);
    const ends = high >= 0xd800 && high <= 0xdbff ? [] : this.bpe(probe, base);
    const repeat = repeatedGroup(ends, bytes.length, unit.length, 0);
    counts = { ...probe, step: repeat?.units ?? 0 };
    if (repeat !== undefined) {
      counts.bases.set(base, { tokens: ends.length, repeat });
    }
    this.units.set(unit, counts);
    return counts;
  }

  /** Token ends of the first `length` UTF-16 units of the repeated unit. */
  private bpe(counts: UnitCounts, length: number): number[] {
    const { bytes, unit, prefixBytes } = counts;
    const whole = Math.floor(length / unit.length);
    const total = whole * bytes.length + prefixBytes[length % unit.length];
    if (this.scratch.length < total) {
      this.scratch = new Uint8Array(total * 2);
    }
    const scratch = this.scratch;
    for (let copy = 0; copy < whole; copy++) {
      scratch.set(bytes, copy * bytes.length);
    }
    scratch.set(bytes.subarray(0, prefixBytes[length % unit.length]), whole * bytes.length);
    return bytePairSplit(this.table, scratch, total);
  }
}

/** Longest group of tokens looked for when finding the repeating part of a base's BPE. */
const MAX_GROUP = 4;

/**
 * A group of 1..MAX_GROUP tokens that occurs twice in a row in a BPE result (given as token end
 * offsets) and spans whole units: its length in UTF-16 units and its number of tokens. With `step` > 0,
 * only a group whose length divides it. Undefined when there is none.
 */
function repeatedGroup(ends: readonly number[], unitBytes: number, unitLength: number, step: number): Repeat | undefined {
  const sizes = ends.map((end, index) => end - (index === 0 ? 0 : ends[index - 1]));
  for (let tokens = 1; tokens <= MAX_GROUP; tokens++) {
    for (let first = 0; first + 2 * tokens <= sizes.length; first++) {
      let bytes = 0;
      let equal = true;
      for (let index = first; index < first + tokens && equal; index++) {
        equal = sizes[index] === sizes[index + tokens];
        bytes += sizes[index];
      }
      if (!equal || bytes % unitBytes !== 0) {
        continue;
      }
      const units = (bytes / unitBytes) * unitLength;
      if (step === 0 || step % units === 0) {
        return { units, tokens };
      }
    }
  }
  return undefined;
}

/** Smallest period (at most MAX_UNIT UTF-16 units) of text[start, end), or -1. */
export function periodOf(text: string, start: number, end: number): number {
  for (let width = 1; width <= MAX_UNIT && 2 * width <= end - start; width++) {
    let index = start + width;
    while (index < end && text.charCodeAt(index) === text.charCodeAt(index - width)) {
      index++;
    }
    if (index === end) {
      return width;
    }
  }
  return -1;
}
