import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { SEGMENTS_DIR } from '../../../src/core/ledger';
import { makeRecords, writeLedger } from '../../support/ledgerFixtures';
import { runCli } from './runCli';

const round = (value: number) => Math.round(value * 1e9) / 1e9;

interface ReportJson {
  rows: Array<Record<string, unknown> & { requests: number; credits: number; usd: number; inputTokens: number; outputTokens: number; served?: string[] }>;
  totals: { requests: number; credits: number; usd: number; inputTokens: number; outputTokens: number };
  quarantined: number;
  skipped: { damaged: number; newerSchema: number };
  indexRebuilt: string | null;
}

describe('credit-meter report', () => {
  let dir: string;
  const records = makeRecords(200, { seed: 41, days: 5 });

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cm-report-'));
    await writeLedger(path.join(dir, 'ledger'), records);
  });
  after(() => { fs.rmSync(dir, { recursive: true, force: true }); });

  it('--json: one row per UTC day, totals that add up to the records', async () => {
    const run = await runCli(['report', '--ledger', 'ledger', '--json'], dir);
    assert.equal(run.code, 0, run.err);
    const body = JSON.parse(run.out) as ReportJson;
    const days = [...new Set(records.map((record) => record.startedAt.slice(0, 10)))].sort();
    assert.deepEqual(body.rows.map((row) => row.day), days);
    assert.deepEqual(Object.keys(body.totals).sort(), ['credits', 'inputTokens', 'outputTokens', 'requests', 'usd']);
    assert.equal(body.totals.requests, 200);
    assert.equal(body.totals.credits, round(records.reduce((sum, record) => sum + (record.cost.credits ?? 0), 0)));
    assert.equal(body.totals.outputTokens, records.reduce((sum, record) => sum + record.tokens.output, 0));
    assert.equal(body.totals.inputTokens, records.reduce((sum, record) => sum + record.tokens.input + record.tokens.cacheRead + record.tokens.cacheWrite, 0));
    assert.equal(round(body.rows.reduce((sum, row) => sum + row.credits, 0)), body.totals.credits);
    assert.equal(body.quarantined, 0);
  });

  it('filters by model, kind and dates (a bare --until day is included), grouped by model', async () => {
    const run = await runCli(['report', '--ledger', path.join(dir, 'ledger'), '--model', 'gpt-4.1', '--model', 'o4-mini', '--kind', 'fix', '--since', '2026-01-06', '--until', '2026-01-07', '--by', 'model', '--json'], dir);
    assert.equal(run.code, 0, run.err);
    const body = JSON.parse(run.out) as ReportJson;
    const expected = records.filter((record) => ['gpt-4.1', 'o4-mini'].includes(record.modelRequested) && record.kind === 'fix'
      && record.startedAt >= '2026-01-06' && record.startedAt < '2026-01-08');
    assert.ok(expected.length > 0);
    assert.equal(body.totals.requests, expected.length);
    assert.deepEqual(body.rows.map((row) => row.model).sort(), [...new Set(expected.map((record) => record.modelRequested))].sort());
  });

  it('--by model: one row per model asked for, failures included, with the served names alongside', async () => {
    const mixed = makeRecords(60, { seed: 42, models: ['claude-sonnet-4-5', 'gpt-4.1'], errorRate: 0.3 });
    await writeLedger(path.join(dir, 'by-model'), mixed);
    const run = await runCli(['report', '--ledger', 'by-model', '--by', 'model', '--json'], dir);
    assert.equal(run.code, 0, run.err);
    const body = JSON.parse(run.out) as ReportJson;
    assert.deepEqual(body.rows.map((row) => row.model), ['claude-sonnet-4-5', 'gpt-4.1'], 'no separate row for a served (dated) name');
    for (const row of body.rows) {
      const mine = mixed.filter((record) => record.modelRequested === row.model);
      assert.equal(row.requests, mine.length, String(row.model));
      assert.deepEqual(row.served, [...new Set(mine.flatMap((record) => (record.modelServed === null ? [] : [record.modelServed])))].sort());
    }
    const sonnet = mixed.filter((record) => record.modelRequested === 'claude-sonnet-4-5');
    assert.ok(sonnet.some((record) => record.modelServed === null) && sonnet.some((record) => record.modelServed === 'claude-sonnet-4-5-20250929'), 'the fixture has a failure and a dated served name');
    const table = await runCli(['report', '--ledger', 'by-model', '--by', 'model'], dir);
    assert.match(table.out, /Served as/);
    const line = table.out.split('\n').find((text) => text.startsWith('│ claude-sonnet-4-5 '));
    assert.ok(line?.includes('claude-sonnet-4-5-20250929'), line);
    assert.equal(table.out.split('\n').filter((text) => text.startsWith('│ claude-sonnet-4-5')).length, 1);
  });

  it('prints a table with a total row and the estimate accuracy', async () => {
    const run = await runCli(['report', '--ledger', path.join(dir, 'ledger'), '--by', 'kind'], dir);
    assert.equal(run.code, 0, run.err);
    const lines = run.out.split('\n');
    assert.match(lines[1], /Kind .*Requests .*Input .*Output .*Credits .*USD .*Estimate accuracy/);
    for (const kind of new Set(records.map((record) => record.kind))) {
      assert.ok(lines.some((line) => line.startsWith(`│ ${kind} `)), kind);
    }
    const total = lines.find((line) => line.startsWith('│ Total'))!;
    assert.ok(total.includes(' 200 '), total);
    assert.match(total, /±\d+%, \d+% in range/);
  });

  it('an empty ledger folder is zero rows, not an error', async () => {
    const empty = path.join(dir, 'empty');
    fs.mkdirSync(empty);
    const run = await runCli(['report', '--ledger', empty, '--json'], dir);
    assert.equal(run.code, 0, run.err);
    assert.deepEqual(JSON.parse(run.out), {
      rows: [], totals: { requests: 0, credits: 0, usd: 0, inputTokens: 0, outputTokens: 0 }, quarantined: 0, skipped: { damaged: 0, newerSchema: 0 }, indexRebuilt: null,
    });
    const table = await runCli(['report', '--ledger', empty], dir);
    assert.match(table.out, /No usage recorded/);
    assert.deepEqual(fs.readdirSync(empty), [], 'reading a folder without a ledger leaves it untouched');
  });

  it('counts an unreadable line as skipped, and leaves the folder as it was (a report only reads)', async () => {
    const broken = path.join(dir, 'broken');
    await writeLedger(broken, records.slice(0, 3));
    const [segment] = fs.readdirSync(path.join(broken, SEGMENTS_DIR)).filter((name) => name.endsWith('.jsonl'));
    fs.appendFileSync(path.join(broken, SEGMENTS_DIR, segment), '{"schemaVersion":2,"id":"half');
    const before = fs.readFileSync(path.join(broken, SEGMENTS_DIR, segment));
    const run = await runCli(['report', '--ledger', broken, '--json'], dir);
    assert.equal(run.code, 0, run.err);
    const body = JSON.parse(run.out) as ReportJson;
    assert.deepEqual(body.skipped, { damaged: 1, newerSchema: 0 });
    assert.equal(body.quarantined, 0);
    assert.equal(body.totals.requests, 3);
    assert.deepEqual(fs.readFileSync(path.join(broken, SEGMENTS_DIR, segment)), before, 'the reader did not repair the segment');
    assert.ok(!fs.existsSync(path.join(broken, 'quarantine.jsonl')));
    const table = await runCli(['report', '--ledger', broken], dir);
    assert.match(table.out, /1 unreadable ledger line\(s\) were skipped and are not counted/);
  });

  const badInputs: Array<[string, string[], RegExp]> = [
    ['a missing folder, named', ['--ledger', 'nowhere'], /ledger folder not found: .*nowhere/],
    ['no --ledger', [], /--ledger DIR is required/],
    ['a bad date', ['--ledger', 'ledger', '--since', '2026-02-30'], /--since: not a date: '2026-02-30'/],
    ['an unknown kind', ['--ledger', 'ledger', '--kind', 'chat'], /--kind must be one of explain, edit, fix/],
    ['an unknown grouping', ['--ledger', 'ledger', '--by', 'week'], /--by must be one of day, model, kind, status/],
    ['an unknown option', ['--ledger', 'ledger', '--colour'], /Unknown option '--colour'/],
    ['a stray argument', ['--ledger', 'ledger', 'today'], /unexpected argument 'today'/],
    ['since after until', ['--ledger', 'ledger', '--since', '2026-02-01', '--until', '2026-01-01'], /--since .* must be before --until/],
  ];
  for (const [what, args, message] of badInputs) {
    it(`rejects ${what} with one line and a non-zero exit`, async () => {
      const run = await runCli(['report', ...args], dir);
      assert.notEqual(run.code, 0);
      assert.match(run.err, message);
      assert.equal(run.err.trimEnd().split('\n').length, 1, run.err);
      assert.equal(run.out, '');
    });
  }
});
