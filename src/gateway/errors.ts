/**
 * The gateway's own answers, in the error shape of the dialect the client speaks, so the assistant
 * shows the message instead of a parse error:
 * - OpenAI: `{"error": {"message", "type", "param": null, "code"}}`;
 * - Anthropic: `{"type": "error", "error": {"type", "message"}}`.
 *
 * A budget refusal is HTTP 402 (Anthropic's `billing_error`; OpenAI's `insufficient_quota` type)
 * with `x-should-retry: false`. The official openai and anthropic SDKs retry 408, 409, 429 and
 * every 5xx, and obey `x-should-retry` before anything else; 402 is in no retry list, so the
 * client shows the message once instead of retrying it in a loop.
 */
import type { ServerResponse } from 'node:http';

export type Dialect = 'openai' | 'anthropic';

export type GatewayErrorKind = 'unauthorized' | 'misdirected' | 'not_found' | 'too_large' | 'bad_request' | 'budget' | 'no_key' | 'upstream';

const STATUS: Readonly<Record<GatewayErrorKind, number>> = {
  unauthorized: 401,
  misdirected: 421,
  not_found: 404,
  too_large: 413,
  bad_request: 400,
  budget: 402,
  no_key: 401,
  upstream: 502,
};

const ANTHROPIC_TYPE: Readonly<Record<GatewayErrorKind, string>> = {
  unauthorized: 'authentication_error',
  misdirected: 'invalid_request_error',
  not_found: 'not_found_error',
  too_large: 'request_too_large',
  bad_request: 'invalid_request_error',
  budget: 'billing_error',
  no_key: 'authentication_error',
  upstream: 'api_error',
};

const OPENAI_TYPE: Readonly<Record<GatewayErrorKind, [type: string, code: string | null]>> = {
  unauthorized: ['invalid_request_error', 'invalid_api_key'],
  misdirected: ['invalid_request_error', 'misdirected_request'],
  not_found: ['invalid_request_error', 'unknown_url'],
  too_large: ['invalid_request_error', 'request_too_large'],
  bad_request: ['invalid_request_error', null],
  budget: ['insufficient_quota', 'credit_meter_budget_exceeded'],
  no_key: ['invalid_request_error', 'invalid_api_key'],
  upstream: ['server_error', 'upstream_unreachable'],
};

export function statusOf(kind: GatewayErrorKind): number {
  return STATUS[kind];
}

export function errorBody(dialect: Dialect, kind: GatewayErrorKind, message: string): string {
  if (dialect === 'anthropic') {
    return JSON.stringify({ type: 'error', error: { type: ANTHROPIC_TYPE[kind], message } });
  }
  const [type, code] = OPENAI_TYPE[kind];
  return JSON.stringify({ error: { message, type, param: null, code } });
}

/** Answers with the gateway's own error. `close` drops the connection (the request body was not read). */
export function sendError(res: ServerResponse, dialect: Dialect, kind: GatewayErrorKind, message: string, close = false): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const body = errorBody(dialect, kind, message);
  res.writeHead(statusOf(kind), {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(body),
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
    ...(kind === 'budget' ? { 'x-should-retry': 'false' } : {}),
    ...(close ? { connection: 'close' } : {}),
  });
  res.end(body);
}
