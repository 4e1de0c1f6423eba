import { strict as assert } from 'node:assert';
import { InvalidRecordError, parseRecord, hostOf, type UsageRecord } from '../../../src/core/ledger';
import { makeRecord } from '../../support/ledgerFixtures';

function reasonOf(record: unknown): string {
  try {
    parseRecord(record);
  } catch (error) {
    assert.ok(error instanceof InvalidRecordError, String(error));
    return error.reason;
  }
  assert.fail('expected the record to be refused');
}

describe('usage record schema', () => {
  it('keeps only the host of a base URL: no scheme, credentials, path or query', () => {
    assert.equal(hostOf('https://user:sk-secret@api.example.com:8443/v1/chat?key=abc'), 'api.example.com:8443');
    assert.equal(hostOf('http://[::1]:11434/v1'), '[::1]:11434');
    assert.equal(hostOf('not a url'), null);
    for (const leaky of ['https://api.example.com', 'api.example.com/v1', 'user:key@api.example.com', 'api.example.com?key=abc']) {
      assert.match(reasonOf(makeRecord({ baseUrlHost: leaky })), /^baseUrlHost: /, leaky);
    }
    assert.equal(parseRecord(makeRecord({ baseUrlHost: 'openrouter.ai' })).baseUrlHost, 'openrouter.ai');
  });

  it('stores contexts as kind, label, tokens and bytes: contents handed in by mistake are dropped', () => {
    const contexts = [{ kind: 'file', label: 'src/a.ts:1-40', tokens: 120, bytes: 480, text: 'export const secret = 1;' }];
    const parsed = parseRecord(makeRecord({ contexts } as unknown as Partial<UsageRecord>));
    assert.deepEqual(parsed.contexts, [{ kind: 'file', label: 'src/a.ts:1-40', tokens: 120, bytes: 480 }]);
  });

  it('names the field of every kind of bad value', () => {
    const record = makeRecord();
    assert.match(reasonOf({ ...record, startedAt: '2026-01-05 08:00:00' }), /^startedAt: /);
    assert.match(reasonOf({ ...record, startedAt: '2026-01-05T08:00:00+02:00' }), /^startedAt: /, 'UTC only');
    assert.match(reasonOf({ ...record, tokens: { ...record.tokens, cacheRead: -1 } }), /^tokens\.cacheRead: /);
    assert.match(reasonOf({ ...record, usageSource: 'guessed' }), /^usageSource: /);
    assert.match(reasonOf({ ...record, cost: { ...record.cost, chargeSource: 'invoice' } }), /^cost\.chargeSource: /);
    assert.match(reasonOf({ ...record, outcome: { ...record.outcome, status: 'failed' } }), /^outcome\.status: /);
    assert.match(reasonOf({ ...record, outcome: { ...record.outcome, httpStatus: 999 } }), /^outcome\.httpStatus: /);
    assert.match(reasonOf({ ...record, estimate: { low: 1, expected: 2, high: 3, inputTokens: 10 } }), /^estimate\.outputTokens: /);
  });
});
