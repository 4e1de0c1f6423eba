/**
 * An incremental token count for one document, prompt or context item.
 *
 * The text is kept as blocks of about a kilobyte that end on piece boundaries, each with its own
 * string and count, so an edit never copies the whole document: it rescans a small window of blocks
 * around the edit and stops as soon as the new scan lands on an old block boundary after the edited
 * range; everything beyond it is unchanged, so the total moves by a delta. The full text is joined
 * only when someone asks for it.
 *
 * Where the rescan may start and stop follows from how far the splitting regex looks ahead: a
 * letters piece may inspect up to three characters past its end (`'ll`), and a piece in a whitespace
 * run may inspect the whole run (`\s+(?!\S)`, `\s*[\r\n]+`). So the rescan starts at a block that
 * begins before the whitespace run touching the edit, with a margin; and it stops only where the
 * pieces before the stop could not have looked past the end of the window it scanned.
 *
 * A long run of one character (a megabyte of spaces, a line of 10,000 dashes) is one piece, and gets a
 * block of its own that knows the character; its count follows from its length (runCount.ts). A rescan
 * never reads such a block: in the window it scans, the middle of each long run is left out and only
 * its ends are kept. Inside a run of one character the pre-tokenizer's classes never change, so its
 * pieces split the same way whatever the run's length; a piece that spans a left-out middle is counted
 * at its real length. (Should a piece boundary ever fall near a left-out middle, the rescan is redone
 * on the real text.) So typing inside a megabyte of spaces costs what typing in a small file costs.
 */
import { BpeCounter, type TokenCounter } from './bpeCounter';
import type { Segment } from './runCount';
import * as classes from './unicodeClasses';

const BLOCK_SIZE = 1024;
/** Lookahead of a non-whitespace piece past its end, in UTF-16 units, with slack. */
const LOOKAHEAD_MARGIN = 8;
/** Blocks scanned past the edit before giving up on finding a resume point and widening the window. */
const EXTRA_BLOCKS = 2;
/** A piece at least this long (UTF-16 units) is looked at for runs of one code point. */
const RUN_BLOCK = 256;
/** A run of one code point at least this long (UTF-16 units) inside a piece is counted from its length. */
const RUN_SEGMENT = 128;
/** Code points a rescan window keeps at each end of a run whose middle it leaves out. */
const RUN_KEEP = 64;

const SPACE = classes.SPACE;
const basicClasses = classes.classTables().basic;

/** `\s` (Unicode White_Space) of the pre-tokenizer, for a UTF-16 code unit (every such code point is in the BMP). */
function isSpace(code: number): boolean {
  return (basicClasses[code] & SPACE) !== 0;
}

interface Blocks {
  starts: number[];
  counts: number[];
  texts: string[];
  /**
   * For a run block (one piece holding a long run of one code point): its literal text and runs, in
   * order, whose concatenation is its text; undefined for other blocks.
   */
  shapes: Array<readonly Segment[] | undefined>;
}

function emptyBlocks(): Blocks {
  return { starts: [], counts: [], texts: [], shapes: [] };
}

export class DocumentCounter {
  private total = 0;
  private length = 0;
  /** The whole text, when it has been joined (or given) since the last edit. */
  private joined: string | undefined = '';
  private blocks: Blocks = emptyBlocks();
  private readonly bpe: BpeCounter | undefined;

  constructor(private readonly counter: TokenCounter, text = '') {
    this.bpe = counter instanceof BpeCounter ? counter : undefined;
    this.setText(text);
  }

  get tokens(): number {
    return this.total;
  }

  /** The current text. After an edit this joins the blocks (O(length)); callers diffing per keystroke on huge texts should keep their own copy. */
  get text(): string {
    if (this.joined === undefined) {
      this.joined = this.blocks.texts.join('');
    }
    return this.joined;
  }

  setText(text: string): number {
    this.joined = text;
    this.length = text.length;
    this.blocks = emptyBlocks();
    if (this.bpe === undefined) {
      this.total = this.counter.count(text);
      return this.total;
    }
    this.total = scanBlocks(this.bpe, new Window([{ text }], false), 0, this.blocks, () => false)?.tokens ?? 0;
    return this.total;
  }

