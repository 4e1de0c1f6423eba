/**
 * The pre-tokenizer of the OpenAI encodings as a hand-written scanner: `nextPieceEnd(text, i)` is
 * where the regex of pretokenizer.ts would end its match at i, without allocating. Each branch below
 * is one alternative of the regex, tried in the regex's order and with its backtracking spelled out.
 * The exactness tests hold this scanner to the regex and to tiktoken.
 */
import type { EncodingName } from './encodingName';
import * as classes from './unicodeClasses';

// Local copies of the class bits: reading an imported binding costs a getter per use when the sources
// run unbundled (tests, bench), and these are read in the innermost loops.
const UPPERISH = classes.UPPERISH;
const LOWERISH = classes.LOWERISH;
const LETTER = classes.LETTER;
const NUMBER = classes.NUMBER;
const SPACE = classes.SPACE;
const NEWLINE = classes.NEWLINE;

// Class bits per code point (unicodeClasses.ts): a flat table below U+10000, a binary search over the
// runs above it.
const { basic, astralStarts, astralBits } = classes.classTables();

/** The class bits of a code point (a lone surrogate is its own code point, of no class). */
function charClass(codePoint: number): number {
  if (codePoint < 0x10000) {
    return basic[codePoint];
  }
  let low = 0;
  let high = astralStarts.length - 1;
  while (low < high) {
    const middle = (low + high + 1) >> 1;
    if (astralStarts[middle] <= codePoint) {
      low = middle;
    } else {
      high = middle - 1;
    }
  }
  return astralBits[low];
}

export type PieceScanner = (text: string, start: number) => number;

const APOSTROPHE = 0x27;
const BLANK = 0x20;
const SLASH = 0x2f;

function codePointAt(text: string, index: number): number {
  const code = text.charCodeAt(index);
  if (code >= 0xd800 && code <= 0xdbff && index + 1 < text.length) {
    const next = text.charCodeAt(index + 1);
    if (next >= 0xdc00 && next <= 0xdfff) {
      return ((code - 0xd800) << 10) + (next - 0xdc00) + 0x10000;
    }
  }
  return code;
}

function width(codePoint: number): number {
  return codePoint > 0xffff ? 2 : 1;
}

/** End of the run of code points having any of `bits`, from `index`. */
function runEnd(text: string, index: number, bits: number): number {
  const length = text.length;
  while (index < length) {
    const code = text.charCodeAt(index);
    if (code < 0x80) {
      if ((charClass(code) & bits) === 0) {
        return index;
      }
      index++;
      continue;
    }
    const codePoint = codePointAt(text, index);
    if ((charClass(codePoint) & bits) === 0) {
      return index;
    }
    index += width(codePoint);
  }
  return index;
}

/** `(?i:'s|'t|'re|'ve|'m|'ll|'d)` at index: its end, or index when there is none. */
function contractionEnd(text: string, index: number): number {
  if (text.charCodeAt(index) !== APOSTROPHE) {
    return index;
  }
  const first = text.charCodeAt(index + 1) | 0x20;
  const second = text.charCodeAt(index + 2) | 0x20;
  switch (first) {
    case 0x73: // s
    case 0x74: // t
    case 0x6d: // m
    case 0x64: // d
      return index + 2;
    case 0x72: // r
    case 0x76: // v
      return second === 0x65 ? index + 3 : index;
    case 0x6c: // l
      return second === 0x6c ? index + 3 : index;
    default:
      // ſ (U+017F) folds to s; `| 0x20` keeps it distinct from every ASCII letter above.
      return text.charCodeAt(index + 1) === 0x17f ? index + 2 : index;
  }
}

/** Index of the code point before `index` (stepping over a surrogate pair). */
function previousIndex(text: string, index: number): number {
  const code = text.charCodeAt(index - 1);
  if (code >= 0xdc00 && code <= 0xdfff && index >= 2) {
    const high = text.charCodeAt(index - 2);
    if (high >= 0xd800 && high <= 0xdbff) {
      return index - 2;
    }
  }
  return index - 1;
}

/** `[UPPERISH]*[LOWERISH]+` from start, with the backtracking of the greedy star: its end, or -1. */
function upperStarLowerPlus(text: string, start: number): number {
  const upperEnd = runEnd(text, start, UPPERISH);
  if (upperEnd < text.length && (charClass(codePointAt(text, upperEnd)) & LOWERISH) !== 0) {
    return runEnd(text, upperEnd, LOWERISH);
  }
  // Give back upper-ish code points one at a time until one is also lower-ish (Lm, Lo or M). The
  // lower-ish run from there is that one code point: those after it were given back as not lower-ish.
  for (let index = upperEnd; index > start;) {
    index = previousIndex(text, index);
    const codePoint = codePointAt(text, index);
    if ((charClass(codePoint) & LOWERISH) !== 0) {
      return index + width(codePoint);
    }
  }
  return -1;
}

