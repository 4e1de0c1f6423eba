import * as http from 'node:http';
import * as https from 'node:https';

export interface HttpTimeouts {
  /** From sending the request until the response headers arrive. */
  readonly firstByteMs: number;
  /** Longest silence allowed between two body chunks (and before the first one). */
  readonly idleMs: number;
  /**
   * The whole exchange, headers and body, must end within this; a server trickling a byte now and
   * then cannot keep the request alive past it. No limit when absent.
   */
  readonly totalMs?: number;
}

export type TransportFailureKind =
  | 'network'
  | 'first-byte-timeout'
  | 'idle-timeout'
  /** `totalMs` ran out. */
  | 'deadline'
  /** An error body did not arrive in full within the time `readText` was given. */
  | 'error-body-timeout'
  | 'cancelled';

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
  /**
   * Reads the rest of the body as text (for error bodies): at most `limit` bytes, then the connection
   * is dropped; throws `TransportFailure('error-body-timeout')` when it takes longer than `timeoutMs`.
   */
  readText(limit?: number, timeoutMs?: number): Promise<string>;
  /** Drops the connection if the body is not finished. */
  close(): void;
}

/**
 * POSTs a request and hands back the response as a byte stream, with a first-byte timeout, an
 * idle timeout, an overall deadline and cancellation that really close the socket. Redirects are not followed: the
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
    let deadline: NodeJS.Timeout | undefined;

    const req = transport.request(url, {
      method: 'POST',
      headers: { ...request.headers, 'content-length': Buffer.byteLength(request.body) },
    });

    const cleanup = (): void => {
      clearTimeout(timer);
      clearTimeout(deadline);
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
    if (timeouts.totalMs !== undefined) {
      deadline = setTimeout(() => fail('deadline'), Math.max(0, timeouts.totalMs));
    }

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
        async readText(limit = 64 * 1024, timeoutMs?: number) {
          const bodyTimer = timeoutMs === undefined ? undefined : setTimeout(() => fail('error-body-timeout'), Math.max(0, timeoutMs));
          try {
            const parts: Buffer[] = [];
            let size = 0;
            for await (const chunk of stream) {
              parts.push(Buffer.from(chunk));
              size += chunk.byteLength;
              if (size >= limit) {
                // Enough to say what went wrong; the rest is not worth waiting for.
                break;
              }
            }
            return Buffer.concat(parts).subarray(0, limit).toString('utf8');
          } finally {
            clearTimeout(bodyTimer);
          }
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
