import * as http from 'node:http';
import * as https from 'node:https';

export interface HttpTimeouts {
  /** From sending the request until the response headers arrive. */
  readonly firstByteMs: number;
  /** Longest silence allowed between two body chunks (and before the first one). */
  readonly idleMs: number;
}

export type TransportFailureKind = 'network' | 'first-byte-timeout' | 'idle-timeout' | 'cancelled';

/** The connection failed, timed out or was cancelled; `bodyStarted` says whether any body byte arrived. */
export class TransportFailure extends Error {
  constructor(
    readonly kind: TransportFailureKind,
    readonly bodyStarted: boolean,
    readonly code?: string,
  ) {
    super(code ? `${kind} (${code})` : kind);
    this.name = 'TransportFailure';
  }
}

export interface HttpStreamRequest {
  readonly url: URL;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
  readonly timeouts: HttpTimeouts;
  readonly signal?: AbortSignal;
}

export interface HttpStreamResponse {
  readonly status: number;
  /** Lower-cased names; repeated headers joined with ", ". */
  readonly headers: Readonly<Record<string, string>>;
  /** The body as it arrives. Throws `TransportFailure` when cut, stalled or cancelled. */
  readonly body: AsyncIterable<Uint8Array>;
  /** Reads the rest of the body as text, keeping at most `limit` bytes (for error bodies). */
  readText(limit?: number): Promise<string>;
  /** Drops the connection if the body is not finished. */
  close(): void;
}

/**
 * POSTs a request and hands back the response as a byte stream, with a first-byte timeout, an
 * idle timeout and cancellation that really close the socket. Redirects are not followed: the
 * request carries a key that must only ever reach the configured host.
 */
export function openHttpStream(request: HttpStreamRequest): Promise<HttpStreamResponse> {
  const { url, timeouts, signal } = request;
  if (signal?.aborted) {
    return Promise.reject(new TransportFailure('cancelled', false));
  }
  const transport = url.protocol === 'https:' ? https : http;
  return new Promise<HttpStreamResponse>((resolve, reject) => {
    let failure: TransportFailure | undefined;
    let bodyStarted = false;
    let settled = false;
    let timer: NodeJS.Timeout | undefined;

    const req = transport.request(url, {
      method: 'POST',
      headers: { ...request.headers, 'content-length': Buffer.byteLength(request.body) },
    });

    const cleanup = (): void => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    };
    const fail = (kind: TransportFailureKind): void => {
      failure ??= new TransportFailure(kind, bodyStarted);
      cleanup();
      req.destroy(failure);
    };
    const arm = (kind: TransportFailureKind, ms: number): void => {
      clearTimeout(timer);
      timer = setTimeout(() => fail(kind), ms);
    };
    const onAbort = (): void => fail('cancelled');
    signal?.addEventListener('abort', onAbort, { once: true });
    arm('first-byte-timeout', timeouts.firstByteMs);

    const toFailure = (error: unknown): TransportFailure =>
      failure ?? new TransportFailure('network', bodyStarted, (error as NodeJS.ErrnoException | undefined)?.code);

    req.on('error', (error) => {
      if (!settled) {
        settled = true;
        cleanup();
        reject(toFailure(error));
      }
    });

    req.on('response', (res) => {
      settled = true;
      arm('idle-timeout', timeouts.idleMs);
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(res.headers)) {
        if (value !== undefined) {
          headers[name] = Array.isArray(value) ? value.join(', ') : value;
        }
      }
      async function* body(): AsyncGenerator<Uint8Array> {
        try {
          for await (const chunk of res as AsyncIterable<Buffer>) {
            bodyStarted = true;
            arm('idle-timeout', timeouts.idleMs);
            yield chunk;
          }
          if (failure) {
            throw failure;
          }
          if (!res.complete) {
            throw new TransportFailure('network', bodyStarted, 'ECONNRESET');
          }
        } catch (error) {
          throw error instanceof TransportFailure ? error : toFailure(error);
        } finally {
          cleanup();
          if (!res.complete) {
            req.destroy();
          }
        }
      }
      const stream = body();
      resolve({
        status: res.statusCode ?? 0,
        headers,
        body: stream,
        async readText(limit = 64 * 1024) {
          const parts: Buffer[] = [];
          let size = 0;
          for await (const chunk of stream) {
            if (size < limit) {
              parts.push(Buffer.from(chunk));
              size += chunk.byteLength;
            }
          }
          return Buffer.concat(parts).subarray(0, limit).toString('utf8');
        },
        close() {
          cleanup();
          if (!res.complete) {
            req.destroy();
          }
        },
      });
    });

    req.end(request.body);
  });
}
