import type { TokenUsage } from '../core/usage';
import { classifyFailure, parseErrorBody, type FailureContext } from './errorClassification';
import { openHttpStream, TransportFailure, type HttpStreamResponse } from './httpStream';
import { redactSecrets } from '../core/redact';
import { parseChargedCredits } from '../core/ledger/attemptRecord';
import { cancelledError, ProviderError } from './providerError';
import { backoffDelay, DEFAULT_RETRY, parseRetryAfter, systemClock, type Clock, type RetryOptions } from './retryPolicy';
import { SseLimitError, SseParser } from './sseParser';
import {
  roughTokenEstimate,
  type AttemptOutcome, type AttemptStatus, type ChatEvents, type ChatProvider, type ChatRequest, type ChatResult,
  type EstimateTokens, type ProviderKind,
} from './types';
import type { StreamReader, WireDialect } from './wireDialect';

/** Response headers read as the serving region unless configured otherwise (Azure sends `x-ms-region`). */
export const DEFAULT_REGION_HEADERS: readonly string[] = ['x-region', 'x-ms-region'];

/** Defaults of the deadlines; `HttpProviderOptions` documents each. */
export const DEFAULT_TIMEOUTS = {
  firstByteMs: 60_000,
  idleMs: 120_000,
  requestMs: 600_000,
  errorBodyMs: 10_000,
} as const;

export interface HttpProviderOptions {
  /** e.g. `https://api.openai.com/v1`, `https://openrouter.ai/api/v1`, `http://localhost:11434/v1`, `https://api.anthropic.com`. */
  readonly baseUrl: string;
  /** Sent only to `baseUrl`. Optional for local servers that need none. */
  readonly apiKey?: string;
  /** Extra request headers (e.g. OpenRouter's `HTTP-Referer`). */
  readonly headers?: Readonly<Record<string, string>>;
  /** Attempts in total, the first included (default 3). */
  readonly maxAttempts?: number;
  readonly retry?: Partial<Omit<RetryOptions, 'maxAttempts'>>;
  /** Until the response headers arrive (default 60 s). */
  readonly firstByteTimeoutMs?: number;
  /** Longest silence between stream chunks (default 120 s; reasoning models can think quietly). */
  readonly idleTimeoutMs?: number;
  /**
   * The whole `send`, retries and their waits included, must end within this (default 10 min): a
   * server that trickles a byte now and then cannot hold a request open forever.
   */
  readonly requestTimeoutMs?: number;
  /** Reading an HTTP error's body (default 10 s): a 500 whose body trickles in does not hang the request. */
  readonly errorBodyTimeoutMs?: number;
  /** Longest event-stream line or event, in bytes (default 16 MiB); a longer one ends the attempt with a protocol error. */
  readonly maxStreamLineBytes?: number;
  /** A response header carrying the credits the service charged, e.g. `x-credits-charged`. */
  readonly chargedCreditsHeader?: string;
  /** Response headers that name the serving region, first match wins. */
  readonly regionHeaders?: readonly string[];
  readonly estimateTokens?: EstimateTokens;
  readonly clock?: Clock;
}

interface AttemptDraft {
  status: AttemptStatus;
  error?: ProviderError;
  httpStatus?: number;
  headers: Readonly<Record<string, string>>;
  reader: StreamReader;
  text: string;
  firstTokenAt?: Date;
  /** The provider accepted the request (2xx), so it may have billed it. */
  accepted: boolean;
}

function resolveUrl(baseUrl: string, path: string): URL {
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    throw new Error(`baseUrl: '${baseUrl}' is not a valid URL.`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new Error(`baseUrl: '${baseUrl}' must start with http:// or https://.`);
  }
  const base = url.pathname.replace(/\/+$/, '');
  // `https://api.anthropic.com/v1` and `https://api.anthropic.com` both mean the same endpoint.
  const overlap = path.match(/^\/v\d+(?=\/)/)?.[0];
  url.pathname = overlap && base.endsWith(overlap) ? base + path.slice(overlap.length) : base + path;
  return url;
}

function positiveMs(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) {
    return fallback;
  }
  if (!Number.isFinite(value) || value <= 0) {
    throw new Error(`${name}: expected a number of milliseconds above 0, got ${String(value)}.`);
  }
  return value;
}

function requestText(request: ChatRequest): string {
  return [request.system ?? '', ...request.messages.map((m) => m.content)].join('\n');
}

/**
 * A streaming chat provider over HTTP: one attempt loop with retries, timeouts, cancellation and
 * usage accounting, shared by every wire dialect.
 */
