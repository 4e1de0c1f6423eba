import { strict as assert } from 'node:assert';
import { DocumentCounter, loadCounter, type TokenCounter } from '../../../src/core/tokens';
import { BpeCounter } from '../../../src/core/tokens/bpeCounter';
import type { PieceScanner } from '../../../src/core/tokens/pieceScanner';
import { loadRankTable } from '../../../src/core/tokens/loadRankTable';
import { buildCorpus } from '../../support/corpus';

describe('DocumentCounter', () => {
  const counter = loadCounter('o200k_base');

  it('counts its text and follows setText', () => {
    const document = new DocumentCounter(counter, 'Hello, world!');
    assert.equal(document.tokens, counter.count('Hello, world!'));
    assert.equal(document.setText('function add(a, b) { return a + b; }'), counter.count('function add(a, b) { return a + b; }'));
    assert.equal(new DocumentCounter(counter).tokens, 0);
  });

  it('applies edits and returns the new total', () => {
    const document = new DocumentCounter(counter, 'const answer = 42;\n');
    const total = document.applyEdit(6, 6, 'question');
    assert.equal(document.text, 'const question = 42;\n');
    assert.equal(total, counter.count(document.text));
    assert.equal(document.applyEdit(document.text.length, 0, 'x'.repeat(5000)), counter.count(document.text));
    assert.equal(document.applyEdit(0, document.text.length, ''), 0);
    assert.equal(document.applyEdit(0, 0, 'again'), counter.count('again'));
  });

  /** A counter that adds up the characters its pre-tokenizer scans (what an edit costs). */
  function scanningCounter(): { counter: BpeCounter; scanned: () => number; reset: () => void } {
    const scanning = new BpeCounter('o200k_base', loadRankTable('o200k_base'));
    let scanned = 0;
    const nextPieceEnd = scanning.nextPieceEnd;
    (scanning as { nextPieceEnd: PieceScanner }).nextPieceEnd = (text, start) => {
      const end = nextPieceEnd(text, start);
      scanned += end - start;
      return end;
    };
    return { counter: scanning, scanned: () => scanned, reset: () => (scanned = 0) };
  }

  it('rescans only a small window around an edit, not the whole document', () => {
    const { counter: scanning, scanned, reset } = scanningCounter();
    let text = '';
    for (const document of buildCorpus().documents) {
      if (text.length >= 1 << 20) {
        break;
      }
      text += document.text;
    }
    const document = new DocumentCounter(scanning, text);
    assert.ok(scanned() >= text.length - 1, 'the first count scans everything');
    let offset = text.length >> 1;
    for (const [deleteCount, insert] of [[0, 'x'], [0, ' total'], [1, ''], [0, '\n\n'], [3, 'abc'], [0, '中文😀']] as const) {
      reset();
      document.applyEdit(offset, deleteCount, insert);
      assert.ok(scanned() > 0 && scanned() < 16 * 1024, `an edit of ${JSON.stringify(insert)} scanned ${scanned()} of ${text.length} characters`);
      offset += insert.length;
    }
    assert.equal(document.tokens, loadCounter('o200k_base').count(document.text));
  });

  it('keeps a long run of one character in a block of its own and edits inside it locally', () => {
    const { counter: scanning, scanned, reset } = scanningCounter();
    const reference = loadCounter('o200k_base');
    for (const run of [' '.repeat(1 << 20), '-'.repeat(300_000), '\n'.repeat(200_000), 'a'.repeat(200_000), '中'.repeat(100_000), '😀'.repeat(100_000)]) {
      const before = 'function f() {\n  return 1;\n}\n';
      const document = new DocumentCounter(scanning, before + run + 'const x = 1;\n');
      assert.ok(document.inspectBlocks().some((block) => block.run && block.end - block.start >= run.length - 2), 'the run has a block of its own');
      // Half way in (never between the two halves of a surrogate pair).
      let offset = before.length + ((run.length >> 1) & ~3);
      for (const [deleteCount, insert] of [[0, ' '], [0, 'x'], [0, 'total'], [0, '\n'], [2, ''], [0, '中文😀'], [0, '1']] as const) {
        reset();
        document.applyEdit(offset, deleteCount, insert);
        assert.ok(scanned() < 16 * 1024, `${JSON.stringify(insert)} into a run of ${JSON.stringify(run[0])} scanned ${scanned()} characters`);
        assert.equal(document.tokens, reference.count(document.text), `${JSON.stringify(insert)} into a run of ${JSON.stringify(run[0])}`);
        offset += insert.length;
      }
    }
  });

  it('rejects edits outside the document, naming the field', () => {
    const document = new DocumentCounter(counter, 'abc');
    assert.throws(() => document.applyEdit(4, 0, 'x'), /offset/);
    assert.throws(() => document.applyEdit(1, 3, 'x'), /deleteCount/);
    assert.throws(() => document.applyEdit(-1, 0, 'x'), /offset/);
    assert.equal(document.text, 'abc', 'a rejected edit changes nothing');
  });

  it('works with any TokenCounter by recounting', () => {
    const characters: TokenCounter = { encoding: 'o200k_base', count: (text) => text.length };
    const document = new DocumentCounter(characters, 'abcd');
    assert.equal(document.applyEdit(1, 2, 'xyz'), 5);
  });
});
