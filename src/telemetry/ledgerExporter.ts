/**
 * The ledger as the outbox of an OTLP endpoint: every record not yet acknowledged by the endpoint
 * (its cursor says which) becomes a span, sent in batches through the official OTLP exporter;
 * only when the exporter reports success are the records marked acknowledged and counted in the
 * metrics. A failed batch is retried with exponential backoff (and jitter) until it goes through,
 * so a collector that is down for a while receives everything once it is back. New records come
 * from the ledger's `onDidAppend` (this window's appends and other windows' records picked up by a
 * refresh): the listener only notes the id and schedules the work, so a send never waits for it.
 *
 * Gateway tasks: once a task's last known round finished `taskSettleMs` ago, its `invoke_agent`
 * span (over every round in the ledger) is sent; a task that gains rounds later is sent again,
 * widened, under the same span id.
 *
 * One exporter per ledger and endpoint at a time (`ExportLock`): in a second window it waits in
 * standby and takes over when the first one stops.
 */
import { randomUUID } from 'node:crypto';
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import { defaultResource, detectResources, envDetector, resourceFromAttributes, type Resource } from '@opentelemetry/resources';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import type { Ledger, LedgerFilter, UsageRecord } from '../core/ledger';
import {
  displayUrl, endpointKey, isTaskRecord, recordSpan, taskAckKeyOf, taskSpan, type OtlpTarget, type SpanData,
} from '../core/telemetry';
import { ExportCursor, ExportLock } from './exportCursor';
import { createOtlpExporters, type OtlpExporters } from './otlpExporters';
import { toReadableSpan } from './spanBuilder';
import { UsageMetrics } from './usageMetrics';

export interface BackoffOptions {
  readonly initialMs: number;
  readonly maxMs: number;
}

export interface LedgerExporterOptions {
  readonly ledger: Ledger;
  readonly target: OtlpTarget;
  readonly headers?: Readonly<Record<string, string>>;
  /** See `createOtlpExporters`: the CLI uses the standard environment, the extension does not. */
  readonly environment: 'use' | 'ignore';
  readonly includeContent: boolean;
  readonly resourceAttributes?: Readonly<Record<string, string>>;
  readonly version: string;
  /** Follow new records (the extension) or send what is there and finish (the CLI). */
  readonly follow: boolean;
  /** Which records the backlog covers (the CLI's `--since`); new records are always followed. */
  readonly filter?: LedgerFilter;
  /** Send acknowledged records again too (same ids; not counted in the metrics again). */
  readonly resend?: boolean;
  readonly batchSize?: number;
  readonly backoff?: BackoffOptions;
  /** Give up a batch after this many failed attempts (the CLI); default: never (the extension). */
  readonly maxAttempts?: number;
  /** A gateway task's span is sent once its last round finished this long ago (default 5 min); 0 sends it at once. */
  readonly taskSettleMs?: number;
  /** Per export call (default 10 s). */
  readonly timeoutMillis?: number;
  readonly metricIntervalMillis?: number;
  /** How often a standby exporter tries to take the lock over (default 30 s). */
  readonly lockRetryMs?: number;
  readonly log?: (level: 'info' | 'warn', message: string) => void;
}

export type ExporterState = 'standby' | 'exporting' | 'retrying' | 'idle' | 'failed' | 'stopped';

export interface ExportStats {
  readonly state: ExporterState;
  /** Records the endpoint acknowledged in this run. */
  readonly sent: number;
  /** Of which were acknowledged before (sent again with `resend`). */
  readonly resent: number;
  readonly taskSpans: number;
  /** Records counted in the metrics in this run. */
  readonly metered: number;
  readonly failedAttempts: number;
  readonly pending: number;
  readonly lastError?: string;
}

export class ExportLockedError extends Error {
  constructor(readonly endpoint: string) {
    super(`another Credit Meter process is exporting this ledger to ${endpoint} right now`);
    this.name = 'ExportLockedError';
  }
}

const DEFAULT_BATCH = 256;
const DEFAULT_BACKOFF: BackoffOptions = { initialMs: 1000, maxMs: 300_000 };
const DEFAULT_SETTLE_MS = 5 * 60_000;
/** Records kept in memory as they were appended; beyond, they are read back from the ledger. */
const CACHE_LIMIT = 2000;
/** A batch with more records than this not in memory is read with one range query. */
const SINGLE_READS = 16;