/** `[UPPERISH]+[LOWERISH]*` from start: its end, or -1. */
function upperPlusLowerStar(text: string, start: number): number {
  const upperEnd = runEnd(text, start, UPPERISH);
  return upperEnd === start ? -1 : runEnd(text, upperEnd, LOWERISH);
}

/** Where the whitespace alternatives `\s*[\r\n]+|\s+(?!\S)|\s+` end a match at start (a space). */
function spaceEnd(text: string, start: number): number {
  const end = runEnd(text, start, SPACE);
  for (let index = end - 1; index >= start; index--) {
    const code = text.charCodeAt(index);
    if (code === 0x0a || code === 0x0d) {
      return index + 1;
    }
  }
  if (end === text.length || end - start === 1) {
    return end;
  }
  return end - 1;
}

/** ` ?[^\s\p{L}\p{N}]+` then `newlines` from start: its end, or -1. */
function punctuationEnd(text: string, start: number, first: number, slashToo: boolean): number {
  let index = start;
  if (first === BLANK) {
    if (start + 1 >= text.length || (charClass(codePointAt(text, start + 1)) & (SPACE | LETTER | NUMBER)) !== 0) {
      return -1;
    }
    index++;
  } else if ((charClass(first) & (SPACE | LETTER | NUMBER)) !== 0) {
    return -1;
  }
  while (index < text.length) {
    const codePoint = codePointAt(text, index);
    if ((charClass(codePoint) & (SPACE | LETTER | NUMBER)) !== 0) {
      break;
    }
    index += width(codePoint);
  }
  while (index < text.length) {
    const code = text.charCodeAt(index);
    if (code === 0x0a || code === 0x0d || (slashToo && code === SLASH)) {
      index++;
    } else {
      break;
    }
  }
  return index;
}

/** Up to three code points of \p{N} from start. */
function numberEnd(text: string, start: number): number {
  let index = start;
  for (let count = 0; count < 3 && index < text.length; count++) {
    const codePoint = codePointAt(text, index);
    if ((charClass(codePoint) & NUMBER) === 0) {
      break;
    }
    index += width(codePoint);
  }
  return index;
}

function o200kPieceEnd(text: string, start: number): number {
  const first = codePointAt(text, start);
  const bits = charClass(first);
  const prefixed = (bits & (NEWLINE | LETTER | NUMBER)) === 0;
  const afterPrefix = start + width(first);
  // [^\r\n\p{L}\p{N}]?[UPPERISH]*[LOWERISH]+(contraction)?
  let end = prefixed && afterPrefix < text.length ? upperStarLowerPlus(text, afterPrefix) : -1;
  if (end < 0 && (bits & (UPPERISH | LOWERISH)) !== 0) {
    end = upperStarLowerPlus(text, start);
  }
  // [^\r\n\p{L}\p{N}]?[UPPERISH]+[LOWERISH]*(contraction)?
  if (end < 0 && prefixed && afterPrefix < text.length) {
    end = upperPlusLowerStar(text, afterPrefix);
  }
  if (end < 0 && (bits & UPPERISH) !== 0) {
    end = upperPlusLowerStar(text, start);
  }
  if (end >= 0) {
    return contractionEnd(text, end);
  }
  if ((bits & NUMBER) !== 0) {
    return numberEnd(text, start);
  }
  end = punctuationEnd(text, start, first, true);
  if (end >= 0) {
    return end;
  }
  return spaceEnd(text, start);
}

function cl100kPieceEnd(text: string, start: number): number {
  const first = codePointAt(text, start);
  if (first === APOSTROPHE) {
    const end = contractionEnd(text, start);
    if (end > start) {
      return end;
    }
  }
  const bits = charClass(first);
  // [^\r\n\p{L}\p{N}]?\p{L}+
  const afterPrefix = start + width(first);
  if ((bits & (NEWLINE | LETTER | NUMBER)) === 0 && afterPrefix < text.length && (charClass(codePointAt(text, afterPrefix)) & LETTER) !== 0) {
    return runEnd(text, afterPrefix, LETTER);
  }
  if ((bits & LETTER) !== 0) {
    return runEnd(text, start, LETTER);
  }
  if ((bits & NUMBER) !== 0) {
    return numberEnd(text, start);
  }
  const end = punctuationEnd(text, start, first, false);
  if (end >= 0) {
    return end;
  }
  return spaceEnd(text, start);
}

export function pieceScanner(encoding: EncodingName): PieceScanner {
  return encoding === 'o200k_base' ? o200kPieceEnd : cl100kPieceEnd;
}
