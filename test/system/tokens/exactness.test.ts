/**
 * Our counts against the reference tokenizer (tiktoken, the WASM build of OpenAI's Rust code), on
 * 5 MB of real text and on the edge cases where a JavaScript port usually drifts.
 *
 * "Plain text" means tiktoken's `encode_ordinary`: special-token strings such as `<|endoftext|>` are
 * ordinary characters, as in a chat API. Lone surrogates: tiktoken receives the JS string as UTF-8
 * (wasm-bindgen's TextEncoder), which turns each lone surrogate into U+FFFD; our TextEncoder does
 * the same, and the tests below pin that down.
 */
import { strict as assert } from 'node:assert';
import { get_encoding, type Tiktoken } from 'tiktoken';
import { ENCODING_NAMES, loadCounter } from '../../../src/core/tokens';
import { buildCorpus } from '../../support/corpus';

function randomSource(seed: number): (n: number) => number {
  let state = seed;
  return (n) => {
    state = (Math.imul(state, 1103515245) + 12345) & 0x7fffffff;
    return state % n;
  };
}

const EDGE_CASES: Record<string, string> = {
  'empty string': '',
  'CJK': '中文字符测试，包括标点。日本語のテキスト、カタカナとひらがな。한국어 텍스트입니다. 漢字かな交じり文',
  'emoji and ZWJ sequences': '👩‍👩‍👧‍👦 family 🏳️‍🌈 flag 👍🏽👍🏿 🇺🇸🇯🇵 🧑🏻‍💻 keycap 1️⃣ #️⃣',
  'combining marks': 'e\u0301\u0302 a\u0308o\u0328 \u0301leading mark Z\u0364\u0308\u0301 ก\u0e34\u0e48 देवनागरी',
  '10k spaces': ' '.repeat(10_000),
  '10k spaces between words': 'a' + ' '.repeat(10_000) + 'b',
  '10k newlines': '\n'.repeat(10_000),
  'mixed CR LF tab runs': ' \t\r\n'.repeat(2_500) + 'x' + '\r\n\r\n\t\t  '.repeat(500) + 'y \n',
  'unicode whitespace': 'a\u0085b \u00a0c\u3000\u3000d\u2028e\ufeff f \u0085\u0085x\u2003\u2003\n',
  'contractions in all cases': "I'll we'LL they'Re He's SHE'S don't DON'T I'm I'M you've YOU'VE he'd HE'D 'll 's x'ſ DON'Tſ 'ſ''S'''",
  'digit runs': '1234567890'.repeat(100) + ' 3.14159 1,000,000 ١٢٣٤٥ ²³ Ⅻ ０１２',
  'lone surrogates': '\ud800 a\udc00b \ud83d abc\udfff \ud800\ud800 end\ud83d',
  'special-token look-alikes': '<|endoftext|> <|endofprompt|><|fim_prefix|>x<|fim_middle|>y<|fim_suffix|> <|im_start|>',
  'code': 'export function add(a: number, b: number): number {\n\treturn a + b; // sum\n}\n\nconst x = {"key": [1, 2, 3]};\r\n',
};

function hugeWord(seed: number): string {
  const random = randomSource(seed);
  let word = '';
  for (let i = 0; i < 100_000; i++) {
    word += String.fromCharCode((random(2) === 0 ? 97 : 65) + random(26));
  }
  return word;
}

for (const encoding of ENCODING_NAMES) {
  describe(`exactness of ${encoding} against tiktoken`, () => {
    let reference: Tiktoken;
    const counter = loadCounter(encoding);
    const expected = (text: string) => reference.encode_ordinary(text).length;

    before(() => {
      reference = get_encoding(encoding);
    });
    after(() => {
      reference.free();
    });

    it('counts special-token strings as plain text, the way encode_ordinary does', () => {
      const text = EDGE_CASES['special-token look-alikes'];
      assert.throws(() => reference.encode(text), 'tiktoken refuses special text by default');
      assert.deepEqual(reference.encode(text, [], []), reference.encode_ordinary(text));
      assert.equal(counter.count(text), expected(text));
      assert.ok(counter.count('<|endoftext|>') > 1, 'never a single special token');
    });

    it('matches on every document of a 5 MB corpus of real text', () => {
      const corpus = buildCorpus();
      assert.ok(corpus.bytes >= 5 * 1024 * 1024, `corpus holds ${corpus.bytes} bytes`);
      const mismatched: string[] = [];
      for (const document of corpus.documents) {
        const ours = counter.count(document.text);
        const theirs = expected(document.text);
        if (ours !== theirs) {
          mismatched.push(`${document.name}: ${ours} vs ${theirs}`);
        }
      }
      assert.deepEqual(mismatched, []);
    });

    for (const [name, text] of Object.entries(EDGE_CASES)) {
      it(`matches on ${name}`, () => {
        assert.equal(counter.count(text), expected(text));
      });
    }

    it('reads a lone surrogate as U+FFFD, like tiktoken', () => {
      assert.equal(counter.count('x\ud800y'), counter.count('x\ufffdy'));
      assert.equal(counter.count('x\ud800y'), expected('x\ud800y'));
    });

    it('matches on a 100 KB word without spaces', () => {
      const word = hugeWord(encoding.length);
      assert.equal(counter.count(word), expected(word));
    });

    it('matches on random strings of characters where ports drift', () => {
      const alphabet = ['a', 'B', 'z', "'", 's', 'S', 'ſ', 't', 'l', 'L', 'd', 'e', 'r', 'v', 'm', ' ', '  ', '\n', '\r', '\t',
        '\u0085', '\ufeff', '\u00a0', '\u3000', '\u2028', '\v', '\f', '1', '23', '4567', 'é', '\u0301', '中', '文', '😀', '\u200d',
        '👍🏽', '.', '/', '-', '<|endoftext|>', 'K', 'ǅ', 'ʰ', 'ﬁ', 'Ⅻ', '²', '𝐀', '𝐚', '\u20dd', '𠀀', '\u{1d167}', '٣', '\u00ad', '\ud800', '\udc00'];
      const random = randomSource(42);
      const mismatched: string[] = [];
      for (let trial = 0; trial < 5_000; trial++) {
        let text = '';
        for (let length = 1 + random(14); length > 0; length--) {
          text += alphabet[random(alphabet.length)];
        }
        if (counter.count(text) !== expected(text)) {
          mismatched.push(JSON.stringify(text));
        }
      }
      assert.deepEqual(mismatched.slice(0, 20), []);
    });
  });
}
