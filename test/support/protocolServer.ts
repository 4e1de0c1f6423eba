/**
 * A local HTTP server that replays provider responses byte for byte, with scripted faults: bodies
 * split at chosen byte offsets, slow headers, mid-stream disconnects, resets, responses held open.
 * It records every request it receives so tests can check what was sent, and to whom.
 *
 * Plain `node:http` and no test-framework imports, so the extension's integration tests can start
 * it from inside the VS Code extension host too.
 */
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { STATE_TIMEOUT_MS } from './waitFor';
import * as zlib from 'node:zlib';

export interface ScriptedResponse {
  /** Default 200. */
  readonly status?: number;
  /** Default `content-type: text/event-stream` for a 2xx, `application/json` otherwise. */
  readonly headers?: Readonly<Record<string, string>>;
  /** The body, sent exactly as given. */
  readonly body?: string | Uint8Array;
  /** Byte offsets at which the body is cut into separate writes (each its own TCP send). */
  readonly splitAt?: readonly number[];
  /** Waits before sending the status line and headers (a slow first byte). */
  readonly headerDelayMs?: number;
  /** Waits between writes of the body (default 3 ms when the body is split, so pieces arrive apart). */
  readonly chunkDelayMs?: number;
  /** Destroys the socket after this many body bytes: a connection lost mid-stream. */
  readonly disconnectAfterBytes?: number;
  /** Sends the body but never ends the response, so only the client can close it. */
  readonly holdOpen?: boolean;
  /** Destroys the connection without answering at all. */
  readonly resetConnection?: boolean;
  /** Sends `content-length` instead of chunked transfer encoding. */
  readonly contentLength?: boolean;
  /** Compresses the body with gzip and says so in `content-encoding` (split offsets apply to the compressed bytes). */
  readonly gzip?: boolean;
}

/** Responses in the order requests arrive, or a function choosing one per request. */
export type ProtocolScript =
  | readonly ScriptedResponse[]
  | ((request: RecordedRequest, index: number) => ScriptedResponse);

export type RequestOutcome = 'pending' | 'completed' | 'client-closed' | 'server-closed';

export interface RecordedRequest {
  readonly method: string;
  /** Path and query, e.g. `/v1/chat/completions`. */
  readonly path: string;
  /** Lower-cased header names. */
  readonly headers: Readonly<http.IncomingHttpHeaders>;
  readonly body: string;
  /** The body parsed as JSON, or undefined when it is not JSON. */
  readonly json: unknown;
  /** How the exchange ended: `client-closed` means the client dropped the connection first. */
  outcome: RequestOutcome;
}