export class HttpChatProvider implements ChatProvider {
  private readonly url: URL;
  private readonly retry: RetryOptions;
  private readonly clock: Clock;
  private readonly estimateTokens: EstimateTokens;
  private readonly timeouts: { readonly firstByteMs: number; readonly idleMs: number; readonly requestMs: number; readonly errorBodyMs: number };

  constructor(
    readonly kind: Exclude<ProviderKind, 'vscode-lm'>,
    private readonly dialect: WireDialect,
    private readonly options: HttpProviderOptions,
  ) {
    this.url = resolveUrl(options.baseUrl, dialect.path);
    const maxAttempts = options.maxAttempts ?? DEFAULT_RETRY.maxAttempts;
    if (!Number.isInteger(maxAttempts) || maxAttempts < 1) {
      throw new Error(`maxAttempts: expected a whole number of at least 1, got ${String(options.maxAttempts)}.`);
    }
    this.retry = { ...DEFAULT_RETRY, ...options.retry, maxAttempts };
    this.clock = options.clock ?? systemClock;
    this.estimateTokens = options.estimateTokens ?? roughTokenEstimate;
    this.timeouts = {
      firstByteMs: positiveMs('firstByteTimeoutMs', options.firstByteTimeoutMs, DEFAULT_TIMEOUTS.firstByteMs),
      idleMs: positiveMs('idleTimeoutMs', options.idleTimeoutMs, DEFAULT_TIMEOUTS.idleMs),
      requestMs: positiveMs('requestTimeoutMs', options.requestTimeoutMs, DEFAULT_TIMEOUTS.requestMs),
      errorBodyMs: positiveMs('errorBodyTimeoutMs', options.errorBodyTimeoutMs, DEFAULT_TIMEOUTS.errorBodyMs),
    };
  }

  /** The host the key is sent to. */
  get host(): string {
    return this.url.host;
  }

  async send(request: ChatRequest, events: ChatEvents = {}): Promise<ChatResult> {
    const attempts: AttemptOutcome[] = [];
    if (request.signal?.aborted) {
      return { ok: false, status: 'cancelled', text: '', attempts, error: cancelledError() };
    }
    let firstTokenSeen = false;
    const onText = (delta: string, at: Date): void => {
      if (!firstTokenSeen) {
        firstTokenSeen = true;
        events.onFirstToken?.(at);
      }
      events.onText?.(delta);
    };
    const deadline = this.clock.now().getTime() + this.timeouts.requestMs;
    for (let attempt = 1; ; attempt++) {
      const startedAt = this.clock.now();
      const draft = await this.attempt(request, onText, deadline - startedAt.getTime());
      const delay = this.retryDelay(draft, attempt, request.signal);
      // A retry that could not start before the deadline is not made.
      const retryInMs = delay !== undefined && this.clock.now().getTime() + delay < deadline ? delay : undefined;
      const outcome = this.toOutcome(request, attempt, startedAt, draft, retryInMs);
      attempts.push(outcome);
      events.onAttempt?.(outcome);
      if (retryInMs === undefined) {
        return { ok: outcome.status === 'ok', status: outcome.status, text: outcome.text, attempts, error: outcome.error };
      }
      await this.clock.sleep(retryInMs, request.signal);
      if (request.signal?.aborted) {
        return { ok: false, status: 'cancelled', text: outcome.text, attempts, error: cancelledError() };
      }
    }
  }

  /** How long to wait before another attempt, or undefined when this one is final. */
  private retryDelay(draft: AttemptDraft, attempt: number, signal: AbortSignal | undefined): number | undefined {
    const error = draft.error;
    if ((draft.status !== 'error' && draft.status !== 'timeout') || !error?.retryable || attempt >= this.retry.maxAttempts || signal?.aborted) {
      return undefined;
    }
    // Text already shown to the user cannot be taken back; a retry would repeat it.
    if (draft.text !== '') {
      return undefined;
    }
    if (error.retryAfterMs !== undefined) {
      return error.retryAfterMs <= this.retry.maxRetryAfterMs ? error.retryAfterMs : undefined;
    }
    return backoffDelay(attempt, this.retry, this.clock.random());
  }

  private failureContext(request: ChatRequest, headers: Readonly<Record<string, string>>): FailureContext {
    return {
      host: this.host,
      model: request.model,
      retryAfterMs: parseRetryAfter(headers, this.clock.now()),
      requestId: this.headerValue(headers, this.dialect.requestIdHeaders),
      secrets: [this.options.apiKey],
    };
  }

