import { strict as assert } from 'node:assert';
import { decodeBits, encodeBits, parseFromWebview, ToWebview } from '../../../src/protocol/history';
import { DEFAULT_FILTER } from '../../../src/protocol/historyFilter';

describe('history protocol', () => {
  it('accepts the messages the view sends', () => {
    for (const message of [
      { type: 'ready', filter: DEFAULT_FILTER },
      { type: 'query', requestId: 'q1', filter: { ...DEFAULT_FILTER, models: ['gpt-4.1'] } },
      { type: 'getRecord', requestId: 'r2', generation: 0, index: 41 },
      { type: 'export', filter: DEFAULT_FILTER },
      { type: 'openBudgetSettings' },
      { type: 'rendered', generation: 2, rows: 100_000 },
    ]) {
      assert.deepEqual(parseFromWebview(message), { ok: true, message });
    }
  });

  it('rejects unknown, malformed and path-carrying messages with the field named', () => {
    assert.equal(parseFromWebview({ type: 'deleteLedger' }).ok, false);
    assert.equal(parseFromWebview('ready').ok, false);
    assert.equal(parseFromWebview(null).ok, false);
    const negative = parseFromWebview({ type: 'getRecord', requestId: 'r', generation: 0, index: -1 });
    assert.deepEqual(negative.ok ? null : negative.reason.split(':')[0], 'index');
    // The export target is always chosen in the extension's save dialog, never by the view.
    const withPath = parseFromWebview({ type: 'export', filter: DEFAULT_FILTER, targetPath: '/etc/passwd' });
    assert.equal(withPath.ok, false);
    assert.equal(parseFromWebview({ type: 'query', requestId: 'q', filter: { ...DEFAULT_FILTER, search: 'x'.repeat(501) } }).ok, false);
  });

  it('round-trips a row bitset', () => {
    const flags = Array.from({ length: 1003 }, (_value, index) => index % 7 === 0 || index === 1002);
    const expected = flags.flatMap((flag, index) => (flag ? [index] : []));
    assert.deepEqual(Array.from(decodeBits(encodeBits(flags), flags.length)), expected);
    assert.deepEqual(Array.from(decodeBits(encodeBits([]), 0)), []);
  });

  it('rejects columns of different lengths', () => {
    const column = (n: number) => Array.from({ length: n }, () => 1);
    const columns = {
      startedAt: column(2), model: column(2), kind: column(2), status: column(2), inputTokens: column(2), cachedTokens: column(2), outputTokens: column(2),
      estimated: column(2), estimateLow: column(2), estimateHigh: column(2), charged: column(1), usd: column(2), latencyMs: column(2), retries: column(2), round: column(2),
    };
    assert.equal(ToWebview.safeParse({ type: 'append', generation: 0, startIndex: 0, models: ['m'], columns }).success, false);
    const valid = { ...columns, charged: column(2) };
    assert.equal(ToWebview.safeParse({ type: 'append', generation: 0, startIndex: 0, models: ['m'], columns: valid }).success, true);
    for (const [name, bad] of [['startedAt', [1, Number.NaN]], ['latencyMs', [1, Infinity]], ['inputTokens', [1, '2']], ['model', [1, 1.5]], ['kind', [-1, 0]], ['charged', [null, {}]], ['usd', 'not an array']] as const) {
      assert.equal(ToWebview.safeParse({ type: 'append', generation: 0, startIndex: 0, models: ['m'], columns: { ...valid, [name]: bad } }).success, false, name);
    }
    assert.equal(ToWebview.safeParse({ type: 'append', generation: 0, startIndex: 0, models: ['m'], columns: { ...valid, charged: [null, 2] } }).success, true, 'unknown charges are null');
    assert.equal(ToWebview.safeParse({ type: 'append', generation: 0, startIndex: 0, models: ['m'], columns: { ...valid, latencyMs: [null, 2] } }).success, false, 'latency is never null');
  });
});
