/**
 * A local OTLP/HTTP receiver for tests and the bench: it decodes what it gets with the official
 * OTLP protobuf definitions (the generated protobufjs root that `@opentelemetry/otlp-transformer`
 * shipped, installed as the dev dependency `otlp-proto-root`) or as OTLP JSON, and keeps every span
 * and metric data point. It can go down (connections refused) and come back on the same port, answer
 * with an HTTP error, or hold requests open.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const root = require('otlp-proto-root/build/src/generated/root.js') as ProtoRoot;

interface ProtoMessageType {
  decode(buffer: Uint8Array): unknown;
  toObject(message: unknown, options: { longs: StringConstructor; bytes: StringConstructor; enums: NumberConstructor; defaults: boolean }): unknown;
}
interface ProtoRoot {
  opentelemetry: { proto: { collector: {
    trace: { v1: { ExportTraceServiceRequest: ProtoMessageType } };
    metrics: { v1: { ExportMetricsServiceRequest: ProtoMessageType } };
  } } };
}

export type AttributeMap = Record<string, unknown>;

export interface ReceivedSpan {
  readonly traceId: string;
  readonly spanId: string;
  readonly parentSpanId: string | undefined;
  readonly name: string;
  /** OTLP span kind: 1 internal, 3 client. */
  readonly kind: number;
  readonly startNs: bigint;
  readonly endNs: bigint;
  readonly attributes: AttributeMap;
  readonly status: { readonly code: number; readonly message?: string };
  readonly resource: AttributeMap;
  readonly scope: { readonly name: string; readonly version?: string; readonly schemaUrl?: string };
}

export interface ReceivedPoint {
  readonly metric: string;
  readonly unit: string;
  readonly kind: 'histogram' | 'sum' | 'gauge';
  readonly attributes: AttributeMap;
  readonly resource: AttributeMap;
  /** Histogram sum, or the sum/gauge value. */
  readonly value: number;
  readonly count?: number;
  readonly bounds?: readonly number[];
  readonly temporality?: number;
}

export interface ReceivedRequest {
  readonly path: string;
  readonly contentType: string;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: Buffer;
}

export interface OtlpReceiver {
  /** Base endpoint, e.g. `http://127.0.0.1:43187`. */
  readonly url: string;
  readonly spans: ReceivedSpan[];
  /** The points of each metrics request, in arrival order (cumulative: the last one holds the totals per process). */
  readonly metricRequests: ReceivedPoint[][];
  readonly requests: ReceivedRequest[];
  /** Requests refused or answered with an error while down or failing. */
  readonly rejected: number;
  /** Stops listening: connections are refused until `up()`. */
  down(): Promise<void>;
  up(): Promise<void>;
  /** Answer every request with this HTTP status (e.g. 503) instead of accepting it; undefined accepts again. */
  failWith(status: number | undefined): void;
  /** Keep requests open without answering until released (for "a send never waits" tests). */
  hold(on: boolean): void;
  /** Span ids received more than once. */
  duplicateSpanIds(): string[];
  /** The latest metric points per process (`service.instance.id`), summed over processes: name -> points. */
  latestPoints(): ReceivedPoint[];
  close(): Promise<void>;
}

function hexOf(value: unknown): string {
  if (typeof value !== 'string' || value === '') {
    return '';
  }
  // OTLP/JSON carries ids as hex; protobuf bytes arrive here as base64 (toObject with bytes: String).
  return /^[0-9a-f]+$/i.test(value) && (value.length === 32 || value.length === 16) ? value.toLowerCase() : Buffer.from(value, 'base64').toString('hex');
}

function anyValue(value: Record<string, unknown> | undefined): unknown {
  if (!value) {
    return undefined;
  }
  if ('stringValue' in value && value.stringValue !== undefined) {
    return value.stringValue;
  }
  if ('intValue' in value && value.intValue !== undefined) {
    return Number(value.intValue);
  }
  if ('doubleValue' in value && value.doubleValue !== undefined) {
    return Number(value.doubleValue);
  }
  if ('boolValue' in value && value.boolValue !== undefined) {
    return value.boolValue;
  }
  if ('arrayValue' in value && value.arrayValue) {
    return ((value.arrayValue as { values?: Array<Record<string, unknown>> }).values ?? []).map(anyValue);
  }
  return undefined;
}

