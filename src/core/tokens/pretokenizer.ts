/**
 * The pre-tokenizer regexes of the OpenAI encodings, rewritten for JavaScript so that they split text
 * exactly as tiktoken's Rust `fancy_regex` does. A BPE count is the sum over these pieces.
 * This is the readable specification: counting uses the equivalent hand-written scanner in
 * pieceScanner.ts (no allocation per piece), and the tests hold the two to each other.
 *
 * Two differences from a naive port matter (found by fuzzing against the reference tokenizer):
 * - `\s` means Unicode White_Space in Rust but something else in JavaScript: JS adds U+FEFF and
 *   leaves out U+0085 (NEL). We spell the Rust set out instead.
 * - `(?i:'s|...)` is Unicode case-insensitive in Rust, so `'ſ` (U+017F LATIN SMALL LETTER LONG S,
 *   which case-folds to `s`) is a contraction too. We spell the alternatives out with it.
 * Possessive quantifiers of the Rust cl100k pattern (`?+`, `++`) cannot change a match here, because
 * what they forbid giving back could never let the rest of the alternative match; they are dropped.
 */
import type { EncodingName } from './encodingName';

/** Rust's `\s` (Unicode White_Space). */
const WS = '\\t-\\r \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';
const SPACE = `[${WS}]`;
const NOT_SPACE = `[^${WS}]`;
/** `(?i:'s|'t|'re|'ve|'m|'ll|'d)` with Unicode simple case folding. */
const CONTRACTION = "'(?:[sSſ]|[tT]|[rR][eE]|[vV][eE]|[mM]|[lL][lL]|[dD])";

const UPPERISH = '[\\p{Lu}\\p{Lt}\\p{Lm}\\p{Lo}\\p{M}]';
const LOWERISH = '[\\p{Ll}\\p{Lm}\\p{Lo}\\p{M}]';

const SOURCES: Record<EncodingName, string> = {
  o200k_base: [
    `[^\\r\\n\\p{L}\\p{N}]?${UPPERISH}*${LOWERISH}+(?:${CONTRACTION})?`,
    `[^\\r\\n\\p{L}\\p{N}]?${UPPERISH}+${LOWERISH}*(?:${CONTRACTION})?`,
    '\\p{N}{1,3}',
    ` ?[^${WS}\\p{L}\\p{N}]+[\\r\\n/]*`,
    `${SPACE}*[\\r\\n]+`,
    `${SPACE}+(?!${NOT_SPACE})`,
    `${SPACE}+`,
  ].join('|'),
  cl100k_base: [
    CONTRACTION,
    '[^\\r\\n\\p{L}\\p{N}]?\\p{L}+',
    '\\p{N}{1,3}',
    ` ?[^${WS}\\p{L}\\p{N}]+[\\r\\n]*`,
    `${SPACE}*[\\r\\n]+`,
    `${SPACE}+(?!${NOT_SPACE})`,
    `${SPACE}+`,
  ].join('|'),
};

/** A fresh global, Unicode-aware regex whose successive matches are the encoding's pieces. */
export function piecePattern(encoding: EncodingName): RegExp {
  return new RegExp(SOURCES[encoding], 'gu');
}
