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

/** A stretch of a piece: literal text, or `length` UTF-16 units of `unit` repeated (a multiple of its length). */
export type Segment = string | { readonly unit: string; readonly length: number };

interface UnitCounts {
  readonly unit: string;
  /** UTF-8 of the unit. */
  readonly bytes: Uint8Array;
  /** Smallest base length, a multiple of the unit's length. */
  readonly base: number;
  /** Length in UTF-16 units of the group of tokens that repeats; 0 when there is none (never counted here). */
  readonly step: number;
}

/** A group of tokens that occurs twice in a row in a BPE result: its length and how many tokens it has. */
interface Repeat {
  readonly units: number;
  readonly tokens: number;
}

interface Base {
  /** Tokens of the base, or -1 when no base short enough shows the repeating groups. */
  readonly tokens: number;
  /** Per run, in order: its length in the base. */
  readonly lengths: readonly number[];
  /** Per run, in order: its repeating group in the base (whose length divides the unit's step), if it shows one. */
  readonly repeats: ReadonlyArray<Repeat | undefined>;
}

/** Bases remembered at once. */
const MAX_BASES = 4096;
/** A run is shortened only when it holds at least this many steps more than its residue. */
const MIN_COPIES = 3;
/** Longest base tried, in bytes. */
const MAX_BASE_BYTES = 8192;

const utf8 = new TextEncoder();

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

