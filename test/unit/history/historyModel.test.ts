import { strict as assert } from 'node:assert';
import { promises as fsp } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Ledger } from '../../../src/core/ledger/ledger';
import type { UsageRecord } from '../../../src/core/ledger/usageRecord';
import { HistoryModel } from '../../../src/extension/history/historyModel';
import { decodeBits } from '../../../src/protocol/history';
import { DEFAULT_FILTER, type HistoryFilter } from '../../../src/protocol/historyFilter';
import { makeRecords } from '../../support/ledgerFixtures';

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
});
