import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Ledger, median, redactSecrets, looksLikeSecret, type UsageRecord } from '../../../src/core/ledger';
import { makeRecord, makeRecords, writeLedger } from '../../support/ledgerFixtures';

const round = (value: number) => Math.round(value * 1e9) / 1e9;

/** A record with a chosen start, model, charge and estimate; the rest from the fixture. */
function charged(startedAt: string, credits: number | null, estimate: [number, number, number] | null, extra: Partial<UsageRecord> = {}, seed = 1): UsageRecord {
  const base = makeRecord({}, seed);
  return {
    ...base,
    startedAt,
    finishedAt: startedAt,
    firstTokenAt: null,
    cost: { ...base.cost, credits, usd: credits === null ? null : credits / 100 },
    estimate: estimate ? { low: estimate[0], expected: estimate[1], high: estimate[2], inputTokens: 10, outputTokens: 10, cacheReadTokens: 0, cacheWriteTokens: 0 } : null,
    ...extra,
  };
}

describe('Ledger queries and aggregates', () => {
  let dir: string;
  beforeEach(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cm-queries-')); });
  afterEach(() => { fs.rmSync(dir, { recursive: true, force: true }); });

  it('accuracy: median absolute % error of expected vs charged, and the share inside low–high', async () => {
    const records = [
      charged('2026-03-01T10:00:00Z', 1, [0.5, 1.1, 2], {}, 1), // 10 %, inside
      charged('2026-03-01T11:00:00Z', 2, [1, 1.5, 1.8], {}, 2), // 25 %, outside (above high)
      charged('2026-03-01T12:00:00Z', 4, [2, 5, 6], {}, 3), // 25 %, inside
      charged('2026-03-01T13:00:00Z', 1, [0.1, 0.4, 0.5], {}, 4), // 60 %, outside
      charged('2026-03-01T14:00:00Z', 3, null, {}, 5), // no estimate: not a sample
      charged('2026-03-01T15:00:00Z', null, [1, 1, 1], {}, 6), // no charge: not a sample, unpriced
    ];
    await writeLedger(dir, records);
    const { ledger } = await Ledger.open(dir);
    const totals = await ledger.totals();
    assert.equal(totals.requests, 6);
    assert.equal(totals.credits, 11);
    assert.equal(totals.unpricedRequests, 1);
    assert.deepEqual(totals.accuracy, { samples: 4, medianAbsPctError: 25, withinRangeShare: 0.5 });
    assert.deepEqual(await ledger.accuracy({ until: '2026-03-01T12:00:00Z' }), { samples: 2, medianAbsPctError: 17.5, withinRangeShare: 0.5 });
    await ledger.close();
  });

  it('groups by UTC day, or by local day with a tz offset', async () => {
    const records = [
      charged('2026-03-01T23:30:00Z', 1, null, {}, 1),
      charged('2026-03-02T00:30:00Z', 2, null, {}, 2),
      charged('2026-03-02T22:30:00Z', 4, null, {}, 3),
    ];
    await writeLedger(dir, records);
    const { ledger } = await Ledger.open(dir);
    const utc = await ledger.aggregate({}, 'day');
    assert.deepEqual(utc.map((row) => [row.key, row.credits]), [['2026-03-01', 1], ['2026-03-02', 6]]);
    const plusTwo = await ledger.aggregate({}, 'day', { tzOffsetMinutes: 120 });
    assert.deepEqual(plusTwo.map((row) => [row.key, row.credits]), [['2026-03-02', 3], ['2026-03-03', 4]]);
    const minusFive = await ledger.aggregate({}, 'day', { tzOffsetMinutes: -300 });
    assert.deepEqual(minusFive.map((row) => [row.key, row.credits]), [['2026-03-01', 3], ['2026-03-02', 4]]);
    await ledger.close();
  });

  it('filters: since inclusive, until exclusive, models match served or requested, kinds, statuses, text', async () => {
    const records = makeRecords(400, { seed: 61, days: 10 });
    await writeLedger(dir, records);
    const { ledger } = await Ledger.open(dir);
    const since = records[100].startedAt;
    const until = records[300].startedAt;
    const inRange = await ledger.query({ since, until });
    assert.deepEqual(inRange.map((record) => record.id), records.slice(100, 300).map((record) => record.id));

    const served = records.find((record) => record.modelServed && record.modelServed !== record.modelRequested)!;
    const byServed = await ledger.summaries({ models: [served.modelServed!.toUpperCase()] });
    assert.deepEqual(byServed.map((summary) => summary.id), records.filter((record) => record.modelServed === served.modelServed).map((record) => record.id));
    const byRequested = await ledger.totals({ models: [served.modelRequested] });
    assert.equal(byRequested.requests, records.filter((record) => record.modelRequested === served.modelRequested).length);

    const errorsInFixes = await ledger.query({ kinds: ['fix', 'explain'], statuses: ['error'] });
    assert.deepEqual(errorsInFixes.map((record) => record.id), records.filter((record) => ['fix', 'explain'].includes(record.kind) && record.outcome.status === 'error').map((record) => record.id));

    const text = await ledger.query({ text: 'RATE LIMIT' });
    assert.ok(text.length > 0);
    assert.deepEqual(text.map((record) => record.id), records.filter((record) => record.outcome.errorMessage?.includes('Rate limit')).map((record) => record.id));
    assert.equal((await ledger.totals({ text: 'rate limit' })).requests, text.length);

    const byTurn = await ledger.query({ turnId: records[5].turnId });
    assert.ok(byTurn.every((record) => record.turnId === records[5].turnId) && byTurn.length >= 1);
    await assert.rejects(ledger.query({ since: 'last tuesday' }), /since: not a date/);
    await ledger.close();
  });

  it('query: newest first, offset and limit, even when records were appended out of order', async () => {
    const records = makeRecords(50, { seed: 62 });
    const shuffled = [...records].reverse();
    await writeLedger(dir, shuffled);
    const { ledger } = await Ledger.open(dir);
    const page = await ledger.query({}, { order: 'desc', offset: 5, limit: 10 });
    assert.deepEqual(page.map((record) => record.id), [...records].reverse().slice(5, 15).map((record) => record.id));
    const oldest = await ledger.query({}, { limit: 1 });
    assert.equal(oldest[0].id, records[0].id);
    await ledger.close();
  });

  it('per-model and per-kind rows add up to the totals', async () => {
    const records = makeRecords(300, { seed: 63 });
    await writeLedger(dir, records);
    const { ledger } = await Ledger.open(dir);
    const totals = await ledger.totals();
    for (const by of ['model', 'kind', 'status', 'day'] as const) {
      const rows = await ledger.aggregate({}, by);
      assert.equal(rows.reduce((sum, row) => sum + row.requests, 0), 300, by);
      assert.equal(round(rows.reduce((sum, row) => sum + row.credits, 0)), totals.credits, by);
      assert.equal(rows.reduce((sum, row) => sum + row.outputTokens, 0), totals.outputTokens, by);
    }
    assert.equal(totals.credits, round(records.reduce((sum, record) => sum + (record.cost.credits ?? 0), 0)));
    await ledger.close();
  });

  it('reads records back after another window rewrote a segment under it', async () => {
    const records = makeRecords(5, { seed: 64 });
    const segment = path.join(dir, 'segments', '20260101T000000000Z-999999998-gone.jsonl');
    fs.mkdirSync(path.dirname(segment), { recursive: true });
    fs.writeFileSync(segment, records.map((record) => JSON.stringify(record)).join('\n') + '\n');
    const { ledger } = await Ledger.open(dir);
    // Elsewhere, a repair rewrote the segment: same records, different positions (and inode).
    const rewritten = segment + '.tmp';
    fs.writeFileSync(rewritten, [...records].reverse().map((record) => JSON.stringify(record)).join('\n') + '\n');
    fs.renameSync(rewritten, segment);
    assert.deepEqual((await ledger.get(records[0].id))?.id, records[0].id);
    assert.deepEqual((await ledger.query()).map((record) => record.id), records.map((record) => record.id));
    await ledger.close();
  });

  it('median', () => {
    assert.equal(median([3, 1, 2]), 2);
    assert.equal(median([4, 1, 3, 2]), 2.5);
  });
});

describe('redactSecrets', () => {
  const cases: Array<[string, string]> = [
    ['Authorization: Bearer sk-abc123def456ghi789', 'Authorization: [REDACTED]'],
    ['x-api-key: sk-ant-api03-AAAABBBBCCCCDDDD', 'x-api-key: [REDACTED]'],
    ['{"api_key": "abcd1234efgh5678"}', '{"api_key": "[REDACTED]"}'],
    ['failed with key sk-proj-1234567890abcdefghij in body', 'failed with key [REDACTED] in body'],
    ['https://user:hunter2@proxy.example.com/v1', 'https://[REDACTED]@proxy.example.com/v1'],
    ['google AIzaSyA1234567890abcdefghijklmnopqrstu', 'google [REDACTED]'],
    ['?key=AIzaSyA1234567890abcdefghijklmnopqrstu&x=1', '?key=[REDACTED]&x=1'],
  ];
  for (const [input, expected] of cases) {
    it(`redacts ${input.slice(0, 30)}`, () => {
      const output = redactSecrets(input);
      assert.equal(output, expected);
      assert.equal(looksLikeSecret(output), false);
      assert.equal(looksLikeSecret(input), /sk-|AIza|Bearer|:\/\/\w+:/.test(input));
    });
  }

  it('leaves ordinary text alone', () => {
    const text = 'Rate limit reached for gpt-4.1 in organization org-123 on tokens per min. Retry after 20s.';
    assert.equal(redactSecrets(text), text);
    assert.equal(redactSecrets('socket hang up'), 'socket hang up');
  });
});
