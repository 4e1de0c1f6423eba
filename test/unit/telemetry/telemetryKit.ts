/** Shared set-up of the telemetry tests: temp ledgers, a local receiver, an exporter with fast retries. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Ledger, totalInput, type UsageRecord } from '../../../src/core/ledger';
import { resolveOtlpTarget, type OtlpProtocol } from '../../../src/core/telemetry';
import { LedgerExporter, type LedgerExporterOptions } from '../../../src/telemetry';
import type { OtlpReceiver, ReceivedSpan } from '../../support/otlpReceiver';

export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export async function openLedger(dir: string, records: Iterable<UsageRecord> = []): Promise<Ledger> {
  const { ledger } = await Ledger.open(dir);
  for (const record of records) {
    await ledger.append(record);
  }
  return ledger;
}

export function startExporter(ledger: Ledger, receiver: OtlpReceiver, options: Partial<LedgerExporterOptions> & { protocol?: OtlpProtocol } = {}): Promise<LedgerExporter> {
  const { protocol, ...rest } = options;
  return LedgerExporter.start({
    ledger,
    target: resolveOtlpTarget({ endpoint: receiver.url, protocol: protocol ?? 'http/protobuf' }),
    environment: 'ignore',
    includeContent: false,
    version: '0.0.0-test',
    follow: true,
    backoff: { initialMs: 20, maxMs: 200 },
    timeoutMillis: 1000,
    metricIntervalMillis: 60_000,
    lockRetryMs: 50,
    ...rest,
  });
}

/** Polls until `probe` is truthy; fails after a generous timeout with what it saw last. */
export async function until<T>(what: () => string, probe: () => T | undefined | false, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined && value !== false) {
      return value;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting: ${what()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

export function uniqueSpanIds(spans: readonly ReceivedSpan[], name = /^chat /): Set<string> {
  return new Set(spans.filter((span) => name.test(span.name)).map((span) => span.spanId));
}

export function tokenSums(records: readonly UsageRecord[]): { input: number; output: number } {
  return {
    input: records.reduce((sum, record) => sum + totalInput(record.tokens), 0),
    output: records.reduce((sum, record) => sum + record.tokens.output, 0),
  };
}

export const round6 = (value: number): number => Math.round(value * 1e6) / 1e6;