function attributesOf(list: unknown): AttributeMap {
  const out: AttributeMap = {};
  for (const item of (list as Array<{ key: string; value?: Record<string, unknown> }> | undefined) ?? []) {
    out[item.key] = anyValue(item.value);
  }
  return out;
}

type Obj = Record<string, unknown>;
const list = (value: unknown): Obj[] => (Array.isArray(value) ? (value as Obj[]) : []);

function decode(path: string, contentType: string, body: Buffer): Obj {
  const signal = root.opentelemetry.proto.collector;
  if (contentType.includes('json')) {
    return JSON.parse(body.toString('utf8')) as Obj;
  }
  const type = path.endsWith('/v1/traces') ? signal.trace.v1.ExportTraceServiceRequest : signal.metrics.v1.ExportMetricsServiceRequest;
  return type.toObject(type.decode(body), { longs: String, bytes: String, enums: Number, defaults: false }) as Obj;
}

function spansOf(request: Obj): ReceivedSpan[] {
  const out: ReceivedSpan[] = [];
  for (const resourceSpans of list(request.resourceSpans)) {
    const resource = attributesOf((resourceSpans.resource as Obj | undefined)?.attributes);
    for (const scopeSpans of list(resourceSpans.scopeSpans)) {
      const scope = (scopeSpans.scope as Obj | undefined) ?? {};
      for (const span of list(scopeSpans.spans)) {
        const status = (span.status as Obj | undefined) ?? {};
        out.push({
          traceId: hexOf(span.traceId),
          spanId: hexOf(span.spanId),
          parentSpanId: hexOf(span.parentSpanId) || undefined,
          name: String(span.name),
          kind: Number(span.kind ?? 0),
          startNs: BigInt(String(span.startTimeUnixNano ?? 0)),
          endNs: BigInt(String(span.endTimeUnixNano ?? 0)),
          attributes: attributesOf(span.attributes),
          status: { code: Number(status.code ?? 0), ...(status.message ? { message: String(status.message) } : {}) },
          resource,
          scope: { name: String(scope.name ?? ''), ...(scope.version ? { version: String(scope.version) } : {}), ...(scopeSpans.schemaUrl ? { schemaUrl: String(scopeSpans.schemaUrl) } : {}) },
        });
      }
    }
  }
  return out;
}

function pointsOf(request: Obj): ReceivedPoint[] {
  const out: ReceivedPoint[] = [];
  for (const resourceMetrics of list(request.resourceMetrics)) {
    const resource = attributesOf((resourceMetrics.resource as Obj | undefined)?.attributes);
    for (const scopeMetrics of list(resourceMetrics.scopeMetrics)) {
      for (const metric of list(scopeMetrics.metrics)) {
        const base = { metric: String(metric.name), unit: String(metric.unit ?? ''), resource };
        const histogram = metric.histogram as Obj | undefined;
        const sum = metric.sum as Obj | undefined;
        const gauge = metric.gauge as Obj | undefined;
        if (histogram) {
          for (const point of list(histogram.dataPoints)) {
            out.push({
              ...base, kind: 'histogram', attributes: attributesOf(point.attributes), value: Number(point.sum ?? 0), count: Number(point.count ?? 0),
              bounds: list(point.explicitBounds).map(Number), temporality: Number(histogram.aggregationTemporality ?? 0),
            });
          }
        }
        for (const [kind, data] of [['sum', sum], ['gauge', gauge]] as const) {
          for (const point of list(data?.dataPoints)) {
            out.push({
              ...base, kind, attributes: attributesOf(point.attributes), value: Number(point.asDouble ?? point.asInt ?? 0),
              ...(data?.aggregationTemporality !== undefined ? { temporality: Number(data.aggregationTemporality) } : {}),
            });
          }
        }
      }
    }
  }
  return out;
}

