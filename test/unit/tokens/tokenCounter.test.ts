import { strict as assert } from 'node:assert';
import { loadCounter } from '../../../src/core/tokens';

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

  it('warmUp loads nothing on the caller\'s tick, then every encoding asked for', async () => {
    // A fresh copy of the module, so no test before this one has loaded its counters yet.
    const id = require.resolve('../../../src/core/tokens/tokenCounter');
    delete require.cache[id];
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- an import would share the loaded instance
    const fresh = require(id) as typeof import('../../../src/core/tokens/tokenCounter');
    delete require.cache[id];
    assert.equal(fresh.isCounterLoaded('o200k_base'), false);
    const pending = fresh.warmUp(['cl100k_base', 'o200k_base']);
    assert.equal(fresh.isCounterLoaded('cl100k_base'), false, 'nothing loads on the caller\'s tick');
    assert.equal(fresh.isCounterLoaded('o200k_base'), false);
    await pending;
    assert.equal(fresh.isCounterLoaded('cl100k_base'), true);
    assert.equal(fresh.isCounterLoaded('o200k_base'), true);
    assert.equal(fresh.loadCounter('o200k_base').count('hello world'), loadCounter('o200k_base').count('hello world'));
  });
});
