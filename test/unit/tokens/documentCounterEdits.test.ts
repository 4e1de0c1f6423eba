/**
 * Thousands of random edits on real documents: after every edit the incremental total must equal a
 * fresh count of the whole text, and on a sample it must equal tiktoken.
 */
import { strict as assert } from 'node:assert';
import { get_encoding } from 'tiktoken';
import type { BpeCounter } from '../../../src/core/tokens/bpeCounter';
import { DocumentCounter, ENCODING_NAMES, loadCounter, type TokenCounter } from '../../../src/core/tokens';
import { buildCorpus } from '../../support/corpus';

function randomSource(seed: number): (n: number) => number {
  let state = seed;
  return (n) => {
    state = (Math.imul(state, 1103515245) + 12345) & 0x7fffffff;
    return state % n;
  };
}

const FRAGMENTS = ['a', 'hello', ' world', ' ', '   ', '\t', '\n', '\r\n', '\n\n', '    \n', '  \n  \n', "'ll", "'s", "'", 'LL',
  'S', '123', '4567', '中文', '😀', '👩‍👩‍👧', '.', '/*', '*/', '{', '}', '();', 'e\u0301', '\u00a0', '\u0085', ' x', "don't",
  ' '.repeat(40), '\n'.repeat(5)];

/** Moves an offset off the middle of a surrogate pair (editors never split one). */
function snap(text: string, offset: number): number {
  const code = text.charCodeAt(offset);
  return code >= 0xdc00 && code <= 0xdfff && offset > 0 ? offset - 1 : offset;
}

/**
 * The block invariants: blocks tile the text, every block starts and ends where a fresh scan of the
 * whole text has a piece boundary, and every block's count is the sum of that scan's pieces inside it.
 * Stronger than comparing totals, because BPE often gives the same total for a wrongly split run.
 */
function assertBlocksValid(document: DocumentCounter, counter: TokenCounter, context: string): void {
  const text = document.text;
  const tokensBefore = new Map<number, number>([[0, 0]]);
  let running = 0;
  (counter as BpeCounter).forEachPiece(text, 0, (end, tokens) => {
    running += tokens;
    tokensBefore.set(end, running);
    return false;
  });
  let expectedStart = 0;
  for (const block of document.inspectBlocks()) {
    assert.equal(block.start, expectedStart, `${context}: blocks tile the text`);
    const before = tokensBefore.get(block.start);
    const after = tokensBefore.get(block.end);
    assert.ok(before !== undefined && after !== undefined, `${context}: block ${block.start}-${block.end} lies on piece boundaries`);
    assert.equal(block.tokens, after - before, `${context}: tokens of block ${block.start}-${block.end}`);
    expectedStart = block.end;
  }
  assert.equal(expectedStart, text.length, `${context}: blocks cover the text`);
}

