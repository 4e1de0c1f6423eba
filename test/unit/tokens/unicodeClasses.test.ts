/**
 * The pre-tokenizer's Unicode classes: generated from the pinned Unicode database, committed in
 * step with it, and independent of the JavaScript engine's Unicode version.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { loadCounter } from '../../../src/core/tokens';
import { classRanges, classRuns, classTables, LETTER, LOWERISH, NEWLINE, NUMBER, SPACE, UPPERISH } from '../../../src/core/tokens/unicodeClasses';
import { UNICODE_VERSION } from '../../../src/core/tokens/unicodeClassData';

const generator = createRequire(__filename)('../../../scripts/buildUnicodeClasses.js') as {
  renderUnicodeClasses(): Promise<string>;
  UNICODE_CLASS_FILE: string;
};

function bitsOf(codePoint: number): number {
  const run = classRuns().find((candidate) => candidate.start <= codePoint && codePoint < candidate.end);
  assert.ok(run !== undefined);
  return run.bits;
}

describe('Unicode classes of the pre-tokenizer', () => {
  it('are what the generator makes of the pinned Unicode database (run `node scripts/buildUnicodeClasses.js` after changing it)', async () => {
    const committed = fs.readFileSync(path.join(__dirname, '../../../src/core/tokens/unicodeClassData.ts'), 'utf8');
    assert.equal(path.resolve(generator.UNICODE_CLASS_FILE), path.resolve(__dirname, '../../../src/core/tokens/unicodeClassData.ts'));
    assert.equal(committed, await generator.renderUnicodeClasses());
    assert.equal(UNICODE_VERSION, '16.0.0');
  });

  it('cover the whole code space with runs in order', () => {
    const runs = classRuns();
    assert.equal(runs[0].start, 0);
    assert.equal(runs[runs.length - 1].end, 0x110000);
    for (let index = 1; index < runs.length; index++) {
      assert.equal(runs[index].start, runs[index - 1].end);
      assert.notEqual(runs[index].bits, runs[index - 1].bits, 'adjacent runs differ');
    }
  });

  it('classify by case, mark, number and Unicode White_Space', () => {
    assert.equal(bitsOf(0x41), UPPERISH | LETTER); // A
    assert.equal(bitsOf(0x1c5), UPPERISH | LETTER); // ǅ (Lt)
    assert.equal(bitsOf(0x61), LOWERISH | LETTER); // a
    assert.equal(bitsOf(0x2b0), UPPERISH | LOWERISH | LETTER); // ʰ (Lm)
    assert.equal(bitsOf(0x4e2d), UPPERISH | LOWERISH | LETTER); // 中 (Lo)
    assert.equal(bitsOf(0x301), UPPERISH | LOWERISH); // combining acute (Mn)
    assert.equal(bitsOf(0x37), NUMBER);
    assert.equal(bitsOf(0x2167), NUMBER); // Ⅷ (Nl)
    assert.equal(bitsOf(0xb2), NUMBER); // ² (No)
    assert.equal(bitsOf(0x0a), SPACE | NEWLINE);
    assert.equal(bitsOf(0x0d), SPACE | NEWLINE);
    assert.equal(bitsOf(0x85), SPACE, 'NEL is White_Space (JavaScript\'s \\s leaves it out)');
    assert.equal(bitsOf(0xfeff), 0, 'BOM is not White_Space (JavaScript\'s \\s has it)');
    assert.equal(bitsOf(0xd800), 0, 'a surrogate has no class');
    assert.equal(bitsOf(0x10d50), UPPERISH | LETTER, 'Garay, new in Unicode 16, is a letter');
    assert.equal(bitsOf(0x323b0), 0, 'a CJK ideograph new in Unicode 17 is unassigned here');
  });

  it('give the scanner the same class in its flat and its astral table', () => {
    const { basic, astralStarts, astralBits } = classTables();
    for (const run of classRuns()) {
      for (const codePoint of [run.start, run.end - 1]) {
        if (codePoint < 0x10000) {
          assert.equal(basic[codePoint], run.bits, `U+${codePoint.toString(16)}`);
        } else {
          let index = astralStarts.length - 1;
          while (astralStarts[index] > codePoint) {
            index--;
          }
          assert.equal(astralBits[index], run.bits, `U+${codePoint.toString(16)}`);
        }
      }
    }
  });

  it('merge adjacent runs into ranges', () => {
    const letters = classRanges(LETTER);
    assert.deepEqual(letters.slice(0, 2), [[0x41, 0x5a], [0x61, 0x7a]]);
    assert.deepEqual(classRanges(SPACE).slice(0, 3), [[0x09, 0x0d], [0x20, 0x20], [0x85, 0x85]]);
  });

  it('count a Unicode 17 ideograph as tiktoken does, whatever Unicode this engine has', () => {
    // 6 in tiktoken: U+323B0 is no letter to it, so "'" joins the ideograph's piece and "s" stands alone.
    assert.equal(loadCounter('o200k_base').count("\u{323B0}'s"), 6);
  });
});
