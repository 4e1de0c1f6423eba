import { ProviderError, safeDetail, type ProviderErrorClass } from './providerError';

/** What a provider said about a failure, from an HTTP error body or an error event in the stream. */
export interface ProviderFailure {
  readonly status?: number;
  /** The provider's error type or code (`insufficient_quota`, `overloaded_error`, ...). */
  readonly type?: string;
  readonly message?: string;
}

export interface FailureContext {
  /** The host the key was sent to, named in messages. */
  readonly host: string;
  readonly model: string;
  readonly retryAfterMs?: number;
  readonly requestId?: string;
  /** Values to scrub from anything the server sent back. */
  readonly secrets: readonly (string | undefined)[];
}

/** Error types of the Anthropic API and the HTTP status each stands for. */
const STATUS_OF_TYPE: Readonly<Record<string, number>> = {
  invalid_request_error: 400,
  authentication_error: 401,
  billing_error: 402,
  permission_error: 403,
  not_found_error: 404,
  request_too_large: 413,
  rate_limit_error: 429,
  api_error: 500,
  timeout_error: 504,
  overloaded_error: 529,
};

/** Words with which providers say a spend limit, quota or balance ran out; retrying cannot help. */
const QUOTA_WORDS = /insufficient_quota|billing|credit balance|quota|spend(ing)? limit|insufficient (credits|funds|balance)|payment required|key limit/i;

/** Reads `{error: {type|code, message}}`, `{error: "..."}` or `{detail: "..."}` from an error body. */
export function parseErrorBody(body: string): { type?: string; message?: string } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return { message: body.trim().slice(0, 500) || undefined };
  }
  if (!parsed || typeof parsed !== 'object') {
    return {};
  }
  const record = parsed as Record<string, unknown>;
  const error = record.error;
  if (typeof error === 'string') {
    return { message: error };
  }
  if (error && typeof error === 'object') {
    const e = error as Record<string, unknown>;
    const type = typeof e.type === 'string' ? e.type : typeof e.code === 'string' ? e.code : undefined;
    const code = typeof e.code === 'string' && e.code !== type ? e.code : undefined;
    return { type: code ?? type, message: typeof e.message === 'string' ? e.message : undefined };
  }
  if (typeof record.detail === 'string') {
    return { message: record.detail };
  }
  return typeof record.message === 'string' ? { message: record.message } : {};
}

function seconds(ms: number): string {
  return `${Math.max(1, Math.ceil(ms / 1000))} s`;
}

/** Turns what a provider said into a typed error with a short message that says what to do. */
export function classifyFailure(failure: ProviderFailure, context: FailureContext): ProviderError {
  const status = failure.status ?? (failure.type ? STATUS_OF_TYPE[failure.type] : undefined);
  const { host, model } = context;
  const code = status ? ` (${status})` : failure.type ? ` (${failure.type})` : '';
  const said = `${failure.type ?? ''} ${failure.message ?? ''}`;
  const detail = safeDetail(failure.message, context.secrets);

  let errorClass: ProviderErrorClass;
  let message: string;
  let retryable = false;
  if (status === 402 || failure.type === 'insufficient_quota' || failure.type === 'billing_error' ||
    (status !== undefined && status >= 400 && status < 500 && QUOTA_WORDS.test(said))) {
    errorClass = 'quota';
    message = `${host} says the quota, credit balance or spend limit is used up${code}. Check your plan or billing; the request was not retried.`;
  } else if (status === 401) {
    errorClass = 'auth';
    message = `The API key was rejected by ${host}${code}. Run 'Credit Meter: Set API Key'.`;
  } else if (status === 403) {
    errorClass = 'auth';
    message = `The API key is not allowed to use '${model}' on ${host}${code}. Check the key's permissions or run 'Credit Meter: Set API Key'.`;
  } else if (status === 404) {
    errorClass = 'not_found';
    message = `${host} does not know the model '${model}' or the endpoint${code}. Check the model id and the base URL.`;
  } else if (status === 408) {
    errorClass = 'timeout';
    retryable = true;
    message = `${host} timed out waiting for the request${code}. Try again.`;
  } else if (status === 429) {
    errorClass = 'rate_limited';
    retryable = true;
    const wait = context.retryAfterMs !== undefined ? `in ${seconds(context.retryAfterMs)}` : 'shortly';
    message = `Rate limited by ${host}${code}. Try again ${wait}.`;
  } else if (status === 529 || failure.type === 'overloaded_error') {
    errorClass = 'overloaded';
    retryable = true;
    message = `${host} is overloaded${code}. Try again shortly.`;
  } else if (status !== undefined && status >= 500) {
    errorClass = 'server';
    retryable = true;
    message = `${host} had a server error${code}. Try again shortly.`;
  } else if (status !== undefined && status >= 300 && status < 400) {
    errorClass = 'protocol';
    message = `${host} answered with a redirect${code}, which Credit Meter does not follow with your key. Set the base URL to the final address.`;
  } else {
    errorClass = 'bad_request';
    message = `${host} rejected the request${code}${detail ? `: ${detail}` : ''}`;
    if (!/[.!?]$/.test(message)) {
      message += '.';
    }
  }
  return new ProviderError({
    errorClass,
    message,
    retryable,
    httpStatus: failure.status,
    providerType: safeDetail(failure.type, context.secrets),
    detail,
    retryAfterMs: context.retryAfterMs,
    requestId: context.requestId,
  });
}