for (const encoding of ENCODING_NAMES) {
  describe(`DocumentCounter edits on ${encoding}`, function () {
    this.timeout(60_000);

    it('keeps the total equal to a full recount through thousands of random edits', () => {
      const counter = loadCounter(encoding);
      const reference = get_encoding(encoding);
      try {
        const random = randomSource(encoding === 'o200k_base' ? 1 : 2);
        const documents = buildCorpus().documents;
        const pick = () => documents[random(documents.length)].text;
        let start = '';
        while (start.length < 24_000) {
          start += pick().slice(0, 8_000);
        }
        const document = new DocumentCounter(counter, start);
        assert.equal(document.tokens, reference.encode_ordinary(start).length);
        for (let edit = 0; edit < 3_000; edit++) {
          const text = document.text;
          let offset: number;
          const where = random(6);
          if (where === 0) {
            offset = random(2) === 0 ? 0 : text.length;
          } else if (where === 1) {
            offset = Math.min(text.length, 1024 * random(Math.ceil(text.length / 1024) + 1) + random(9) - 4);
          } else if (where === 2) {
            const newline = text.indexOf('\n', random(text.length + 1));
            offset = newline < 0 ? text.length : newline + random(3) - 1;
          } else if (where === 3) {
            const space = text.indexOf('  ', random(text.length + 1));
            offset = space < 0 ? text.length : space + 1;
          } else {
            offset = random(text.length + 1);
          }
          offset = snap(text, Math.max(0, Math.min(text.length, offset)));
          const size = random(10);
          const maxDelete = text.length - offset;
          let deleteCount = size < 4 ? 0 : size < 8 ? random(Math.min(12, maxDelete) + 1) : random(Math.min(3_000, maxDelete) + 1);
          deleteCount = snap(text, offset + deleteCount) - offset;
          let insert = '';
          const kind = random(10);
          if (kind < 7) {
            for (let count = random(4); count > 0; count--) {
              insert += FRAGMENTS[random(FRAGMENTS.length)];
            }
          } else if (kind < 9) {
            const source = pick();
            const from = snap(source, random(source.length));
            insert = source.slice(from, snap(source, Math.min(source.length, from + random(2_000))));
          }
          if (document.text.length > 60_000) {
            deleteCount = snap(text, offset + Math.min(maxDelete, 20_000)) - offset;
          }
          const total = document.applyEdit(offset, deleteCount, insert);
          assert.equal(document.text, text.slice(0, offset) + insert + text.slice(offset + deleteCount));
          assert.equal(total, counter.count(document.text), `edit ${edit}: ${deleteCount} at ${offset} with ${JSON.stringify(insert.slice(0, 40))}`);
          assert.equal(document.tokens, total);
          if (edit % 50 === 0) {
            assertBlocksValid(document, counter, `edit ${edit}`);
          }
          if (edit % 150 === 0) {
            assert.equal(total, reference.encode_ordinary(document.text).length, `tiktoken after edit ${edit}`);
          }
        }
      } finally {
        reference.free();
      }
    });

    it('stays exact through random edits in and around long runs of one character', function () {
      this.timeout(240_000);
      const counter = loadCounter(encoding);
      const reference = get_encoding(encoding);
      try {
        const random = randomSource(encoding === 'o200k_base' ? 3 : 4);
        const runs = [' ', '-', 'a', 'Q', '\n', '\t', '中', '😀', '=', '\u3000', '.', 'é'];
        const code = 'export function add(a: number, b: number): number {\n  return a + b;\n}\n';
        let text = '';
        for (const unit of runs) {
          text += code.slice(0, random(code.length)) + unit.repeat(300 + random(2_200));
        }
        const document = new DocumentCounter(counter, text);
        assert.ok(document.inspectBlocks().filter((block) => block.run).length >= runs.length - 2, 'runs have blocks of their own');
        for (let edit = 0; edit < 600; edit++) {
          const current = document.text;
          // Mostly inside runs: pick a position and walk into the run around it.
          let offset = snap(current, random(current.length + 1));
          const size = random(10);
          let deleteCount = size < 5 ? 0 : size < 9 ? random(Math.min(6, current.length - offset) + 1) : random(Math.min(4_000, current.length - offset) + 1);
          deleteCount = snap(current, offset + deleteCount) - offset;
          let insert = '';
          const kind = random(10);
          if (kind < 4) {
            insert = FRAGMENTS[random(FRAGMENTS.length)];
          } else if (kind < 7) {
            const unit = current.charAt(offset) === '' ? ' ' : current.slice(offset, offset + (current.codePointAt(offset)! > 0xffff ? 2 : 1));
            insert = unit.repeat(1 + random(random(2) === 0 ? 3 : 1_500));
          } else if (kind < 9) {
            insert = runs[random(runs.length)].repeat(1 + random(400));
          }
          if (current.length > 40_000) {
            offset = 0;
            deleteCount = snap(current, 10_000) - offset;
          }
          offset = Math.min(offset, current.length);
          const total = document.applyEdit(offset, deleteCount, insert);
          assert.equal(document.text, current.slice(0, offset) + insert + current.slice(offset + deleteCount));
          assert.equal(total, counter.count(document.text), `edit ${edit}: ${deleteCount} at ${offset} with ${JSON.stringify(insert.slice(0, 40))} (${insert.length})`);
          if (edit % 50 === 0) {
            assertBlocksValid(document, counter, `edit ${edit}`);
          }
          if (edit % 200 === 0) {
            assert.equal(total, reference.encode_ordinary(document.text).length, `tiktoken after edit ${edit}`);
          }
        }
      } finally {
        reference.free();
      }
    });

    // Blocks are about 1 KB; sliding the same text past that size puts a block boundary at every
    // position of it in turn, including inside a whitespace run and right after a word that an edit
    // turns into a contraction, where a piece before the edit depends on what follows it.
    it('stays exact when a block boundary falls anywhere near the edit', () => {
      const counter = loadCounter(encoding);
      const edits: Array<[string, number, string]> = [
        ['\n' + ' '.repeat(60) + 'x y', 40, '\n'],
        ['\n' + ' '.repeat(60) + 'x y', 61, '\r\n'],
        ['  \n   \n' + ' '.repeat(30) + 'z', 20, 'q'],
        [' '.repeat(50) + 'end', 50, '\n'],
        ["don'l x", 5, 'l'],
        ['Theyr ok', 4, "'"],
        ["it's 'v x", 7, 'e'],
        ['word   \t\t  next', 9, ''],
        ['x\n\n' + ' '.repeat(40) + 'y', 30, '\n'],
        ['x \n' + ' '.repeat(40) + 'y', 25, '\n\n'],
        ['x\t\n' + '\t'.repeat(30) + 'y', 20, '\n'],
        ['x\r\n' + ' '.repeat(20) + '\n' + ' '.repeat(20) + 'y', 40, '\r\n'],
        ['x\n' + ' '.repeat(40) + 'y', 41, 'z'],
      ];
      for (let padding = 960; padding < 1_090; padding++) {
        const filler = 'ab '.repeat(Math.ceil(padding / 3)).slice(0, padding);
        for (const [tail, at, insert] of edits) {
          const document = new DocumentCounter(counter, filler + tail);
          const total = document.applyEdit(padding + at, 0, insert);
          const context = `padding ${padding}, ${JSON.stringify(insert)} into ${JSON.stringify(tail)}`;
          assert.equal(total, counter.count(document.text), context);
          assertBlocksValid(document, counter, context);
          assert.equal(document.applyEdit(padding + at, insert.length, ''), counter.count(filler + tail), 'and back');
        }
      }
    });
  });
}
