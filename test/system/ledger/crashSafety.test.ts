/**
 * Real processes, real files: writers killed with SIGKILL at random moments, two writers at once,
 * and writes that fail with a real ENOSPC (/dev/full) or EISDIR.
 */
import { strict as assert } from 'node:assert';
import { type ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { buildSync } from 'esbuild';
import { Ledger, SEGMENTS_DIR, SegmentWriter } from '../../../src/core/ledger';
import { makeRecords } from '../../support/ledgerFixtures';
import { until } from '../../support/waitFor';

const childScript = path.join(os.tmpdir(), `cm-append-loop-${process.pid}.cjs`);

function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'cm-crash-'));
}

interface Child {
  readonly process: ChildProcess;
  readonly acked: string[];
  readonly exited: Promise<number | null>;
  /** Resolves once `n` ids were acknowledged. */
  acks(n: number): Promise<void>;
}

function startChild(dir: string, seed: number, count: number, inFlight: number, promptBytes = 0): Child {
  const child = spawn(process.execPath, [childScript, dir, String(seed), String(count), String(inFlight), String(promptBytes)], { stdio: ['ignore', 'pipe', 'inherit'] });
  const acked: string[] = [];
  const waiters: Array<{ n: number; resolve: () => void }> = [];
  let buffered = '';
  child.stdout!.setEncoding('utf8');
  child.stdout!.on('data', (data: string) => {
    buffered += data;
    const lines = buffered.split('\n');
    buffered = lines.pop()!;
    for (const line of lines) {
      if (line.startsWith('ack ')) {
        acked.push(line.slice(4));
      }
    }
    for (const waiter of [...waiters]) {
      if (acked.length >= waiter.n) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve();
      }
    }
  });
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  return {
    process: child,
    acked,
    exited,
    acks: (n) => new Promise<void>((resolve, reject) => {
      waiters.push({ n, resolve });
      void exited.then(() => reject(new Error(`child exited after ${acked.length} acks`)));
    }),
  };
}

/** Every line of every segment, by file. */
function segmentLines(dir: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  const segments = path.join(dir, SEGMENTS_DIR);
  for (const name of fs.readdirSync(segments).filter((entry) => entry.endsWith('.jsonl'))) {
    out.set(name, fs.readFileSync(path.join(segments, name), 'utf8').split('\n'));
  }
  return out;
}

