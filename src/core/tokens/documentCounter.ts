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
 */
import { BpeCounter, type TokenCounter } from './bpeCounter';

const BLOCK_SIZE = 1024;
/** Lookahead of a non-whitespace piece past its end, in UTF-16 units, with slack. */
const LOOKAHEAD_MARGIN = 8;
/** Blocks scanned past the edit before giving up on finding a resume point and widening the window. */
const EXTRA_BLOCKS = 2;

/** Rust's `\s` (Unicode White_Space), as code units. */
function isSpace(code: number): boolean {
  return (code >= 0x09 && code <= 0x0d) || code === 0x20 || code === 0x85 || code === 0xa0 || code === 0x1680
    || (code >= 0x2000 && code <= 0x200a) || code === 0x2028 || code === 0x2029 || code === 0x202f
    || code === 0x205f || code === 0x3000;
}

interface Blocks {
  starts: number[];
  counts: number[];
  texts: string[];
}

export class DocumentCounter {
  private total = 0;
  private length = 0;
  /** The whole text, when it has been joined (or given) since the last edit. */
  private joined: string | undefined = '';
  private blocks: Blocks = { starts: [], counts: [], texts: [] };
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
    this.blocks = { starts: [], counts: [], texts: [] };
    if (this.bpe === undefined) {
      this.total = this.counter.count(text);
      return this.total;
    }
    this.total = scanBlocks(this.bpe, text, 0, 0, this.blocks, () => false).tokens;
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
  inspectBlocks(): Array<{ start: number; end: number; tokens: number }> {
    const { starts, counts } = this.blocks;
    return starts.map((start, block) => ({
      start,
      end: block + 1 < starts.length ? starts[block + 1] : this.length,
      tokens: counts[block],
    }));
  }

  private rescan(counter: BpeCounter, offset: number, deleteCount: number, insert: string): void {
    const { starts, counts, texts } = this.blocks;
    const blockCount = starts.length;
    const delta = insert.length - deleteCount;
    const editEndOld = offset + deleteCount;

    // First block that may change: it starts before the whitespace run touching the edit, with a margin.
    let safe = offset;
    let block = blockIndexOf(starts, Math.max(0, offset - 1));
    while (safe > 0) {
      if (safe - 1 < starts[block]) {
        block--;
      }
      if (!isSpace(texts[block].charCodeAt(safe - 1 - starts[block]))) {
        break;
      }
      safe--;
    }
    const first = blockIndexOf(starts, Math.max(0, safe - LOOKAHEAD_MARGIN));
    const windowStart = starts[first];
    let last = Math.min(blockCount - 1, blockIndexOf(starts, Math.max(0, Math.min(editEndOld, this.length - 1))) + EXTRA_BLOCKS);

    for (;;) {
      const atEnd = last === blockCount - 1;
      const oldWindow = texts.slice(first, last + 1).join('');
      const window = oldWindow.slice(0, offset - windowStart) + insert + oldWindow.slice(editEndOld - windowStart);
      const editEndInWindow = offset + insert.length - windowStart;
      let nextOld = first + 1;
      let resumeBlock = -1;
      const rescanned: Blocks = { starts: [], counts: [], texts: [] };
      const scanned = scanBlocks(counter, window, windowStart, 0, rescanned, (boundary) => {
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
        if (!atEnd && !lookaheadFits(window, boundary)) {
          return false;
        }
        resumeBlock = nextOld;
        return true;
      });
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
      this.total += scanned.tokens - removed;
      this.length += delta;
      this.joined = undefined;
      return;
    }
  }
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
 * Scans the pieces of `text` from `from`, cutting blocks of about BLOCK_SIZE (offsets shifted by
 * `base`) until `stop` accepts a boundary or the text ends.
 */
function scanBlocks(counter: BpeCounter, text: string, base: number, from: number, into: Blocks, stop: (boundary: number) => boolean): { tokens: number } {
  let blockStart = from;
  let blockTokens = 0;
  let tokens = 0;
  counter.forEachPiece(text, from, (end, pieceTokens) => {
    blockTokens += pieceTokens;
    tokens += pieceTokens;
    const stopping = stop(end);
    if (stopping || end - blockStart >= BLOCK_SIZE || end === text.length) {
      into.starts.push(base + blockStart);
      into.counts.push(blockTokens);
      into.texts.push(text.slice(blockStart, end));
      blockStart = end;
      blockTokens = 0;
    }
    return stopping;
  });
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
