import { strict as assert } from 'node:assert';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PassThrough } from 'node:stream';
import { writeExport } from '../../../src/core/export';
import { Ledger, LedgerChangedError, SEGMENTS_DIR, SNAPSHOT_FILE, type UsageRecord } from '../../../src/core/ledger';
import { FULL_BYTES, fingerprintRanges } from '../../../src/core/ledger/segmentFingerprint';
import { Col, STRIDE } from '../../../src/core/ledger/summaryTable';
import { asRead, makeRecords, writeLedger } from '../../support/ledgerFixtures';

const round = (value: number) => Math.round(value * 1e9) / 1e9;
const sumCredits = (records: readonly UsageRecord[]) => round(records.reduce((sum, record) => sum + (record.cost.credits ?? 0), 0));

/** A segment named like one whose writer (pid 999999999) has exited. */
const DEAD_SEGMENT = '20260101T000000000Z-999999999-dead.jsonl';

function segmentPaths(dir: string): string[] {
  return fs.readdirSync(path.join(dir, SEGMENTS_DIR)).filter((name) => name.endsWith('.jsonl')).sort().map((name) => path.join(dir, SEGMENTS_DIR, name));
}

/** Where the float64 rows of `index.bin` start. */
function rowsStart(snapshot: Buffer): number {
  const headerLength = snapshot.readUInt32LE(4);
  return 8 + headerLength + ((8 - ((8 + headerLength) % 8)) % 8);
}

/** Changes one record's credits in its line to another number of the same length (every digit changed). */
function sameLengthCredits(line: string): { line: string; credits: number } {
  const match = /"credits":([0-9.]+)/.exec(line)!;
  const text = match[1].replace(/\d/g, (digit) => (digit === '9' ? '8' : '9'));
  return { line: line.replace(match[0], `"credits":${text}`), credits: Number(text) };
}

/** Rewrites one line of a segment in place: same file, same inode. */
function editLineInPlace(file: string, id: string, edit: (line: string) => string): void {
  const text = fs.readFileSync(file, 'utf8');
  const start = text.indexOf(`"id":"${id}"`);
  const lineStart = text.lastIndexOf('\n', start) + 1;
  const lineEnd = text.indexOf('\n', start);
  const edited = edit(text.slice(lineStart, lineEnd));
  const fd = fs.openSync(file, 'r+');
  try {
    fs.writeSync(fd, Buffer.from(edited + text.slice(lineEnd)), 0, undefined, Buffer.byteLength(text.slice(0, lineStart)));
  } finally {
    fs.closeSync(fd);
  }
}

async function jsonExport(ledger: Ledger): Promise<{ rowCount: number; totals: { credits: number }; records: UsageRecord[] }> {
  const selection = await ledger.select({});
  const sink = new PassThrough();
  const chunks: Buffer[] = [];
  sink.on('data', (chunk: Buffer) => chunks.push(chunk));
  await writeExport(selection.records(), { format: 'json', summary: selection }, sink);
  return JSON.parse(Buffer.concat(chunks).toString('utf8')) as { rowCount: number; totals: { credits: number }; records: UsageRecord[] };
}