describe('ledger crash safety (real processes)', () => {
  before(() => {
    buildSync({ entryPoints: [path.join(__dirname, 'fixtures', 'appendLoop.ts')], bundle: true, platform: 'node', format: 'cjs', outfile: childScript, logLevel: 'error' });
  });
  after(() => { fs.rmSync(childScript, { force: true }); });

  it('keeps every acknowledged record exactly once across 25+ SIGKILLs, quarantining every torn line', async () => {
    const dir = tempDir();
    const acknowledged = new Set<string>();
    let tornSeen = 0;
    try {
      // At least 25 kills, and more (up to 80) until some kill has landed inside write(2).
      for (let round = 0; round < 25 || (tornSeen === 0 && round < 80); round++) {
        // Odd rounds write 4 MB lines, so the kill often lands inside write(2).
        const child = startChild(dir, 1000 + round, 0, 1 + (round % 4), round % 2 === 1 ? 4 << 20 : 0);
        await child.acks(1);
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 40));
        child.process.kill('SIGKILL');
        await child.exited;
        child.acked.forEach((id) => acknowledged.add(id));

        const torn = [...segmentLines(dir).values()].filter((lines) => lines[lines.length - 1] !== '').length;
        tornSeen += torn;
        const { ledger, report } = await Ledger.open(dir);
        assert.equal(report.quarantined, torn, `round ${round}: ${torn} torn, ${report.quarantined} quarantined`);
        const quarantine = fs.existsSync(report.quarantineFile) ? fs.readFileSync(report.quarantineFile, 'utf8').trimEnd().split('\n').filter(Boolean) : [];
        assert.equal(quarantine.length, tornSeen, 'every torn line so far is in the quarantine file');
        for (const entry of quarantine.slice(quarantine.length - torn)) {
          const moved = JSON.parse(entry) as { reason: string; text: string };
          assert.match(moved.reason, /^torn line/);
          assert.ok(moved.text.length > 0);
        }
        const onDisk = new Map<string, number>();
        for (const lines of segmentLines(dir).values()) {
          assert.equal(lines[lines.length - 1], '', 'every segment ends with a complete line after open');
          for (const line of lines.slice(0, -1)) {
            const id = (JSON.parse(line) as { id: string }).id;
            onDisk.set(id, (onDisk.get(id) ?? 0) + 1);
          }
        }
        const indexed = new Set((await ledger.summaries()).map((summary) => summary.id));
        for (const id of acknowledged) {
          assert.equal(onDisk.get(id), 1, `round ${round}: acknowledged ${id} on disk ${onDisk.get(id) ?? 0} times`);
          assert.ok(indexed.has(id), `round ${round}: acknowledged ${id} missing from the index`);
        }
        assert.equal(ledger.size, onDisk.size);
        await ledger.close();
      }
      assert.ok(acknowledged.size >= 25);
      assert.ok(tornSeen > 0, 'no kill landed inside a write: the torn-line path was not exercised');
      process.stdout.write(`      (${acknowledged.size} acknowledged records, ${tornSeen} torn lines)\n`);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('two processes appending 5,000 records each at once: 10,000 unique ids, no interleaved lines', async () => {
    const dir = tempDir();
    try {
      const children = [startChild(dir, 1, 5000, 8), startChild(dir, 2, 5000, 8)];
      const codes = await Promise.all(children.map((child) => child.exited));
      assert.deepEqual(codes, [0, 0]);
      const segments = segmentLines(dir);
      assert.equal(segments.size, 2);
      for (const [name, lines] of segments) {
        assert.equal(lines.length, 5001, name);
        const writer = /child-(\d)/.exec(name)![1];
        const expected = new Set(children[Number(writer) - 1].acked);
        for (const line of lines.slice(0, -1)) {
          assert.ok(expected.has((JSON.parse(line) as { id: string }).id), `${name} holds only its own writer's records`);
        }
      }
      const { ledger, report } = await Ledger.open(dir);
      assert.equal(report.records, 10_000);
      assert.equal(report.duplicates, 0);
      assert.equal(report.quarantined, 0);
      assert.equal(new Set([...children[0].acked, ...children[1].acked]).size, 10_000);
      await ledger.close();
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('ledger write failures', () => {
  let dir: string;
  beforeEach(() => { dir = tempDir(); });
  afterEach(() => { fs.rmSync(dir, { recursive: true, force: true }); });

  it('acknowledges an append only after its bytes were synced to disk', async () => {
    // Hold every datasync of this process's file handles until released, and note what the append did meanwhile.
    const probe = await fs.promises.open(path.join(dir, 'probe'), 'w');
    const handleProto = Object.getPrototypeOf(probe) as { datasync: () => Promise<void> };
    await probe.close();
    const datasync = handleProto.datasync;
    let release: () => void = () => undefined;
    let syncsStarted = 0;
    handleProto.datasync = function (this: unknown) {
      syncsStarted += 1;
      return new Promise<void>((resolve) => { release = resolve; }).then(() => datasync.call(this));
    };
    try {
      const { ledger } = await Ledger.open(dir);
      const [record] = makeRecords(1, { seed: 33 });
      let acknowledged = false;
      const appending = ledger.append(record).then(() => { acknowledged = true; });
      await until('the append to start a datasync (or to be acknowledged without one)', () => syncsStarted > 0 || acknowledged);
      await new Promise((resolve) => setTimeout(resolve, 20));
      assert.ok(syncsStarted > 0, 'no datasync');
      assert.equal(acknowledged, false, 'acknowledged before the sync finished');
      assert.ok(fs.readFileSync(ledger.segmentPath, 'utf8').includes(record.id), 'the line is written before it is synced');
      release();
      await appending;
      assert.equal(acknowledged, true);
      await ledger.close();
    } finally {
      handleProto.datasync = datasync;
      release();
    }
  });

  it('surfaces ENOSPC from a full device instead of acknowledging', async function () {
    if (!fs.existsSync('/dev/full')) {
      this.skip();
    }
    const writer = new SegmentWriter(dir, 'full', '/dev/full');
    await assert.rejects(writer.append('{"x":1}\n'), { code: 'ENOSPC' });
    await writer.close();
  });

  it('a failed append rejects, stays out of the index, and the next append goes to a fresh segment', async function () {
    if (!fs.existsSync('/dev/full')) {
      this.skip();
    }
    const [lost, kept] = makeRecords(2, { seed: 31 });
    const { ledger } = await Ledger.open(dir);
    const seen: string[] = [];
    ledger.onDidAppend((record) => seen.push(record.id));
    const doomed = ledger.segmentPath;
    fs.symlinkSync('/dev/full', doomed);
    await assert.rejects(ledger.append(lost), { code: 'ENOSPC' });
    assert.equal(ledger.size, 0);
    assert.deepEqual(seen, []);
    assert.notEqual(ledger.segmentPath, doomed);
    await ledger.append(kept);
    assert.deepEqual(seen, [kept.id]);
    await ledger.close();
    const reopened = await Ledger.open(dir);
    assert.equal(reopened.report.records, 1);
    assert.equal((await reopened.ledger.get(kept.id))?.id, kept.id);
    assert.equal(await reopened.ledger.get(lost.id), undefined);
    await reopened.ledger.close();
  });

  it('rejects when the segment cannot be opened (EISDIR)', async () => {
    const { ledger } = await Ledger.open(dir);
    fs.mkdirSync(ledger.segmentPath);
    await assert.rejects(ledger.append(makeRecords(1, { seed: 32 })[0]), { code: 'EISDIR' });
    assert.equal(ledger.size, 0);
    await ledger.close();
  });
});
