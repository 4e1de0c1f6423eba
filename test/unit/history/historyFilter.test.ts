import { strict as assert } from 'node:assert';
import { DEFAULT_FILTER, HistoryFilter, parseLocalDay, resolveRange, startOfLocalWeek, toLedgerFilter } from '../../../src/protocol/historyFilter';

const now = new Date(2026, 2, 18, 15, 30).getTime(); // Wednesday 18 March 2026, 15:30 local

describe('history filter', () => {
  it('resolves each range preset to local day boundaries', () => {
    assert.deepEqual(resolveRange({ range: 'today' }, now), { sinceMs: new Date(2026, 2, 18).getTime(), untilMs: null });
    assert.deepEqual(resolveRange({ range: 'last7' }, now), { sinceMs: new Date(2026, 2, 12).getTime(), untilMs: null });
    assert.deepEqual(resolveRange({ range: 'last30' }, now), { sinceMs: new Date(2026, 1, 17).getTime(), untilMs: null });
    assert.deepEqual(resolveRange({ range: 'thisMonth' }, now), { sinceMs: new Date(2026, 2, 1).getTime(), untilMs: null });
    assert.deepEqual(resolveRange({ range: 'all' }, now), { sinceMs: null, untilMs: null });
  });

  it('makes custom dates inclusive of the whole last day', () => {
    const window = resolveRange({ range: 'custom', since: '2026-03-01', until: '2026-03-02' }, now);
    assert.equal(window.sinceMs, new Date(2026, 2, 1).getTime());
    assert.equal(window.untilMs, new Date(2026, 2, 3).getTime());
    assert.deepEqual(resolveRange({ range: 'custom' }, now), { sinceMs: null, untilMs: null });
  });

  it('starts weeks on Monday', () => {
    assert.equal(startOfLocalWeek(now), new Date(2026, 2, 16).getTime());
    assert.equal(startOfLocalWeek(new Date(2026, 2, 22, 23).getTime()), new Date(2026, 2, 16).getTime());
  });

  it('rejects impossible dates and reversed ranges, naming the field', () => {
    assert.equal(parseLocalDay('2026-02-30'), null);
    assert.equal(HistoryFilter.safeParse({ ...DEFAULT_FILTER, range: 'custom', since: '2026-02-30' }).success, false);
    const reversed = HistoryFilter.safeParse({ ...DEFAULT_FILTER, range: 'custom', since: '2026-03-05', until: '2026-03-01' });
    assert.equal(reversed.success, false);
    assert.deepEqual(reversed.error?.issues[0].path, ['until']);
    assert.equal(HistoryFilter.safeParse({ ...DEFAULT_FILTER, kinds: ['poetry'] }).success, false);
  });

  it('translates to the core ledger filter, leaving empty parts out', () => {
    assert.deepEqual(toLedgerFilter({ ...DEFAULT_FILTER, range: 'all' }, now), {});
    const filter = toLedgerFilter({ range: 'today', models: ['gpt-4.1'], kinds: ['fix'], statuses: ['ok'], search: '  paginate ' }, now);
    assert.deepEqual(filter, { since: new Date(2026, 2, 18).toISOString(), models: ['gpt-4.1'], kinds: ['fix'], statuses: ['ok'], text: 'paginate' });
  });
});