  /** Replaces `deleteCount` characters at `offset` with `insert`; returns the new total. */
  applyEdit(offset: number, deleteCount: number, insert: string): number {
    const length = this.length;
    if (!Number.isInteger(offset) || offset < 0 || offset > length) {
      throw new RangeError(`offset ${offset} is outside the document (length ${length})`);
    }
    if (!Number.isInteger(deleteCount) || deleteCount < 0 || offset + deleteCount > length) {
      throw new RangeError(`deleteCount ${deleteCount} at offset ${offset} runs past the document (length ${length})`);
    }
    if (deleteCount === 0 && insert.length === 0) {
      return this.total;
    }
    if (this.bpe === undefined || this.blocks.starts.length === 0) {
      const text = this.text;
      return this.setText(text.slice(0, offset) + insert + text.slice(offset + deleteCount));
    }
    this.rescan(this.bpe, offset, deleteCount, insert);
    return this.total;
  }

  /** The blocks as (start, end, tokens), for checking the invariants in tests. */
  inspectBlocks(): Array<{ start: number; end: number; tokens: number; run: boolean }> {
    const { starts, counts, shapes } = this.blocks;
    return starts.map((start, block) => ({
      start,
      end: block + 1 < starts.length ? starts[block + 1] : this.length,
      tokens: counts[block],
      run: shapes[block] !== undefined,
    }));
  }

  private rescan(counter: BpeCounter, offset: number, deleteCount: number, insert: string): void {
    const { starts, counts, texts, shapes } = this.blocks;
    const blockCount = starts.length;
    const delta = insert.length - deleteCount;
    const editEndOld = offset + deleteCount;
    const blockEnd = (block: number) => (block + 1 < blockCount ? starts[block + 1] : this.length);

    // First block that may change: it starts before the whitespace run touching the edit, with a margin.
    let safe = offset;
    let block = blockIndexOf(starts, Math.max(0, offset - 1));
    while (safe > 0) {
      if (safe - 1 < starts[block]) {
        block--;
      }
      const shape = shapes[block];
      if (shape === undefined) {
        if (!isSpace(texts[block].charCodeAt(safe - 1 - starts[block]))) {
          break;
        }
        safe--;
        continue;
      }
      // A run block: step back over a whole run of white space at once, never reading the run.
      const { segment, start } = segmentAt(shape, starts[block], safe - 1);
      if (typeof segment === 'string') {
        if (!isSpace(segment.charCodeAt(safe - 1 - start))) {
          break;
        }
        safe--;
      } else if (isSpace(segment.unit.charCodeAt(0))) {
        safe = start;
      } else {
        break;
      }
    }
    const first = blockIndexOf(starts, Math.max(0, safe - LOOKAHEAD_MARGIN));
    const windowStart = starts[first];
    let last = Math.min(blockCount - 1, blockIndexOf(starts, Math.max(0, Math.min(editEndOld, this.length - 1))) + EXTRA_BLOCKS);
    let pump = true;

    for (;;) {
      const atEnd = last === blockCount - 1;
      // The window: blocks first..last with the edit applied; runs stay runs, so their middles can be left out.
      const parts: WindowPart[] = [];
      const portion = (index: number, from: number, to: number) => {
        const shape = shapes[index];
        if (shape === undefined) {
          parts.push({ text: texts[index].slice(from - starts[index], to - starts[index]) });
          return;
        }
        let at = starts[index];
        for (const segment of shape) {
          const length = typeof segment === 'string' ? segment.length : segment.length;
          const clipFrom = Math.max(from, at);
          const clipTo = Math.min(to, at + length);
          if (clipFrom < clipTo) {
            if (typeof segment === 'string') {
              parts.push({ text: segment.slice(clipFrom - at, clipTo - at) });
            } else if ((clipFrom - at) % segment.unit.length === 0 && (clipTo - at) % segment.unit.length === 0) {
              parts.push({ unit: segment.unit, length: clipTo - clipFrom });
            } else {
              parts.push({ text: segment.unit.repeat(length / segment.unit.length).slice(clipFrom - at, clipTo - at) });
            }
          }
          at += length;
        }
      };
      for (let index = first; index <= last && starts[index] < offset; index++) {
        portion(index, starts[index], Math.min(blockEnd(index), offset));
      }
      parts.push({ text: insert });
      for (let index = first; index <= last; index++) {
        if (blockEnd(index) > editEndOld) {
          portion(index, Math.max(starts[index], editEndOld), blockEnd(index));
        }
      }
      const window = new Window(parts, pump);
      const editEndInWindow = offset + insert.length - windowStart;
      let nextOld = first + 1;
      let resumeBlock = -1;
      const rescanned = emptyBlocks();
      const scanned = scanBlocks(counter, window, windowStart, rescanned, (boundary, windowBoundary) => {
        if (boundary < editEndInWindow) {
          return false;
        }
        const oldBoundary = boundary + windowStart - delta;
        while (nextOld <= last && starts[nextOld] < oldBoundary) {
          nextOld++;
        }
        if (nextOld > last || starts[nextOld] !== oldBoundary) {
          return false;
        }
        if (!atEnd && !lookaheadFits(window.text, windowBoundary)) {
          return false;
        }
        resumeBlock = nextOld;
        return true;
      });
      if (scanned === undefined) {
        pump = false; // a piece boundary fell near a left-out middle: scan the real text instead
        continue;
      }
      if (resumeBlock < 0 && !atEnd) {
        // No safe resume point inside the window (e.g. a long whitespace run): widen it and rescan.
        last = Math.min(blockCount - 1, last + Math.max(1, EXTRA_BLOCKS, last - first));
        continue;
      }
      const end = resumeBlock < 0 ? blockCount : resumeBlock;
      let removed = 0;
      for (let index = first; index < end; index++) {
        removed += counts[index];
      }
      for (let index = end; index < blockCount; index++) {
        starts[index] += delta;
      }
      starts.splice(first, end - first, ...rescanned.starts);
      counts.splice(first, end - first, ...rescanned.counts);
      texts.splice(first, end - first, ...rescanned.texts);
      shapes.splice(first, end - first, ...rescanned.shapes);
      this.total += scanned.tokens - removed;
      this.length += delta;
      this.joined = undefined;
      return;
    }
  }
}