export class LedgerExporter {
  private readonly pending = new Map<string, number>();
  private readonly cache = new Map<string, UsageRecord>();
  private readonly listeners = new Set<(stats: ExportStats) => void>();
  private readonly idleWaiters: Array<(stats: ExportStats) => void> = [];
  private readonly resource: Resource;
  private readonly endpoint: string;
  private cursor: ExportCursor | undefined;
  private lock: ExportLock | undefined;
  private exporters: OtlpExporters | undefined;
  private metrics: UsageMetrics | undefined;
  private subscription: { dispose(): void } | undefined;
  private draining: Promise<void> | undefined;
  private again = false;
  private wakeQueued = false;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private wake: (() => void) | undefined;
  private stopped = false;
  private state: ExporterState = 'standby';
  private sent = 0;
  private resent = 0;
  private taskSpans = 0;
  private failedAttempts = 0;
  private lastError: string | undefined;

  private constructor(private readonly options: LedgerExporterOptions) {
    this.endpoint = displayUrl(options.target.traces.url);
    const ours = resourceFromAttributes({
      ...options.resourceAttributes,
      'service.name': 'credit-meter',
      'service.version': options.version,
      'service.instance.id': randomUUID(),
    });
    const fromEnvironment = options.environment === 'use' ? detectResources({ detectors: [envDetector] }) : resourceFromAttributes({});
    this.resource = defaultResource().merge(fromEnvironment).merge(ours);
  }

  /**
   * Starts exporting. With `follow`, a lock held by another live process leaves this exporter in
   * standby (it retries); without, it throws `ExportLockedError`.
   */
  static async start(options: LedgerExporterOptions): Promise<LedgerExporter> {
    const exporter = new LedgerExporter(options);
    if (!(await exporter.tryTakeOver())) {
      if (!options.follow) {
        throw new ExportLockedError(exporter.endpoint);
      }
      options.log?.('info', `Telemetry to ${exporter.endpoint}: another window is exporting this workspace's usage; standing by.`);
      exporter.scheduleTakeOver();
    }
    return exporter;
  }

  get stats(): ExportStats {
    return {
      state: this.state,
      sent: this.sent,
      resent: this.resent,
      taskSpans: this.taskSpans,
      metered: this.metrics?.count ?? 0,
      failedAttempts: this.failedAttempts,
      pending: this.pending.size,
      ...(this.lastError !== undefined ? { lastError: this.lastError } : {}),
    };
  }

