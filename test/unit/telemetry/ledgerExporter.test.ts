import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { UsageRecord } from '../../../src/core/ledger';
import { CREDIT_METER, endpointKey, GEN_AI, SCHEMA_URL, signalUrls, spanIdOf, taskSpanIdOf } from '../../../src/core/telemetry';
import { ExportCursor } from '../../../src/telemetry';
import { makeRecords } from '../../support/ledgerFixtures';
import { startOtlpReceiver, type OtlpReceiver, type ReceivedSpan } from '../../support/otlpReceiver';
import { openLedger, round6, startExporter, tempDir, tokenSums, uniqueSpanIds, until } from './telemetryKit';

function sumOf(spans: readonly ReceivedSpan[], attribute: string): number {
  return spans.reduce((sum, span) => sum + Number(span.attributes[attribute] ?? 0), 0);
}

function gatewayTask(count: number, seed: number, turnId: string): UsageRecord[] {
  return makeRecords(count, { seed, errorRate: 0, cancelRate: 0 }).map((record, round) => ({
    ...record, turnId, round, attempt: 0, source: 'gateway', client: 'Cline', threadId: null,
    startedAt: new Date(Date.parse('2026-02-01T09:00:00Z') + round * 60_000).toISOString(),
    finishedAt: new Date(Date.parse('2026-02-01T09:00:00Z') + round * 60_000 + 30_000).toISOString(),
    firstTokenAt: null,
  }));
}

