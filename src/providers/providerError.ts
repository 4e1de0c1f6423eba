import { redactSecrets } from '../core/redact';

/** What went wrong, coarse enough to pick a message and a retry rule. */
export type ProviderErrorClass =
  | 'auth'
  | 'not_found'
  | 'rate_limited'
  | 'quota'
  | 'network'
  | 'server'
  | 'overloaded'
  | 'bad_request'
  | 'protocol'
  | 'cancelled'
  | 'timeout';

export interface ProviderErrorInit {
  readonly errorClass: ProviderErrorClass;
  /** Short, actionable, shown to the user. Must never contain a key. */
  readonly message: string;
  readonly retryable: boolean;
  readonly httpStatus?: number;
  /** The provider's own error type or code, e.g. `insufficient_quota`, `overloaded_error`. */
  readonly providerType?: string;
  /** The provider's own message, redacted and shortened. */
  readonly detail?: string;
  readonly retryAfterMs?: number;
  readonly requestId?: string;
}

/** A failure of a provider request, safe to show and to store. */
export class ProviderError extends Error {
  readonly errorClass: ProviderErrorClass;
  readonly retryable: boolean;
  readonly httpStatus?: number;
  readonly providerType?: string;
  readonly detail?: string;
  readonly retryAfterMs?: number;
  readonly requestId?: string;

  constructor(init: ProviderErrorInit) {
    super(init.message);
    this.name = 'ProviderError';
    this.errorClass = init.errorClass;
    this.retryable = init.retryable;
    this.httpStatus = init.httpStatus;
    this.providerType = init.providerType;
    this.detail = init.detail;
    this.retryAfterMs = init.retryAfterMs;
    this.requestId = init.requestId;
  }

  /** A plain copy for ledgers and logs. */
  toJSON(): ProviderErrorInit {
    return {
      errorClass: this.errorClass,
      message: this.message,
      retryable: this.retryable,
      httpStatus: this.httpStatus,
      providerType: this.providerType,
      detail: this.detail,
      retryAfterMs: this.retryAfterMs,
      requestId: this.requestId,
    };
  }
}

const DETAIL_LIMIT = 300;

/**
 * The provider's message, made safe (the core's `redactSecrets`, plus the exact key the request
 * was sent with: servers echo keys in error bodies) and short enough to show next to ours.
 */
export function safeDetail(text: string | undefined, secrets: readonly (string | undefined)[]): string | undefined {
  if (!text) {
    return undefined;
  }
  const clean = redactSecrets(text, secrets).replace(/\s+/g, ' ').trim();
  return clean.length > DETAIL_LIMIT ? `${clean.slice(0, DETAIL_LIMIT - 1)}…` : clean;
}

export function cancelledError(): ProviderError {
  return new ProviderError({ errorClass: 'cancelled', message: 'The request was cancelled.', retryable: false });
}