  /** Called after every batch and state change. */
  onDidChange(listener: (stats: ExportStats) => void): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => { this.listeners.delete(listener); } };
  }

  /** Resolves when nothing is left to send (or sending gave up, or the exporter stopped). */
  whenIdle(): Promise<ExportStats> {
    if (this.isSettled()) {
      return Promise.resolve(this.stats);
    }
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Exports the metrics recorded so far now (the CLI before it exits; tests). */
  async flushMetrics(): Promise<void> {
    await this.metrics?.flush();
  }

  /** Stops following, lets the batch in flight finish, exports the metrics, releases the endpoint. */
  async stop(): Promise<void> {
    if (this.stopped) {
      return;
    }
    this.stopped = true;
    this.subscription?.dispose();
    if (this.timer !== undefined) {
      clearTimeout(this.timer);
    }
    this.wake?.();
    await this.draining;
    await this.metrics?.shutdown().catch((error: unknown) => this.options.log?.('warn', `Telemetry metrics not delivered: ${message(error)}`));
    await this.exporters?.spans.shutdown().catch(() => undefined);
    await this.cursor?.close();
    await this.lock?.release();
    this.setState('stopped');
    this.resolveIdle();
  }

  private isSettled(): boolean {
    return this.state === 'stopped' || this.state === 'failed' || (this.state === 'idle' && this.draining === undefined);
  }

  private async tryTakeOver(): Promise<boolean> {
    const { ledger, target } = this.options;
    const dir = ExportCursor.dirFor(ledger.dir, endpointKey(target.traces.url));
    const lock = await ExportLock.acquire(dir);
    if (!lock || this.stopped) {
      await lock?.release();
      return false;
    }
    this.lock = lock;
    this.cursor = await ExportCursor.open(dir, this.endpoint);
    this.exporters = createOtlpExporters({
      target, environment: this.options.environment, ...(this.options.headers ? { headers: this.options.headers } : {}),
      ...(this.options.timeoutMillis !== undefined ? { timeoutMillis: this.options.timeoutMillis } : {}),
    });
    this.metrics = new UsageMetrics({
      exporter: this.exporters.metrics, resource: this.resource, version: this.options.version,
      ...(this.options.metricIntervalMillis !== undefined ? { exportIntervalMillis: this.options.metricIntervalMillis } : {}),
    });
    if (this.options.follow) {
      // Subscribe before reading the backlog, so a record appended in between is not missed (the map dedupes).
      this.subscription = ledger.onDidAppend((record) => this.noteAppended(record));
    }
    const cursor = this.cursor;
    for (const summary of await ledger.summaries(this.options.filter ?? {})) {
      if (this.options.resend || !cursor.has(summary.id)) {
        this.pending.set(summary.id, summary.startedMs);
      }
    }
    this.options.log?.('info', `Telemetry to ${this.endpoint}: ${this.pending.size} record(s) to send, ${cursor.size} acknowledged before.`);
    this.setState('exporting');
    this.schedule();
    return true;
  }

  private scheduleTakeOver(): void {
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.tryTakeOver().then((taken) => {
        if (!taken && !this.stopped) {
          this.scheduleTakeOver();
        }
      }, (error: unknown) => {
        this.options.log?.('warn', `Telemetry could not start: ${message(error)}`);
        this.scheduleTakeOver();
      });
    }, this.options.lockRetryMs ?? 30_000);
  }

  /**
   * The `onDidAppend` listener, the only telemetry work on a send's path: two map writes and a flag.
   * The cursor is consulted, and everything else done, later, off the append's call stack.
   */
  private noteAppended(record: UsageRecord): void {
    if (this.stopped || this.pending.has(record.id)) {
      return;
    }
    this.pending.set(record.id, Date.parse(record.startedAt));
    if (this.cache.size < CACHE_LIMIT) {
      this.cache.set(record.id, record);
    }
    if (!this.wakeQueued) {
      this.wakeQueued = true;
      setImmediate(() => {
        this.wakeQueued = false;
        this.schedule();
      });
    }
  }

  private schedule(): void {
    if (this.stopped || this.state === 'failed') {
      return;
    }
    if (this.draining) {
      this.again = true;
      return;
    }
    this.draining = this.drain().catch((error: unknown) => {
      this.lastError = message(error);
      this.options.log?.('warn', `Telemetry export stopped: ${this.lastError}`);
      this.setState('failed');
    }).finally(() => {
      this.draining = undefined;
      if (this.again && !this.stopped && this.state !== 'failed') {
        this.again = false;
        this.schedule();
      } else {
        this.again = false;
        this.armTaskTimer();
        this.resolveIdle();
      }
    });
  }

  private async drain(): Promise<void> {
    const batchSize = this.options.batchSize ?? DEFAULT_BATCH;
    while (!this.stopped) {
      const batch: Array<readonly [string, number]> = [];
      for (const entry of this.pending) {
        if (!this.options.resend && this.cursor!.has(entry[0])) {
          // Acknowledged before (e.g. read again by a refresh after a repair elsewhere): nothing to send.
          this.pending.delete(entry[0]);
          this.cache.delete(entry[0]);
          continue;
        }
        batch.push(entry);
        if (batch.length >= batchSize) {
          break;
        }
      }
      if (batch.length > 0) {
        this.setState('exporting');
        if (!(await this.sendRecords(batch))) {
          return;
        }
        continue;
      }
      const tasks = this.dueTasks();
      if (tasks.length > 0) {
        if (!(await this.sendTasks(tasks.slice(0, batchSize)))) {
          return;
        }
        continue;
      }
      this.setState('idle');
      return;
    }
  }

  private async sendRecords(batch: ReadonlyArray<readonly [string, number]>): Promise<boolean> {
    const cursor = this.cursor!;
    const records = await this.read(batch);
    const spans = records.map((record) => recordSpan(record, { includeContent: this.options.includeContent }));
    if (!(await this.export(spans))) {
      return false;
    }
    const fresh = records.filter((record) => !cursor.has(record.id));
    await cursor.acknowledge(fresh.map((record) => ({ key: record.id, startedMs: Date.parse(record.startedAt) })));
    const tasks = new Map<string, number>();
    for (const record of records) {
      this.pending.delete(record.id);
      this.cache.delete(record.id);
      if (isTaskRecord(record)) {
        tasks.set(record.turnId, Math.max(tasks.get(record.turnId) ?? -Infinity, Date.parse(record.finishedAt)));
      }
    }
    // Counted only now, after the cursor write: a restart skips them, a resend before the write never counted them.
    for (const record of fresh) {
      this.metrics!.record(record);
    }
    this.sent += records.length;
    this.resent += records.length - fresh.length;
    if (tasks.size > 0) {
      await cursor.updatePendingTasks((pending) => {
        for (const [turnId, finishedMs] of tasks) {
          pending.set(turnId, Math.max(pending.get(turnId) ?? -Infinity, finishedMs));
        }
      });
    }
    this.emit();
    return true;
  }

  private dueTasks(): string[] {
    const settle = this.options.follow ? (this.options.taskSettleMs ?? DEFAULT_SETTLE_MS) : 0;
    const now = Date.now();
    return [...this.cursor!.pendingTasks].filter(([, finishedMs]) => now - finishedMs >= settle).map(([turnId]) => turnId);
  }

  private async sendTasks(turnIds: readonly string[]): Promise<boolean> {
    const cursor = this.cursor!;
    const ledger = this.options.ledger;
    const spans: SpanData[] = [];
    const keys: Array<{ key: string; startedMs: number }> = [];
    for (const turnId of turnIds) {
      const rounds = (await ledger.query({ turnId })).filter(isTaskRecord);
      if (rounds.length === 0) {
        continue;
      }
      const key = taskAckKeyOf(turnId, rounds.length);
      if (cursor.has(key) && !this.options.resend) {
        continue;
      }
      const span = taskSpan(rounds);
      spans.push(span);
      keys.push({ key, startedMs: span.startMs });
    }
    if (spans.length > 0) {
      if (!(await this.export(spans))) {
        return false;
      }
      await cursor.acknowledge(keys);
      this.taskSpans += spans.length;
    }
    await cursor.updatePendingTasks((pending) => {
      for (const turnId of turnIds) {
        pending.delete(turnId);
      }
    });
    this.emit();
    return true;
  }

  /** Sends spans until the endpoint acknowledges them; false when stopped or out of attempts. */
  private async export(spans: readonly SpanData[]): Promise<boolean> {
    const exporter = this.exporters!.spans;
    const readable: ReadableSpan[] = spans.map((span) => toReadableSpan(span, { resource: this.resource, version: this.options.version }));
    const backoff = this.options.backoff ?? DEFAULT_BACKOFF;
    let delay = backoff.initialMs;
    for (let attempt = 1; !this.stopped; attempt++) {
      const result = await new Promise<ExportResult>((resolve) => exporter.export(readable, resolve));
      if (result.code === ExportResultCode.SUCCESS) {
        if (this.lastError !== undefined) {
          this.options.log?.('info', `Telemetry to ${this.endpoint} is flowing again.`);
          this.lastError = undefined;
        }
        return true;
      }
      this.failedAttempts += 1;
      const reason = result.error?.message ?? 'export failed';
      if (this.lastError === undefined) {
        this.options.log?.('warn', `Telemetry to ${this.endpoint} failed (${reason}); retrying with backoff. Nothing is lost: the ledger keeps every record.`);
      }
      this.lastError = reason;
      if (this.options.maxAttempts !== undefined && attempt >= this.options.maxAttempts) {
        this.setState('failed');
        return false;
      }
      this.setState('retrying');
      await this.sleep(delay * (0.8 + Math.random() * 0.4));
      delay = Math.min(delay * 2, backoff.maxMs);
    }
    return false;
  }

  /** The full records of a batch, in order; ids no longer in the ledger (history cleared) are dropped. */
  private async read(batch: ReadonlyArray<readonly [string, number]>): Promise<UsageRecord[]> {
    const ledger = this.options.ledger;
    const found = new Map<string, UsageRecord>();
    const missing = batch.filter(([id]) => {
      const cached = this.cache.get(id);
      if (cached) {
        found.set(id, cached);
      }
      return !cached;
    });
    if (missing.length > 0 && missing.length <= SINGLE_READS) {
      for (const [id] of missing) {
        const record = await ledger.get(id);
        if (record) {
          found.set(id, record);
        }
      }
    } else if (missing.length > 0) {
      const wanted = new Set(missing.map(([id]) => id));
      const since = Math.min(...missing.map(([, startedMs]) => startedMs));
      const until = Math.max(...missing.map(([, startedMs]) => startedMs)) + 1;
      for await (const record of ledger.records({ since: new Date(since), until: new Date(until) })) {
        if (wanted.has(record.id)) {
          found.set(record.id, record);
        }
      }
    }
    const out: UsageRecord[] = [];
    for (const [id] of batch) {
      const record = found.get(id);
      if (record) {
        out.push(record);
      } else {
        this.pending.delete(id);
        this.cache.delete(id);
      }
    }
    return out;
  }

  private armTaskTimer(): void {
    if (this.stopped || !this.options.follow || this.timer !== undefined || !this.cursor || this.cursor.pendingTasks.size === 0) {
      return;
    }
    const settle = this.options.taskSettleMs ?? DEFAULT_SETTLE_MS;
    const next = Math.min(...this.cursor.pendingTasks.values()) + settle - Date.now();
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.schedule();
    }, Math.max(50, next));
    this.timer.unref?.();
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
      this.wake = done;
    });
  }

  private setState(state: ExporterState): void {
    if (this.state !== state) {
      this.state = state;
      this.emit();
    }
  }

  private emit(): void {
    const stats = this.stats;
    for (const listener of [...this.listeners]) {
      try {
        listener(stats);
      } catch {
        // A listener's failure must not stop the export.
      }
    }
  }

  private resolveIdle(): void {
    if (!this.isSettled()) {
      return;
    }
    const stats = this.stats;
    for (const resolve of this.idleWaiters.splice(0)) {
      resolve(stats);
    }
  }
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