  private async attempt(request: ChatRequest, onText: (delta: string, at: Date) => void, remainingMs: number): Promise<AttemptDraft> {
    const wire = this.dialect.buildRequest(request, this.options.apiKey);
    const draft: AttemptDraft = { status: 'error', headers: {}, reader: this.dialect.newReader(), text: '', accepted: false };
    let response: HttpStreamResponse | undefined;
    try {
      response = await openHttpStream({
        url: this.url,
        headers: { ...this.options.headers, ...wire.headers },
        body: JSON.stringify(wire.body),
        signal: request.signal,
        timeouts: {
          firstByteMs: this.timeouts.firstByteMs,
          idleMs: this.timeouts.idleMs,
          totalMs: Math.max(0, remainingMs),
        },
      });
      draft.httpStatus = response.status;
      draft.headers = response.headers;
      if (response.status < 200 || response.status >= 300) {
        const said = parseErrorBody(await response.readText(undefined, this.timeouts.errorBodyMs));
        draft.error = classifyFailure({ status: response.status, ...said }, this.failureContext(request, response.headers));
        return draft;
      }
      draft.accepted = true;
      const contentType = response.headers['content-type'] ?? '';
      if (/json|html/i.test(contentType)) {
        response.close();
        draft.error = this.protocolError(`answered with ${contentType.split(';')[0]} instead of an event stream; check the base URL`);
        return draft;
      }
      const limit = this.options.maxStreamLineBytes;
      const parser = new SseParser(limit === undefined ? {} : { maxLineBytes: limit, maxEventBytes: limit });
      let stop = false;
      const handle = (events: readonly { event: string; data: string; id: string }[]): void => {
        for (const event of events) {
          const result = draft.reader.read(event);
          if (result.text) {
            const at = this.clock.now();
            draft.firstTokenAt ??= at;
            draft.text += result.text;
            onText(result.text, at);
          }
          if (result.failure) {
            draft.error = classifyFailure(result.failure, this.failureContext(request, draft.headers));
            stop = true;
          } else if (result.protocolError) {
            draft.error = this.protocolError(`sent ${result.protocolError}`);
            stop = true;
          }
          if (stop || draft.reader.finished) {
            stop = true;
            return;
          }
        }
      };
      for await (const chunk of response.body) {
        let events;
        try {
          events = parser.push(chunk);
        } catch (error) {
          if (!(error instanceof SseLimitError)) {
            throw error;
          }
          draft.error = this.protocolError(`sent ${error.message}; the stream was closed`);
          stop = true;
          break;
        }
        handle(events);
        if (stop) {
          break;
        }
      }
      if (!stop) {
        handle(parser.end());
      }
      response.close();
      if (draft.error) {
        draft.status = draft.error.errorClass === 'protocol' ? 'aborted' : 'error';
      } else if (draft.reader.complete) {
        draft.status = 'ok';
      } else {
        draft.status = 'aborted';
        draft.error = new ProviderError({
          errorClass: 'network',
          message: `The stream from ${this.host} ended before the answer was complete. The usage shown is estimated.`,
          retryable: false,
        });
      }
      return draft;
    } catch (error) {
      response?.close();
      if (!(error instanceof TransportFailure)) {
        throw error;
      }
      this.transportFailed(draft, error, request);
      return draft;
    }
  }

