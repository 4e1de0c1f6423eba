import { strict as assert } from 'node:assert';
import { promises as fsp } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parse } from 'csv-parse/sync';
import { Ledger } from '../../../src/core/ledger/ledger';
import { defaultFileName, describeWriteError, filterOf, formatOfPath, ledgerFilterOf, parseExportOptions } from '../../../src/views/exportOptions';
import { EmptyExportError, writeUsageExport } from '../../../src/core/export/writeUsageExport';
import { HistoryModel } from '../../../src/views/historyModel';
import { makeRecords } from '../../support/ledgerFixtures';

describe('export usage', () => {
  const now = Date.parse('2026-01-20T12:00:00Z');
  const records = makeRecords(200, { seed: 8, days: 15, startDate: '2026-01-03T08:00:00Z' });
  let ledger: Ledger;
  let dir: string;
  let out: string;

  before(async () => {
    dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'cm-export-'));
    out = path.join(dir, 'out');
    await fsp.mkdir(out);
    ({ ledger } = await Ledger.open(path.join(dir, 'ledger')));
    for (const record of records) {
      await ledger.append(record);
    }
  });

  after(async () => {
    await ledger.close();
    await fsp.rm(dir, { recursive: true, force: true });
  });

  describe('options', () => {
    it('accepts the documented options object and fills defaults', () => {
      const options = parseExportOptions({ format: 'jsonl', since: '2026-01-05', models: ['gpt-4.1'], targetPath: '/tmp/x.jsonl' });
      assert.deepEqual(filterOf(options), { range: 'custom', since: '2026-01-05', models: ['gpt-4.1'], kinds: [], statuses: [], search: '' });
      assert.deepEqual(filterOf(parseExportOptions(undefined)), { range: 'all', models: [], kinds: [], statuses: [], search: '' });
    });

    it('names the field of a bad option', () => {
      assert.throws(() => parseExportOptions({ format: 'xlsx' }), /format/);
      assert.throws(() => parseExportOptions({ targetPath: 'relative/file.csv' }), /targetPath: an absolute file path/);
      assert.throws(() => parseExportOptions({ since: '2026-13-01' }), /since/);
      assert.throws(() => parseExportOptions({ kinds: ['poem'] }), /kinds/);
      assert.throws(() => parseExportOptions({ destination: '/tmp' }), /options|destination/);
      assert.throws(() => filterOf(parseExportOptions({ since: '2026-02-01', until: '2026-01-01' })), /until/);
    });

    it('derives the format from the file name and names the file by date', () => {
      assert.equal(formatOfPath('/a/b.JSONL'), 'jsonl');
      assert.equal(formatOfPath('/a/b.txt'), 'csv');
      assert.equal(defaultFileName('json', new Date(2026, 2, 8, 23, 59).getTime()), 'credit-usage-2026-03-08.json');
    });

    it('explains write errors a user can act on', () => {
      const error = (code: string) => Object.assign(new Error(code), { code });
      assert.match(describeWriteError(error('EACCES'), '/r/o.csv'), /read-only/);
      assert.match(describeWriteError(error('ENOSPC'), '/r/o.csv'), /disk is full/);
      assert.match(describeWriteError(error('ENOENT'), '/r/o.csv'), /does not exist/);
    });
  });

  it('writes the rows and credits the history view shows for the same filter', async () => {
    const { model } = await HistoryModel.load(ledger, 0);
    for (const [index, options] of [
      { format: 'csv', range: 'all' },
      { format: 'json', models: ['claude-sonnet-4-5'] },
      { format: 'jsonl', since: '2026-01-06', until: '2026-01-10', kinds: ['fix', 'explain'], statuses: ['ok'] },
    ].entries()) {
      const parsed = parseExportOptions(options);
      const filter = ledgerFilterOf(parsed, now);
      const target = path.join(out, `usage-${index}.${parsed.format}`);
      const written = await writeUsageExport(ledger, { format: parsed.format!, filter, includePrompts: false, targetPath: target });
      const view = await model.select(filterOf(parsed), now);
      assert.equal(written.rows, view.totals.requests, JSON.stringify(options));
      assert.ok(Math.abs(written.totalCredits - view.totals.credits) < 1e-9);
      const text = await fsp.readFile(target, 'utf8');
      const ids = parsed.format === 'csv'
        ? (parse(text, { columns: true }) as { id: string }[]).map((row) => row.id)
        : parsed.format === 'json'
          ? (JSON.parse(text) as { records: { id: string }[] }).records.map((record) => record.id)
          : text.trim().split('\n').map((line) => (JSON.parse(line) as { id: string }).id);
      assert.equal(ids.length, written.rows);
      assert.ok(!text.includes(records[0].prompt ?? '\u0000'), 'prompts stay out unless asked for');
    }
  });

  it('refuses an empty selection without creating a file', async () => {
    const target = path.join(out, 'empty.csv');
    await assert.rejects(writeUsageExport(ledger, { format: 'csv', filter: { models: ['nobody'] }, includePrompts: false, targetPath: target }), EmptyExportError);
    await assert.rejects(fsp.stat(target), /ENOENT/);
  });

  it('leaves no file behind when cancelled or when the folder is missing', async () => {
    const abort = new AbortController();
    const target = path.join(out, 'cancelled.csv');
    let progressed = 0;
    await assert.rejects(writeUsageExport(ledger, {
      format: 'csv', filter: {}, includePrompts: false, targetPath: target, signal: abort.signal,
      onProgress: () => {
        progressed += 1;
        abort.abort();
      },
    }), { name: 'AbortError' });
    assert.ok(progressed > 0);
    const left = (await fsp.readdir(out)).filter((name) => name.includes('cancelled'));
    assert.deepEqual(left, []);
    await assert.rejects(writeUsageExport(ledger, { format: 'csv', filter: {}, includePrompts: false, targetPath: path.join(out, 'missing', 'x.csv') }), /ENOENT/);
  });

  it('keeps what was at the target when the final rename fails or the export is cancelled, and leaves no part file', async () => {
    const folder = path.join(out, 'occupied');
    await fsp.mkdir(path.join(folder, 'usage.csv'), { recursive: true });
    const error = await writeUsageExport(ledger, { format: 'csv', filter: {}, includePrompts: false, targetPath: path.join(folder, 'usage.csv') }).then(() => undefined, (caught: unknown) => caught);
    assert.ok(error, 'a folder in the way fails the export');
    assert.match(describeWriteError(error, path.join(folder, 'usage.csv')), /usage\.csv/);
    assert.ok((await fsp.stat(path.join(folder, 'usage.csv'))).isDirectory());
    assert.deepEqual(await fsp.readdir(folder), ['usage.csv'], 'no part file left beside it');

    const existing = path.join(out, 'previous.csv');
    await fsp.writeFile(existing, 'an earlier export\n');
    const abort = new AbortController();
    await assert.rejects(writeUsageExport(ledger, { format: 'csv', filter: {}, includePrompts: false, targetPath: existing, signal: abort.signal, onProgress: () => abort.abort() }), { name: 'AbortError' });
    assert.equal(await fsp.readFile(existing, 'utf8'), 'an earlier export\n');
    assert.deepEqual((await fsp.readdir(out)).filter((name) => name.includes('previous') && name !== 'previous.csv'), []);
  });
});