/** A part of a rescan window: real text, or `length` UTF-16 units of one code point repeated. */
type WindowPart = { readonly text: string } | { readonly unit: string; readonly length: number };

/**
 * The text a rescan reads: the real text, except that (when pumping) the middle of every long run of
 * one code point is left out. Offsets into `text` are window offsets; `real` maps them back.
 */
class Window {
  readonly text: string;
  /** Window offsets where a run's middle was left out, ascending; how many units; the run's code point. */
  readonly points: number[] = [];
  private readonly removed: number[] = [];
  private readonly units: string[] = [];

  constructor(parts: readonly WindowPart[], pump: boolean) {
    const texts: string[] = [];
    let at = 0;
    for (const part of parts) {
      if ('text' in part) {
        texts.push(part.text);
        at += part.text.length;
        continue;
      }
      const { unit, length } = part;
      const keep = RUN_KEEP * unit.length;
      if (pump && length > 4 * keep) {
        texts.push(unit.repeat(2 * RUN_KEEP));
        this.points.push(at + keep);
        this.removed.push(length - 2 * keep);
        this.units.push(unit);
        at += 2 * keep;
      } else {
        texts.push(unit.repeat(length / unit.length));
        at += length;
      }
    }
    this.text = texts.join('');
  }

  /** The real offset (from the window's start) of a window offset that is not a left-out point. */
  real(position: number): number {
    if (this.points.length === 0) {
      return position;
    }
    let real = position;
    for (let index = 0; index < this.points.length && this.points[index] < position; index++) {
      real += this.removed[index];
    }
    return real;
  }

  /** True when a piece boundary at this window offset is too close to a left-out middle to trust. */
  nearPoint(position: number): boolean {
    const guard = RUN_KEEP / 2;
    return this.points.some((point) => Math.abs(point - position) <= guard);
  }

  /** The real text of window[start, end), with the left-out middles put back. */
  realText(start: number, end: number): string {
    if (this.points.length === 0) {
      return this.text.slice(start, end);
    }
    let text = '';
    let from = start;
    for (let index = 0; index < this.points.length; index++) {
      const point = this.points[index];
      if (point > start && point < end) {
        text += this.text.slice(from, point) + this.units[index].repeat(this.removed[index] / this.units[index].length);
        from = point;
      }
    }
    return text + this.text.slice(from, end);
  }

  /**
   * The piece window[start, end) as literal text and runs of one code point (real lengths, left-out
   * middles put back), or undefined when it has no run worth counting from its length.
   */
  segmentsOf(start: number, end: number): Segment[] | undefined {
    const text = this.text;
    const segments: Segment[] = [];
    let literalStart = start;
    let runs = 0;
    for (let index = start; index < end;) {
      const code = text.charCodeAt(index);
      const next = text.charCodeAt(index + 1);
      const width = code >= 0xd800 && code <= 0xdbff && next >= 0xdc00 && next <= 0xdfff && index + 1 < end ? 2 : 1;
      let runEnd = index + width;
      while (runEnd + width <= end && text.charCodeAt(runEnd) === code && (width === 1 || text.charCodeAt(runEnd + 1) === next)) {
        runEnd += width;
      }
      const real = runEnd - index + this.removedWithin(index, runEnd);
      if (real >= RUN_SEGMENT) {
        if (index > literalStart) {
          segments.push(text.slice(literalStart, index));
        }
        segments.push({ unit: text.slice(index, index + width), length: real });
        runs++;
        literalStart = runEnd;
      }
      index = runEnd;
    }
    if (runs === 0) {
      return undefined;
    }
    if (end > literalStart) {
      segments.push(text.slice(literalStart, end));
    }
    return segments;
  }

