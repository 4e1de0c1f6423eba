import type { CacheTtl } from '../core/cache';
import type { TokenUsage } from '../core/usage';
import type { ProviderError } from './providerError';

/** The adapters Credit Meter can send a request through. */
export type ProviderKind = 'openai' | 'anthropic' | 'vscode-lm';

/** A piece of a message's (or the system prompt's) text, where a cache breakpoint can sit. */
export interface ChatTextBlock {
  readonly text: string;
  /** Ask the provider to cache the prompt up to and including this block (Anthropic `cache_control`). */
  readonly cache?: CacheTtl;
}

export interface ChatMessage {
  readonly role: 'user' | 'assistant';
  readonly content: string;
  /**
   * The same text as `content` in blocks (joined without a separator they equal `content`). Anthropic
   * sends them as content blocks with their cache markers; OpenAI-compatible dialects send the joined
   * text, so the bytes are the same with or without blocks.
   */
  readonly blocks?: readonly ChatTextBlock[];
}

export interface ChatRequest {
  readonly model: string;
  readonly system?: string;
  /** The system prompt in blocks (joined they equal `system`), so a cache breakpoint can end it. */
  readonly systemBlocks?: readonly ChatTextBlock[];
  readonly messages: readonly ChatMessage[];
  readonly maxTokens?: number;
  /** Tool definitions in the provider's own format; passed through untouched. */
  readonly tools?: readonly unknown[];
  /**
   * The caller's estimate of the request's input tokens, used when a stream ends before the provider
   * reports usage. Without it the adapter estimates from the request text.
   */
  readonly inputTokenEstimate?: number;
  readonly signal?: AbortSignal;
}

/**
 * How one attempt ended.
 * - `ok`: the provider finished the answer.
 * - `error`: the provider refused or failed (HTTP error, or an error event in the stream).
 * - `aborted`: the stream was cut before the provider reported usage; usage is estimated.
 * - `cancelled`: the caller aborted; usage covers what was sent and received so far, estimated.
 * - `timeout`: a deadline ran out (first byte, idle between chunks, the whole request, an error
 *   body); usage, if the provider had started answering, is estimated.
 * A cancelled or timed-out attempt is never `ok`, and its usage is `provider` only when the provider
 * had reported it before the end.
 */
export type AttemptStatus = 'ok' | 'error' | 'cancelled' | 'aborted' | 'timeout';

/** Where an attempt's token counts come from. */
export type UsageSource = 'provider' | 'counted' | 'estimated';

/** Whether the charge was reported by the provider (cost or credits) or must be computed from usage. */
export type ChargeSource = 'provider' | 'computed';

export interface AttemptOutcome {
  /** 1-based attempt number within one `send`. */
  readonly attempt: number;
  readonly status: AttemptStatus;
  /** Absent when the provider did not start the answer (an HTTP error, a refused connection). */
  readonly usage?: TokenUsage;
  readonly usageSource: UsageSource;
  /** Cost in USD reported by the provider itself (OpenRouter `usage.cost`). */
  readonly providerCostUsd?: number;
  /** Credits the service reported as charged, read from the configured response header. */
  readonly chargedCredits?: number;
  readonly chargeSource: ChargeSource;
  readonly modelServed?: string;
  readonly requestId?: string;
  readonly region?: string;
  readonly httpStatus?: number;
  readonly error?: ProviderError;
  readonly startedAt: Date;
  readonly firstTokenAt?: Date;
  readonly finishedAt: Date;
  /** The text this attempt produced (also for cut or failed streams). */
  readonly text: string;
  readonly finishReason?: string;
  /** When another attempt follows: how long the adapter waits before it. */
  readonly retryInMs?: number;
}

export interface ChatEvents {
  onText?(delta: string): void;
  /** Once per `send`, when the first text of the answer arrives. */
  onFirstToken?(at: Date): void;
  /** After every attempt, including the last; record each one under the same turn. */
  onAttempt?(outcome: AttemptOutcome): void;
}

/**
 * The end of one `send`. `send` resolves with this for provider failures too (`ok: false`,
 * `error` set) so that every attempt can be recorded; it rejects only on programming errors.
 */
export interface ChatResult {
  readonly ok: boolean;
  readonly status: AttemptStatus;
  /** The answer text of the last attempt. */
  readonly text: string;
  readonly attempts: readonly AttemptOutcome[];
  readonly error?: ProviderError;
}

export interface ChatProvider {
  readonly kind: ProviderKind;
  send(request: ChatRequest, events?: ChatEvents): Promise<ChatResult>;
}

/** Estimates the tokens of a text; injected so providers stay free of the tokenizer choice. */
export type EstimateTokens = (text: string) => number;

/** Rough fallback of about four characters per token. */
export const roughTokenEstimate: EstimateTokens = (text) => Math.ceil(text.length / 4);
