/**
 * Plain span data (from `src/core/telemetry`) as the SDK's `ReadableSpan`, ready for the official
 * OTLP exporter's `export()`. Spans are built, not recorded through a tracer: their ids come from
 * ledger ids and their times from the record, and the exporter's callback says whether the endpoint
 * took them, which is what the cursor needs.
 */
import { SpanKind, SpanStatusCode, TraceFlags, type HrTime } from '@opentelemetry/api';
import type { Resource } from '@opentelemetry/resources';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { SCHEMA_URL, SCOPE_NAME, type SpanData } from '../core/telemetry';

export function hrTime(ms: number): HrTime {
  const seconds = Math.floor(ms / 1000);
  return [seconds, Math.round((ms - seconds * 1000) * 1e6)];
}

export interface SpanContextInfo {
  readonly resource: Resource;
  readonly version: string;
}

export function toReadableSpan(span: SpanData, info: SpanContextInfo): ReadableSpan {
  const context = { traceId: span.traceId, spanId: span.spanId, traceFlags: TraceFlags.SAMPLED, isRemote: false };
  return {
    name: span.name,
    kind: span.kind === 'client' ? SpanKind.CLIENT : SpanKind.INTERNAL,
    spanContext: () => context,
    ...(span.parentSpanId !== undefined ? { parentSpanContext: { traceId: span.traceId, spanId: span.parentSpanId, traceFlags: TraceFlags.SAMPLED, isRemote: false } } : {}),
    startTime: hrTime(span.startMs),
    endTime: hrTime(span.endMs),
    duration: hrTime(span.endMs - span.startMs),
    status: span.status.code === 'error' ? { code: SpanStatusCode.ERROR, ...(span.status.message ? { message: span.status.message } : {}) } : { code: SpanStatusCode.UNSET },
    attributes: span.attributes as ReadableSpan['attributes'],
    links: [],
    events: [],
    ended: true,
    resource: info.resource,
    instrumentationScope: { name: SCOPE_NAME, version: info.version, schemaUrl: SCHEMA_URL },
    droppedAttributesCount: 0,
    droppedEventsCount: 0,
    droppedLinksCount: 0,
  };
}
