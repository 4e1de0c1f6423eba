/**
 * Long runs of one unit are counted from their length (runCount.ts). Held to the reference tokenizer
 * (tiktoken) on every length it answers in reasonable time, and beyond that to the plain BPE of the
 * whole piece, which the exactness tests hold to tiktoken.
 *
 * tiktoken's own merge is quadratic in a piece's length (3,000 spaces, one length after the other,
 * take it 20 s; a 1 MB run crashes it), so the reference sees every length up to 700 bytes and random
 * lengths up to 10 KB; the plain BPE sees every length up to 1,500 (500 for most units) and random
 * ones up to 200 KB.
 */
import { strict as assert } from 'node:assert';
import { get_encoding, type Tiktoken } from 'tiktoken';
import { ENCODING_NAMES, loadCounter } from '../../../src/core/tokens';
import { BpeCounter } from '../../../src/core/tokens/bpeCounter';
import { bytePairCount } from '../../../src/core/tokens/bytePairCount';
import { loadRankTable } from '../../../src/core/tokens/loadRankTable';
import { periodOf, RunCounter } from '../../../src/core/tokens/runCount';

const UNITS = [' ', '\t', '\n', 'a', 'Q', '7', '中', '-', '=', '.', '😀', 'ab', '\r\n', 'é', '\u3000', 'ſ'];
/** Units that the pre-tokenizer never leaves as one long piece (digits come in threes). */
const NEVER_ONE_PIECE = new Set(['7']);
/** Units whose every length up to 1,500 is checked against the plain BPE (the others up to 500). */
const FULL = new Set([' ', 'a', '-']);

function randomSource(seed: number): (n: number) => number {
  let state = seed;
  return (n) => {
    state = (Math.imul(state, 1103515245) + 12345) & 0x7fffffff;
    return state % n;
  };
}

function repeat(unit: string, length: number): string {
  return unit.repeat(Math.ceil(length / unit.length)).slice(0, length);
}

const utf8 = new TextEncoder();

for (const encoding of ENCODING_NAMES) {
  describe(`long runs in ${encoding}`, function () {
    const table = loadRankTable(encoding);
    /** The plain BPE of a whole piece. */
    const plain = (text: string) => {
      const bytes = utf8.encode(text);
      return bytePairCount(table, bytes, bytes.length);
    };
    let reference: Tiktoken;
    before(() => {
      reference = get_encoding(encoding);
    });
    after(() => {
      reference.free();
    });

    it('counts every short run like tiktoken, through the length formula from the first few hundred', () => {
      // Small bases, so that the formula (not a direct BPE) answers most of these lengths.
      const runs = new RunCounter(table, { minLength: 0, baseBytes: 384 });
      const mismatched: string[] = [];
      let formula = 0;
      for (const unit of UNITS.filter((candidate) => !NEVER_ONE_PIECE.has(candidate))) {
        const unitBytes = utf8.encode(unit).length;
        for (let length = 1; length * unitBytes <= 700 * unit.length; length++) {
          const text = repeat(unit, length);
          const ours = runs.countRepeat(unit, length);
          assert.ok(ours >= 0, `${JSON.stringify(unit)} × ${length} is counted from its length`);
          if (length * unitBytes > 520) {
            formula++;
          }
          const expected = reference.encode_ordinary(text).length;
          if (ours !== expected) {
            mismatched.push(`${JSON.stringify(unit)} × ${length}: ${ours} vs ${expected}`);
          }
        }
      }
      assert.deepEqual(mismatched.slice(0, 20), []);
      assert.ok(formula > 1500, `${formula} lengths answered by the formula`);
    });

    it('counts every run up to 1,500 units like the plain BPE, with the default bases', () => {
      const runs = new RunCounter(table, { minLength: 0 });
      const mismatched: string[] = [];
      for (const unit of UNITS) {
        const limit = FULL.has(unit) ? 1500 : 500;
        for (let length = 1; length <= limit; length++) {
          const ours = runs.countRepeat(unit, length);
          if (ours >= 0 && ours !== plain(repeat(unit, length))) {
            mismatched.push(`${JSON.stringify(unit)} × ${length}`);
          }
        }
      }
      assert.deepEqual(mismatched.slice(0, 20), []);
    });

    it('counts random long runs like tiktoken (up to 10 KB) and like the plain BPE (up to 200 KB)', () => {
      const counter = new BpeCounter(encoding, table);
      const random = randomSource(encoding.length);
      const mismatched: string[] = [];
      for (const unit of UNITS) {
        const unitBytes = utf8.encode(unit).length;
        if (!NEVER_ONE_PIECE.has(unit)) {
          const text = repeat(unit, 4096 + random(Math.max(1, Math.floor(10_000 / unitBytes) - 4096)));
          const expected = reference.encode_ordinary(text).length;
          if (counter.count(text) !== expected) {
            mismatched.push(`${JSON.stringify(unit)} × ${text.length}: ${counter.count(text)} vs tiktoken ${expected}`);
          }
        }
        for (const length of [20_000 + random(80_000), 100_000 + random(100_000)]) {
          const text = repeat(unit, Math.floor(length / unitBytes));
          const ours = counter.runs.countRepeat(unit, text.length);
          if (ours >= 0 && ours !== plain(text)) {
            mismatched.push(`${JSON.stringify(unit)} × ${text.length}: ${ours} vs plain BPE ${plain(text)}`);
          }
        }
      }
      assert.deepEqual(mismatched, []);
    });

    it('counts a megabyte of spaces, of a letter and of "ab" from the length formula', () => {
      const counter = new BpeCounter(encoding, table);
      for (const unit of [' ', 'a', 'ab', '\n']) {
        const text = repeat(unit, 1024 * 1024);
        const viaFormula = counter.runs.countRepeat(unit, text.length);
        assert.ok(viaFormula > 0, `${JSON.stringify(unit)} has a repeating group`);
        assert.equal(counter.count(text), viaFormula, 'the whole run is one piece');
      }
      // One more space adds a token only where the length class says so: the formula is not linear.
      const spaces = loadCounter(encoding);
      assert.equal(spaces.count(' '.repeat(1_000_000)), spaces.count(' '.repeat(1_000_000 - 128)) + 1);
    });

    it('leaves pieces without a short period, or of a unit ending in a high surrogate, to the plain BPE', () => {
      const runs = new RunCounter(table);
      const word = repeat('abcdefghi', 10_000);
      assert.equal(runs.count(word, 0, word.length), -1, 'period 9 is longer than the units looked for');
      assert.equal(runs.countRepeat('\ud83d', 5000), -1, 'a unit ending in a high surrogate');
      // A run cut inside its last surrogate pair ends in a lone surrogate, read as U+FFFD like tiktoken does.
      assert.equal(runs.countRepeat('😀', 5001), reference.encode_ordinary(repeat('😀', 5001)).length);
      const counter = new BpeCounter(encoding, table);
      for (const text of [repeat('😀', 5001), '\ud83d'.repeat(4200)]) {
        assert.equal(counter.count(text), reference.encode_ordinary(text).length);
      }
    });

    it('finds the shortest period of a piece', () => {
      assert.equal(periodOf('aaaa', 0, 4), 1);
      assert.equal(periodOf('abababa', 0, 7), 2);
      assert.equal(periodOf('xabcabcab', 1, 9), 3);
      assert.equal(periodOf('aaaab', 0, 5), -1);
      assert.equal(periodOf('ab', 0, 2), -1, 'a period must repeat at least once');
    });
  });
}
