import { strict as assert } from 'node:assert';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Ledger, QUARANTINE_FILE, SEGMENTS_DIR, SNAPSHOT_FILE, type UsageRecord } from '../../../src/core/ledger';
import { makeRecord } from '../../support/ledgerFixtures';

/** A segment named like one whose writer (pid 999999999) has exited. */
const DEAD_SEGMENT = '20260101T000000000Z-999999999-dead.jsonl';

function segmentFiles(dir: string): string[] {
  return fs.readdirSync(path.join(dir, SEGMENTS_DIR)).filter((name) => name.endsWith('.jsonl')).map((name) => path.join(dir, SEGMENTS_DIR, name));
}

function linesOnDisk(dir: string): Array<Record<string, unknown>> {
  return segmentFiles(dir).flatMap((file) => fs.readFileSync(file, 'utf8').split('\n').filter((line) => line.length > 0).map((line) => JSON.parse(line) as Record<string, unknown>));
}

/** Rewrites the header of `index.bin` (same length) and recomputes its checksum, as a careless tool would. */
function rewriteSnapshotHeader(file: string, edit: (header: string) => string): void {
  const bytes = Buffer.from(fs.readFileSync(file));
  const length = bytes.readUInt32LE(4);
  const header = bytes.toString('utf8', 8, 8 + length);
  const edited = Buffer.from(edit(header), 'utf8');
  assert.equal(edited.length, length, 'the edit keeps the header length');
  assert.notEqual(edited.toString('utf8'), header, 'the edit changed something');
  edited.copy(bytes, 8);
  const content = bytes.subarray(0, bytes.length - 32);
  fs.writeFileSync(file, Buffer.concat([content, createHash('sha256').update(content).digest()]));
}

/** A Compose turn that failed once and was answered on the retry, an Ask About Selection turn, and a gateway request. */
function turnRecords(): { failed: UsageRecord; answered: UsageRecord; asked: UsageRecord; gateway: UsageRecord } {
  const failed = makeRecord({
    id: '11111111-1111-4111-8111-111111111111', turnId: 'turn-a', attempt: 0, startedAt: '2026-02-01T10:00:00.000Z', finishedAt: '2026-02-01T10:00:01.000Z',
    outcome: { status: 'error', errorClass: 'ServerError', errorMessage: 'Internal server error', httpStatus: 500, latencyMs: 1000, retries: 0 },
  }, 1);
  const answered = makeRecord({ id: '22222222-2222-4222-8222-222222222222', turnId: 'turn-a', attempt: 1, startedAt: '2026-02-01T10:00:02.000Z', finishedAt: '2026-02-01T10:00:05.000Z' }, 2);
  const asked = makeRecord({ id: '33333333-3333-4333-8333-333333333333', turnId: 'turn-b', source: 'inputBox', startedAt: '2026-02-01T11:00:00.000Z', finishedAt: '2026-02-01T11:00:03.000Z' }, 3);
  const gateway = makeRecord({ id: '44444444-4444-4444-8444-444444444444', turnId: 'turn-c', source: 'gateway', client: 'claude-cli', startedAt: '2026-02-01T12:00:00.000Z', finishedAt: '2026-02-01T12:00:03.000Z' }, 4);
  return { failed, answered, asked, gateway };
}