export interface ProtocolServer {
  /** `http://127.0.0.1:<port>`, no trailing slash. */
  readonly url: string;
  readonly requests: RecordedRequest[];
  /** Resolves when the client closes the connection of request `index` before the response ended. */
  clientClosed(index: number, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

/**
 * test/fixtures/streams, found by walking up from this file so it also works when the tests run
 * compiled or bundled from another folder (e.g. out/test/support inside the extension host).
 */
function defaultFixtureDir(): string {
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    for (const candidate of [path.join(dir, 'fixtures', 'streams'), path.join(dir, 'test', 'fixtures', 'streams')]) {
      if (fs.existsSync(candidate)) {
        return candidate;
      }
    }
    if (path.dirname(dir) === dir) {
      throw new Error(`test/fixtures/streams not found above ${__dirname}; pass the folder to readStreamFixture.`);
    }
  }
}

/** A recorded stream from test/fixtures/streams, as raw bytes. */
export function readStreamFixture(name: string, dir = defaultFixtureDir()): Buffer {
  return fs.readFileSync(path.join(dir, name));
}

/** Byte offsets that cut `body` into pieces of `size` bytes: the harshest chunking there is. */
export function everyNBytes(body: string | Uint8Array, size: number): number[] {
  const length = typeof body === 'string' ? Buffer.byteLength(body) : body.byteLength;
  const offsets: number[] = [];
  for (let at = size; at < length; at += size) {
    offsets.push(at);
  }
  return offsets;
}

function delay(ms: number): Promise<void> {
  return ms > 0 ? new Promise((resolve) => setTimeout(resolve, ms)) : Promise.resolve();
}

function pieces(body: Buffer, splitAt: readonly number[]): Buffer[] {
  const cuts = [...new Set(splitAt)].filter((at) => at > 0 && at < body.length).sort((a, b) => a - b);
  const out: Buffer[] = [];
  let start = 0;
  for (const cut of [...cuts, body.length]) {
    out.push(body.subarray(start, cut));
    start = cut;
  }
  return out.filter((piece) => piece.length > 0);
}

/** Read through a function so the check is not narrowed away across awaits. */
function clientGone(record: RecordedRequest): boolean {
  return record.outcome === 'client-closed';
}

async function respond(res: http.ServerResponse, script: ScriptedResponse, record: RecordedRequest): Promise<void> {
  const socket = res.socket;
  if (script.resetConnection) {
    record.outcome = 'server-closed';
    socket?.destroy();
    return;
  }
  socket?.setNoDelay(true);
  await delay(script.headerDelayMs ?? 0);
  if (clientGone(record)) {
    return;
  }
  const status = script.status ?? 200;
  const plain = script.body === undefined ? Buffer.alloc(0) : Buffer.from(script.body);
  const body = script.gzip ? zlib.gzipSync(plain) : plain;
  const headers: Record<string, string> = {
    ...(script.gzip ? { 'content-encoding': 'gzip' } : {}),
    'content-type': status >= 200 && status < 300 ? 'text/event-stream' : 'application/json',
    'cache-control': 'no-cache',
    ...script.headers,
  };
  if (script.contentLength) {
    headers['content-length'] = String(body.length);
  }
  res.writeHead(status, headers);
  res.flushHeaders();
  const limit = script.disconnectAfterBytes;
  const cuts = [...(script.splitAt ?? []), ...(limit !== undefined ? [limit] : [])];
  const gap = script.chunkDelayMs ?? (cuts.length > 0 ? 3 : 0);
  let sent = 0;
  for (const [i, piece] of pieces(body, cuts).entries()) {
    if (limit !== undefined && sent >= limit) {
      break;
    }
    if (i > 0) {
      await delay(gap);
    }
    if (clientGone(record) || res.destroyed) {
      return;
    }
    res.write(piece);
    sent += piece.length;
  }
  if (limit !== undefined) {
    // Let the bytes leave before the connection drops, as a real cut would.
    await delay(Math.max(gap, 5));
    record.outcome = 'server-closed';
    socket?.destroy();
    return;
  }
  if (!script.holdOpen) {
    res.end();
  }
}

/** Starts the server on a free port of 127.0.0.1. Always `close()` it. */
export async function startProtocolServer(script: ProtocolScript): Promise<ProtocolServer> {
  const requests: RecordedRequest[] = [];
  const closeWaiters = new Map<number, () => void>();

  const pick = (record: RecordedRequest, index: number): ScriptedResponse => {
    if (typeof script === 'function') {
      return script(record, index);
    }
    const list = script as readonly ScriptedResponse[];
    return list[index] ?? {
      status: 500,
      body: JSON.stringify({ error: { message: `protocol server: no scripted response for request ${index + 1}` } }),
    };
  };

  const server = http.createServer((req, res) => {
    const parts: Buffer[] = [];
    req.on('data', (chunk: Buffer) => parts.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(parts).toString('utf8');
      let json: unknown;
      try {
        json = JSON.parse(body);
      } catch {
        json = undefined;
      }
      const index = requests.length;
      const record: RecordedRequest = {
        method: req.method ?? '',
        path: req.url ?? '',
        headers: req.headers,
        body,
        json,
        outcome: 'pending',
      };
      requests.push(record);
      res.on('close', () => {
        if (record.outcome === 'pending') {
          record.outcome = res.writableFinished ? 'completed' : 'client-closed';
        }
        if (record.outcome === 'client-closed') {
          closeWaiters.get(index)?.();
        }
      });
      respond(res, pick(record, index), record).catch(() => res.destroy());
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    clientClosed(index, timeoutMs = STATE_TIMEOUT_MS) {
      if (requests[index]?.outcome === 'client-closed') {
        return Promise.resolve();
      }
      return new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`request ${index + 1} was not closed by the client within ${timeoutMs} ms`)), timeoutMs);
        closeWaiters.set(index, () => {
          clearTimeout(timer);
          resolve();
        });
      });
    },
    close() {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Model lists served the way the real models endpoints serve them. */
export interface ModelLists {
  /** OpenAI-compatible `GET …/models`: `{ object: 'list', data: [{ id, object: 'model', created, owned_by }] }`. */
  readonly openai?: readonly { readonly id: string; readonly created?: number; readonly owned_by?: string; readonly [field: string]: unknown }[];
  /** Anthropic `GET /v1/models`: `{ data: [{ type: 'model', id, display_name, created_at }], has_more, first_id, last_id }`. */
  readonly anthropic?: readonly { readonly id: string; readonly display_name?: string; readonly created_at?: string }[];
  /** Anthropic page size (its `limit`), to exercise `after_id` paging. */
  readonly anthropicPageSize?: number;
  /** The key a request must carry (Bearer for OpenAI, `x-api-key` for Anthropic); 401 otherwise. */
  readonly apiKey?: string;
}

/**
 * Answers `GET /v1/models` (Anthropic, when `anthropic` is given and the request carries
 * `anthropic-version`) and `GET …/models` (OpenAI-compatible) from `lists`; every other request goes
 * to `script`, numbered among the other requests only.
 */
export function withModelsRoute(lists: ModelLists, script: ProtocolScript): ProtocolScript {
  let others = 0;
  return (request, index) => {
    const url = new URL(request.path, 'http://localhost');
    if (request.method !== 'GET' || !/\/models$/.test(url.pathname)) {
      const other = others++;
      if (typeof script === 'function') {
        return script(request, other);
      }
      const list = script as readonly ScriptedResponse[];
      return list[other] ?? { status: 500, body: JSON.stringify({ error: { message: `protocol server: no scripted response for request ${index + 1}` } }) };
    }
    const json = (status: number, body: unknown): ScriptedResponse => ({ status, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    if (lists.anthropic && request.headers['anthropic-version'] !== undefined) {
      if (lists.apiKey !== undefined && request.headers['x-api-key'] !== lists.apiKey) {
        return json(401, { type: 'error', error: { type: 'authentication_error', message: 'invalid x-api-key' } });
      }
      const size = Math.min(Number(url.searchParams.get('limit') ?? 20), lists.anthropicPageSize ?? 1000);
      const after = url.searchParams.get('after_id');
      const start = after ? lists.anthropic.findIndex((model) => model.id === after) + 1 : 0;
      const page = lists.anthropic.slice(start, start + size).map((model) => ({ type: 'model', ...model }));
      return json(200, { data: page, has_more: start + size < lists.anthropic.length, first_id: page[0]?.id ?? null, last_id: page[page.length - 1]?.id ?? null });
    }
    if (lists.openai) {
      if (lists.apiKey !== undefined && request.headers.authorization !== `Bearer ${lists.apiKey}`) {
        return json(401, { error: { message: 'Incorrect API key provided', type: 'invalid_request_error', code: 'invalid_api_key' } });
      }
      return json(200, { object: 'list', data: lists.openai.map((model) => ({ object: 'model', owned_by: 'system', created: 1_700_000_000, ...model })) });
    }
    return json(404, { error: { message: 'not found' } });
  };
}
