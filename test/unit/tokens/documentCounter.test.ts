import { strict as assert } from 'node:assert';
import { DocumentCounter, loadCounter, type TokenCounter } from '../../../src/core/tokens';

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
