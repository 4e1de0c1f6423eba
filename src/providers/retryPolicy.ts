export interface RetryOptions {
  /** Attempts in total, the first included. */
  readonly maxAttempts: number;
  /** Delay before the second attempt; doubles for each further one. */
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  /** A server asking to wait longer than this is not retried; the user decides instead. */
  readonly maxRetryAfterMs: number;
}

export const DEFAULT_RETRY: RetryOptions = {
  maxAttempts: 3,
  baseDelayMs: 500,
  maxDelayMs: 8_000,
  maxRetryAfterMs: 60_000,
};

/** Time and randomness, injectable so tests run real HTTP without waiting real seconds. */
export interface Clock {
  now(): Date;
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  /** A number in [0, 1). */
  random(): number;
}

export const systemClock: Clock = {
  now: () => new Date(),
  sleep: (ms, signal) =>
    new Promise<void>((resolve) => {
      if (signal?.aborted) {
        resolve();
        return;
      }
      const onAbort = (): void => {
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      }, ms);
      signal?.addEventListener('abort', onAbort, { once: true });
    }),
  random: () => Math.random(),
};

/**
 * The wait a server asked for, from `retry-after-ms` (OpenAI) or `retry-after` in seconds or as an
 * HTTP date. Undefined when absent or unreadable.
 */
export function parseRetryAfter(headers: Readonly<Record<string, string | undefined>>, now: Date): number | undefined {
  const ms = headers['retry-after-ms'];
  if (ms !== undefined && /^\s*\d+(\.\d+)?\s*$/.test(ms)) {
    return Math.ceil(Number(ms));
  }
  const value = headers['retry-after']?.trim();
  if (!value) {
    return undefined;
  }
  if (/^\d+(\.\d+)?$/.test(value)) {
    return Math.ceil(Number(value) * 1000);
  }
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now.getTime());
}

/**
 * Exponential backoff with jitter: base * 2^(n-1), capped, then scaled into [50 %, 100 %] so
 * clients that failed together do not retry together.
 */
export function backoffDelay(retryNumber: number, options: RetryOptions, random: number): number {
  const exponential = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** Math.max(0, retryNumber - 1));
  return Math.round(exponential * (0.5 + random / 2));
}
