import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Ledger, SEGMENTS_DIR, SNAPSHOT_FILE, type UsageRecord } from '../../../src/core/ledger';
import { asRead, makeRecord, makeRecords, writeLedger } from '../../support/ledgerFixtures';

function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'cm-ledger-'));
}

function segmentFiles(dir: string): string[] {
  return fs.readdirSync(path.join(dir, SEGMENTS_DIR)).filter((name) => name.endsWith('.jsonl')).map((name) => path.join(dir, SEGMENTS_DIR, name));
}

function sumCredits(records: readonly UsageRecord[]): number {
  return Math.round(records.reduce((sum, record) => sum + (record.cost.credits ?? 0), 0) * 1e9) / 1e9;
}

describe('Ledger', () => {
  let dir: string;
  beforeEach(() => { dir = tempDir(); });
  afterEach(() => { fs.rmSync(dir, { recursive: true, force: true }); });

  it('appends, indexes without rereading, and reads everything back after reopening', async () => {
    const records = makeRecords(50, { seed: 11 });
    const { ledger, report } = await Ledger.open(dir, { writerId: 'window-1' });
    assert.equal(report.records, 0);
    const seen: string[] = [];
    ledger.onDidAppend((record) => seen.push(record.id));
    for (const record of records) {
      await ledger.append(record);
    }
    assert.deepEqual(seen, records.map((record) => record.id));
    assert.equal((await ledger.totals()).credits, sumCredits(records));
    await ledger.close();

    const reopened = await Ledger.open(dir);
    assert.equal(reopened.report.records, 50);
    assert.equal(reopened.report.quarantined, 0);
    const back = await reopened.ledger.query();
    assert.deepEqual(back.map((record) => record.id), [...records].sort((a, b) => a.startedAt.localeCompare(b.startedAt)).map((record) => record.id));
    assert.deepEqual(back.find((record) => record.id === records[3].id), asRead(records[3]));
    await reopened.ledger.close();
  });

  it('bills a replayed record once, whether replayed in memory or found twice on disk', async () => {
    const [record] = makeRecords(1, { seed: 12 });
    const first = await Ledger.open(dir);
    await first.ledger.append(record);
    await first.ledger.append(record);
    await first.ledger.close();
    const second = await Ledger.open(dir);
    await second.ledger.append(record);
    await second.ledger.close();
    // A copy of the same line in another segment (e.g. a restored backup).
    fs.writeFileSync(path.join(dir, SEGMENTS_DIR, 'restored.jsonl'), JSON.stringify(record) + '\n');
    fs.rmSync(path.join(dir, SNAPSHOT_FILE), { force: true });
    const { ledger, report } = await Ledger.open(dir);
    assert.equal(report.records, 1);
    assert.equal(report.duplicates, 1);
    assert.equal((await ledger.totals()).credits, record.cost.credits);
    await ledger.close();
  });

  it('quarantines a torn last line and a schema-failing line, and rewrites the segment without them', async () => {
    const records = makeRecords(3, { seed: 13 });
    const segment = path.join(dir, SEGMENTS_DIR, '20260101T000000000Z-999999999-dead.jsonl');
    fs.mkdirSync(path.dirname(segment), { recursive: true });
    const bad = JSON.stringify({ ...records[1], tokens: { ...records[1].tokens, output: -5 } });
    fs.writeFileSync(segment, [JSON.stringify(records[0]), bad, JSON.stringify(records[2]), '{"schemaVersion":2,"id":"tor'].join('\n'));

    const { ledger, report } = await Ledger.open(dir);
    assert.equal(report.records, 2);
    assert.equal(report.quarantined, 2);
    const quarantined = fs.readFileSync(report.quarantineFile, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as { line: number; reason: string; segment: string; text: string });
    assert.deepEqual(quarantined.map((entry) => entry.line), [2, 4]);
    assert.match(quarantined[0].reason, /^tokens\.output: /);
    assert.match(quarantined[1].reason, /torn/);
    assert.equal(quarantined[1].text, '{"schemaVersion":2,"id":"tor');
    assert.equal(quarantined[0].segment, path.basename(segment));
    assert.equal(fs.readFileSync(segment, 'utf8'), JSON.stringify(records[0]) + '\n' + JSON.stringify(records[2]) + '\n');
    // Records still read back correctly from the rewritten segment.
    assert.deepEqual((await ledger.get(records[2].id))?.id, records[2].id);
    await ledger.close();

    const again = await Ledger.open(dir);
    assert.equal(again.report.quarantined, 0);
    assert.equal(again.report.records, 2);
    await again.ledger.close();
  });

  it('quarantines a torn line cut in the middle of a multi-byte character', async () => {
    const records = makeRecords(2, { seed: 19 });
    const withEmoji = JSON.stringify({ ...records[1], prompt: 'cost 💸💸💸 please' });
    const bytes = Buffer.from(withEmoji, 'utf8');
    const cut = bytes.indexOf(Buffer.from('💸', 'utf8')) + 2;
    const segment = path.join(dir, SEGMENTS_DIR, '20260101T000000000Z-999999997-cut.jsonl');
    fs.mkdirSync(path.dirname(segment), { recursive: true });
    fs.writeFileSync(segment, Buffer.concat([Buffer.from(JSON.stringify(records[0]) + '\n'), bytes.subarray(0, cut)]));
    const { ledger, report } = await Ledger.open(dir);
    assert.equal(report.quarantined, 1);
    assert.equal(report.records, 1);
    assert.equal(fs.readFileSync(segment, 'utf8'), JSON.stringify(records[0]) + '\n');
    await ledger.append(records[1]);
    await ledger.close();
    const again = await Ledger.open(dir);
    assert.equal(again.report.records, 2);
    assert.equal(again.report.quarantined, 0);
    await again.ledger.close();
  });

  it('leaves a live writer\'s unfinished line alone and picks it up once complete', async () => {
    const records = makeRecords(2, { seed: 14 });
    const segment = path.join(dir, SEGMENTS_DIR, `20260101T000000000Z-${process.ppid}-live.jsonl`);
    fs.mkdirSync(path.dirname(segment), { recursive: true });
    const second = JSON.stringify(records[1]);
    fs.writeFileSync(segment, JSON.stringify(records[0]) + '\n' + second.slice(0, 40));
    const { ledger, report } = await Ledger.open(dir);
    assert.equal(report.records, 1);
    assert.equal(report.quarantined, 0);
    const added: string[] = [];
    ledger.onDidAppend((record) => added.push(record.id));
    fs.appendFileSync(segment, second.slice(40) + '\n');
    const refreshed = await ledger.refresh();
    assert.equal(refreshed.records, 2);
    assert.deepEqual(added, [records[1].id]);
    await ledger.close();
  });

  it('picks up records other writers append, incrementally', async () => {
    const records = makeRecords(20, { seed: 15 });
    const reader = await Ledger.open(dir, { writerId: 'reader' });
    const writer = await Ledger.open(dir, { writerId: 'writer' });
    for (const record of records.slice(0, 10)) {
      await writer.ledger.append(record);
    }
    assert.equal((await reader.ledger.refresh()).records, 10);
    for (const record of records.slice(10)) {
      await writer.ledger.append(record);
    }
    assert.equal((await reader.ledger.refresh()).records, 20);
    assert.equal((await reader.ledger.totals()).credits, sumCredits(records));
    await writer.ledger.close();
    await reader.ledger.close();
  });

  it('forgets the records of a segment deleted elsewhere, keeping copies other segments hold', async () => {
    const records = makeRecords(6, { seed: 20 });
    const segments = path.join(dir, SEGMENTS_DIR);
    fs.mkdirSync(segments, { recursive: true });
    fs.writeFileSync(path.join(segments, 'a.jsonl'), records.slice(0, 4).map((record) => JSON.stringify(record)).join('\n') + '\n');
    // b holds its own records plus a replayed copy of records[0].
    fs.writeFileSync(path.join(segments, 'b.jsonl'), [records[0], ...records.slice(4)].map((record) => JSON.stringify(record)).join('\n') + '\n');
    const { ledger, report } = await Ledger.open(dir);
    assert.equal(report.records, 6);
    fs.rmSync(path.join(segments, 'a.jsonl'));
    const after = await ledger.refresh();
    assert.equal(after.records, 3);
    assert.deepEqual((await ledger.query()).map((record) => record.id), [records[0], ...records.slice(4)].map((record) => record.id));
    assert.equal((await ledger.totals()).credits, sumCredits([records[0], ...records.slice(4)]));
    await ledger.close();
  });

  it('migrates v1 records (charge at the top level) without changing totals', async () => {
    const records = makeRecords(5, { seed: 16 }).map((record) => ({ ...record, source: null, client: null, threadId: null }));
    const v1Lines = records.map(({ cost, source: _source, client: _client, threadId: _thread, estimate, ...rest }) => JSON.stringify({
      ...rest,
      schemaVersion: 1,
      estimate: estimate && { low: estimate.low, expected: estimate.expected, high: estimate.high, inputTokens: estimate.inputTokens, outputTokens: estimate.outputTokens },
      credits: cost.credits,
      usd: cost.usd,
      chargeSource: cost.chargeSource,
      profileVersion: cost.profileVersion,
    }));
    fs.mkdirSync(path.join(dir, SEGMENTS_DIR), { recursive: true });
    fs.writeFileSync(path.join(dir, SEGMENTS_DIR, 'old.jsonl'), v1Lines.join('\n') + '\n');
    const { ledger, report } = await Ledger.open(dir);
    assert.equal(report.migrated, 5);
    assert.equal(report.quarantined, 0);
    const totals = await ledger.totals();
    assert.equal(totals.credits, sumCredits(records));
    assert.deepEqual(await ledger.get(records[0].id), asRead(records[0]));
    await ledger.close();
  });

  it('migrates v2 records (no source, client, thread or cache estimate) without changing totals', async () => {
    const records = makeRecords(5, { seed: 18 }).map((record) => ({ ...record, source: null, client: null, threadId: null }));
    const v2Lines = records.map(({ source: _source, client: _client, threadId: _thread, estimate, ...rest }) => JSON.stringify({
      ...rest,
      schemaVersion: 2,
      estimate: estimate && { low: estimate.low, expected: estimate.expected, high: estimate.high, inputTokens: estimate.inputTokens, outputTokens: estimate.outputTokens },
    }));
    fs.mkdirSync(path.join(dir, SEGMENTS_DIR), { recursive: true });
    fs.writeFileSync(path.join(dir, SEGMENTS_DIR, 'v2.jsonl'), v2Lines.join('\n') + '\n');
    const { ledger, report } = await Ledger.open(dir);
    assert.equal(report.migrated, 5);
    assert.equal(report.quarantined, 0);
    assert.equal((await ledger.totals()).credits, sumCredits(records));
    assert.deepEqual(await ledger.get(records[2].id), asRead(records[2]));
    await ledger.close();
  });

  it('leaves records of a newer schema in place and does not count them', async () => {
    const [record] = makeRecords(1, { seed: 17 });
    fs.mkdirSync(path.join(dir, SEGMENTS_DIR), { recursive: true });
    const line = JSON.stringify({ ...record, schemaVersion: 99 });
    const file = path.join(dir, SEGMENTS_DIR, 'future.jsonl');
    fs.writeFileSync(file, line + '\n');
    const { ledger, report } = await Ledger.open(dir);
    assert.equal(report.records, 0);
    assert.equal(report.newer, 1);
    assert.equal(report.quarantined, 0);
    assert.equal(fs.readFileSync(file, 'utf8'), line + '\n');
    await ledger.close();
  });

  it('opened with create: false, leaves a folder without a ledger untouched until the first append', async () => {
    const { ledger, report } = await Ledger.open(dir, { create: false });
    assert.equal(report.records, 0);
    assert.deepEqual(fs.readdirSync(dir), []);
    const [record] = makeRecords(1, { seed: 14 });
    await ledger.append(record);
    await ledger.close();
    assert.ok(fs.readdirSync(dir).includes(SEGMENTS_DIR));
    const reopened = await Ledger.open(dir, { create: false });
    assert.equal(reopened.report.records, 1);
    await reopened.ledger.close();
  });

  it('never puts a key from an error message on disk, whoever built the record', async () => {
    const key = 'sk-proj-abcdefghijklmnopqrstuvwx';
    const leaky = makeRecord({ outcome: { status: 'error', errorClass: 'AuthError', errorMessage: `401 for Authorization: Bearer ${key}`, httpStatus: 401, latencyMs: 12, retries: 0 } });
    const { ledger } = await Ledger.open(dir);
    const heard: string[] = [];
    ledger.onDidAppend((record) => heard.push(record.outcome.errorMessage ?? ''));
    await ledger.append(leaky);
    const stored = await ledger.get(leaky.id);
    await ledger.close();
    assert.match(stored?.outcome.errorMessage ?? '', /^401 for Authorization: \[REDACTED\]/);
    assert.deepEqual(heard, [stored?.outcome.errorMessage]);
    for (const file of segmentFiles(dir)) {
      assert.ok(!fs.readFileSync(file, 'utf8').includes(key), file);
    }
  });

  it('rejects an invalid record naming the field, and keeps it out of the index', async () => {
    const { ledger } = await Ledger.open(dir);
    await assert.rejects(ledger.append({ ...makeRecord(), kind: 'chat' as never }), /kind/);
    await assert.rejects(ledger.append({ ...makeRecord(), id: 'not-a-uuid' }), /^InvalidRecordError: id:/);
    assert.equal(ledger.size, 0);
    await ledger.close();
  });

  it('reads every segment again when the index snapshot is damaged', async () => {
    const records = makeRecords(60, { seed: 19 });
    await writeLedger(dir, records);
    const snapshot = path.join(dir, SNAPSHOT_FILE);
    const good = fs.readFileSync(snapshot);
    const damaged: Array<[string, Buffer]> = [
      ['truncated', good.subarray(0, good.length - 8)],
      ['garbage header', Buffer.concat([good.subarray(0, 8), Buffer.from('{not json'), good.subarray(17)])],
      ['not a snapshot', Buffer.from('hello')],
    ];
    for (const [what, bytes] of damaged) {
      fs.writeFileSync(snapshot, bytes);
      const { ledger, report } = await Ledger.open(dir);
      assert.equal(report.records, 60, what);
      assert.equal((await ledger.totals()).credits, sumCredits(records), what);
      await ledger.close();
    }
  });

  it('opens from the snapshot and still sees lines appended after it', async () => {
    const records = makeRecords(1500, { seed: 18 });
    const first = await Ledger.open(dir, { writerId: 'a' });
    for (const record of records.slice(0, 1400)) {
      await first.ledger.append(record);
    }
    await first.ledger.close();
    assert.ok(fs.existsSync(path.join(dir, SNAPSHOT_FILE)));
    const later = await Ledger.open(dir, { writerId: 'b' });
    for (const record of records.slice(1400)) {
      await later.ledger.append(record);
    }
    await later.ledger.close();
    const extra = makeRecords(1, { seed: 99 })[0];
    fs.appendFileSync(segmentFiles(dir).sort()[0], JSON.stringify(extra) + '\n');
    const { ledger, report } = await Ledger.open(dir);
    assert.equal(report.records, 1501);
    const all = [...records, extra];
    assert.equal((await ledger.totals({ models: ['gpt-4.1'] })).requests, all.filter((record) => record.modelRequested === 'gpt-4.1').length);
    assert.equal((await ledger.totals()).credits, sumCredits(all));
    assert.deepEqual(await ledger.get(records[1450].id), asRead(records[1450]));
    await ledger.close();
  });
});
