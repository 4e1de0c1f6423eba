import { strict as assert } from 'node:assert';
import { ModelCodes, toColumns } from '../../../src/views/historyColumns';
import { startOfLocalDay } from '../../../src/protocol/historyFilter';
import { HistoryRows } from '../../../src/webview/history/historyRows';
import { creditsPerDayByModel, estimateVsCharged, scrollToReveal, SORT_COLUMNS, sortKey, sortRows, stack, tokensPerDay, virtualWindow } from '../../../src/webview/history/viewModel';
import { makeRecord, makeRecords } from '../../support/ledgerFixtures';

function rowsOf(records: ReturnType<typeof makeRecords>): HistoryRows {
  const codes = new ModelCodes();
  const rows = new HistoryRows();
  rows.reset(0, [], toColumns(records, codes));
  rows.models = [...codes.names];
  return rows;
}

const all = (rows: HistoryRows) => Uint32Array.from({ length: rows.length }, (_value, index) => index);

describe('history view model', () => {
  const records = makeRecords(500, { seed: 3, days: 10 });
  const rows = rowsOf(records);

  it('sorts by any column, unknown values last in both directions, ties in ledger order', () => {
    const unknown = makeRecord({ cost: { usd: null, credits: null, chargeSource: 'computed', profileVersion: null } });
    const withNull = rowsOf([...records.slice(0, 20), unknown]);
    for (const descending of [false, true]) {
      const order = Array.from(sortRows(withNull, all(withNull), 'charged', descending));
      assert.equal(order[order.length - 1], 20, 'the row without a charge comes last');
      const values = order.slice(0, -1).map((index) => withNull.columns.charged[index] as number);
      const sorted = [...values].sort((a, b) => (descending ? b - a : a - b));
      assert.deepEqual(values, sorted);
    }
    const byModel = Array.from(sortRows(rows, all(rows), 'model', false)).map((index) => rows.modelAt(index));
    assert.deepEqual(byModel, [...byModel].sort());
    const byTimeDesc = Array.from(sortRows(rows, all(rows), 'time', true));
    assert.equal(byTimeDesc[0], rows.length - 1);
    const byKind = Array.from(sortRows(rows, all(rows), 'kind', false));
    for (let i = 1; i < byKind.length; i++) {
      if (rows.kindAt(byKind[i]) === rows.kindAt(byKind[i - 1])) {
        assert.ok(byKind[i] > byKind[i - 1], 'ties keep ledger order');
      }
    }
  });

  it('orders every column by its value in both directions, unknown values last', () => {
    const varied = rowsOf([
      ...records.slice(0, 60),
      makeRecord({ round: 3, outcome: { ...records[0].outcome, retries: 1 } }, 21),
      makeRecord({ round: 0, outcome: { ...records[0].outcome, retries: 1 } }, 22),
      makeRecord({ round: 2, outcome: { ...records[0].outcome, retries: 0 } }, 23),
      makeRecord({ estimate: null }, 24),
    ]);
    for (const column of SORT_COLUMNS) {
      const key = sortKey(varied, column);
      for (const descending of [false, true]) {
        const keys = Array.from(sortRows(varied, all(varied), column, descending), key);
        const known = keys.filter((value) => value !== null);
        assert.deepEqual(keys.slice(known.length), keys.filter((value) => value === null), `${column}: unknown values last`);
        for (let i = 1; i < known.length; i++) {
          const [a, b] = [known[i - 1] as number | string, known[i] as number | string];
          assert.ok(descending ? a >= b : a <= b, `${column} ${descending ? 'descending' : 'ascending'} at ${i}: ${a} then ${b}`);
        }
        assert.ok(new Set(keys).size > 1, `${column} has different values to sort`);
      }
    }
    // Retries first, then the tool round, as the column reads.
    const byRetries = Array.from(sortRows(varied, all(varied), 'retries', true)).slice(0, 2).map((index) => [varied.columns.retries[index], varied.columns.round[index]]);
    assert.deepEqual(byRetries, [[1, 3], [1, 0]]);
  });

  it('keeps ledger order for equal times in both directions', () => {
    const at = '2026-01-05T08:00:00.000Z';
    const same = rowsOf(makeRecords(4, { seed: 9 }).map((record) => ({ ...record, startedAt: at })));
    assert.deepEqual(Array.from(sortRows(same, all(same), 'time', true)), [0, 1, 2, 3]);
    assert.deepEqual(Array.from(sortRows(same, all(same), 'time', false)), [0, 1, 2, 3]);
    const rising = rowsOf(makeRecords(5, { seed: 9 }));
    assert.deepEqual(Array.from(sortRows(rising, all(rising), 'time', true)), [4, 3, 2, 1, 0]);
  });

  it('sorts the difference column as charged minus estimated', () => {
    const order = sortRows(rows, all(rows), 'difference', true);
    const first = rows.differenceAt(order[0]) as number;
    const record = records[order[0]];
    assert.equal(first, (record.cost.credits as number) - (record.estimate?.expected as number));
    assert.ok(Array.from(order).every((index) => (rows.differenceAt(index) as number) <= first));
  });

  it('puts only the visible rows plus overscan in the window', () => {
    const top = virtualWindow({ scrollTop: 0, viewportHeight: 240, rowHeight: 24, rowCount: 100_000, overscan: 5 });
    assert.deepEqual(top, { first: 0, end: 15, totalHeight: 2_400_000 });
    const middle = virtualWindow({ scrollTop: 24 * 5000 + 12, viewportHeight: 240, rowHeight: 24, rowCount: 100_000, overscan: 5 });
    assert.deepEqual([middle.first, middle.end], [4995, 5016]);
    const past = virtualWindow({ scrollTop: 1e9, viewportHeight: 240, rowHeight: 24, rowCount: 100, overscan: 5 });
    assert.deepEqual([past.first, past.end], [85, 100]);
    assert.deepEqual(virtualWindow({ scrollTop: 50, viewportHeight: 240, rowHeight: 24, rowCount: 0, overscan: 5 }), { first: 0, end: 0, totalHeight: 0 });
  });

  it('scrolls just enough to reveal a row', () => {
    assert.equal(scrollToReveal(3, 0, 240, 24), 0);
    assert.equal(scrollToReveal(10, 0, 240, 24), 24);
    assert.equal(scrollToReveal(2, 240, 240, 24), 48);
  });

  it('charts credits per day by model with every charged credit counted once', () => {
    const series = creditsPerDayByModel(rows, all(rows));
    const charted = series.values.flat().reduce((sum, value) => sum + value, 0);
    const charged = records.reduce((sum, record) => sum + (record.cost.credits ?? 0), 0);
    assert.ok(Math.abs(charted - charged) < 1e-6);
    assert.equal(series.days[0], startOfLocalDay(Date.parse(records[0].startedAt)));
    assert.ok(series.days.length >= 10 && series.days.length <= 12);
    const totals = series.values.map((values) => values.reduce((sum, value) => sum + value, 0));
    assert.deepEqual(totals, [...totals].sort((a, b) => b - a), 'biggest model first');
  });

  it('stacks series from the last one up', () => {
    assert.deepEqual(stack([[1, 2], [3, 4], [5, 6]]), [[9, 12], [8, 10], [5, 6]]);
  });

  it('sums tokens per day by part', () => {
    const series = tokensPerDay(rows, all(rows));
    const output = series.values[2].reduce((sum, value) => sum + value, 0);
    assert.equal(output, records.reduce((sum, record) => sum + record.tokens.output, 0));
    assert.deepEqual(series.names, ['input', 'cached', 'output']);
  });

  it('keeps the most recent requests for the estimate chart, in time order', () => {
    const series = estimateVsCharged(rows, sortRows(rows, all(rows), 'charged', true), 50);
    assert.equal(series.times.length, 50);
    assert.equal(series.times[49], Date.parse(records[records.length - 1].startedAt));
    assert.ok(series.times.every((time, index) => index === 0 || time >= series.times[index - 1]));
  });

  it('appends only a batch that continues the rows', () => {
    const grown = rowsOf(records.slice(0, 10));
    const codes = new ModelCodes();
    const batch = toColumns(records.slice(10, 12), codes);
    assert.equal(grown.append(0, 9, codes.names, batch), false);
    assert.equal(grown.append(1, 10, codes.names, batch), false);
    assert.equal(grown.length, 10);
    assert.equal(grown.append(0, 10, codes.names, batch), true);
    assert.equal(grown.length, 12);
  });
});
