/**
 * The exact counter for an OpenAI encoding: split with the encoding's regex, then BPE each piece,
 * memoising per-piece counts. Special-token text such as `<|endoftext|>` is counted as plain text,
 * as a chat API does (tiktoken's `encode_ordinary`).
 */
import { bytePairCount } from './bytePairCount';
import type { EncodingName } from './encodingName';
import { PieceCache } from './pieceCache';
import { piecePattern } from './pretokenizer';
import type { RankTable } from './rankTable';

export interface TokenCounter {
  readonly encoding: EncodingName;
  count(text: string): number;
}

/** Pieces longer than this are counted without being memoised (they rarely repeat). */
const MAX_CACHED_PIECE = 256;

const utf8 = new TextEncoder();

export class BpeCounter implements TokenCounter {
  private readonly pattern: RegExp;
  private readonly cache = new PieceCache();
  private buffer = new Uint8Array(4096);

  constructor(readonly encoding: EncodingName, private readonly table: RankTable) {
    this.pattern = piecePattern(encoding);
  }

  count(text: string): number {
    const pattern = this.pattern;
    pattern.lastIndex = 0;
    let tokens = 0;
    for (let match = pattern.exec(text); match !== null; match = pattern.exec(text)) {
      tokens += this.countPiece(match[0]);
    }
    return tokens;
  }

  /**
   * Visits the pieces from `start` (which must be a piece boundary) with the offset each one ends at,
   * until `visit` returns true or the text ends.
   */
  forEachPiece(text: string, start: number, visit: (piece: string, end: number) => boolean): void {
    const pattern = this.pattern;
    pattern.lastIndex = start;
    for (let match = pattern.exec(text); match !== null; match = pattern.exec(text)) {
      if (visit(match[0], pattern.lastIndex)) {
        return;
      }
    }
  }

  countPiece(piece: string): number {
    if (piece.length > MAX_CACHED_PIECE) {
      return this.encodeAndCount(piece);
    }
    const cached = this.cache.get(piece);
    if (cached !== undefined) {
      return cached;
    }
    const tokens = this.encodeAndCount(piece);
    this.cache.set(piece, tokens);
    return tokens;
  }

  /** Forgets memoised pieces (for measuring cold speed). */
  clearCache(): void {
    this.cache.clear();
  }

  private encodeAndCount(piece: string): number {
    if (this.buffer.length < piece.length * 3) {
      this.buffer = new Uint8Array(piece.length * 3 + 16);
    }
    const { written } = utf8.encodeInto(piece, this.buffer);
    return bytePairCount(this.table, this.buffer, written);
  }
}