describe('telemetry: the ledger exported over OTLP', function () {
  this.timeout(60_000);
  let receiver: OtlpReceiver;
  const dirs: string[] = [];

  beforeEach(async () => { receiver = await startOtlpReceiver(); });
  afterEach(async () => { await receiver.close(); });
  after(() => { for (const dir of dirs) { fs.rmSync(dir, { recursive: true, force: true }); } });

  function newDir(): string {
    const dir = tempDir('cm-otlp-');
    dirs.push(dir);
    return dir;
  }

  for (const protocol of ['http/protobuf', 'http/json'] as const) {
    it(`${protocol}: every record arrives once as a chat span; counts, token sums and credits equal the ledger's, in spans and metrics`, async () => {
      const records = makeRecords(protocol === 'http/protobuf' ? 600 : 150, { seed: 41, days: 5 });
      const ledger = await openLedger(newDir(), records);
      const exporter = await startExporter(ledger, receiver, { protocol, follow: false, batchSize: 128 });
      const stats = await exporter.whenIdle();
      await exporter.flushMetrics();
      await exporter.stop();
      await ledger.close();
      assert.equal(stats.state, 'idle');
      assert.equal(stats.sent, records.length);
      assert.ok(receiver.requests.every((request) => request.contentType.includes(protocol === 'http/json' ? 'json' : 'protobuf')));
      assert.ok(receiver.requests.some((request) => request.path === '/v1/traces') && receiver.requests.some((request) => request.path === '/v1/metrics'));
      const spans = receiver.spans;
      assert.equal(spans.length, records.length);
      assert.deepEqual(receiver.duplicateSpanIds(), []);
      assert.deepEqual(uniqueSpanIds(spans), new Set(records.map((record) => spanIdOf(record.id))));
      const sums = tokenSums(records);
      assert.equal(sumOf(spans, GEN_AI.inputTokens), sums.input);
      assert.equal(sumOf(spans, GEN_AI.outputTokens), sums.output);
      assert.equal(round6(sumOf(spans, CREDIT_METER.credits)), round6(records.reduce((sum, record) => sum + (record.cost.credits ?? 0), 0)));
      const first = spans.find((span) => span.attributes[CREDIT_METER.recordId] === records[0].id)!;
      assert.equal(first.name, `chat ${records[0].modelRequested}`);
      assert.equal(first.kind, 3, 'CLIENT');
      assert.equal(first.startNs, BigInt(Date.parse(records[0].startedAt)) * 1_000_000n);
      assert.equal(first.endNs, BigInt(Date.parse(records[0].finishedAt)) * 1_000_000n);
      assert.equal(first.resource['service.name'], 'credit-meter');
      assert.equal(first.scope.schemaUrl, SCHEMA_URL);

      const points = receiver.latestPoints();
      const usage = points.filter((point) => point.metric === 'gen_ai.client.token.usage');
      assert.ok(usage.every((point) => point.kind === 'histogram' && point.unit === '{token}' && point.bounds?.[1] === 4));
      const byType = (type: string) => usage.filter((point) => point.attributes['gen_ai.token.type'] === type);
      assert.equal(byType('input').reduce((sum, point) => sum + point.value, 0), sums.input);
      assert.equal(byType('output').reduce((sum, point) => sum + point.value, 0), sums.output);
      assert.equal(byType('input').reduce((sum, point) => sum + (point.count ?? 0), 0), records.length);
      const credits = points.filter((point) => point.metric === 'credit_meter.credits');
      assert.equal(round6(credits.reduce((sum, point) => sum + point.value, 0)), round6(records.reduce((sum, record) => sum + (record.cost.credits ?? 0), 0)));
      assert.ok(credits.every((point) => typeof point.attributes['credit_meter.request.kind'] === 'string' && typeof point.attributes['gen_ai.request.model'] === 'string'));
    });
  }

  it('a collector that is down for a while, then failing, then back, receives everything exactly once per span id', async () => {
    const before = makeRecords(120, { seed: 7 });
    const later = makeRecords(60, { seed: 8, startDate: '2026-03-01T00:00:00Z' });
    const ledger = await openLedger(newDir(), before);
    await receiver.down();
    const exporter = await startExporter(ledger, receiver, { batchSize: 50 });
    await until(() => `failed attempts ${exporter.stats.failedAttempts}`, () => exporter.stats.failedAttempts >= 3);
    for (const record of later.slice(0, 30)) {
      await ledger.append(record);
    }
    await receiver.up();
    receiver.failWith(503);
    await until(() => `rejected ${receiver.rejected}`, () => receiver.rejected >= 2);
    for (const record of later.slice(30)) {
      await ledger.append(record);
    }
    assert.equal(receiver.spans.length, 0, 'nothing was taken while down or failing');
    receiver.failWith(undefined);
    const all = [...before, ...later];
    await until(() => `${uniqueSpanIds(receiver.spans).size} of ${all.length}`, () => uniqueSpanIds(receiver.spans).size === all.length);
    await exporter.stop();
    assert.deepEqual(receiver.duplicateSpanIds(), []);
    assert.equal(receiver.spans.length, all.length);
    const cursor = await ExportCursor.open(ExportCursor.dirFor(ledger.dir, endpointKey(signalUrls(receiver.url).traces)));
    assert.ok(all.every((record) => cursor.has(record.id)));
    await ledger.close();
  });

  it('a restart resumes where the cursor stands, without resending', async () => {
    const records = makeRecords(200, { seed: 12 });
    const dir = newDir();
    let ledger = await openLedger(dir, records);
    const first = await startExporter(ledger, receiver, { batchSize: 20 });
    await until(() => `${receiver.spans.length} spans`, () => receiver.spans.length >= 60);
    receiver.failWith(503);
    await first.stop();
    await ledger.close();
    const received = receiver.spans.length;
    assert.ok(received < records.length, 'the first run stopped part way');

    ledger = await openLedger(dir);
    receiver.failWith(undefined);
    const second = await startExporter(ledger, receiver, { batchSize: 20, follow: false });
    const stats = await second.whenIdle();
    await second.stop();
    await ledger.close();
    assert.equal(stats.sent, records.length - received, 'only what the first run had not sent');
    assert.deepEqual(receiver.duplicateSpanIds(), []);
    assert.deepEqual(uniqueSpanIds(receiver.spans), new Set(records.map((record) => spanIdOf(record.id))));
  });

  it('a crash between send and cursor write resends that batch with the same ids, and the metrics count it once', async () => {
    const records = makeRecords(40, { seed: 19, errorRate: 0, cancelRate: 0 });
    const dir = newDir();
    let ledger = await openLedger(dir, records);
    const cursorDir = ExportCursor.dirFor(ledger.dir, endpointKey(signalUrls(receiver.url).traces));
    // The journal cannot be written: the batch goes out, the acknowledgement is never recorded.
    fs.mkdirSync(path.join(cursorDir, 'journal.bin'), { recursive: true });
    const crashed = await startExporter(ledger, receiver, { batchSize: 40, follow: false });
    const crashStats = await crashed.whenIdle();
    await crashed.flushMetrics().catch(() => undefined);
    await crashed.stop();
    await ledger.close();
    assert.equal(crashStats.state, 'failed');
    assert.equal(receiver.spans.length, records.length, 'the batch reached the collector');
    assert.equal(crashStats.metered, 0, 'nothing was counted before the cursor write');

    fs.rmSync(path.join(cursorDir, 'journal.bin'), { recursive: true });
    ledger = await openLedger(dir);
    const again = await startExporter(ledger, receiver, { follow: false });
    await again.whenIdle();
    await again.flushMetrics();
    await again.stop();
    await ledger.close();
    const sent = receiver.spans.map((span) => span.spanId);
    assert.equal(sent.length, records.length * 2, 'resent once');
    assert.deepEqual(new Set(sent), new Set(records.map((record) => spanIdOf(record.id))), 'with the same span ids');
    const byId = new Map<string, ReceivedSpan[]>();
    for (const span of receiver.spans) {
      byId.set(span.spanId, [...(byId.get(span.spanId) ?? []), span]);
    }
    for (const [, copies] of byId) {
      assert.deepEqual(copies[0].attributes, copies[1].attributes, 'the resent span is the same span');
      assert.equal(copies[0].traceId, copies[1].traceId);
    }
    const input = receiver.latestPoints().filter((point) => point.metric === 'gen_ai.client.token.usage' && point.attributes['gen_ai.token.type'] === 'input');
    assert.equal(input.reduce((sum, point) => sum + (point.count ?? 0), 0), records.length, 'each record counted once in the metrics');
  });

  it('records arriving out of time order from another window, older than the watermark, are still sent', async () => {
    const dir = newDir();
    const mine = makeRecords(50, { seed: 21, startDate: '2026-05-01T00:00:00Z' });
    const ledger = await openLedger(dir, mine);
    const exporter = await startExporter(ledger, receiver, { batchSize: 25 });
    await until(() => `${receiver.spans.length}`, () => receiver.spans.length === mine.length);
    const cursor = await ExportCursor.open(ExportCursor.dirFor(dir, endpointKey(signalUrls(receiver.url).traces)));
    await cursor.compact(Date.now());
    assert.ok(cursor.watermark > Date.parse('2026-06-01T00:00:00Z'));
    // Another window (writer) appends records that started long before everything acknowledged.
    const old = makeRecords(10, { seed: 22, startDate: '2025-12-01T00:00:00Z', days: 2 });
    const { Ledger } = await import('../../../src/core/ledger');
    const { ledger: otherWindow } = await Ledger.open(dir, { writerId: 'other-window' });
    for (const record of old) {
      await otherWindow.append(record);
    }
    await otherWindow.close();
    await ledger.refresh();
    await until(() => `${receiver.spans.length}`, () => receiver.spans.length === mine.length + old.length);
    await exporter.stop();
    await ledger.close();
    assert.deepEqual(receiver.duplicateSpanIds(), []);
    const reopened = await ExportCursor.open(ExportCursor.dirFor(dir, endpointKey(signalUrls(receiver.url).traces)));
    assert.ok([...mine, ...old].every((record) => reopened.has(record.id)));
  });

  it('sends prompts and system text only when content is opted in', async () => {
    const records = makeRecords(20, { seed: 31 }).map((record, i) => ({ ...record, prompt: `Refactor the billing module, note ${i}-unmistakable`, system: 'SYSTEM-TEXT-unmistakable' }));
    const ledger = await openLedger(newDir(), records);
    const exporter = await startExporter(ledger, receiver, { follow: false });
    await exporter.whenIdle();
    await exporter.stop();
    const bodies = Buffer.concat(receiver.requests.map((request) => request.body)).toString('latin1');
    assert.ok(!bodies.includes('unmistakable'), 'no prompt or system text on the wire');
    assert.ok(receiver.spans.every((span) => span.attributes[GEN_AI.inputMessages] === undefined));

    const opted = await startOtlpReceiver();
    try {
      const withContent = await startExporter(ledger, opted, { follow: false, includeContent: true });
      await withContent.whenIdle();
      await withContent.stop();
      assert.ok(opted.spans.every((span) => String(span.attributes[GEN_AI.inputMessages]).includes('unmistakable')));
      assert.ok(opted.spans.every((span) => String(span.attributes[GEN_AI.systemInstructions]).includes('SYSTEM-TEXT')));
    } finally {
      await opted.close();
      await ledger.close();
    }
  });

  it('a gateway task becomes an invoke_agent span once settled, and is sent again, widened, when it gains a round', async () => {
    const turnId = '0d9c8b7a-6f5e-4d3c-9b2a-1f0e9d8c7b6a';
    const rounds = gatewayTask(4, 51, turnId);
    const ledger = await openLedger(newDir(), rounds.slice(0, 3));
    const exporter = await startExporter(ledger, receiver, { taskSettleMs: 0 });
    const parentOf = () => receiver.spans.filter((span) => span.name.startsWith('invoke_agent'));
    await until(() => `${parentOf().length} task spans`, () => parentOf().length === 1);
    const [parent] = parentOf();
    assert.equal(parent.name, 'invoke_agent Cline');
    assert.equal(parent.spanId, taskSpanIdOf(turnId));
    assert.equal(parent.kind, 1, 'INTERNAL');
    assert.equal(parent.startNs, BigInt(Date.parse(rounds[0].startedAt)) * 1_000_000n);
    assert.equal(parent.endNs, BigInt(Date.parse(rounds[2].finishedAt)) * 1_000_000n);
    const children = receiver.spans.filter((span) => span.name.startsWith('chat '));
    assert.equal(children.length, 3);
    assert.ok(children.every((child) => child.parentSpanId === parent.spanId && child.traceId === parent.traceId));

    await ledger.append(rounds[3]);
    await until(() => `${parentOf().length} task spans`, () => parentOf().length === 2);
    const widened = parentOf()[1];
    assert.equal(widened.spanId, parent.spanId);
    assert.equal(widened.endNs, BigInt(Date.parse(rounds[3].finishedAt)) * 1_000_000n);
    assert.equal(widened.attributes[CREDIT_METER.taskRequests], 4);
    await exporter.stop();
    await ledger.close();
    assert.equal(receiver.spans.filter((span) => span.name.startsWith('chat ')).length, 4);
  });

  it('never holds up an append: a collector that does not answer leaves the send path alone', async () => {
    const ledger = await openLedger(newDir());
    receiver.hold(true);
    const exporter = await startExporter(ledger, receiver, { timeoutMillis: 60_000 });
    const records = makeRecords(5, { seed: 61 });
    for (const record of records) {
      await ledger.append(record);
    }
    await until(() => 'the export to be in flight', () => exporter.stats.state === 'exporting' && exporter.stats.sent === 0 ? true : undefined);
    assert.equal((await ledger.summaries()).length, 5, 'every append resolved while the collector hung');
    receiver.hold(false);
    await until(() => `${uniqueSpanIds(receiver.spans).size}`, () => uniqueSpanIds(receiver.spans).size === 5);
    await exporter.stop();
    await ledger.close();
  });

  it('one exporter per ledger and endpoint: a second window stands by and takes over when the first stops', async () => {
    const dir = newDir();
    const ledger = await openLedger(dir, makeRecords(10, { seed: 71 }));
    const first = await startExporter(ledger, receiver);
    await until(() => 'first batch', () => receiver.spans.length === 10);
    const { Ledger } = await import('../../../src/core/ledger');
    const { ledger: secondWindow } = await Ledger.open(dir, { writerId: 'second' });
    const second = await startExporter(secondWindow, receiver);
    assert.equal(second.stats.state, 'standby');
    const more = makeRecords(5, { seed: 72, startDate: '2026-04-01T00:00:00Z' });
    for (const record of more) {
      await secondWindow.append(record);
    }
    await first.stop();
    await until(() => `${second.stats.state}, ${receiver.spans.length}`, () => receiver.spans.length === 15);
    await second.stop();
    await secondWindow.close();
    await ledger.close();
    assert.deepEqual(receiver.duplicateSpanIds(), []);
  });
});
