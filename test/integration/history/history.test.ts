import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { compileFilter } from '../../../src/core/ledger/ledgerFilter';
import type { UsageRecord } from '../../../src/core/ledger/usageRecord';
import type { ExportUsageResult } from '../../../src/views/exportOptions';
import type { HistoryPanel } from '../../../src/extension/history/historyPanel';
import { DEFAULT_FILTER, toLedgerFilter } from '../../../src/protocol/historyFilter';
import { makeRecords } from '../../support/ledgerFixtures';
import { until, waitFor, WEBVIEW_LOAD_TIMEOUT_MS } from '../../support/waitFor';
import { creditMeter } from '../extension/creditMeterApi';
import { activeExtension } from '../support/extension';

/** Records on days no other suite writes to, so the filters below see only these. */
const records = makeRecords(240, { seed: 4242, startDate: '2025-06-02T08:00:00Z', days: 9 });
const RANGE = { since: '2025-06-01', until: '2025-06-12' } as const;

async function appendFixtures(): Promise<void> {
  const api = await creditMeter();
  const ledger = await api.ledger();
  for (const record of records) {
    await ledger.append(record);
  }
}

function idsInFile(file: string): string[] {
  const text = fs.readFileSync(file, 'utf8');
  if (file.endsWith('.json')) {
    return (JSON.parse(text) as { records: UsageRecord[] }).records.map((record) => record.id);
  }
  if (file.endsWith('.jsonl')) {
    return text.trim().split('\n').map((line) => (JSON.parse(line) as UsageRecord).id);
  }
  // CSV: the id column is named in the header; ids hold no commas or quotes.
  const [header, ...lines] = text.trim().split('\r\n');
  const column = header.split(',').indexOf('id');
  assert.ok(column >= 0, 'the CSV has an id column');
  return lines.map((line) => line.split(',')[column]);
}

describe('history: Export Usage with an options object', () => {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'credit-meter-export-'));

  before(appendFixtures);
  after(() => fs.rmSync(out, { recursive: true, force: true }));

  const cases: { name: string; options: Record<string, unknown>; keep: (record: UsageRecord) => boolean }[] = [
    { name: 'a date range', options: { ...RANGE, format: 'csv' }, keep: () => true },
    { name: 'a model', options: { ...RANGE, format: 'json', models: ['gpt-4.1'] }, keep: (r) => r.modelRequested === 'gpt-4.1' || r.modelServed === 'gpt-4.1' },
    { name: 'request kinds', options: { ...RANGE, format: 'jsonl', kinds: ['fix', 'plan'] }, keep: (r) => r.kind === 'fix' || r.kind === 'plan' },
    { name: 'a status', options: { ...RANGE, format: 'csv', statuses: ['error', 'cancelled'] }, keep: (r) => r.outcome.status !== 'ok' },
    { name: 'a text search', options: { ...RANGE, format: 'csv', search: 'Paginate' }, keep: (r) => compileFilter({ text: 'paginate' }).matchesText(r) },
    // Custom dates are local days: 3 and 4 June, midnight to midnight on this machine.
    { name: 'custom dates', options: { since: '2025-06-03', until: '2025-06-04', format: 'jsonl' }, keep: (r) => Date.parse(r.startedAt) >= new Date(2025, 5, 3).getTime() && Date.parse(r.startedAt) < new Date(2025, 5, 5).getTime() },
  ];

  for (const { name, options, keep } of cases) {
    it(`writes exactly the rows of ${name}`, async () => {
      const targetPath = path.join(out, `${name.replace(/\W+/g, '-')}.${String(options.format)}`);
      const result = await vscode.commands.executeCommand<ExportUsageResult>('creditMeter.exportUsage', { ...options, targetPath });
      const written = idsInFile(targetPath).sort();
      assert.equal(result.path, targetPath);
      assert.equal(result.rows, written.length);
      const expected = records.filter(keep);
      assert.ok(expected.length > 0, 'the case selects something');
      assert.deepEqual(written, expected.map((record) => record.id).sort());
      const credits = expected.reduce((sum, record) => sum + (record.cost.credits ?? 0), 0);
      assert.ok(Math.abs(result.totalCredits - credits) < 1e-6, `${result.totalCredits} vs ${credits}`);
      assert.ok(!fs.readFileSync(targetPath, 'utf8').includes(records[0].prompt ?? '\u0000'), 'no prompts unless asked for');
    });
  }

  it('includes prompts only when asked', async () => {
    const targetPath = path.join(out, 'with-prompts.jsonl');
    await vscode.commands.executeCommand('creditMeter.exportUsage', { ...RANGE, includePrompts: true, targetPath });
    assert.ok(fs.readFileSync(targetPath, 'utf8').includes('"prompt"'));
  });

  it('writes nothing and says so when nothing matches', async () => {
    const targetPath = path.join(out, 'empty.csv');
    const result = await vscode.commands.executeCommand<ExportUsageResult>('creditMeter.exportUsage', { ...RANGE, models: ['no-such-model'], targetPath });
    assert.deepEqual(result, { rows: 0, totalCredits: 0 });
    assert.equal(fs.existsSync(targetPath), false);
  });

  it('rejects a bad options object, naming the field', async () => {
    await assert.rejects(Promise.resolve(vscode.commands.executeCommand('creditMeter.exportUsage', { format: 'xlsx', targetPath: path.join(out, 'x.xlsx') })), /format/);
    await assert.rejects(Promise.resolve(vscode.commands.executeCommand('creditMeter.exportUsage', { targetPath: 'relative.csv' })), /targetPath/);
  });

  it('fails clearly on an unwritable target and leaves no file', async () => {
    const targetPath = path.join(out, 'missing-folder', 'usage.csv');
    await assert.rejects(Promise.resolve(vscode.commands.executeCommand('creditMeter.exportUsage', { ...RANGE, targetPath })), /does not exist/);
    assert.equal(fs.existsSync(path.dirname(targetPath)), false);
    assert.deepEqual(fs.readdirSync(out).filter((name) => name.endsWith('.tmp') || name.endsWith('.partial')), []);
  });
});