export class RunCounter {
  private readonly options: RunCounterOptions;
  private readonly units = new Map<string, UnitCounts>();
  private readonly bases = new Map<string, Base>();
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
    const whole = length - (length % unit.length);
    return this.countSegments([{ unit, length: whole }, unit.slice(0, length - whole)]);
  }

  /**
   * Tokens of one piece made of literal text and runs (" " + 100,000 dashes; 5,000 a's + "x" + 7,000
   * a's), or -1 when this counter cannot tell (count the piece in full then). Each long run is
   * shortened to a base length of its length class (modulo its unit's step), as short as still shows
   * a repeating group inside that run in the BPE of the shortened piece; each run then adds that
   * group's tokens once per group length it was shortened by. Bases are remembered per length class.
   */
  countSegments(segments: readonly Segment[]): number {
    const runs: Array<{ unit: string; length: number; step: number; residue: number }> = [];
    let key = '';
    for (let index = 0; index < segments.length; index++) {
      const segment = segments[index];
      if (typeof segment === 'string') {
        // A literal ending in a high surrogate would pair with what follows it.
        if (isHighSurrogate(segment.charCodeAt(segment.length - 1)) && index + 1 < segments.length) {
          return -1;
        }
        key += segment + '\u0000';
        continue;
      }
      const { step } = this.unitCounts(segment.unit);
      if (step === 0 || segment.length % segment.unit.length !== 0) {
        return -1;
      }
      const residue = segment.length % step;
      // Long enough to be shortened: then only its length class matters.
      const shortenable = segment.length >= residue + MIN_COPIES * step;
      runs.push({ unit: segment.unit, length: segment.length, step, residue: shortenable ? residue : -1 });
      key += shortenable ? `\u0001${segment.unit}\u0001~${residue}\u0000` : `\u0001${segment.unit}\u0001=${segment.length}\u0000`;
    }
    let base = this.bases.get(key);
    if (base === undefined) {
      base = this.findBase(segments, runs);
      if (base === undefined) {
        return this.bpe(segments).ends.length; // nothing to shorten: the piece is short enough to count
      }
      if (this.bases.size >= MAX_BASES) {
        this.bases.clear();
      }
      this.bases.set(key, base);
    }
    if (base.tokens < 0) {
      return -1;
    }
    let tokens = base.tokens;
    for (let run = 0; run < runs.length; run++) {
      const extra = runs[run].length - base.lengths[run];
      if (extra < 0) {
        return this.bpe(segments).ends.length; // shorter than this class's base: short enough to count
      }
      if (extra > 0) {
        const repeat = base.repeats[run];
        if (repeat === undefined) {
          return -1;
        }
        tokens += (extra / repeat.units) * repeat.tokens;
      }
    }
    return tokens;
  }

  /** Forgets every unit and base (for measuring cold speed). */
  clear(): void {
    this.units.clear();
    this.bases.clear();
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
    const base = Math.ceil(this.options.baseBytes / bytes.length) * unit.length;
    let step = 0;
    // A unit ending in a high surrogate would pair with the next repetition: leave such text alone.
    if (!isHighSurrogate(unit.charCodeAt(unit.length - 1))) {
      const { ends } = this.bpe([{ unit, length: base }]);
      step = repeatedGroup(ends, 0, ends[ends.length - 1], bytes.length, unit.length, 0)?.units ?? 0;
    }
    counts = { unit, bytes, base, step };
    this.units.set(unit, counts);
    return counts;
  }

  /**
   * The shortest base for these segments' length classes: every long run shortened to its residue
   * plus 2, 3, ... steps until the BPE shows a repeating group inside each shortened run. Undefined
   * when no run is long enough to shorten; tokens -1 when no base up to a few kilobytes shows one.
   */
  private findBase(segments: readonly Segment[], runs: ReadonlyArray<{ unit: string; length: number; step: number; residue: number }>): Base | undefined {
    for (let copies = MIN_COPIES - 1; ; copies++) {
      const lengths = runs.map((run) => (run.residue < 0 ? run.length : Math.min(run.length, run.residue + copies * run.step)));
      if (lengths.every((length, run) => length === runs[run].length)) {
        return undefined;
      }
      let index = 0;
      const shortened = segments.map((segment) => (typeof segment === 'string' ? segment : { unit: segment.unit, length: lengths[index++] }));
      const { ends, ranges } = this.bpe(shortened);
      if (ends.length > 0 && ends[ends.length - 1] > MAX_BASE_BYTES) {
        return { tokens: -1, lengths, repeats: [] };
      }
      const repeats = ranges.map((range, run) => {
        const { bytes, step } = this.unitCounts(runs[run].unit);
        return repeatedGroup(ends, range.from, range.to, bytes.length, runs[run].unit.length, step);
      });
      if (repeats.every((repeat, run) => repeat !== undefined || lengths[run] === runs[run].length)) {
        return { tokens: ends.length, lengths, repeats };
      }
    }
  }

  /** Token ends of the segments' UTF-8, and the byte range of each run. */
  private bpe(segments: readonly Segment[]): { ends: number[]; ranges: Array<{ from: number; to: number }> } {
    const parts: Uint8Array[] = [];
    const ranges: Array<{ from: number; to: number }> = [];
    let total = 0;
    for (const segment of segments) {
      if (typeof segment === 'string') {
        const bytes = utf8.encode(segment);
        parts.push(bytes);
        total += bytes.length;
        continue;
      }
      const unitBytes = this.units.get(segment.unit)?.bytes ?? utf8.encode(segment.unit);
      const copies = segment.length / segment.unit.length;
      for (let copy = 0; copy < copies; copy++) {
        parts.push(unitBytes);
      }
      ranges.push({ from: total, to: total + copies * unitBytes.length });
      total += copies * unitBytes.length;
    }
    if (this.scratch.length < total) {
      this.scratch = new Uint8Array(total * 2);
    }
    let at = 0;
    for (const part of parts) {
      this.scratch.set(part, at);
      at += part.length;
    }
    return { ends: bytePairSplit(this.table, this.scratch, total), ranges };
  }
}

/** Longest group of tokens looked for when finding the repeating part of a base's BPE. */
const MAX_GROUP = 4;

/**
 * A group of 1..MAX_GROUP tokens that occurs twice in a row in a BPE result (given as token end
 * offsets), inside the byte range [from, to), and spans whole units: its length in UTF-16 units and its
 * number of tokens. With `step` > 0, only a group whose length divides it. Undefined when there is none.
 */
function repeatedGroup(ends: readonly number[], from: number, to: number, unitBytes: number, unitLength: number, step: number): Repeat | undefined {
  // Tokens lying inside [from, to): indices first..last.
  let first = 0;
  while (first < ends.length && (first === 0 ? 0 : ends[first - 1]) < from) {
    first++;
  }
  let last = first;
  while (last < ends.length && ends[last] <= to) {
    last++;
  }
  const size = (index: number) => ends[index] - (index === 0 ? 0 : ends[index - 1]);
  for (let tokens = 1; tokens <= MAX_GROUP; tokens++) {
    for (let start = first; start + 2 * tokens <= last; start++) {
      let bytes = 0;
      let equal = true;
      for (let index = start; index < start + tokens && equal; index++) {
        equal = size(index) === size(index + tokens);
        bytes += size(index);
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