describe('Ledger notes: code blocks applied, recorded with their request', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cm-notes-'));
  });
  afterEach(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  async function ledgerWithTurns(): Promise<{ ledger: Ledger; records: ReturnType<typeof turnRecords> }> {
    const records = turnRecords();
    const { ledger } = await Ledger.open(dir, { writerId: 'window-1' });
    for (const record of Object.values(records)) {
      await ledger.append(record);
    }
    return { ledger, records };
  }

  it('notes the turn\'s answered attempt; distinct blocks add up, the same block counts once; no note is a record', async () => {
    const { ledger, records } = await ledgerWithTurns();
    const totalsBefore = await ledger.totals();
    const first = await ledger.noteApplied({ turnId: 'turn-a', appliedBlock: 0 }, new Date('2026-02-01T10:01:00Z'));
    assert.equal(first?.recordId, records.answered.id, 'the last ok attempt holds the answer, not the failed one');
    assert.ok(await ledger.noteApplied({ turnId: 'turn-a', appliedBlock: 2 }));
    assert.equal(await ledger.noteApplied({ turnId: 'turn-a', appliedBlock: 0 }), undefined, 'block 0 again (inserted, then accepted as a diff) writes nothing');
    // Two at once for the same block: one line.
    const [a, b] = await Promise.all([ledger.noteApplied({ turnId: 'turn-b', appliedBlock: 1 }), ledger.noteApplied({ turnId: 'turn-b', appliedBlock: 1 })]);
    assert.equal([a, b].filter(Boolean).length, 1);

    assert.equal((await ledger.get(records.answered.id))?.appliedBlocks, 2);
    assert.equal((await ledger.get(records.failed.id))?.appliedBlocks, 0, 'a Compose attempt with nothing applied says 0');
    assert.equal((await ledger.get(records.asked.id))?.appliedBlocks, 1);
    assert.equal((await ledger.get(records.gateway.id))?.appliedBlocks, null, 'nobody here can know what a gateway caller applied');
    assert.deepEqual((await ledger.query()).map((record) => record.appliedBlocks), [0, 2, 1, null]);

    assert.equal(ledger.size, 4);
    assert.deepEqual(await ledger.totals(), totalsBefore, 'notes are not requests and cost nothing');
    assert.equal((await ledger.select({})).rowCount, 4);
    const notes = linesOnDisk(dir).filter((line) => line.type === 'turnNote');
    assert.equal(notes.length, 3);
    assert.deepEqual(notes.map((note) => Object.keys(note).sort()), notes.map(() => ['appliedBlock', 'at', 'id', 'recordId', 'schemaVersion', 'turnId', 'type']), 'a block index, never its text');
    await ledger.close();

    // Cold from the segments, and again from the snapshot the close wrote.
    fs.rmSync(path.join(dir, SNAPSHOT_FILE));
    for (const from of ['segments', 'snapshot']) {
      const { ledger: reopened, report } = await Ledger.open(dir, { repair: false });
      assert.equal(report.records, 4, from);
      assert.equal(report.notes, 3, from);
      assert.equal(report.rebuilt, undefined, from);
      assert.deepEqual((await reopened.query()).map((record) => record.appliedBlocks), [0, 2, 1, null], from);
      await reopened.close();
    }
  });

  it('names the record it is given, and rejects a turn with no answered request', async () => {
    const { ledger, records } = await ledgerWithTurns();
    await ledger.noteApplied({ turnId: 'turn-a', appliedBlock: 0, recordId: records.failed.id });
    assert.equal((await ledger.get(records.failed.id))?.appliedBlocks, 1);
    assert.equal((await ledger.get(records.answered.id))?.appliedBlocks, 0);
    await assert.rejects(ledger.noteApplied({ turnId: 'no-such-turn', appliedBlock: 0 }), /no answered request/);
    await assert.rejects(ledger.noteApplied({ turnId: 'turn-a', appliedBlock: -1 }), /appliedBlock/);
    assert.equal(linesOnDisk(dir).filter((line) => line.type === 'turnNote').length, 1, 'a rejected note writes nothing');
    await ledger.close();
  });

  it('two windows: notes of either are read by the other, different blocks add up and the same block counts once', async () => {
    const { ledger: one, records } = await ledgerWithTurns();
    const { ledger: two } = await Ledger.open(dir, { writerId: 'window-2' });
    await one.noteApplied({ turnId: 'turn-a', appliedBlock: 0 });
    // Window two has not seen the note yet: it writes its own for the same block.
    await two.noteApplied({ turnId: 'turn-a', appliedBlock: 0 });
    await two.noteApplied({ turnId: 'turn-a', appliedBlock: 1 });
    await one.refresh();
    await two.refresh();
    assert.equal((await one.get(records.answered.id))?.appliedBlocks, 2);
    assert.equal((await two.get(records.answered.id))?.appliedBlocks, 2);
    // A reader that writes nothing sees the same.
    const { ledger: reader, report } = await Ledger.open(dir, { repair: false, create: false });
    assert.equal(report.notes, 3);
    assert.equal((await reader.get(records.answered.id))?.appliedBlocks, 2);
    await Promise.all([one.close(), two.close(), reader.close()]);
  });

  it('a replayed note line counts once', async () => {
    const { ledger, records } = await ledgerWithTurns();
    await ledger.noteApplied({ turnId: 'turn-b', appliedBlock: 0 });
    await ledger.close();
    const noteLine = fs.readFileSync(segmentFiles(dir)[0], 'utf8').split('\n').find((line) => line.includes('"turnNote"'))!;
    fs.writeFileSync(path.join(dir, SEGMENTS_DIR, DEAD_SEGMENT), noteLine + '\n');
    const { ledger: reopened, report } = await Ledger.open(dir);
    assert.equal(report.duplicates, 1);
    assert.equal(report.notes, 1);
    assert.equal((await reopened.get(records.asked.id))?.appliedBlocks, 1);
    await reopened.close();
  });

  it('a bad note line is skipped and counted by a reader, quarantined by a writer, and never changes a count', async () => {
    const { ledger, records } = await ledgerWithTurns();
    await ledger.close();
    const good = { schemaVersion: 4, type: 'turnNote', id: '55555555-5555-4555-8555-555555555555', turnId: 'turn-b', recordId: records.asked.id, at: '2026-02-01T11:05:00.000Z', appliedBlock: 0 };
    const lines = [
      JSON.stringify(good),
      JSON.stringify({ ...good, id: '66666666-6666-4666-8666-666666666666', appliedBlock: -3 }),
      JSON.stringify({ ...good, id: '77777777-7777-4777-8777-777777777777', recordId: 'not-a-uuid', appliedBlock: 4 }),
      JSON.stringify({ ...good, id: '88888888-8888-4888-8888-888888888888', schemaVersion: 9, appliedBlock: 5, more: 'later' }),
    ];
    const file = path.join(dir, SEGMENTS_DIR, DEAD_SEGMENT);
    const content = lines.join('\n') + '\n' + '{"schemaVersion":4,"type":"turnNote","id":"99';
    fs.writeFileSync(file, content);

    const { ledger: reader, report } = await Ledger.open(dir, { repair: false });
    assert.equal(report.records, 4);
    assert.equal(report.notes, 1);
    assert.equal(report.damaged, 3, 'two notes out of range and a torn one');
    assert.equal(report.newer, 1, 'a later note version is left in place');
    assert.equal((await reader.get(records.asked.id))?.appliedBlocks, 1);
    await reader.close();
    assert.equal(fs.readFileSync(file, 'utf8'), content, 'a reader changes nothing');

    const { ledger: writer, report: repaired } = await Ledger.open(dir);
    assert.equal(repaired.quarantined, 3);
    assert.equal(repaired.notes, 1);
    assert.equal((await writer.get(records.asked.id))?.appliedBlocks, 1);
    await writer.close();
    const quarantined = fs.readFileSync(path.join(dir, QUARANTINE_FILE), 'utf8').trim().split('\n').map((line) => JSON.parse(line) as { reason: string });
    assert.equal(quarantined.length, 3);
    assert.match(quarantined[0].reason, /appliedBlock/, 'the reason names the field');
    assert.match(quarantined[1].reason, /recordId/);
    assert.equal(fs.readFileSync(file, 'utf8'), lines[0] + '\n' + lines[3] + '\n');
  });

  describe('the index snapshot', () => {
    async function withNotes(): Promise<ReturnType<typeof turnRecords>> {
      const { ledger, records } = await ledgerWithTurns();
      await ledger.noteApplied({ turnId: 'turn-a', appliedBlock: 0 });
      await ledger.noteApplied({ turnId: 'turn-b', appliedBlock: 1 });
      await ledger.noteApplied({ turnId: 'turn-a', appliedBlock: 3 });
      await ledger.close();
      return records;
    }

    it('a damaged byte among the notes: ignored, rebuilt, the counts right', async () => {
      const records = await withNotes();
      const file = path.join(dir, SNAPSHOT_FILE);
      const bytes = Buffer.from(fs.readFileSync(file));
      const at = bytes.indexOf('"notes":[[');
      assert.ok(at > 0, 'the snapshot lists the notes');
      bytes[at + 12] ^= 0x01;
      fs.writeFileSync(file, bytes);
      const { ledger, report } = await Ledger.open(dir);
      assert.match(report.rebuilt ?? '', /index\.bin/);
      assert.equal((await ledger.get(records.answered.id))?.appliedBlocks, 2);
      assert.equal((await ledger.get(records.asked.id))?.appliedBlocks, 1);
      await ledger.close();
    });

    it('a note changed in the snapshot with its checksum recomputed (the middle one too) is caught by reading notes back', async () => {
      const records = await withNotes();
      const file = path.join(dir, SNAPSHOT_FILE);
      // The second of three notes: turn-b's block 1 becomes block 7 of the answered record.
      rewriteSnapshotHeader(file, (header) => header.replace(`"turn-b","${records.asked.id}",1,`, `"turn-b","${records.answered.id}",7,`));
      const { ledger, report } = await Ledger.open(dir);
      assert.match(report.rebuilt ?? '', /does not match segment/);
      assert.equal((await ledger.get(records.answered.id))?.appliedBlocks, 2);
      assert.equal((await ledger.get(records.asked.id))?.appliedBlocks, 1);
      await ledger.close();
    });

    it('a note outside its segment is refused before anything is read', async () => {
      const records = await withNotes();
      const file = path.join(dir, SNAPSHOT_FILE);
      rewriteSnapshotHeader(file, (header) => header.replace(/("turn-a","[0-9a-f-]+",3,)(\d)/, (_all, head: string, digit: string) => `${head}${digit === '9' ? '8' : '9'}`));
      const { ledger, report } = await Ledger.open(dir);
      assert.match(report.rebuilt ?? '', /note|does not match/);
      assert.equal((await ledger.get(records.answered.id))?.appliedBlocks, 2);
      await ledger.close();
    });

    it('notes written after the snapshot are read from the grown segment', async () => {
      const records = await withNotes();
      const { ledger } = await Ledger.open(dir, { writerId: 'window-3' });
      await ledger.noteApplied({ turnId: 'turn-b', appliedBlock: 2 });
      const { ledger: other } = await Ledger.open(dir, { repair: false });
      assert.equal((await other.get(records.asked.id))?.appliedBlocks, 2);
      await Promise.all([ledger.close(), other.close()]);
    });

    it('a segment deleted from disk takes its notes with it', async () => {
      const records = await withNotes();
      const { ledger } = await Ledger.open(dir, { writerId: 'window-4' });
      assert.equal((await ledger.get(records.answered.id))?.appliedBlocks, 2);
      for (const file of segmentFiles(dir)) {
        fs.rmSync(file);
      }
      await ledger.refresh();
      assert.equal(ledger.size, 0);
      assert.equal(ledger.appliedBlocks(records.answered), 0);
      await ledger.close();
    });
  });
});
