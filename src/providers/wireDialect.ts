import type { TokenUsage } from '../core/usage';
import type { ProviderFailure } from './errorClassification';
import type { SseEvent } from './sseParser';
import type { ChatRequest } from './types';

/** The HTTP request a dialect builds for one chat request. */
export interface WireRequest {
  readonly headers: Readonly<Record<string, string>>;
  readonly body: unknown;
}

/** What one stream event contributed. */
export interface ReadResult {
  readonly text?: string;
  /** The provider reported a failure inside a stream that started with HTTP 200. */
  readonly failure?: ProviderFailure;
  /** The stream could not be understood. */
  readonly protocolError?: string;
}

/** Per-attempt state of reading one provider stream. */
export interface StreamReader {
  read(event: SseEvent): ReadResult;
  /** Saw the provider's end-of-stream marker. */
  readonly finished: boolean;
  /** A clean end of the body here means the answer is complete (even without the marker). */
  readonly complete: boolean;
  /** The usage the provider reported, once it is complete. */
  readonly usage: TokenUsage | undefined;
  /** Input counts the provider reported before output was known (Anthropic `message_start`). */
  readonly inputUsage: Pick<TokenUsage, 'inputTokens' | 'cacheReadTokens' | 'cacheWriteTokens'> | undefined;
  readonly providerCostUsd: number | undefined;
  readonly modelServed: string | undefined;
  readonly responseId: string | undefined;
  readonly finishReason: string | undefined;
}

/** One provider's wire format: how to ask, and how to read the answer. */
export interface WireDialect {
  /** Appended to the base URL, e.g. `/chat/completions`. */
  readonly path: string;
  buildRequest(request: ChatRequest, apiKey: string | undefined): WireRequest;
  newReader(): StreamReader;
  /** Response headers that carry the provider's request id, in order of preference. */
  readonly requestIdHeaders: readonly string[];
}

export function numberOr(value: unknown, fallback: number): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : fallback;
}

export function optionalNumber(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

export function optionalString(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

export function asRecord(value: unknown): Record<string, unknown> | undefined {
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

/** Parses an event's JSON payload, or says why it could not. */
export function parseJsonEvent(event: SseEvent): Record<string, unknown> | string {
  try {
    const parsed = asRecord(JSON.parse(event.data));
    return parsed ?? 'an event that is not a JSON object';
  } catch {
    return 'an event with invalid JSON';
  }
}
