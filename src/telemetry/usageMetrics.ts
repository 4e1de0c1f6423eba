/**
 * The metrics: `gen_ai.client.token.usage` (histogram, by `gen_ai.token.type`) and
 * `credit_meter.credits` (counter), recorded once per record the endpoint acknowledged, through the
 * SDK's MeterProvider and the official OTLP metric exporter (cumulative temporality).
 *
 * Counted once: a record is recorded only after its span was acknowledged and the cursor written,
 * so a restart (which skips acknowledged records) never records it again, and a span resent after
 * a crash (before the cursor write) was never recorded the first time. The price is that a crash
 * between the cursor write and the next metric export drops those points: metrics may miss, they
 * never double. The spans are the exact record; for exact sums, sum span attributes.
 * `service.instance.id` differs per process, so each process's cumulative series is its own.
 */
import type { Counter, Histogram } from '@opentelemetry/api';
import type { Resource } from '@opentelemetry/resources';
import { MeterProvider, PeriodicExportingMetricReader, type PushMetricExporter } from '@opentelemetry/sdk-metrics';
import type { UsageRecord } from '../core/ledger';
import { GEN_AI, METRIC, metricPointsOf, SCHEMA_URL, SCOPE_NAME, TOKEN_USAGE_BUCKETS } from '../core/telemetry';

export interface UsageMetricsOptions {
  readonly exporter: PushMetricExporter;
  readonly resource: Resource;
  readonly version: string;
  /** How often the cumulative state is exported (default 60 s); `flush()` exports at once. */
  readonly exportIntervalMillis?: number;
}

export class UsageMetrics {
  private readonly provider: MeterProvider;
  private readonly tokens: Histogram;
  private readonly credits: Counter;
  private recorded = 0;

  constructor(options: UsageMetricsOptions) {
    const interval = options.exportIntervalMillis ?? 60_000;
    this.provider = new MeterProvider({
      resource: options.resource,
      readers: [new PeriodicExportingMetricReader({ exporter: options.exporter, exportIntervalMillis: interval, exportTimeoutMillis: Math.min(interval, 30_000) })],
    });
    const meter = this.provider.getMeter(SCOPE_NAME, options.version, { schemaUrl: SCHEMA_URL });
    this.tokens = meter.createHistogram(METRIC.tokenUsage.name, {
      unit: METRIC.tokenUsage.unit,
      description: METRIC.tokenUsage.description,
      advice: { explicitBucketBoundaries: [...TOKEN_USAGE_BUCKETS] },
    });
    this.credits = meter.createCounter(METRIC.credits.name, { unit: METRIC.credits.unit, description: METRIC.credits.description });
  }

  /** Records acknowledged in this process. */
  get count(): number {
    return this.recorded;
  }

  record(record: UsageRecord): void {
    const points = metricPointsOf(record);
    for (const { type, value } of points.tokens) {
      this.tokens.record(value, { ...points.attributes, [GEN_AI.tokenType]: type });
    }
    if (points.credits !== null) {
      this.credits.add(points.credits, points.attributes);
    }
    this.recorded += 1;
  }

  /** Exports now; rejects when the endpoint did not take them (they stay in the cumulative state). */
  flush(): Promise<void> {
    return this.provider.forceFlush();
  }

  /** Exports what is left, then stops. */
  async shutdown(): Promise<void> {
    await this.provider.shutdown();
  }
}