/** Requests the view's default filter (last 30 days) selects in the ledger right now. */
async function defaultFilterRows(): Promise<number> {
  const ledger = await (await creditMeter()).ledger();
  return (await ledger.totals(toLedgerFilter(DEFAULT_FILTER, Date.now()))).requests;
}

describe('history: the view', () => {
  let panel: HistoryPanel;

  before(async () => {
    await appendFixtures();
    panel = await vscode.commands.executeCommand<HistoryPanel>('creditMeter.showHistory');
  });

  after(() => panel?.dispose());

  it('opens a webview panel of type creditMeter.history that loads, gets the rows and renders them', async () => {
    await until('a history tab', () => vscode.window.tabGroups.all.flatMap((group) => group.tabs)
      .find((candidate) => candidate.input instanceof vscode.TabInputWebview && candidate.input.viewType.endsWith('creditMeter.history')));
    const stats = await waitFor('the view to report rendered rows', () => panel.stats, (current) => current.rendered !== undefined, WEBVIEW_LOAD_TIMEOUT_MS);
    const rendered = stats.rendered!;
    assert.ok(panel.stats.snapshots >= 1);
    assert.equal(typeof rendered.rows, 'number');
    // The view starts on its default filter (last 30 days): it must show exactly the ledger's rows for it.
    const expected = await defaultFilterRows();
    await until(() => `${expected} rows on screen (the view reports ${panel.stats.rendered?.rows})`, () => panel.stats.rendered?.rows === expected);
  });

  it('loads only its own bundle and media, under a CSP with a fresh nonce', async () => {
    const roots = (panel.panel.webview.options.localResourceRoots ?? []).map((uri) => uri.fsPath).sort();
    const extensionPath = (await activeExtension()).extensionUri.fsPath;
    assert.deepEqual(roots, [path.join(extensionPath, 'dist', 'webview'), path.join(extensionPath, 'media')].sort());
    const html = panel.panel.webview.html;
    const csp = /http-equiv="Content-Security-Policy" content="([^"]+)"/.exec(html)?.[1] ?? '';
    assert.match(csp, /default-src 'none'/);
    const nonce = /script-src 'nonce-([^']+)'/.exec(csp)?.[1];
    assert.ok(nonce && nonce.length >= 16, `a long nonce in ${csp}`);
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
    assert.doesNotMatch(html, /<script(?![^>]*nonce=)/, 'every script carries the nonce');
    assert.doesNotMatch(html, /<style|style="/, 'no inline styles');
    assert.equal(/<script[^>]*nonce="([^"]+)"/.exec(html)?.[1], nonce);
  });

  it('rejects and logs malformed or unknown messages, and keeps working', async () => {
    const before = panel.stats.rejected;
    panel.receive({ type: 'export', filter: { range: 'all', models: [], kinds: [], statuses: [], search: '' }, targetPath: '/etc/passwd' });
    panel.receive({ type: 'deleteLedger' });
    panel.receive({ type: 'getRecord', requestId: 'x', generation: 0, index: -4 });
    panel.receive('ready');
    assert.equal(panel.stats.rejected, before + 4);
    assert.match(panel.stats.lastRejection ?? '', /message|type|expected/i);
    const selections = panel.stats.selections;
    panel.receive({ type: 'query', requestId: 'q-test', filter: { range: 'all', models: [], kinds: [], statuses: [], search: '' } });
    await until('an answer to a valid query', () => panel.stats.selections > selections);
  });

  it('comes back with a fresh snapshot after being hidden and shown again', async () => {
    const snapshots = panel.stats.snapshots;
    const document = await vscode.workspace.openTextDocument({ content: 'hide the history view' });
    await vscode.window.showTextDocument(document, { viewColumn: panel.panel.viewColumn, preview: false });
    await until('the view to be hidden', () => !panel.panel.visible);
    panel.panel.reveal();
    await until('a new snapshot for the shown view', () => panel.stats.snapshots > snapshots, WEBVIEW_LOAD_TIMEOUT_MS);
    await until('the shown view to render', () => panel.stats.rendered);
  });

  it('sends a new record to the open view as it is appended', async () => {
    const api = await creditMeter();
    const ledger = await api.ledger();
    const appends = panel.stats.appends;
    const shown = await until('the view to show the current rows', async () => {
      const expected = await defaultFilterRows();
      return panel.stats.rendered?.rows === expected ? expected : undefined;
    });
    const [fresh] = makeRecords(1, { seed: 777, startDate: new Date() });
    await ledger.append(fresh);
    await until('the appended row to reach the view', () => panel.stats.appends > appends);
    // The view itself has the new row in its table (it reports what it painted), without reopening.
    await until(() => `${shown + 1} rows on screen (the view reports ${panel.stats.rendered?.rows})`, () => panel.stats.rendered?.rows === shown + 1);
    assert.equal(await defaultFilterRows(), shown + 1);
  });
});
