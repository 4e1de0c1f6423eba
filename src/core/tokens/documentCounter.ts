/**
 * An incremental token count for one document, prompt or context item. The text is split into blocks
 * of about a kilobyte that end on piece boundaries, each with its own count. An edit rescans from a
 * block start safely before the edit and stops as soon as the new scan lands on an old block
 * boundary after the edited range; everything beyond it is unchanged, so the total moves by a delta.
 *
 * Why "safely before": the regex that splits pieces looks ahead. A letters piece may look up to three
 * characters past its end (`'ll`), and a piece inside a whitespace run may look to the end of the run
 * (`\s+(?!\S)`, `\s*[\r\n]+`). So the rescan starts at a block that begins before the whitespace run
 * touching the edit, with a margin for the contraction lookahead.
 */
import { BpeCounter, type TokenCounter } from './bpeCounter';

const BLOCK_SIZE = 1024;
/** Characters of lookahead a non-whitespace piece may inspect past its end (in UTF-16 units, with slack). */
const LOOKAHEAD_MARGIN = 8;

/** Rust's `\s` (Unicode White_Space), as code units. */
function isSpace(code: number): boolean {
  return (code >= 0x09 && code <= 0x0d) || code === 0x20 || code === 0x85 || code === 0xa0 || code === 0x1680
    || (code >= 0x2000 && code <= 0x200a) || code === 0x2028 || code === 0x2029 || code === 0x202f
    || code === 0x205f || code === 0x3000;
}

export class DocumentCounter {
  private currentText = '';
  private total = 0;
  /** Start offset of each block; starts[0] is 0 when there is any text. */
  private starts: number[] = [];
  private counts: number[] = [];

  constructor(private readonly counter: TokenCounter, text = '') {
    this.setText(text);
  }

  get tokens(): number {
    return this.total;
  }

  get text(): string {
    return this.currentText;
  }

  setText(text: string): number {
    this.currentText = text;
    if (!(this.counter instanceof BpeCounter)) {
      this.total = this.counter.count(text);
      return this.total;
    }
    const starts: number[] = [];
    const counts: number[] = [];
    this.total = this.scan(this.counter, 0, starts, counts, () => false);
    this.starts = starts;
    this.counts = counts;
    return this.total;
  }

  /** Replaces `deleteCount` characters at `offset` with `insert`; returns the new total. */
  applyEdit(offset: number, deleteCount: number, insert: string): number {
    const old = this.currentText;
    if (!Number.isInteger(offset) || offset < 0 || offset > old.length) {
      throw new RangeError(`offset ${offset} is outside the document (length ${old.length})`);
    }
    if (!Number.isInteger(deleteCount) || deleteCount < 0 || offset + deleteCount > old.length) {
      throw new RangeError(`deleteCount ${deleteCount} at offset ${offset} runs past the document (length ${old.length})`);
    }
    if (deleteCount === 0 && insert.length === 0) {
      return this.total;
    }
    const text = old.slice(0, offset) + insert + old.slice(offset + deleteCount);
    this.currentText = text;
    const counter = this.counter;
    if (!(counter instanceof BpeCounter) || this.starts.length === 0) {
      return this.setText(text);
    }

    // First block that may change: the one holding the first character a kept piece must not have seen.
    let safe = offset;
    while (safe > 0 && isSpace(old.charCodeAt(safe - 1))) {
      safe--;
    }
    safe = Math.max(0, safe - LOOKAHEAD_MARGIN);
    const starts = this.starts;
    const counts = this.counts;
    const first = lastStartAtOrBefore(starts, safe);

    // Rescan until a boundary coincides with an old block start past the edit (shifted by the edit).
    const delta = insert.length - deleteCount;
    const editEndOld = offset + deleteCount;
    const editEndNew = offset + insert.length;
    let nextOld = first + 1;
    let resumeBlock = starts.length;
    const newStarts: number[] = [];
    const newCounts: number[] = [];
    const rescanned = this.scan(counter, starts[first], newStarts, newCounts, (boundary) => {
      if (boundary < editEndNew) {
        return false;
      }
      const oldBoundary = boundary - delta;
      while (nextOld < starts.length && (starts[nextOld] < oldBoundary || starts[nextOld] < editEndOld)) {
        nextOld++;
      }
      if (nextOld < starts.length && starts[nextOld] === oldBoundary) {
        resumeBlock = nextOld;
        return true;
      }
      return false;
    });

    let removed = 0;
    for (let block = first; block < resumeBlock; block++) {
      removed += counts[block];
    }
    for (let block = resumeBlock; block < starts.length; block++) {
      starts[block] += delta;
    }
    starts.splice(first, resumeBlock - first, ...newStarts);
    counts.splice(first, resumeBlock - first, ...newCounts);
    this.total += rescanned - removed;
    return this.total;
  }

  /** The blocks as (start, end, tokens), for checking the invariants in tests. */
  inspectBlocks(): Array<{ start: number; end: number; tokens: number }> {
    return this.starts.map((start, block) => ({
      start,
      end: block + 1 < this.starts.length ? this.starts[block + 1] : this.currentText.length,
      tokens: this.counts[block],
    }));
  }

  /**
   * Scans pieces from `start` in the current text, cutting blocks of about BLOCK_SIZE into
   * starts/counts, until `stop` accepts a boundary or the text ends. Returns the tokens scanned.
   */
  private scan(counter: BpeCounter, start: number, starts: number[], counts: number[], stop: (boundary: number) => boolean): number {
    const text = this.currentText;
    let blockStart = start;
    let blockTokens = 0;
    let total = 0;
    counter.forEachPiece(text, start, (piece, end) => {
      const tokens = counter.countPiece(piece);
      blockTokens += tokens;
      total += tokens;
      const stopping = stop(end);
      if (stopping || end - blockStart >= BLOCK_SIZE || end === text.length) {
        starts.push(blockStart);
        counts.push(blockTokens);
        blockStart = end;
        blockTokens = 0;
      }
      return stopping;
    });
    return total;
  }
}

/** Index of the last block start <= position (binary search; starts[0] is 0). */
function lastStartAtOrBefore(starts: readonly number[], position: number): number {
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
