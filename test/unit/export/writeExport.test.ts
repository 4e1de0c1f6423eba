import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import { parse } from 'csv-parse/sync';
import { CSV_COLUMNS, csvColumns, csvRow, csvRowFromColumns, EmptyExportError, exportToFile, writeExport, type ExportFormat, type ExportOptions } from '../../../src/core/export';
import { Ledger, looksLikeSecret, SCHEMA_VERSION, type UsageRecord } from '../../../src/core/ledger';
import { makeRecord, makeRecords } from '../../support/ledgerFixtures';

async function exportText(records: Iterable<UsageRecord> | AsyncIterable<UsageRecord>, options: ExportOptions): Promise<string> {
  const sink = new PassThrough();
  const chunks: Buffer[] = [];
  sink.on('data', (chunk: Buffer) => chunks.push(chunk));
  await writeExport(records, options, sink);
  sink.end();
  return Buffer.concat(chunks).toString('utf8');
}

function parseCsv(text: string): Array<Record<string, string>> {
  return parse(text, { columns: true, skip_empty_lines: true }) as Array<Record<string, string>>;
}

function sumCredits(records: readonly UsageRecord[]): number {
  return Math.round(records.reduce((sum, record) => sum + (record.cost.credits ?? 0), 0) * 1e9) / 1e9;
}

async function* slowly<T>(items: readonly T[]): AsyncGenerator<T> {
  for (const item of items) {
    yield item;
  }
}

