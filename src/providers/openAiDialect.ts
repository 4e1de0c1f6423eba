import type { TokenUsage } from '../core/usage';
import type { ProviderFailure } from './errorClassification';
import type { SseEvent } from './sseParser';
import type { ChatRequest, ChatTextBlock } from './types';
import {
  asRecord, numberOr, optionalNumber, optionalString, parseJsonEvent,
  type ReadResult, type StreamReader, type WireDialect, type WireRequest,
} from './wireDialect';

export interface OpenAiDialectOptions {
  /** `max_completion_tokens` for OpenAI reasoning models; most compatible servers take `max_tokens`. */
  readonly maxTokensField?: 'max_tokens' | 'max_completion_tokens';
  /**
   * Ask for the usage chunk with `stream_options.include_usage` (default true). Turn off only for a
   * server that rejects the field; usage is then estimated.
   */
  readonly includeUsage?: boolean;
}

/**
 * Converts an OpenAI-style `usage` object. `prompt_tokens` includes the cached tokens (and, on
 * OpenRouter, cache writes), so the uncached input is what is left after taking them out.
 */
export function openAiUsage(usage: Record<string, unknown>): TokenUsage {
  const prompt = numberOr(usage.prompt_tokens, 0);
  const promptDetails = asRecord(usage.prompt_tokens_details);
  const completionDetails = asRecord(usage.completion_tokens_details);
  // DeepSeek reports cache hits at the top level instead.
  const cacheRead = numberOr(promptDetails?.cached_tokens, numberOr(usage.prompt_cache_hit_tokens, 0));
  const cacheWrite = numberOr(promptDetails?.cache_write_tokens, 0);
  return {
    inputTokens: Math.max(0, prompt - cacheRead - cacheWrite),
    cacheReadTokens: cacheRead,
    cacheWriteTokens: cacheWrite,
    outputTokens: numberOr(usage.completion_tokens, 0),
    reasoningTokens: numberOr(completionDetails?.reasoning_tokens, 0),
  };
}

class OpenAiStreamReader implements StreamReader {
  finished = false;
  usage: TokenUsage | undefined;
  readonly inputUsage = undefined;
  providerCostUsd: number | undefined;
  modelServed: string | undefined;
  responseId: string | undefined;
  finishReason: string | undefined;

  get complete(): boolean {
    return this.finished || this.finishReason !== undefined;
  }

  read(event: SseEvent): ReadResult {
    if (event.data.trim() === '[DONE]') {
      this.finished = true;
      return {};
    }
    const chunk = parseJsonEvent(event);
    if (typeof chunk === 'string') {
      return { protocolError: chunk };
    }
    const error = chunk.error;
    if (error !== undefined && error !== null) {
      return { failure: streamFailure(error) };
    }
    this.modelServed = optionalString(chunk.model) ?? this.modelServed;
    this.responseId = optionalString(chunk.id) ?? this.responseId;
    const usage = asRecord(chunk.usage);
    if (usage) {
      this.usage = openAiUsage(usage);
      this.providerCostUsd = optionalNumber(usage.cost) ?? this.providerCostUsd;
    }
    let text = '';
    for (const choice of Array.isArray(chunk.choices) ? chunk.choices : []) {
      const record = asRecord(choice);
      const content = asRecord(record?.delta)?.content;
      if (typeof content === 'string') {
        text += content;
      }
      this.finishReason = optionalString(record?.finish_reason) ?? this.finishReason;
    }
    return text ? { text } : {};
  }
}

/** An error object inside a 200 stream (OpenRouter and LiteLLM send these mid-stream). */
function streamFailure(error: unknown): ProviderFailure {
  const record = asRecord(error);
  if (!record) {
    return { message: typeof error === 'string' ? error : undefined };
  }
  const code = record.code;
  return {
    status: typeof code === 'number' ? code : undefined,
    type: optionalString(record.type) ?? (typeof code === 'string' ? code : undefined),
    message: optionalString(record.message),
  };
}

/** The text a message (or the system prompt) is sent as: its blocks joined, else its content. */
function joined(blocks: readonly ChatTextBlock[] | undefined, content: string): string {
  return blocks && blocks.length > 0 ? blocks.map((block) => block.text).join('') : content;
}

/**
 * The OpenAI Chat Completions wire format, spoken by OpenAI and most compatible servers.
 *
 * OpenAI caches the longest prompt prefix it has seen, byte for byte, so the body is built the same
 * way every time: fixed key order, the system message first, each message as one string (cache
 * markers have no meaning here and are dropped), and nothing that varies per request (ids, times)
 * in the messages; request-level options come after `messages`.
 */
export function openAiDialect(options: OpenAiDialectOptions = {}): WireDialect {
  const maxTokensField = options.maxTokensField ?? 'max_tokens';
  return {
    path: '/chat/completions',
    requestIdHeaders: ['x-request-id', 'request-id'],
    newReader: () => new OpenAiStreamReader(),
    buildRequest(request: ChatRequest, apiKey: string | undefined): WireRequest {
      const system = joined(request.systemBlocks, request.system ?? '');
      const messages = [
        ...(system ? [{ role: 'system', content: system }] : []),
        ...request.messages.map((m) => ({ role: m.role, content: joined(m.blocks, m.content) })),
      ];
      const body: Record<string, unknown> = {
        model: request.model,
        messages,
        stream: true,
      };
      if (options.includeUsage !== false) {
        body.stream_options = { include_usage: true };
      }
      if (request.maxTokens !== undefined) {
        body[maxTokensField] = request.maxTokens;
      }
      if (request.tools && request.tools.length > 0) {
        body.tools = request.tools;
      }
      const headers: Record<string, string> = {
        'content-type': 'application/json',
        accept: 'text/event-stream',
      };
      if (apiKey) {
        headers.authorization = `Bearer ${apiKey}`;
      }
      return { headers, body };
    },
  };
}
