/**
 * The official OTLP/HTTP exporters (protobuf or JSON) for spans and metrics, from one resolved
 * target. The exporter classes also read `OTEL_EXPORTER_OTLP_*` from the process environment and
 * merge, for example, `OTEL_EXPORTER_OTLP_HEADERS` under the headers they are given. That is what
 * the CLI wants; in the extension host (whose environment is the user's login shell) it would send
 * a header meant for another tool's collector to the one in the settings, so the extension builds
 * them with the environment hidden (`environment: 'ignore'`): only the settings and secrets apply.
 */
import { OTLPMetricExporter as JsonMetricExporter, AggregationTemporalityPreference } from '@opentelemetry/exporter-metrics-otlp-http';
import { OTLPMetricExporter as ProtoMetricExporter } from '@opentelemetry/exporter-metrics-otlp-proto';
import { OTLPTraceExporter as JsonTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as ProtoTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import type { PushMetricExporter } from '@opentelemetry/sdk-metrics';
import type { SpanExporter } from '@opentelemetry/sdk-trace-base';
import type { OtlpTarget } from '../core/telemetry';

export interface ExporterOptions {
  readonly target: OtlpTarget;
  /** Header name -> value, sent with every export (e.g. `Authorization`). */
  readonly headers?: Readonly<Record<string, string>>;
  /** Per export call, retries by the exporter included (default 10 s). */
  readonly timeoutMillis?: number;
  /** `use`: standard `OTEL_EXPORTER_OTLP_*` variables add headers, TLS files, compression (the CLI). `ignore`: they do not (the extension). */
  readonly environment: 'use' | 'ignore';
}

export interface OtlpExporters {
  readonly spans: SpanExporter;
  readonly metrics: PushMetricExporter;
}

export function createOtlpExporters(options: ExporterOptions): OtlpExporters {
  const { target } = options;
  const common = {
    headers: { ...options.headers },
    timeoutMillis: options.timeoutMillis ?? 10_000,
  };
  return withEnvironment(options.environment, () => ({
    spans: target.traces.protocol === 'http/json'
      ? new JsonTraceExporter({ ...common, url: target.traces.url })
      : new ProtoTraceExporter({ ...common, url: target.traces.url }),
    metrics: target.metrics.protocol === 'http/json'
      ? new JsonMetricExporter({ ...common, url: target.metrics.url, temporalityPreference: AggregationTemporalityPreference.CUMULATIVE })
      : new ProtoMetricExporter({ ...common, url: target.metrics.url, temporalityPreference: AggregationTemporalityPreference.CUMULATIVE }),
  }));
}

/**
 * Runs `build` (synchronously, so no other code can observe it) with the `OTEL_*` variables hidden
 * when asked; the exporters read the environment only while they are constructed.
 */
function withEnvironment<T>(environment: 'use' | 'ignore', build: () => T): T {
  if (environment === 'use') {
    return build();
  }
  const hidden: Array<[string, string]> = [];
  for (const [key, value] of Object.entries(process.env)) {
    if (key.startsWith('OTEL_') && value !== undefined) {
      hidden.push([key, value]);
      delete process.env[key];
    }
  }
  try {
    return build();
  } finally {
    for (const [key, value] of hidden) {
      process.env[key] = value;
    }
  }
}