  private transportFailed(draft: AttemptDraft, failure: TransportFailure, request: ChatRequest): void {
    const seconds = (ms: number): string => `${Math.max(1, Math.round(ms / 1000))} s`;
    switch (failure.kind) {
      case 'cancelled':
        draft.status = 'cancelled';
        draft.error = cancelledError();
        // The request left, so input may be billed; usage is estimated from what was sent.
        draft.accepted = true;
        return;
      case 'first-byte-timeout':
        draft.status = 'timeout';
        draft.error = new ProviderError({
          errorClass: 'timeout',
          retryable: true,
          message: `${this.host} did not answer within ${seconds(this.timeouts.firstByteMs)}. Try again, or raise the timeout.`,
        });
        return;
      case 'idle-timeout':
        draft.status = 'timeout';
        draft.error = new ProviderError({
          errorClass: 'timeout',
          retryable: !draft.accepted,
          httpStatus: draft.httpStatus,
          message: `The ${draft.accepted ? 'stream' : 'answer'} from ${this.host} stalled for ${seconds(this.timeouts.idleMs)}.${draft.accepted ? ' The usage shown is estimated.' : ''}`,
        });
        return;
      case 'deadline':
        draft.status = 'timeout';
        draft.error = new ProviderError({
          errorClass: 'timeout',
          retryable: false,
          httpStatus: draft.httpStatus,
          message: `The request to ${this.host} did not finish within ${seconds(this.timeouts.requestMs)}, its overall deadline, and was stopped.${draft.accepted ? ' The usage shown is estimated.' : ''}`,
        });
        return;
      case 'error-body-timeout': {
        // Said with the status alone: whether to retry follows from it, as for any HTTP error.
        const byStatus = classifyFailure({ status: draft.httpStatus }, this.failureContext(request, draft.headers));
        draft.status = 'timeout';
        draft.error = new ProviderError({
          errorClass: 'timeout',
          retryable: byStatus.retryable,
          httpStatus: draft.httpStatus,
          retryAfterMs: byStatus.retryAfterMs,
          requestId: byStatus.requestId,
          message: `${this.host} answered HTTP ${draft.httpStatus ?? '?'} but did not send the error's details within ${seconds(this.timeouts.errorBodyMs)}.`,
        });
        return;
      }
      case 'network': {
        const code = failure.code ? ` (${failure.code})` : '';
        if (failure.bodyStarted) {
          draft.status = 'aborted';
          draft.error = new ProviderError({
            errorClass: 'network',
            retryable: false,
            httpStatus: draft.httpStatus,
            message: `The connection to ${this.host} broke mid-answer${code}. The usage shown is estimated.`,
          });
        } else {
          // Nothing of the answer arrived: safe to retry, and most likely not billed.
          draft.status = 'error';
          draft.accepted = false;
          draft.error = new ProviderError({
            errorClass: 'network',
            retryable: true,
            httpStatus: draft.httpStatus,
            message: `Could not reach ${this.host}${code}. Check your connection and the base URL.`,
          });
        }
        return;
      }
    }
  }

  private protocolError(what: string): ProviderError {
    return new ProviderError({
      errorClass: 'protocol',
      retryable: false,
      message: `${this.host} ${what}.`,
    });
  }

  private headerValue(headers: Readonly<Record<string, string>>, names: readonly string[]): string | undefined {
    for (const name of names) {
      const value = headers[name.toLowerCase()];
      if (value) {
        return redactSecrets(value, [this.options.apiKey]);
      }
    }
    return undefined;
  }

  private toOutcome(request: ChatRequest, attempt: number, startedAt: Date, draft: AttemptDraft, retryInMs: number | undefined): AttemptOutcome {
    const reader = draft.reader;
    const providerUsage = draft.accepted ? reader.usage : undefined;
    let usage: TokenUsage | undefined = providerUsage;
    if (!usage && draft.accepted) {
      const input = reader.inputUsage ?? {
        inputTokens: request.inputTokenEstimate ?? this.estimateTokens(requestText(request)),
        cacheReadTokens: 0,
        cacheWriteTokens: 0,
      };
      usage = { ...input, outputTokens: draft.text ? this.estimateTokens(draft.text) : 0, reasoningTokens: 0 };
    }
    const creditsHeader = this.options.chargedCreditsHeader;
    const creditsText = creditsHeader ? draft.headers[creditsHeader.toLowerCase()] : undefined;
    const chargedCredits = parseChargedCredits(creditsText);
    const providerCostUsd = draft.accepted ? reader.providerCostUsd : undefined;
    const scrub = (value: string | undefined): string | undefined =>
      value === undefined ? undefined : redactSecrets(value, [this.options.apiKey]);
    return {
      attempt,
      status: draft.status,
      usage,
      usageSource: providerUsage ? 'provider' : 'estimated',
      providerCostUsd,
      chargedCredits,
      chargeSource: providerCostUsd !== undefined || chargedCredits !== undefined ? 'provider' : 'computed',
      modelServed: scrub(reader.modelServed),
      requestId: this.headerValue(draft.headers, this.dialect.requestIdHeaders) ?? scrub(reader.responseId),
      region: this.headerValue(draft.headers, this.options.regionHeaders ?? DEFAULT_REGION_HEADERS),
      httpStatus: draft.httpStatus,
      error: draft.error,
      startedAt,
      firstTokenAt: draft.firstTokenAt,
      finishedAt: this.clock.now(),
      text: draft.text,
      finishReason: scrub(reader.finishReason),
      retryInMs,
    };
  }
}