export interface ReceiverOptions {
  /** Keep only the raw requests and a span count, without decoding (the bench measures the sender, not this receiver). */
  readonly decode?: boolean;
}

export async function startOtlpReceiver(options: ReceiverOptions = {}): Promise<OtlpReceiver> {
  const spans: ReceivedSpan[] = [];
  const metricRequests: ReceivedPoint[][] = [];
  const requests: ReceivedRequest[] = [];
  const held: http.ServerResponse[] = [];
  const sockets = new Set<import('node:net').Socket>();
  let failStatus: number | undefined;
  let holding = false;
  let rejected = 0;
  let port = 0;

  const handler = (req: http.IncomingMessage, res: http.ServerResponse): void => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const path = req.url ?? '';
      const contentType = String(req.headers['content-type'] ?? '');
      let body = Buffer.concat(chunks);
      if (req.headers['content-encoding'] === 'gzip') {
        body = gunzipSync(body);
      }
      if (holding) {
        held.push(res);
        return;
      }
      if (failStatus !== undefined) {
        rejected += 1;
        res.writeHead(failStatus, { 'content-type': 'text/plain' }).end('unavailable');
        return;
      }
      if (req.method !== 'POST' || (!path.endsWith('/v1/traces') && !path.endsWith('/v1/metrics'))) {
        res.writeHead(404).end();
        return;
      }
      if (options.decode === false) {
        requests.push({ path, contentType, headers: req.headers, body: Buffer.alloc(0) });
        res.writeHead(200, { 'content-type': contentType.includes('json') ? 'application/json' : 'application/x-protobuf' }).end(contentType.includes('json') ? '{}' : Buffer.alloc(0));
        return;
      }
      let decoded: Obj;
      try {
        decoded = decode(path, contentType, body);
      } catch (error) {
        res.writeHead(400, { 'content-type': 'text/plain' }).end(`cannot decode: ${error instanceof Error ? error.message : String(error)}`);
        return;
      }
      requests.push({ path, contentType, headers: req.headers, body });
      if (path.endsWith('/v1/traces')) {
        spans.push(...spansOf(decoded));
      } else {
        metricRequests.push(pointsOf(decoded));
      }
      if (contentType.includes('json')) {
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      } else {
        res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end(Buffer.alloc(0));
      }
    });
  };

  let server: http.Server;
  const listen = (): Promise<void> => new Promise((resolve, reject) => {
    server = http.createServer(handler);
    server.on('connection', (socket) => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
    });
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      port = (server.address() as AddressInfo).port;
      resolve();
    });
  });
  const stop = (): Promise<void> => new Promise((resolve) => {
    for (const res of held.splice(0)) {
      res.destroy();
    }
    server.close(() => resolve());
    for (const socket of sockets) {
      socket.destroy();
    }
  });
  await listen();
  let listening = true;

  return {
    get url() { return `http://127.0.0.1:${port}`; },
    spans,
    metricRequests,
    requests,
    get rejected() { return rejected; },
    async down() {
      if (listening) {
        listening = false;
        await stop();
      }
    },
    async up() {
      if (!listening) {
        await listen();
        listening = true;
      }
    },
    failWith(status) {
      failStatus = status;
    },
    hold(on) {
      holding = on;
      if (!on) {
        for (const res of held.splice(0)) {
          res.writeHead(503).end();
        }
      }
    },
    duplicateSpanIds() {
      const seen = new Set<string>();
      const twice = new Set<string>();
      for (const span of spans) {
        (seen.has(span.spanId) ? twice : seen).add(span.spanId);
      }
      return [...twice];
    },
    latestPoints() {
      const latest = new Map<string, ReceivedPoint[]>();
      for (const points of metricRequests) {
        for (const instance of new Set(points.map((point) => String(point.resource['service.instance.id'])))) {
          latest.set(instance, points.filter((point) => String(point.resource['service.instance.id']) === instance));
        }
      }
      return [...latest.values()].flat();
    },
    async close() {
      if (listening) {
        listening = false;
        await stop();
      }
    },
  };
}
