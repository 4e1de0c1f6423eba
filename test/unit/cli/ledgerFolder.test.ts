import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parse } from 'csv-parse/sync';
import { csvColumns } from '../../../src/core/export';
import { SEGMENTS_DIR, SNAPSHOT_FILE, type UsageRecord } from '../../../src/core/ledger';
import { Col, STRIDE } from '../../../src/core/ledger/summaryTable';
import { makeRecords, writeLedger } from '../../support/ledgerFixtures';
import { runCli } from './runCli';

const round = (value: number) => Math.round(value * 1e9) / 1e9;
const credits = (records: readonly UsageRecord[]) => round(records.reduce((sum, record) => sum + (record.cost.credits ?? 0), 0));

describe('credit-meter report / export: the folder given, what was skipped, and the help', () => {
  let dir: string;
  beforeEach(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cm-ledger-cli-')); });
  afterEach(() => { fs.rmSync(dir, { recursive: true, force: true }); });

  it('the workspace storage folder (the parent of ledger/) is not a ledger: the error names the folder inside', async () => {
    const storage = path.join(dir, 'workspaceStorage', '0123abcd', 'credit-meter.credit-meter');
    await writeLedger(path.join(storage, 'ledger'), makeRecords(3, { seed: 71 }));
    for (const verb of [['report'], ['export', '--format', 'csv']]) {
      const run = await runCli([...verb, '--ledger', storage], dir);
      assert.notEqual(run.code, 0, verb[0]);
      assert.equal(run.out, '');
      assert.match(run.err, /is not a ledger folder; the ledger is in .*credit-meter\.credit-meter[/\\]ledger \(try --ledger /, run.err);
      assert.equal(run.err.trimEnd().split('\n').length, 1);
    }
    // Two levels up (the workspace's storage hash folder) still finds it.
    const deeper = await runCli(['report', '--ledger', path.join(dir, 'workspaceStorage', '0123abcd')], dir);
    assert.notEqual(deeper.code, 0);
    assert.match(deeper.err, /try --ledger workspaceStorage\/0123abcd\/credit-meter\.credit-meter\/ledger\)/);
    // The suggestion works.
    const right = await runCli(['report', '--ledger', path.join(storage, 'ledger'), '--json'], dir);
    assert.equal(right.code, 0, right.err);
    assert.equal((JSON.parse(right.out) as { totals: { requests: number } }).totals.requests, 3);
  });

  it('a folder with other things in it and no ledger anywhere below is an error, not "No usage recorded"', async () => {
    fs.writeFileSync(path.join(dir, 'notes.txt'), 'hello');
    const run = await runCli(['report', '--ledger', dir], dir);
    assert.notEqual(run.code, 0);
    assert.match(run.err, /is not a Credit Meter ledger folder/);
  });

  it('a damaged index.bin: totals right, and both verbs say the index was rebuilt', async () => {
    const records = makeRecords(40, { seed: 72 });
    const ledger = path.join(dir, 'ledger');
    await writeLedger(ledger, records);
    const snapshot = fs.readFileSync(path.join(ledger, SNAPSHOT_FILE));
    const headerLength = snapshot.readUInt32LE(4);
    const rows = 8 + headerLength + ((8 - ((8 + headerLength) % 8)) % 8);
    snapshot.writeDoubleLE(1e9, rows + (3 * STRIDE + Col.credits) * 8);
    fs.writeFileSync(path.join(ledger, SNAPSHOT_FILE), snapshot);
    const report = await runCli(['report', '--ledger', 'ledger', '--json'], dir);
    assert.equal(report.code, 0, report.err);
    const body = JSON.parse(report.out) as { totals: { credits: number }; indexRebuilt: string | null };
    assert.equal(body.totals.credits, credits(records));
    assert.match(body.indexRebuilt ?? '', /index\.bin is damaged \(checksum mismatch\)/);
    // The reader rebuilt it (the folder is writable), so the next run has nothing to say.
    fs.writeFileSync(path.join(ledger, SNAPSHOT_FILE), snapshot);
    const exported = await runCli(['export', '--ledger', 'ledger', '--format', 'json'], dir);
    assert.equal(exported.code, 0, exported.err);
    assert.match(exported.err, /index was rebuilt from its segments: index\.bin is damaged/);
    const json = JSON.parse(exported.out) as { totals: { credits: number }; records: UsageRecord[] };
    assert.equal(json.totals.credits, credits(records));
    assert.equal(json.totals.credits, credits(json.records));
  });

  it('export counts damaged and newer-schema lines on stderr and in the JSON header; report in the table and --json', async () => {
    const records = makeRecords(6, { seed: 73 });
    const ledger = path.join(dir, 'ledger');
    fs.mkdirSync(path.join(ledger, SEGMENTS_DIR), { recursive: true });
    fs.writeFileSync(path.join(ledger, SEGMENTS_DIR, '20260101T000000000Z-999999999-old.jsonl'), [
      ...records.slice(0, 5).map((record) => JSON.stringify(record)),
      JSON.stringify({ ...records[5], schemaVersion: 7 }),
      '{"schemaVersion":3,"id":',
      '',
    ].join('\n'));
    const csv = await runCli(['export', '--ledger', 'ledger', '--format', 'csv'], dir);
    assert.equal(csv.code, 0, csv.err);
    assert.equal((parse(csv.out, { columns: true }) as unknown[]).length, 5);
    assert.match(csv.err, /1 unreadable ledger line\(s\) were skipped/);
    assert.match(csv.err, /1 record\(s\) were written by a newer version of Credit Meter/);
    const json = await runCli(['export', '--ledger', 'ledger', '--format', 'json'], dir);
    assert.deepEqual((JSON.parse(json.out) as { skipped: unknown }).skipped, { damaged: 1, newerSchema: 1, quarantined: 0 });
    const table = await runCli(['report', '--ledger', 'ledger'], dir);
    assert.match(table.out, /1 unreadable ledger line\(s\) were skipped and are not counted/);
    assert.match(table.out, /1 record\(s\) were written by a newer version of Credit Meter and are not counted/);
    const body = JSON.parse((await runCli(['report', '--ledger', 'ledger', '--json'], dir)).out) as { skipped: unknown; totals: { requests: number } };
    assert.deepEqual(body.skipped, { damaged: 1, newerSchema: 1 });
    assert.equal(body.totals.requests, 5);
  });

  it('an unknown option is named with its quotes closed, in every verb', async () => {
    for (const verb of ['report', 'export', 'count', 'estimate']) {
      const run = await runCli([verb, '--colour=yes'], dir);
      assert.equal(run.code, 2, verb);
      assert.match(run.err, new RegExp(`^credit-meter ${verb}: Unknown option '--colour' \\(try --help\\)\\n$`), run.err);
      assert.equal((run.err.match(/'/g) ?? []).length % 2, 0, run.err);
      assert.equal((run.err.match(/"/g) ?? []).length % 2, 0, run.err);
    }
  });

  it('help is self-contained: every --by grouping is listed, and no verb points at a file the package does not ship', async () => {
    const report = await runCli(['report', '--help'], dir);
    const byLine = report.out.split('\n').find((line) => line.includes('--by'))!;
    for (const grouping of ['day', 'model', 'kind', 'status']) {
      assert.ok(byLine.includes(grouping), byLine);
    }
    for (const verb of ['report', 'export', 'count', 'estimate', '--help']) {
      const run = await runCli(verb === '--help' ? [verb] : [verb, '--help'], dir);
      assert.equal(run.code, 0, verb);
      assert.doesNotMatch(run.out, /src\/|README|\.md\b/, verb);
    }
  });

  it('export --columns lists every CSV column in order, with its meaning', async () => {
    const run = await runCli(['export', '--columns'], dir);
    assert.equal(run.code, 0, run.err);
    const lines = run.out.trimEnd().split('\n').slice(1);
    const columns = csvColumns(true);
    assert.equal(lines.length, columns.length);
    columns.forEach((column, i) => {
      assert.match(lines[i], new RegExp(`^\\s*${i + 1}  ${column.name} +(number|text|time) +\\S`), lines[i]);
    });
    assert.match(run.out, /credits +number +Credits charged/);
  });
});
