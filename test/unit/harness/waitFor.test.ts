import { strict as assert } from 'node:assert';
import { describeValue, until, waitFor } from '../../support/waitFor';

describe('harness: waiting for state', () => {
  it('returns the first value the probe finds, after retrying while it finds none or throws', async () => {
    let calls = 0;
    const found = await until('the third call', () => {
      calls += 1;
      if (calls === 1) {
        throw new Error('not there yet');
      }
      return calls === 3 ? { calls } : undefined;
    }, 5_000);
    assert.deepEqual(found, { calls: 3 });
  });

  it('treats false and null as "not yet", and any other value (0, empty string) as found', async () => {
    let calls = 0;
    assert.equal(await until('zero', () => (++calls < 3 ? null : 0), 5_000), 0);
    calls = 0;
    assert.equal(await until('empty text', () => (++calls < 3 ? false : ''), 5_000), '');
  });

  it('fails naming what it waited for and the last assertion it saw', async () => {
    let seen = 0;
    await assert.rejects(until(() => `the count to reach 99 (now ${seen})`, () => {
      seen += 1;
      assert.equal(seen, 99, `count is ${seen}`);
      return true;
    }, 300), (error: Error) => {
      assert.match(error.message, /^timed out after 0.3 s \(\d+ checks\) waiting for the count to reach 99 \(now \d+\); last: count is \d+/);
      assert.match(error.stack ?? '', /last failure: AssertionError/);
      return true;
    });
  });

  it('waitFor returns the accepted value and, on timeout, shows the last value read', async () => {
    let value = 0;
    assert.equal(await waitFor('a value above 2', () => ++value, (current) => current > 2, 5_000), 3);
    await assert.rejects(waitFor('the view to be ready', () => ({ resolved: true, ready: false }), (current) => current.ready, 300),
      /waiting for the view to be ready; last: \{"resolved":true,"ready":false\}/);
  });

  it('describes values readably and within bounds', () => {
    assert.equal(describeValue('a "quoted" text'), '"a \\"quoted\\" text"');
    assert.equal(describeValue(new Error('boom')), 'boom');
    assert.equal(describeValue(undefined), 'undefined');
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    assert.equal(describeValue(circular), '[object Object]');
    assert.match(describeValue('x'.repeat(5_000)), /… \(5002 chars\)$/);
  });
});
