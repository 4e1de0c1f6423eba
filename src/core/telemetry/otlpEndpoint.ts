/**
 * Where OTLP data goes: the traces and metrics URLs and protocol, from a base endpoint (a setting or
 * `--otlp URL`) or from the standard `OTEL_EXPORTER_OTLP_*` variables, following the OTLP exporter
 * specification: a signal-specific endpoint is used as it is; the generic one gets `/v1/traces` or
 * `/v1/metrics` appended; an explicit value wins over the environment. Only OTLP over HTTP is
 * spoken (`http/protobuf`, `http/json`).
 */
import { createHash } from 'node:crypto';

export const OTLP_PROTOCOLS = ['http/protobuf', 'http/json'] as const;
export type OtlpProtocol = (typeof OTLP_PROTOCOLS)[number];
export const DEFAULT_OTLP_PROTOCOL: OtlpProtocol = 'http/protobuf';

export interface OtlpSignalTarget {
  readonly url: string;
  readonly protocol: OtlpProtocol;
}

export interface OtlpTarget {
  readonly traces: OtlpSignalTarget;
  readonly metrics: OtlpSignalTarget;
}

export class OtlpConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OtlpConfigError';
  }
}

const SIGNAL_PATH = /\/v1\/(traces|metrics)\/?$/;

/** Why an endpoint URL cannot be used, or undefined. Credentials belong in headers, never in the URL. */
export function endpointProblem(text: string): string | undefined {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return `not a URL: '${text}'`;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return `must be http:// or https://, not ${url.protocol}//`;
  }
  if (url.username || url.password) {
    return 'must not contain a user name or password (put credentials in a header)';
  }
  if (url.search || url.hash) {
    return 'must not contain a query or fragment (put credentials in a header)';
  }
  return undefined;
}

function checkedUrl(text: string, what: string): URL {
  const problem = endpointProblem(text);
  if (problem !== undefined) {
    throw new OtlpConfigError(`${what} ${problem}`);
  }
  return new URL(text);
}

/** `https://otel.example.com:4318` -> `https://otel.example.com:4318/v1/traces` (and metrics). A signal path given is replaced. */
export function signalUrls(base: string, what = 'endpoint'): { traces: string; metrics: string } {
  const url = checkedUrl(base, what);
  const path = url.pathname.replace(SIGNAL_PATH, '').replace(/\/+$/, '');
  const root = `${url.origin}${path}`;
  return { traces: `${root}/v1/traces`, metrics: `${root}/v1/metrics` };
}

export function parseProtocol(text: string, what: string): OtlpProtocol {
  const value = text.trim().toLowerCase();
  if ((OTLP_PROTOCOLS as readonly string[]).includes(value)) {
    return value as OtlpProtocol;
  }
  if (value === 'grpc') {
    throw new OtlpConfigError(`${what}: grpc is not supported; use http/protobuf or http/json (port 4318 on a Collector)`);
  }
  throw new OtlpConfigError(`${what} must be ${OTLP_PROTOCOLS.join(' or ')}, not '${text}'`);
}

export interface ResolveOptions {
  /** A base endpoint given explicitly (flag or setting); wins over the environment. */
  readonly endpoint?: string;
  readonly protocol?: string;
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/** The traces and metrics targets, or an `OtlpConfigError` naming what is missing or wrong. */
export function resolveOtlpTarget(options: ResolveOptions): OtlpTarget {
  const env = options.env ?? {};
  const value = (key: string): string | undefined => {
    const text = env[key]?.trim();
    return text ? text : undefined;
  };
  const signal = (name: 'TRACES' | 'METRICS', path: 'traces' | 'metrics'): OtlpSignalTarget => {
    let url: string | undefined;
    if (options.endpoint !== undefined) {
      url = signalUrls(options.endpoint, '--otlp')[path];
    } else if (value(`OTEL_EXPORTER_OTLP_${name}_ENDPOINT`) !== undefined) {
      url = checkedUrl(value(`OTEL_EXPORTER_OTLP_${name}_ENDPOINT`)!, `OTEL_EXPORTER_OTLP_${name}_ENDPOINT`).href;
    } else if (value('OTEL_EXPORTER_OTLP_ENDPOINT') !== undefined) {
      url = signalUrls(value('OTEL_EXPORTER_OTLP_ENDPOINT')!, 'OTEL_EXPORTER_OTLP_ENDPOINT')[path];
    }
    if (url === undefined) {
      throw new OtlpConfigError('no OTLP endpoint: pass --otlp URL or set OTEL_EXPORTER_OTLP_ENDPOINT');
    }
    const protocol = options.protocol !== undefined
      ? parseProtocol(options.protocol, '--otlp-protocol')
      : value(`OTEL_EXPORTER_OTLP_${name}_PROTOCOL`) !== undefined
        ? parseProtocol(value(`OTEL_EXPORTER_OTLP_${name}_PROTOCOL`)!, `OTEL_EXPORTER_OTLP_${name}_PROTOCOL`)
        : value('OTEL_EXPORTER_OTLP_PROTOCOL') !== undefined
          ? parseProtocol(value('OTEL_EXPORTER_OTLP_PROTOCOL')!, 'OTEL_EXPORTER_OTLP_PROTOCOL')
          : DEFAULT_OTLP_PROTOCOL;
    return { url, protocol };
  };
  return { traces: signal('TRACES', 'traces'), metrics: signal('METRICS', 'metrics') };
}

/** A URL as shown to people and stored beside the cursor: scheme, host, port and path only. */
export function displayUrl(text: string): string {
  const url = new URL(text);
  return `${url.origin}${url.pathname}`;
}

/**
 * The key of an endpoint's cursor: a hash of where its spans go (scheme, host, port, path), so the
 * cursor's file name carries neither the URL's credentials nor any header.
 */
export function endpointKey(tracesUrl: string): string {
  return createHash('sha256').update(displayUrl(tracesUrl).toLowerCase()).digest('hex').slice(0, 16);
}
