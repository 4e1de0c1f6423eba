import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parse } from 'csv-parse/sync';
import { CSV_COLUMNS } from '../../../src/core/export';
import type { UsageRecord } from '../../../src/core/ledger';
import { makeRecords, writeLedger } from '../../support/ledgerFixtures';
import { runCli } from './runCli';

const round = (value: number) => Math.round(value * 1e9) / 1e9;
const credits = (records: readonly UsageRecord[]) => round(records.reduce((sum, record) => sum + (record.cost.credits ?? 0), 0));

describe('credit-meter export', () => {
  let dir: string;
  const records = makeRecords(150, { seed: 51, days: 4 });

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cm-export-cli-'));
    await writeLedger(path.join(dir, 'ledger'), records);
  });
  after(() => { fs.rmSync(dir, { recursive: true, force: true }); });

  it('CSV to stdout, in time order, round-trips through csv-parse without prompts', async () => {
    const run = await runCli(['export', '--ledger', 'ledger', '--format', 'csv'], dir);
    assert.equal(run.code, 0, run.err);
    const rows = parse(run.out, { columns: true }) as Array<Record<string, string>>;
    assert.deepEqual(Object.keys(rows[0]), CSV_COLUMNS.map((column) => column.name));
    const sorted = [...records].sort((a, b) => a.startedAt.localeCompare(b.startedAt));
    assert.deepEqual(rows.map((row) => row.id), sorted.map((record) => record.id));
    assert.equal(round(rows.reduce((sum, row) => sum + Number(row.credits), 0)), credits(records));
    assert.ok(!records.some((record) => record.prompt && run.out.includes(record.prompt)));
  });

  it('JSON to a file with filters: header totals match the rows; prompts only with --include-prompts', async () => {
    const run = await runCli(['export', '--ledger', 'ledger', '-o', 'out/usage.json', '--kind', 'plan', '--kind', 'refactor', '--status', 'ok', '--include-prompts'], dir);
    fs.mkdirSync(path.join(dir, 'out'), { recursive: true });
    assert.notEqual(run.code, 0, 'a missing output folder fails');
    assert.match(run.err, /cannot write .*usage\.json: ENOENT/);
    const again = await runCli(['export', '--ledger', 'ledger', '-o', 'out/usage.json', '--kind', 'plan', '--kind', 'refactor', '--status', 'ok', '--include-prompts'], dir);
    assert.equal(again.code, 0, again.err);
    const expected = records.filter((record) => ['plan', 'refactor'].includes(record.kind) && record.outcome.status === 'ok');
    assert.match(again.out, new RegExp(`Exported ${expected.length} record\\(s\\)`));
    const body = JSON.parse(fs.readFileSync(path.join(dir, 'out', 'usage.json'), 'utf8')) as { rowCount: number; filters: unknown; totals: { credits: number }; records: UsageRecord[] };
    assert.equal(body.rowCount, expected.length);
    assert.equal(body.totals.credits, credits(expected));
    assert.deepEqual(body.filters, { kinds: ['plan', 'refactor'], statuses: ['ok'] });
    assert.deepEqual(new Set(body.records.map((record) => record.id)), new Set(expected.map((record) => record.id)));
    assert.ok(body.records.every((record) => typeof record.prompt === 'string'));
  });

  it('JSONL with the format taken from the file name', async () => {
    const run = await runCli(['export', '--ledger', 'ledger', '-o', 'usage.jsonl', '--model', 'claude-haiku-4-5'], dir);
    assert.equal(run.code, 0, run.err);
    const lines = fs.readFileSync(path.join(dir, 'usage.jsonl'), 'utf8').trimEnd().split('\n');
    assert.equal(lines.length, records.filter((record) => record.modelRequested === 'claude-haiku-4-5').length);
    assert.ok(lines.every((line) => (JSON.parse(line) as UsageRecord).modelRequested === 'claude-haiku-4-5'));
  });

  it('refuses to write an empty file unless --allow-empty', async () => {
    const run = await runCli(['export', '--ledger', 'ledger', '-o', 'none.csv', '--model', 'no-such-model'], dir);
    assert.equal(run.code, 1);
    assert.match(run.err, /nothing to export/);
    assert.ok(!fs.existsSync(path.join(dir, 'none.csv')));
    const allowed = await runCli(['export', '--ledger', 'ledger', '-o', 'none.csv', '--model', 'no-such-model', '--allow-empty'], dir);
    assert.equal(allowed.code, 0, allowed.err);
    assert.equal(fs.readFileSync(path.join(dir, 'none.csv'), 'utf8'), CSV_COLUMNS.map((column) => column.name).join(',') + '\r\n');
  });

  const badInputs: Array<[string, string[], RegExp]> = [
    ['no format', ['--ledger', 'ledger'], /--format is required/],
    ['an unknown format', ['--ledger', 'ledger', '--format', 'xlsx'], /--format must be one of csv, json, jsonl/],
    ['a missing folder, named', ['--ledger', 'gone', '--format', 'csv'], /ledger folder not found: .*gone/],
    ['an unknown status', ['--ledger', 'ledger', '--format', 'csv', '--status', 'failed'], /--status must be one of ok, error/],
    ['an unknown option', ['--ledger', 'ledger', '--format', 'csv', '--gzip'], /Unknown option '--gzip'/],
    ['a stray argument', ['--ledger', 'ledger', '--format', 'csv', 'usage.csv'], /unexpected argument 'usage\.csv'/],
  ];
  for (const [what, args, message] of badInputs) {
    it(`rejects ${what} with one line and a non-zero exit`, async () => {
      const run = await runCli(['export', ...args], dir);
      assert.notEqual(run.code, 0);
      assert.match(run.err, message);
      assert.equal(run.err.trimEnd().split('\n').length, 1, run.err);
    });
  }
});
