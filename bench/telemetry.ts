/**
 * Telemetry figures: OTLP export throughput (records per second from a ledger to a local OTLP/HTTP
 * receiver, protobuf and JSON, spans acknowledged and cursor written), and what telemetry adds to a
 * send: append -> resolve with the exporter off and on (interleaved, so the machine's load hits both
 * alike), and the time spent in the exporter's `onDidAppend` listener, the only part on the send path.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Ledger } from '../src/core/ledger';
import { resolveOtlpTarget, type OtlpProtocol } from '../src/core/telemetry';
import { LedgerExporter } from '../src/telemetry';
import { generateRecords, makeRecords } from '../test/support/ledgerFixtures';
import { startOtlpReceiver, type OtlpReceiver } from '../test/support/otlpReceiver';
import { ms } from './measure';
import { type BenchRow, percentile } from './table';

const AREA = 'telemetry';
const RECORDS = 20_000;
const APPENDS = 200;
const MIN_RECORDS_PER_S = 2000;
/** The listener's share of a send: a few map writes; an fsynced append takes about 2 ms. A p99 sample may include a minor GC. */
const MAX_LISTENER_P50_MS = 0.05;
const MAX_LISTENER_P99_MS = 0.25;

function startExporter(ledger: Ledger, receiver: OtlpReceiver, protocol: OtlpProtocol, follow: boolean): Promise<LedgerExporter> {
  return LedgerExporter.start({
    ledger, target: resolveOtlpTarget({ endpoint: receiver.url, protocol }), environment: 'ignore', includeContent: false,
    version: 'bench', follow, batchSize: 512,
  });
}

async function throughput(dir: string, receiver: OtlpReceiver, protocol: OtlpProtocol): Promise<BenchRow> {
  const ledger = (await Ledger.open(dir)).ledger;
  const start = performance.now();
  const exporter = await startExporter(ledger, receiver, protocol, false);
  const stats = await exporter.whenIdle();
  const seconds = (performance.now() - start) / 1000;
  await exporter.stop();
  await ledger.close();
  const perSecond = stats.sent / seconds;
  return {
    area: AREA, metric: `export ${stats.sent} records to a local collector (${protocol})`,
    value: `${Math.round(perSecond)} records/s (${seconds.toFixed(1)} s)`, target: `≥ ${MIN_RECORDS_PER_S} records/s`,
    ok: stats.sent === RECORDS && perSecond >= MIN_RECORDS_PER_S,
  };
}

export async function run(): Promise<BenchRow[]> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cm-bench-telemetry-'));
  // The receiver answers without decoding: the figure is the sender's (SDK serialisation, HTTP, cursor writes).
  const receiver = await startOtlpReceiver({ decode: false });
  const rows: BenchRow[] = [];
  try {
    const { ledger: writer } = await Ledger.open(path.join(dir, 'backlog'));
    for (const record of generateRecords(RECORDS, { seed: 404, days: 60 })) {
      await writer.append(record);
    }
    await writer.close();
    for (const protocol of ['http/protobuf', 'http/json'] as const) {
      // Each protocol from scratch: the cursor of the first run would skip every record in the second.
      fs.rmSync(path.join(dir, 'backlog', 'telemetry'), { recursive: true, force: true });
      rows.push(await throughput(path.join(dir, 'backlog'), receiver, protocol));
    }

    // The send path: appends with the exporter running and without, interleaved.
    const { ledger } = await Ledger.open(path.join(dir, 'live'));
    let before = 0;
    const listenerMs: number[] = [];
    const first = ledger.onDidAppend(() => { before = performance.now(); });
    const exporter = await startExporter(ledger, receiver, 'http/protobuf', true);
    const last = ledger.onDidAppend(() => { listenerMs.push(performance.now() - before); });
    const on: number[] = [];
    const off: number[] = [];
    const records = makeRecords(APPENDS * 2, { seed: 405 });
    const { ledger: plain } = await Ledger.open(path.join(dir, 'plain'));
    for (let i = 0; i < APPENDS; i++) {
      let start = performance.now();
      await ledger.append(records[2 * i]);
      on.push(performance.now() - start);
      start = performance.now();
      await plain.append(records[2 * i + 1]);
      off.push(performance.now() - start);
    }
    await exporter.whenIdle();
    first.dispose();
    last.dispose();
    await exporter.stop();
    await ledger.close();
    await plain.close();
    const p50On = percentile(on, 50);
    const p50Off = percentile(off, 50);
    rows.push({ area: AREA, metric: `append -> resolve, telemetry off (p50 / p95, ${APPENDS} appends)`, value: `${ms(p50Off)} / ${ms(percentile(off, 95))}` });
    rows.push({ area: AREA, metric: 'append -> resolve, telemetry on (p50 / p95)', value: `${ms(p50On)} / ${ms(percentile(on, 95))}`, target: 'same as off (fsync-bound)' });
    rows.push({
      area: AREA, metric: 'time in the exporter\'s append listener (p50 / p99): all telemetry adds to a send',
      value: `${ms(percentile(listenerMs, 50))} / ${ms(percentile(listenerMs, 99))}`, target: `p50 < ${ms(MAX_LISTENER_P50_MS)}, p99 < ${ms(MAX_LISTENER_P99_MS)}`,
      ok: listenerMs.length === APPENDS && percentile(listenerMs, 50) < MAX_LISTENER_P50_MS && percentile(listenerMs, 99) < MAX_LISTENER_P99_MS,
    });
  } finally {
    await receiver.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
  return rows;
}
