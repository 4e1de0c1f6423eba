/**
 * The pre-tokenizer regexes of the OpenAI encodings, rewritten for JavaScript so that they split text
 * exactly as tiktoken's Rust `fancy_regex` does. A BPE count is the sum over these pieces.
 * This is the readable specification: counting uses the equivalent hand-written scanner in
 * pieceScanner.ts (no allocation per piece), and the tests hold the two to each other.
 *
 * Three differences from a naive port matter (found by fuzzing against the reference tokenizer):
 * - `\p{L}`, `\p{N}`, `\p{Lu}`... follow the Unicode version of the regex engine's tables (Unicode
 *   16.0 in tiktoken's `regex-syntax`), not the JavaScript engine's (Node 20.20 has Unicode 17, whose
 *   new letters tiktoken does not know). The classes are spelled out as ranges from
 *   unicodeClasses.ts, generated from a pinned Unicode database.
 * - `\s` means Unicode White_Space in Rust but something else in JavaScript: JS adds U+FEFF and
 *   leaves out U+0085 (NEL). The White_Space ranges are spelled out too.
 * - `(?i:'s|...)` is Unicode case-insensitive in Rust, so `'ſ` (U+017F LATIN SMALL LETTER LONG S,
 *   which case-folds to `s`) is a contraction too. We spell the alternatives out with it.
 * Possessive quantifiers of the Rust cl100k pattern (`?+`, `++`) cannot change a match here, because
 * what they forbid giving back could never let the rest of the alternative match; they are dropped.
 */
import type { EncodingName } from './encodingName';

import { classRanges, LETTER, LOWERISH, NUMBER, SPACE, UPPERISH } from './unicodeClasses';

/** The code points having any of `bits`, as the inside of a regex character class. */
function ranges(bits: number): string {
  const hex = (codePoint: number) => `\\u{${codePoint.toString(16)}}`;
  return classRanges(bits).map(([from, to]) => (from === to ? hex(from) : `${hex(from)}-${hex(to)}`)).join('');
}

const WS = ranges(SPACE);
const L = ranges(LETTER);
const N = ranges(NUMBER);
const SPACE_CLASS = `[${WS}]`;
const NOT_SPACE = `[^${WS}]`;
/** `(?i:'s|'t|'re|'ve|'m|'ll|'d)` with Unicode simple case folding. */
const CONTRACTION = "'(?:[sS\u017f]|[tT]|[rR][eE]|[vV][eE]|[mM]|[lL][lL]|[dD])";

const UPPER_CLASS = `[${ranges(UPPERISH)}]`;
const LOWER_CLASS = `[${ranges(LOWERISH)}]`;

const SOURCES: Record<EncodingName, string> = {
  o200k_base: [
    `[^\\r\\n${L}${N}]?${UPPER_CLASS}*${LOWER_CLASS}+(?:${CONTRACTION})?`,
    `[^\\r\\n${L}${N}]?${UPPER_CLASS}+${LOWER_CLASS}*(?:${CONTRACTION})?`,
    `[${N}]{1,3}`,
    ` ?[^${WS}${L}${N}]+[\\r\\n/]*`,
    `${SPACE_CLASS}*[\\r\\n]+`,
    `${SPACE_CLASS}+(?!${NOT_SPACE})`,
    `${SPACE_CLASS}+`,
  ].join('|'),
  cl100k_base: [
    CONTRACTION,
    `[^\\r\\n${L}${N}]?[${L}]+`,
    `[${N}]{1,3}`,
    ` ?[^${WS}${L}${N}]+[\\r\\n]*`,
    `${SPACE_CLASS}*[\\r\\n]+`,
    `${SPACE_CLASS}+(?!${NOT_SPACE})`,
    `${SPACE_CLASS}+`,
  ].join('|'),
};

/** A fresh global, Unicode-aware regex whose successive matches are the encoding's pieces. */
export function piecePattern(encoding: EncodingName): RegExp {
  return new RegExp(SOURCES[encoding], 'gu');
}
