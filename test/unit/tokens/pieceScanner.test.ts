/**
 * The hand-written scanner must split text exactly where the encoding's regex (pretokenizer.ts, the
 * readable form of tiktoken's pattern) does.
 */
import { strict as assert } from 'node:assert';
import { ENCODING_NAMES } from '../../../src/core/tokens';
import { pieceScanner } from '../../../src/core/tokens/pieceScanner';
import { piecePattern } from '../../../src/core/tokens/pretokenizer';
import { buildCorpus } from '../../support/corpus';

const ALPHABET = ['a', 'B', 'z', "'", 's', 'S', 'ſ', 't', 'T', 'l', 'L', 'd', 'e', 'E', 'r', 'v', 'm', ' ', '  ', '\n', '\r', '\t', '\u0085',
  '\ufeff', '\u00a0', '\u3000', '\u2028', '\v', '\f', '1', '23', '4567', 'é', '\u0301', '\u0903', '中', '文', 'カ', '😀', '\u200d',
  '👍🏽', '.', '/', '-', '<|endoftext|>', 'K', 'ǅ', 'ʰ', 'ᵃ', 'ª', 'ﬁ', 'Ⅻ', '²', '𝐀', '𝐚', '𝟙', '\u20dd', '𠀀', '\u{1d167}', '٣', '\u00ad', '\u0600', 'Ǆ', 'ǆ', '\ud800', '\udc00'];

function randomSource(seed: number): (n: number) => number {
  let state = seed;
  return (n) => {
    state = (Math.imul(state, 1103515245) + 12345) & 0x7fffffff;
    return state % n;
  };
}

for (const encoding of ENCODING_NAMES) {
  describe(`piece scanner for ${encoding}`, function () {
    this.timeout(60_000);
    const scan = pieceScanner(encoding);
    const pattern = piecePattern(encoding);
    const scannerEnds = (text: string): number[] => {
      const ends: number[] = [];
      for (let start = 0; start < text.length; start = ends[ends.length - 1]) {
        ends.push(scan(text, start));
      }
      return ends;
    };
    const regexEnds = (text: string): number[] => {
      const ends: number[] = [];
      pattern.lastIndex = 0;
      for (let match = pattern.exec(text); match !== null; match = pattern.exec(text)) {
        assert.equal(match.index, ends.length === 0 ? 0 : ends[ends.length - 1], 'the regex pieces tile the text');
        ends.push(pattern.lastIndex);
      }
      return ends;
    };

    it('splits random strings of tricky characters like the regex', () => {
      const random = randomSource(7);
      for (let trial = 0; trial < 30_000; trial++) {
        let text = '';
        for (let length = 1 + random(12); length > 0; length--) {
          text += ALPHABET[random(ALPHABET.length)];
        }
        assert.deepEqual(scannerEnds(text), regexEnds(text), JSON.stringify(text));
      }
    });

    it('splits every corpus document like the regex', () => {
      for (const document of buildCorpus().documents) {
        assert.deepEqual(scannerEnds(document.text), regexEnds(document.text), document.name);
      }
    });
  });
}