describe('writeExport', () => {
  const records = makeRecords(300, { seed: 21 });

  it('CSV: fixed column order starting with schema_version, numbers stay numbers, round trip through csv-parse', async () => {
    const text = await exportText(records, { format: 'csv' });
    const header = text.slice(0, text.indexOf('\r\n')).split(',');
    assert.deepEqual(header, CSV_COLUMNS.map((column) => column.name));
    assert.equal(header[0], 'schema_version');
    const rows = parseCsv(text);
    assert.deepEqual(rows.map((row) => row.id), records.map((record) => record.id));
    const credits = rows.reduce((sum, row) => sum + Number(row.credits), 0);
    assert.equal(Math.round(credits * 1e9) / 1e9, sumCredits(records));
    assert.equal(rows[0].started_at, records[0].startedAt);
    assert.match(rows[0].started_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    for (const row of rows) {
      for (const column of CSV_COLUMNS.filter((c) => c.kind === 'number')) {
        assert.ok(row[column.name] === '' || /^-?\d+(\.\d+)?(e-?\d+)?$/.test(row[column.name]), `${column.name}=${row[column.name]}`);
      }
    }
  });

  it('CSV: the column order documented in the README is the one written', () => {
    const readme = fs.readFileSync(path.resolve(__dirname, '../../../src/core/export/README.md'), 'utf8');
    const documented = [...readme.matchAll(/^\| (\d+) \| `([a-z_]+)` \| (\w+) \| (.*) \|$/gm)].map((match) => [Number(match[1]), match[2], match[3], match[4]] as const);
    assert.deepEqual(documented.map(([position]) => position), documented.map((_entry, i) => i + 1), 'numbered 1..n without gaps');
    assert.deepEqual(documented.map(([, name]) => name), csvColumns(true).map((column) => column.name));
    // The meaning and type in the README are the ones `credit-meter export --columns` prints.
    assert.deepEqual(documented.map(([, , type, meaning]) => [type, meaning]), csvColumns(true).map((column) => [column.kind === 'plain' ? 'text' : column.kind, column.description]));
  });

  it('CSV: the fast row writer matches the column list, cell for cell', () => {
    const odd = [
      makeRecord({ estimate: null, firstTokenAt: null, modelServed: null, region: null, baseUrlHost: null, contexts: [], prompt: undefined, system: undefined }),
      makeRecord({ modelRequested: '=cmd|x', turnId: 'a,"b"', tools: { names: ['-x', 'y,z'], calls: 2, externalCalls: 0 }, prompt: '@p\r\nq', system: '+s' }),
      makeRecord({ outcome: { status: 'error', errorClass: 'E', errorMessage: 'key=abcdef123456 and Bearer abcdefgh12345678', httpStatus: 401, latencyMs: 0.5, retries: 2 } }),
      makeRecord({ cost: { usd: null, credits: null, chargeSource: 'provider', profileVersion: null }, contexts: [{ kind: 'file', label: '=x.ts:1-2', tokens: 1, bytes: 1 }, { kind: 'selection', label: 'b, c', tokens: 2, bytes: 2 }] }),
    ];
    const applied = [makeRecord({}, 31), makeRecord({}, 32), makeRecord({ source: 'gateway' }, 33)].map((record, i) => ({ ...record, appliedBlocks: [0, 12, null][i] }));
    for (const record of [...makeRecords(2000, { seed: 26 }), ...odd, ...applied]) {
      for (const includePrompts of [false, true]) {
        assert.equal(csvRow(record, includePrompts), csvRowFromColumns(record, csvColumns(includePrompts)), record.id);
      }
    }
  });

  it('CSV: neutralises formula-looking text and quotes commas, quotes, CR/LF and emoji', async () => {
    const nasty = ['=HYPERLINK("http://x","y")', '+1+1', '-2', '@SUM(A1)', '\tx', '\rx'];
    const tricky = 'a, "quoted"\r\nnext line 💸 done';
    const subjects = nasty.map((text, i) => makeRecord({
      modelRequested: text,
      outcome: { status: 'error', errorClass: 'E', errorMessage: text, latencyMs: 5, retries: 0 },
      contexts: [{ kind: 'file', label: `src/${i}.ts`, tokens: 1, bytes: 4 }],
      prompt: tricky,
    }, i + 1));
    const text = await exportText(subjects, { format: 'csv', includePrompts: true });
    const rows = parseCsv(text);
    rows.forEach((row, i) => {
      assert.equal(row.model_requested, `'${nasty[i]}`);
      assert.equal(row.error_message, `'${nasty[i]}`);
      assert.equal(row.prompt, tricky);
      assert.equal(Number(row.credits), subjects[i].cost.credits);
    });
    // Every physical data row starts with a number, never with a formula character.
    assert.ok(!/\r\n[=+\-@]/.test(text));
  });

  it('JSON: header with schema version, filters, generated-at, row count and totals, then lossless records', async () => {
    const filters = { kinds: ['fix', 'plan'] as const, since: '2026-01-10' };
    const text = await exportText(records, { format: 'json', includePrompts: true, filters: { ...filters, kinds: [...filters.kinds] }, generatedAt: new Date('2026-02-01T00:00:00Z') });
    const body = JSON.parse(text) as { schemaVersion: number; generatedAt: string; filters: Record<string, unknown>; rowCount: number; totals: { credits: number }; records: UsageRecord[] };
    const expected = records.filter((record) => (record.kind === 'fix' || record.kind === 'plan') && record.startedAt >= '2026-01-10');
    assert.ok(expected.length > 10);
    assert.deepEqual(Object.keys(body).slice(0, 6), ['schemaVersion', 'generatedAt', 'filters', 'includePrompts', 'rowCount', 'totals']);
    assert.equal(body.schemaVersion, SCHEMA_VERSION);
    assert.equal(body.generatedAt, '2026-02-01T00:00:00.000Z');
    assert.deepEqual(body.filters, { since: '2026-01-10T00:00:00.000Z', kinds: ['fix', 'plan'] });
    assert.equal(body.rowCount, expected.length);
    assert.equal(body.totals.credits, sumCredits(expected));
    assert.deepEqual(body.records, expected);
  });

  it('JSON from an async stream puts row count and totals after the records', async () => {
    const text = await exportText(slowly(records.slice(0, 20)), { format: 'json' });
    const body = JSON.parse(text) as { rowCount: number; totals: { credits: number }; records: UsageRecord[] };
    assert.equal(body.rowCount, 20);
    assert.equal(body.totals.credits, sumCredits(records.slice(0, 20)));
    assert.deepEqual(body.records.map((record) => record.id), records.slice(0, 20).map((record) => record.id));
  });

  it('JSONL: one record per line', async () => {
    const text = await exportText(slowly(records), { format: 'jsonl' });
    const lines = text.trimEnd().split('\n');
    assert.equal(lines.length, records.length);
    assert.deepEqual(lines.map((line) => (JSON.parse(line) as UsageRecord).id), records.map((record) => record.id));
  });

  for (const format of ['csv', 'json', 'jsonl'] as ExportFormat[]) {
    it(`${format}: prompts and system text only when opted in; no key-looking strings either way`, async () => {
      const secretive = makeRecord({
        prompt: 'UNIQUE-PROMPT-TEXT use key sk-proj-AbCdEfGhIjKlMnOpQrStUvWx',
        system: 'UNIQUE-SYSTEM-TEXT',
        outcome: { status: 'error', errorClass: 'AuthError', httpStatus: 401, errorMessage: 'bad header Authorization: Bearer sk-ant-api03-abcdefghijklmnopqrstuvwxyz012345', latencyMs: 1, retries: 0 },
      });
      const without = await exportText([secretive, ...records.slice(0, 5)], { format });
      assert.ok(!without.includes('UNIQUE-PROMPT-TEXT'));
      assert.ok(!without.includes('UNIQUE-SYSTEM-TEXT'));
      assert.ok(!records.slice(0, 5).some((record) => record.prompt && without.includes(record.prompt)));
      const withPrompts = await exportText([secretive], { format, includePrompts: true });
      assert.ok(withPrompts.includes('UNIQUE-PROMPT-TEXT'));
      assert.ok(withPrompts.includes('UNIQUE-SYSTEM-TEXT'));
      for (const text of [without, withPrompts]) {
        assert.equal(looksLikeSecret(text), false);
        assert.ok(!/sk-(ant|proj)-/.test(text));
      }
    });
  }

  it('writes in bounded chunks and waits for a slow sink to drain', async () => {
    let largest = 0;
    let writes = 0;
    const sink = new Writable({
      highWaterMark: 16 * 1024,
      write(chunk: Buffer, _encoding, callback) {
        writes += 1;
        largest = Math.max(largest, chunk.length);
        setImmediate(callback);
      },
    });
    let peak = 0;
    const watch = setInterval(() => { peak = Math.max(peak, sink.writableLength); }, 0);
    const many = makeRecords(3000, { seed: 22 });
    const result = await writeExport(many, { format: 'csv' }, sink);
    clearInterval(watch);
    assert.equal(result.rows, 3000);
    assert.ok(writes > 10, `only ${writes} writes`);
    assert.ok(largest < 200 * 1024, `a ${largest}-byte chunk`);
    assert.ok(peak < 400 * 1024, `${peak} bytes buffered`);
  });
});

describe('exportToFile', () => {
  let dir: string;
  beforeEach(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cm-export-')); });
  afterEach(() => { fs.rmSync(dir, { recursive: true, force: true }); });

  it('writes the file, returns rows and total credits, leaves no temp file', async () => {
    const records = makeRecords(40, { seed: 23 });
    const file = path.join(dir, 'usage.csv');
    const result = await exportToFile(file, records, { format: 'csv' });
    assert.equal(result.rows, 40);
    assert.equal(result.totalCredits, sumCredits(records));
    assert.deepEqual(fs.readdirSync(dir), ['usage.csv']);
    assert.equal(parseCsv(fs.readFileSync(file, 'utf8')).length, 40);
  });

  it('refuses an empty export with a typed error unless allowed', async () => {
    const file = path.join(dir, 'usage.json');
    await assert.rejects(exportToFile(file, [], { format: 'json' }), EmptyExportError);
    assert.deepEqual(fs.readdirSync(dir), []);
    const result = await exportToFile(file, [], { format: 'json', allowEmpty: true });
    assert.equal(result.rows, 0);
    assert.equal((JSON.parse(fs.readFileSync(file, 'utf8')) as { rowCount: number }).rowCount, 0);
  });

  it('keeps the previous file and removes the temp file when the export fails midway', async () => {
    const file = path.join(dir, 'usage.jsonl');
    fs.writeFileSync(file, 'previous export\n');
    const records = makeRecords(10, { seed: 24 });
    async function* failing(): AsyncGenerator<UsageRecord> {
      yield* records.slice(0, 5);
      throw new Error('disk went away');
    }
    await assert.rejects(exportToFile(file, failing(), { format: 'jsonl' }), /disk went away/);
    assert.equal(fs.readFileSync(file, 'utf8'), 'previous export\n');
    assert.deepEqual(fs.readdirSync(dir), ['usage.jsonl']);
  });

  it('carries the code blocks applied from the ledger\'s notes: the last fixed CSV column, a field of every JSON and JSONL record', async () => {
    const records = makeRecords(6, { seed: 27, errorRate: 0, cancelRate: 0 }).map((record, i) => ({ ...record, turnId: `turn-${i}`, source: i === 5 ? 'gateway' as const : 'compose' as const }));
    const { ledger } = await Ledger.open(path.join(dir, 'ledger'));
    for (const record of records) {
      await ledger.append(record);
    }
    await ledger.noteApplied({ turnId: 'turn-1', appliedBlock: 0 });
    await ledger.noteApplied({ turnId: 'turn-1', appliedBlock: 1 });
    await ledger.noteApplied({ turnId: 'turn-1', appliedBlock: 1 });
    await ledger.noteApplied({ turnId: 'turn-3', appliedBlock: 4 });
    const expected = new Map(records.map((record, i) => [record.id, [0, 2, 0, 1, 0, null][i]]));

    for (const includePrompts of [false, true]) {
      const columns = csvColumns(includePrompts).map((column) => column.name);
      assert.equal(columns.indexOf('applied_blocks'), CSV_COLUMNS.length - 1, 'appended after every earlier fixed column');
      assert.deepEqual(columns.slice(CSV_COLUMNS.length), includePrompts ? ['prompt', 'system'] : []);
      const file = path.join(dir, `usage-${includePrompts}.csv`);
      const selection = await ledger.select({});
      await exportToFile(file, selection.records(), { format: 'csv', includePrompts, summary: selection });
      const rows = parseCsv(fs.readFileSync(file, 'utf8'));
      assert.equal(rows.length, 6, 'notes are not rows');
      for (const row of rows) {
        const want = expected.get(row.id);
        assert.equal(row.applied_blocks, want === null ? '' : String(want), row.id);
      }
    }
    for (const format of ['json', 'jsonl'] as const) {
      const file = path.join(dir, `usage.${format}`);
      const selection = await ledger.select({});
      await exportToFile(file, selection.records(), { format, summary: selection });
      const text = fs.readFileSync(file, 'utf8');
      const exported = format === 'json'
        ? (JSON.parse(text) as { rowCount: number; records: Array<UsageRecord & { appliedBlocks: number | null }> }).records
        : text.trim().split('\n').map((line) => JSON.parse(line) as UsageRecord & { appliedBlocks: number | null });
      assert.equal(exported.length, 6);
      assert.deepEqual(new Map(exported.map((record) => [record.id, record.appliedBlocks])), expected, format);
    }
    await ledger.close();
  });

  it('exports a ledger selection whose header totals match its rows', async () => {
    const records = makeRecords(120, { seed: 25 });
    const { ledger } = await Ledger.open(path.join(dir, 'ledger'));
    for (const record of records) {
      await ledger.append(record);
    }
    const filters = { models: ['gpt-4.1-mini', 'o4-mini'] };
    const selection = await ledger.select(filters);
    const file = path.join(dir, 'usage.json');
    await exportToFile(file, selection.records(), { format: 'json', filters, summary: selection });
    const body = JSON.parse(fs.readFileSync(file, 'utf8')) as { rowCount: number; totals: { credits: number }; records: UsageRecord[] };
    const expected = records.filter((record) => filters.models.includes(record.modelRequested));
    assert.equal(body.rowCount, expected.length);
    assert.equal(body.records.length, expected.length);
    assert.equal(body.totals.credits, sumCredits(expected));
    assert.deepEqual(new Set(body.records.map((record) => record.id)), new Set(expected.map((record) => record.id)));
    assert.ok(body.records.every((record) => record.prompt === undefined));
    await ledger.close();
  });
});