describe('Ledger integrity: the totals never rest on a damaged cache', () => {
  let dir: string;
  beforeEach(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cm-integrity-')); });
  afterEach(() => { fs.rmSync(dir, { recursive: true, force: true }); });

  describe('a damaged index.bin', () => {
    const records = makeRecords(80, { seed: 31 });
    const expected = sumCredits(records);

    const damages: Array<[string, (bytes: Buffer) => Buffer]> = [
      ['8 bytes of a record\'s credits set to a billion', (bytes) => {
        const copy = Buffer.from(bytes);
        copy.writeDoubleLE(1e9, rowsStart(copy) + (17 * STRIDE + Col.credits) * 8);
        return copy;
      }],
      ['a token count in the last row', (bytes) => {
        const copy = Buffer.from(bytes);
        copy.writeDoubleLE(123456789, rowsStart(copy) + (79 * STRIDE + Col.output) * 8);
        return copy;
      }],
      ['one byte of the header (a segment size)', (bytes) => {
        const copy = Buffer.from(bytes);
        const at = copy.indexOf('"size":') + 7;
        copy[at] = copy[at] === 0x31 ? 0x32 : 0x31;
        return copy;
      }],
      ['one byte of an id in the header', (bytes) => {
        const copy = Buffer.from(bytes);
        const at = copy.indexOf(records[5].id);
        copy[at] = copy[at] === 0x61 ? 0x62 : 0x61;
        return copy;
      }],
      ['the checksum', (bytes) => {
        const copy = Buffer.from(bytes);
        copy[copy.length - 1] ^= 0xff;
        return copy;
      }],
      ['the header length', (bytes) => {
        const copy = Buffer.from(bytes);
        copy.writeUInt32LE(copy.readUInt32LE(4) + 8, 4);
        return copy;
      }],
      ['truncated by 8 bytes', (bytes) => bytes.subarray(0, bytes.length - 8)],
      ['garbage appended', (bytes) => Buffer.concat([bytes, Buffer.from('garbage!')])],
      ['not a snapshot at all', () => Buffer.from('hello')],
    ];

    for (const [what, damage] of damages) {
      it(`${what}: ignored, rebuilt from the segments, reported, and replaced by a good one`, async () => {
        await writeLedger(dir, records);
        const snapshot = path.join(dir, SNAPSHOT_FILE);
        fs.writeFileSync(snapshot, damage(fs.readFileSync(snapshot)));
        const { ledger, report } = await Ledger.open(dir);
        assert.equal(report.records, 80);
        assert.equal((await ledger.totals()).credits, expected);
        assert.equal(round((await ledger.aggregate({}, 'day')).reduce((sum, row) => sum + row.credits, 0)), expected);
        assert.match(report.rebuilt ?? '', /index\.bin/);
        assert.match((await ledger.health()).rebuilt ?? '', /index\.bin/);
        const exported = await jsonExport(ledger);
        assert.equal(exported.rowCount, exported.records.length);
        assert.equal(exported.totals.credits, sumCredits(exported.records), 'the JSON header agrees with its rows');
        assert.equal(exported.totals.credits, expected);
        await ledger.close();

        const again = await Ledger.open(dir);
        assert.equal(again.report.rebuilt, undefined, 'the rebuilt snapshot is good');
        assert.equal((await again.ledger.totals()).credits, expected);
        await again.ledger.close();
      });
    }

    it('a snapshot whose checksum was recomputed over wrong rows is caught by reading lines back', async () => {
      await writeLedger(dir, records);
      const snapshot = path.join(dir, SNAPSHOT_FILE);
      const bytes = Buffer.from(fs.readFileSync(snapshot));
      // The first row of the segment (lines read back on open include the first and the last).
      bytes.writeDoubleLE(1e9, rowsStart(bytes) + Col.credits * 8);
      const content = bytes.subarray(0, bytes.length - 32);
      fs.writeFileSync(snapshot, Buffer.concat([content, createHash('sha256').update(content).digest()]));
      const { ledger, report } = await Ledger.open(dir);
      assert.match(report.rebuilt ?? '', /does not match segment/);
      assert.equal((await ledger.totals()).credits, expected);
      await ledger.close();
    });
  });

  describe('a segment edited in place', () => {
    it('same length, while closed: the next open rebuilds and shows the edited charge', async () => {
      const records = makeRecords(60, { seed: 32 });
      await writeLedger(dir, records);
      const [file] = segmentPaths(dir);
      const inode = fs.statSync(file).ino;
      const size = fs.statSync(file).size;
      let edited = 0;
      editLineInPlace(file, records[30].id, (line) => {
        const change = sameLengthCredits(line);
        edited = change.credits;
        return change.line;
      });
      assert.equal(fs.statSync(file).ino, inode);
      assert.equal(fs.statSync(file).size, size);
      const { ledger, report } = await Ledger.open(dir);
      assert.match(report.rebuilt ?? '', /changed in place/);
      const want = round(sumCredits(records) - (records[30].cost.credits ?? 0) + edited);
      assert.equal((await ledger.totals()).credits, want);
      assert.equal((await ledger.get(records[30].id))?.cost.credits, edited);
      await ledger.close();
    });

    it('longer, while closed: found by the indexed range\'s fingerprint', async () => {
      const records = makeRecords(40, { seed: 33 });
      await writeLedger(dir, records);
      const [file] = segmentPaths(dir);
      editLineInPlace(file, records[10].id, (line) => line.replace(/"credits":[0-9.]+/, '"credits":1000000000'));
      const { ledger, report } = await Ledger.open(dir);
      assert.match(report.rebuilt ?? '', /changed in place/);
      const want = sumCredits(records) - (records[10].cost.credits ?? 0) + 1e9;
      assert.ok(Math.abs((await ledger.totals()).credits - want) < 1e-3, String((await ledger.totals()).credits));
      await ledger.close();
    });

    it('while open: an export selects the new state instead of failing with "changed on disk" forever', async () => {
      const records = makeRecords(50, { seed: 34 });
      await writeLedger(dir, records);
      const { ledger } = await Ledger.open(dir, { writerId: 'reader' });
      const resets: string[] = [];
      ledger.onDidReset((reason) => resets.push(reason));
      const [file] = segmentPaths(dir);
      let edited = 0;
      editLineInPlace(file, records[7].id, (line) => {
        const change = sameLengthCredits(line);
        edited = change.credits;
        return change.line;
      });
      const want = round(sumCredits(records) - (records[7].cost.credits ?? 0) + edited);
      for (let run = 0; run < 2; run++) {
        const exported = await jsonExport(ledger);
        assert.equal(exported.rowCount, 50);
        assert.equal(exported.totals.credits, want, `run ${run}`);
        assert.equal(sumCredits(exported.records), want, `run ${run}`);
      }
      assert.equal(resets.length, 1);
      assert.match(resets[0], /changed in place/);
      await ledger.close();
    });

    it('while open, read by id: the read finds the change, rebuilds, and answers with the new record', async () => {
      const records = makeRecords(20, { seed: 35 });
      await writeLedger(dir, records);
      const { ledger } = await Ledger.open(dir);
      const [file] = segmentPaths(dir);
      editLineInPlace(file, records[3].id, (line) => sameLengthCredits(line).line);
      const record = await ledger.get(records[3].id);
      assert.equal(record?.id, records[3].id);
      assert.notEqual(record?.cost.credits, records[3].cost.credits);
      assert.equal((await ledger.totals()).credits, round(sumCredits(records) - (records[3].cost.credits ?? 0) + (record?.cost.credits ?? 0)));
      await ledger.close();
    });

    it('an edit the fingerprint cannot see (a grown segment, outside the sampled blocks) is caught when its record is read back', async () => {
      const records = makeRecords(2200, { seed: 36 });
      const file = path.join(dir, SEGMENTS_DIR, DEAD_SEGMENT);
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, records.slice(0, 2199).map((record) => JSON.stringify(record)).join('\n') + '\n');
      const opened = await Ledger.open(dir);
      await opened.ledger.close();
      const bytes = fs.readFileSync(file);
      assert.ok(bytes.length > FULL_BYTES, 'large enough to be sampled, not hashed whole');
      const ranges = fingerprintRanges(bytes.length);
      // Lines 0, 733, 1465 and 2198 are read back on open; pick one that neither they nor the fingerprint cover.
      const victim = records.slice(100, 700).find((record) => {
        const start = bytes.lastIndexOf(0x0a, bytes.indexOf(record.id)) + 1;
        const end = bytes.indexOf(0x0a, start);
        return !ranges.some((range) => start < range.start + range.length && end > range.start);
      })!;
      assert.ok(victim, 'a line outside the fingerprint');
      let edited = 0;
      editLineInPlace(file, victim.id, (line) => {
        const change = sameLengthCredits(line);
        edited = change.credits;
        return change.line;
      });
      // Another writer appends: the file grew, so only the fingerprint can vouch for the old part.
      fs.appendFileSync(file, JSON.stringify(records[2199]) + '\n');
      const { ledger } = await Ledger.open(dir);
      const want = round(sumCredits(records) - (victim.cost.credits ?? 0) + edited);
      const stale = await ledger.select({});
      const read = async () => {
        for await (const _record of stale.records()) {
          // drain
        }
      };
      await assert.rejects(read(), LedgerChangedError);
      const exported = await jsonExport(ledger);
      assert.equal(exported.totals.credits, want);
      assert.equal(sumCredits(exported.records), want);
      assert.equal((await ledger.totals()).credits, want);
      await ledger.close();
    });
  });

  describe('readers and unreadable lines', () => {
    it('a reader skips a torn and a schema-failing line, counts them, and changes nothing on disk', async () => {
      const records = makeRecords(5, { seed: 37 });
      const file = path.join(dir, SEGMENTS_DIR, DEAD_SEGMENT);
      fs.mkdirSync(path.dirname(file), { recursive: true });
      const bad = JSON.stringify({ ...records[1], kind: 'chat' });
      const content = [JSON.stringify(records[0]), bad, ...records.slice(2).map((record) => JSON.stringify(record)), '{"schemaVersion":3,"id":"tor'].join('\n');
      fs.writeFileSync(file, content);
      for (let run = 0; run < 2; run++) {
        const { ledger, report } = await Ledger.open(dir, { create: false, repair: false });
        assert.equal(report.records, 4);
        assert.equal(report.damaged, 2);
        assert.equal(report.quarantined, 0);
        assert.deepEqual(await ledger.health(), { quarantined: 0, damaged: 2, newer: 0 });
        // A refresh does not count them again.
        assert.equal((await ledger.refresh()).damaged, 2);
        await ledger.close();
      }
      assert.equal(fs.readFileSync(file, 'utf8'), content);
      assert.ok(!fs.existsSync(path.join(dir, 'quarantine.jsonl')));

      // A writer then moves them, and says so.
      const { ledger, report } = await Ledger.open(dir);
      assert.equal(report.quarantined, 2);
      assert.equal(report.damaged, 0);
      assert.deepEqual(await ledger.health(), { quarantined: 2, damaged: 0, newer: 0 });
      await ledger.close();
    });

    it('a UTF-8 byte order mark at the start of a segment costs no record', async () => {
      const records = makeRecords(3, { seed: 38 });
      const file = path.join(dir, SEGMENTS_DIR, DEAD_SEGMENT);
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, '\uFEFF' + records.map((record) => JSON.stringify(record)).join('\n') + '\n');
      for (const repair of [false, true]) {
        const { ledger, report } = await Ledger.open(dir, { repair });
        assert.equal(report.records, 3, `repair: ${repair}`);
        assert.equal(report.damaged + report.quarantined, 0);
        assert.deepEqual(await ledger.get(records[0].id), asRead(records[0]));
        assert.equal((await ledger.totals()).credits, sumCredits(records));
        await ledger.close();
      }
      // Opening from the snapshot reads the first line back at its offset after the mark.
      const { ledger } = await Ledger.open(dir);
      assert.deepEqual(await ledger.query(), [...records].sort((a, b) => a.startedAt.localeCompare(b.startedAt)).map((record) => asRead(record)));
      await ledger.close();
    });

    it('records of a newer schema are counted (not dropped silently) and left in place', async () => {
      const records = makeRecords(4, { seed: 39 });
      const file = path.join(dir, SEGMENTS_DIR, DEAD_SEGMENT);
      fs.mkdirSync(path.dirname(file), { recursive: true });
      const lines = [JSON.stringify(records[0]), JSON.stringify({ ...records[1], schemaVersion: 4 }), JSON.stringify({ ...records[2], schemaVersion: 9, extra: true }), JSON.stringify(records[3])];
      fs.writeFileSync(file, lines.join('\n') + '\n');
      const { ledger, report } = await Ledger.open(dir);
      assert.equal(report.records, 2);
      assert.equal(report.newer, 2);
      assert.deepEqual(await ledger.health(), { quarantined: 0, damaged: 0, newer: 2 });
      await ledger.close();
      assert.equal(fs.readFileSync(file, 'utf8'), lines.join('\n') + '\n');
      const again = await Ledger.open(dir);
      assert.equal(again.report.newer, 2, 'still counted when opened from the snapshot');
      await again.ledger.close();
    });
  });
});
