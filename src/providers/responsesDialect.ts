/**
 * The OpenAI Responses API's answer, as the metering gateway reads it: text deltas, the served model
 * and response id, and the usage of `response.completed` (or `response.incomplete`). Like Chat
 * Completions, `input_tokens` includes the cached tokens, so the uncached input is what is left
 * after taking them out; `output_tokens` includes reasoning.
 */
import type { TokenUsage } from '../core/usage';
import type { SseEvent } from './sseParser';
import { asRecord, numberOr, optionalNumber, optionalString, parseJsonEvent, type ReadResult, type StreamReader } from './wireDialect';

export function responsesUsage(usage: Record<string, unknown>): TokenUsage {
  const input = numberOr(usage.input_tokens, 0);
  const cached = numberOr(asRecord(usage.input_tokens_details)?.cached_tokens, 0);
  return {
    inputTokens: Math.max(0, input - cached),
    cacheReadTokens: cached,
    cacheWriteTokens: 0,
    outputTokens: numberOr(usage.output_tokens, 0),
    reasoningTokens: numberOr(asRecord(usage.output_tokens_details)?.reasoning_tokens, 0),
  };
}

class ResponsesStreamReader implements StreamReader {
  finished = false;
  usage: TokenUsage | undefined;
  readonly inputUsage = undefined;
  providerCostUsd: number | undefined;
  modelServed: string | undefined;
  responseId: string | undefined;
  finishReason: string | undefined;

  get complete(): boolean {
    return this.finished;
  }

  read(event: SseEvent): ReadResult {
    const payload = parseJsonEvent(event);
    if (typeof payload === 'string') {
      return { protocolError: payload };
    }
    const type = optionalString(payload.type) ?? event.event;
    const response = asRecord(payload.response);
    if (response) {
      this.modelServed = optionalString(response.model) ?? this.modelServed;
      this.responseId = optionalString(response.id) ?? this.responseId;
    }
    switch (type) {
      case 'response.output_text.delta':
        return typeof payload.delta === 'string' && payload.delta !== '' ? { text: payload.delta } : {};
      case 'response.completed':
      case 'response.incomplete': {
        const usage = asRecord(response?.usage);
        if (usage) {
          this.usage = responsesUsage(usage);
          this.providerCostUsd = optionalNumber(usage.cost) ?? this.providerCostUsd;
        }
        this.finishReason = type === 'response.completed' ? 'completed' : optionalString(asRecord(response?.incomplete_details)?.reason) ?? 'incomplete';
        this.finished = true;
        return {};
      }
      case 'response.failed': {
        const error = asRecord(response?.error);
        this.finished = true;
        return { failure: { type: optionalString(error?.code) ?? 'response_failed', message: optionalString(error?.message) } };
      }
      case 'error':
        return { failure: { type: optionalString(payload.code) ?? optionalString(payload.type), message: optionalString(payload.message) } };
      default:
        return {};
    }
  }
}

/** A reader of one Responses API event stream. */
export function responsesReader(): StreamReader {
  return new ResponsesStreamReader();
}
