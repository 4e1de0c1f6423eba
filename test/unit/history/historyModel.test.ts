import { strict as assert } from 'node:assert';
import { promises as fsp } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Ledger } from '../../../src/core/ledger/ledger';
import type { UsageRecord } from '../../../src/core/ledger/usageRecord';
import { HistoryModel, type HistoryLedger } from '../../../src/views/historyModel';
import { SEARCH_TEXT_LIMIT } from '../../../src/core/ledger/searchIndex';
import { decodeBits } from '../../../src/protocol/history';
import { DEFAULT_FILTER, type HistoryFilter } from '../../../src/protocol/historyFilter';
import { makeRecord, makeRecords } from '../../support/ledgerFixtures';

async function openLedger(records: readonly UsageRecord[]): Promise<{ ledger: Ledger; dir: string }> {
  const dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'cm-history-'));
  const { ledger } = await Ledger.open(dir);
  for (const record of records) {
    await ledger.append(record);
  }
  return { ledger, dir };
}

describe('history model (extension side)', () => {
  const now = Date.parse('2026-01-20T12:00:00Z');
  const records = makeRecords(240, { seed: 5, days: 20, startDate: '2026-01-01T08:00:00Z' });
  let ledger: Ledger;
  let dir: string;

  before(async () => {
    ({ ledger, dir } = await openLedger(records));
  });

  after(async () => {
    await ledger.close();
    await fsp.rm(dir, { recursive: true, force: true });
  });

  it('loads every record as one row, oldest first, with model codes', async () => {
    const { model, columns } = await HistoryModel.load(ledger, 3);
    assert.equal(model.length, records.length);
    assert.equal(columns.startedAt.length, records.length);
    const sorted = [...records].sort((a, b) => Date.parse(a.startedAt) - Date.parse(b.startedAt));
    assert.equal(columns.startedAt[0], Date.parse(sorted[0].startedAt));
    assert.equal(model.models[columns.model[5]], sorted[5].modelRequested);
    assert.equal((await model.record(5))?.id, sorted[5].id);
    assert.equal(await model.record(records.length), undefined);
  });

  it('reads a record with the code blocks its notes say were applied (the details drawer\'s count)', async () => {
    const sorted = [...records].sort((a, b) => Date.parse(a.startedAt) - Date.parse(b.startedAt));
    const answered = sorted.findIndex((record) => record.outcome.status === 'ok' && sorted.filter((other) => other.turnId === record.turnId).length === 1);
    await ledger.noteApplied({ turnId: sorted[answered].turnId, appliedBlock: 0 });
    await ledger.noteApplied({ turnId: sorted[answered].turnId, appliedBlock: 3 });
    const { model } = await HistoryModel.load(ledger, 0);
    assert.equal((await model.record(answered))?.appliedBlocks, 2);
    assert.equal((await model.record(answered === 0 ? 1 : 0))?.appliedBlocks, 0);
  });

  it('selects exactly what the ledger selects for the same filter, with the ledger totals', async () => {
    const { model } = await HistoryModel.load(ledger, 0);
    const filters: HistoryFilter[] = [
      { ...DEFAULT_FILTER, range: 'all' },
      { ...DEFAULT_FILTER, range: 'all', models: ['gpt-4.1'] },
      { ...DEFAULT_FILTER, range: 'custom', since: '2026-01-05', until: '2026-01-09', kinds: ['fix', 'plan'] },
      { ...DEFAULT_FILTER, range: 'last7', statuses: ['error', 'cancelled'] },
      { ...DEFAULT_FILTER, range: 'all', search: 'paginate' },
    ];
    for (const filter of filters) {
      const selection = await model.select(filter, now);
      const rows = decodeBits(selection.matches, selection.rowCount);
      assert.equal(rows.length, selection.totals.requests, JSON.stringify(filter));
      const picked = await Promise.all(Array.from(rows, (row) => model.record(row)));
      const credits = picked.reduce((sum, record) => sum + (record?.cost.credits ?? 0), 0);
      assert.ok(Math.abs(credits - selection.totals.credits) < 1e-6);
      for (const record of picked) {
        assert.ok(record);
        if (filter.models.length > 0) {
          assert.ok(filter.models.includes(record.modelRequested));
        }
        if (filter.search) {
          assert.match(JSON.stringify(record).toLowerCase(), /paginate/);
        }
      }
    }
    const all = await model.select({ ...DEFAULT_FILTER, range: 'all' }, now);
    assert.equal(all.totals.requests, records.length);
    const gpt = await model.select({ ...DEFAULT_FILTER, range: 'all', models: ['gpt-4.1'] }, now);
    assert.ok(gpt.totals.requests > 0 && gpt.totals.requests < records.length);
  });

  it('sums today, this week and this month over every row, whatever the filter', async () => {
    const { model } = await HistoryModel.load(ledger, 0);
    const selection = await model.select({ ...DEFAULT_FILTER, range: 'all', models: ['no-such-model'] }, now);
    assert.equal(selection.totals.requests, 0);
    const startOfToday = new Date(now);
    startOfToday.setHours(0, 0, 0, 0);
    const today = records.filter((record) => Date.parse(record.startedAt) >= startOfToday.getTime()).length;
    assert.equal(selection.periods.today.requests, today);
    assert.ok(selection.periods.month.requests >= selection.periods.week.requests);
    assert.ok(selection.periods.week.requests >= selection.periods.today.requests);
  });

  it('appends only records it has not shown yet', async () => {
    const { model } = await HistoryModel.load(ledger, 0);
    const extra = makeRecords(3, { seed: 99, startDate: '2026-01-20T09:00:00Z' });
    const batch = model.append([...extra, extra[0], records[0]]);
    assert.ok(batch);
    assert.equal(batch.startIndex, records.length);
    assert.equal(batch.columns.startedAt.length, 3);
    assert.equal(model.append([extra[1]]), null);
    assert.equal(model.length, records.length + 3);
  });

  describe('text search', () => {
    const long = 'x'.repeat(SEARCH_TEXT_LIMIT + 500);
    const extra: UsageRecord[] = [
      makeRecord({ id: 'a0000000-0000-4000-8000-000000000001', startedAt: '2026-01-10T10:00:00.000Z', prompt: `${long} needle-past-the-cut` }, 1),
      makeRecord({ id: 'a0000000-0000-4000-8000-000000000002', startedAt: '2026-01-10T10:01:00.000Z', prompt: `${long} something else` }, 2),
      makeRecord({ id: 'a0000000-0000-4000-8000-000000000003', startedAt: '2026-01-10T10:02:00.000Z', prompt: undefined, contexts: [{ kind: 'file', label: 'src/Needle-In-Label.ts', tokens: 10, bytes: 40 }] as UsageRecord['contexts'] }, 3),
      makeRecord({ id: 'a0000000-0000-4000-8000-000000000004', startedAt: '2026-01-10T10:03:00.000Z', outcome: { ...makeRecord({}, 4).outcome, status: 'error', errorClass: 'RateLimitError', errorMessage: 'NEEDLE in the error' } }, 4),
    ];
    let searchLedger: Ledger;
    let searchDir: string;

    before(async () => {
      ({ ledger: searchLedger, dir: searchDir } = await openLedger([...records, ...extra]));
    });

    after(async () => {
      await searchLedger.close();
      await fsp.rm(searchDir, { recursive: true, force: true });
    });

    /** The real ledger, counting the full records read back from disk. */
    function counting(target: Ledger): { ledger: HistoryLedger; reads: () => number } {
      let reads = 0;
      return {
        ledger: {
          records: (filter, options) => target.records(filter, options),
          summaries: (filter) => target.summaries(filter),
          get: (id) => {
            reads += 1;
            return target.get(id);
          },
        },
        reads: () => reads,
      };
    }

    it('selects exactly the rows the ledger\'s own text filter selects, with the same totals', async () => {
      const { model } = await HistoryModel.load(searchLedger, 0);
      const searches = ['paginate', 'NEEDLE', 'needle-past-the-cut', 'src/', 'gpt-4.1', 'ratelimit', 'zz-no-such-text', extra[2].id.slice(0, 13), '  Fix the  '];
      for (const search of searches) {
        for (const base of [{ ...DEFAULT_FILTER, range: 'all' as const }, { ...DEFAULT_FILTER, range: 'all' as const, models: ['gpt-4.1'], statuses: ['ok' as const] }]) {
          const filter: HistoryFilter = { ...base, search };
          const selection = await model.select(filter, now);
          const ledgerRows = await searchLedger.summaries({ ...(filter.models.length > 0 ? { models: filter.models } : {}), ...(filter.statuses.length > 0 ? { statuses: filter.statuses } : {}), text: search });
          const ids = Array.from(decodeBits(selection.matches, selection.rowCount), (row) => model.idAt(row)).sort();
          assert.deepEqual(ids, ledgerRows.map((summary) => summary.id).sort(), `${JSON.stringify(search)} ${JSON.stringify(base)}`);
          const totals = await searchLedger.totals({ ...(filter.models.length > 0 ? { models: filter.models } : {}), ...(filter.statuses.length > 0 ? { statuses: filter.statuses } : {}), text: search });
          assert.equal(selection.totals.requests, totals.requests);
          assert.ok(Math.abs(selection.totals.credits - totals.credits) < 1e-9);
        }
      }
      assert.equal((await model.select({ ...DEFAULT_FILTER, range: 'all', search: 'needle-past-the-cut' }, now)).totals.requests, 1, 'text past the kept prefix is still found');
      assert.equal((await model.select({ ...DEFAULT_FILTER, range: 'all', search: 'needle' }, now)).totals.requests, 3, 'prompt, context label and error message');
    });

    it('answers from memory: full records are read back only for rows whose text was cut and did not match', async () => {
      const { ledger: countingLedger, reads } = counting(searchLedger);
      const { model } = await HistoryModel.load(countingLedger, 0);
      await model.select({ ...DEFAULT_FILTER, range: 'all', search: 'paginate' }, now);
      // Two records are longer than the limit; neither holds "paginate" in its kept part.
      assert.equal(reads(), 2);
      await model.select({ ...DEFAULT_FILTER, range: 'all', search: 'xxx' }, now);
      assert.equal(reads(), 2, 'both long rows match in their kept part: nothing read');
    });

    it('leaves many long rows the index cannot decide to the ledger\'s own batched search', async () => {
      const many = makeRecords(300, { seed: 12, days: 3, startDate: '2026-01-12T08:00:00Z' }).map((record, index) => ({ ...record, prompt: `${long} ${index % 7 === 0 ? 'rare-word' : ''}` }));
      const { ledger: manyLedger, dir: manyDir } = await openLedger(many);
      try {
        const { ledger: countingLedger, reads } = counting(manyLedger);
        const { model } = await HistoryModel.load(countingLedger, 0);
        const selection = await model.select({ ...DEFAULT_FILTER, range: 'all', search: 'rare-word' }, now);
        assert.equal(reads(), 0, 'no record read one by one');
        assert.equal(selection.totals.requests, many.filter((record) => record.prompt?.includes('rare-word')).length);
        assert.equal(selection.totals.requests, (await manyLedger.totals({ text: 'rare-word' })).requests);
      } finally {
        await manyLedger.close();
        await fsp.rm(manyDir, { recursive: true, force: true });
      }
    });

    it('indexes appended rows too', async () => {
      const { model } = await HistoryModel.load(searchLedger, 0);
      const fresh = makeRecord({ id: 'a0000000-0000-4000-8000-0000000000ff', startedAt: '2026-01-11T10:00:00.000Z', prompt: 'a brand new Quokka prompt' }, 9);
      await searchLedger.append(fresh);
      assert.ok(model.append([fresh]));
      const selection = await model.select({ ...DEFAULT_FILTER, range: 'all', search: 'quokka' }, now);
      assert.deepEqual(Array.from(decodeBits(selection.matches, selection.rowCount), (row) => model.idAt(row)), [fresh.id]);
    });
  });
});
