import { strict as assert } from 'node:assert';
import { loadCounter, warmUp } from '../../../src/core/tokens';

describe('loadCounter and warmUp', () => {
  it('keeps one counter per encoding', () => {
    const o200k = loadCounter('o200k_base');
    assert.equal(loadCounter('o200k_base'), o200k);
    assert.equal(o200k.encoding, 'o200k_base');
    assert.notEqual(loadCounter('cl100k_base'), o200k);
    assert.equal(loadCounter('cl100k_base').encoding, 'cl100k_base');
  });

  it('counts plain text', () => {
    assert.equal(loadCounter('o200k_base').count(''), 0);
    assert.equal(loadCounter('o200k_base').count('hello world'), 2);
    assert.equal(loadCounter('cl100k_base').count('hello world'), 2);
  });

  it('warmUp returns before doing any work and resolves once the encodings are loaded', async () => {
    let resolved = false;
    const pending = warmUp(['cl100k_base', 'o200k_base']).then(() => {
      resolved = true;
    });
    assert.equal(resolved, false, 'the work happens on a later tick');
    await pending;
    assert.equal(resolved, true);
    await warmUp();
  });
});
