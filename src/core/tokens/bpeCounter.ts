/**
 * The exact counter for an OpenAI encoding: split into pieces with the encoding's pre-tokenizer,
 * then BPE each piece, memoising per-piece counts. Special-token text such as `<|endoftext|>` is
 * counted as plain text, as a chat API does (tiktoken's `encode_ordinary`). A lone surrogate counts
 * as U+FFFD, as it does when tiktoken receives the string as UTF-8.
 */
import { bytePairCount } from './bytePairCount';
import type { EncodingName } from './encodingName';
import { pieceScanner, type PieceScanner } from './pieceScanner';
import { hashRange, MAX_MEMOISED_LENGTH, PieceTable } from './pieceTable';
import type { RankTable } from './rankTable';
import { RunCounter } from './runCount';

export interface TokenCounter {
  readonly encoding: EncodingName;
  count(text: string): number;
}

// Local bindings of the hot imported functions: calls through a module namespace cost a getter
// each when the sources run unbundled (tests, bench).
const countBytePairs = bytePairCount;
const hash = hashRange;

export class BpeCounter implements TokenCounter {
  /** Where the piece starting at a piece boundary ends (the encoding's pre-tokenizer). */
  readonly nextPieceEnd: PieceScanner;
  private readonly memo = new PieceTable();
  /** Long pieces that repeat a short unit (runs of spaces, of one letter...), counted from their length. */
  readonly runs: RunCounter;
  private bytes = new Uint8Array(1024);

  constructor(readonly encoding: EncodingName, private readonly table: RankTable) {
    this.nextPieceEnd = pieceScanner(encoding);
    this.runs = new RunCounter(table);
  }

  count(text: string): number {
    const nextPieceEnd = this.nextPieceEnd;
    const length = text.length;
    let tokens = 0;
    for (let start = 0; start < length;) {
      const end = nextPieceEnd(text, start);
      tokens += this.pieceTokens(text, start, end);
      start = end;
    }
    return tokens;
  }

  /**
   * Visits the pieces from `start` (which must be a piece boundary) with the offset each one ends at
   * and its token count, until `visit` returns true or the text ends.
   */
  forEachPiece(text: string, start: number, visit: (end: number, tokens: number) => boolean): void {
    const nextPieceEnd = this.nextPieceEnd;
    for (let from = start; from < text.length;) {
      const end = nextPieceEnd(text, from);
      if (visit(end, this.pieceTokens(text, from, end))) {
        return;
      }
      from = end;
    }
  }

  /** Tokens of the piece text[start, end). */
  pieceTokens(text: string, start: number, end: number): number {
    if (end - start === 1 && text.charCodeAt(start) < 0x80) {
      return 1; // every single byte is a token
    }
    if (end - start > MAX_MEMOISED_LENGTH) {
      return this.longPieceTokens(text, start, end);
    }
    const key = hash(text, start, end);
    const memoised = this.memo.get(text, start, end, key);
    if (memoised >= 0) {
      return memoised;
    }
    const tokens = this.encodeAndCount(text, start, end);
    this.memo.set(text, start, end, key, tokens);
    return tokens;
  }

  /** A long piece: from its length when it repeats a short unit, else by BPE. (Apart, to keep pieceTokens small.) */
  private longPieceTokens(text: string, start: number, end: number): number {
    const run = this.runs.count(text, start, end);
    return run >= 0 ? run : this.encodeAndCount(text, start, end);
  }

  /** Forgets memoised pieces and runs (for measuring cold speed). */
  clearCache(): void {
    this.memo.clear();
    this.runs.clear();
  }

  /** UTF-8 of text[start, end) into the scratch buffer (lone surrogates as U+FFFD), then BPE. */
  private encodeAndCount(text: string, start: number, end: number): number {
    if (this.bytes.length < (end - start) * 3) {
      this.bytes = new Uint8Array((end - start) * 3 + 16);
    }
    const bytes = this.bytes;
    let length = 0;
    for (let index = start; index < end; index++) {
      let code = text.charCodeAt(index);
      if (code < 0x80) {
        bytes[length++] = code;
      } else if (code < 0x800) {
        bytes[length++] = 0xc0 | (code >> 6);
        bytes[length++] = 0x80 | (code & 0x3f);
      } else if (code >= 0xd800 && code <= 0xdfff) {
        const next = index + 1 < end ? text.charCodeAt(index + 1) : 0;
        if (code <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
          code = ((code - 0xd800) << 10) + (next - 0xdc00) + 0x10000;
          index++;
          bytes[length++] = 0xf0 | (code >> 18);
          bytes[length++] = 0x80 | ((code >> 12) & 0x3f);
          bytes[length++] = 0x80 | ((code >> 6) & 0x3f);
          bytes[length++] = 0x80 | (code & 0x3f);
        } else {
          bytes[length++] = 0xef;
          bytes[length++] = 0xbf;
          bytes[length++] = 0xbd;
        }
      } else {
        bytes[length++] = 0xe0 | (code >> 12);
        bytes[length++] = 0x80 | ((code >> 6) & 0x3f);
        bytes[length++] = 0x80 | (code & 0x3f);
      }
    }
    return countBytePairs(this.table, bytes, length);
  }
}