  /** UTF-16 units left out inside window(start, end). */
  removedWithin(start: number, end: number): number {
    let removed = 0;
    for (let index = 0; index < this.points.length; index++) {
      if (this.points[index] > start && this.points[index] < end) {
        removed += this.removed[index];
      }
    }
    return removed;
  }
}

/** The segment of a run block's shape holding the real offset `position`, and where that segment starts. */
function segmentAt(shape: readonly Segment[], blockStart: number, position: number): { segment: Segment; start: number } {
  let at = blockStart;
  for (const segment of shape) {
    const length = typeof segment === 'string' ? segment.length : segment.length;
    if (position < at + length) {
      return { segment, start: at };
    }
    at += length;
  }
  throw new RangeError(`offset ${position} is past the end of a run block`);
}

/**
 * True when no piece ending at or before `boundary` can have looked at or past the end of `window`:
 * its lookahead is at most a few characters, or the rest of a whitespace run. (The window ends on an
 * old piece boundary, so this rarely bites; it guards the resume point against a truncated lookahead.)
 */
function lookaheadFits(window: string, boundary: number): boolean {
  if (boundary + LOOKAHEAD_MARGIN > window.length) {
    return false;
  }
  for (let index = boundary; index < window.length; index++) {
    if (!isSpace(window.charCodeAt(index))) {
      return true;
    }
  }
  return false;
}

/**
 * Scans the pieces of the window, cutting blocks of about BLOCK_SIZE (a long run of one code point in a
 * block of its own; real offsets shifted by `base`) until `stop` accepts a boundary (real and window
 * offsets) or the window ends. Undefined when a piece boundary falls near a left-out middle.
 */
function scanBlocks(counter: BpeCounter, window: Window, base: number, into: Blocks, stop: (boundary: number, windowBoundary: number) => boolean): { tokens: number } | undefined {
  const text = window.text;
  const nextPieceEnd = counter.nextPieceEnd;
  const pumped = window.points.length > 0;
  let blockStart = 0;
  let blockTokens = 0;
  let tokens = 0;
  const close = (end: number, count: number, shape: readonly Segment[] | undefined) => {
    into.starts.push(base + window.real(blockStart));
    into.counts.push(count);
    into.texts.push(window.realText(blockStart, end));
    into.shapes.push(shape);
    blockStart = end;
  };
  for (let start = 0; start < text.length;) {
    const end = nextPieceEnd(text, start);
    if (pumped && window.nearPoint(end)) {
      return undefined;
    }
    const shape = end - start >= RUN_BLOCK || (pumped && window.removedWithin(start, end) > 0) ? window.segmentsOf(start, end) : undefined;
    let pieceTokens = shape === undefined ? counter.pieceTokens(text, start, end) : counter.runs.countSegments(shape);
    if (pieceTokens < 0) {
      const real = window.realText(start, end);
      pieceTokens = counter.pieceTokens(real, 0, real.length);
    }
    tokens += pieceTokens;
    if (shape !== undefined) {
      // A piece holding a long run of one code point: a block of its own.
      if (start > blockStart) {
        close(start, blockTokens, undefined);
        blockTokens = 0;
      }
      close(end, pieceTokens, shape);
    } else {
      blockTokens += pieceTokens;
    }
    const realEnd = pumped ? window.real(end) : end;
    const stopping = stop(realEnd, end);
    if (blockStart < end && (stopping || realEnd - (pumped ? window.real(blockStart) : blockStart) >= BLOCK_SIZE || end === text.length)) {
      close(end, blockTokens, undefined);
      blockTokens = 0;
    }
    if (stopping) {
      break;
    }
    start = end;
  }
  return { tokens };
}

/** Index of the last block starting at or before `position` (starts[0] is 0). */
function blockIndexOf(starts: readonly number[], position: number): number {
  let low = 0;
  let high = starts.length - 1;
  while (low < high) {
    const middle = (low + high + 1) >> 1;
    if (starts[middle] <= position) {
      low = middle;
    } else {
      high = middle - 1;
    }
  }
  return low;
}
