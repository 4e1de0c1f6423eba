import type { CacheTtl } from '../core/cache';
import type { TokenUsage } from '../core/usage';
import type { SseEvent } from './sseParser';
import type { ChatMessage, ChatRequest, ChatTextBlock } from './types';
import {
  asRecord, numberOr, optionalNumber, optionalString, parseJsonEvent,
  type ReadResult, type StreamReader, type WireDialect, type WireRequest,
} from './wireDialect';

export const ANTHROPIC_VERSION = '2023-06-01';

/** Anthropic requires `max_tokens`; this is used when the request does not set one. */
export const DEFAULT_ANTHROPIC_MAX_TOKENS = 4096;

type InputUsage = Pick<TokenUsage, 'inputTokens' | 'cacheReadTokens' | 'cacheWriteTokens'>;

/** A complete Anthropic `usage` object (a non-streamed answer): `output_tokens` is the whole answer's. */
export function anthropicUsage(usage: Record<string, unknown>): TokenUsage {
  return { ...anthropicInput(usage), outputTokens: numberOr(usage.output_tokens, 0), reasoningTokens: 0 };
}

/** Anthropic's `input_tokens` already excludes cache reads and cache writes. */
function anthropicInput(usage: Record<string, unknown>, previous?: InputUsage): InputUsage {
  return {
    inputTokens: numberOr(usage.input_tokens, previous?.inputTokens ?? 0),
    cacheReadTokens: numberOr(usage.cache_read_input_tokens, previous?.cacheReadTokens ?? 0),
    cacheWriteTokens: numberOr(usage.cache_creation_input_tokens, previous?.cacheWriteTokens ?? 0),
  };
}

class AnthropicStreamReader implements StreamReader {
  finished = false;
  inputUsage: InputUsage | undefined;
  /** Cumulative: each `message_delta` carries the total so far, so the last one wins. */
  private outputTokens: number | undefined;
  private sawOutputCount = false;
  readonly providerCostUsd = undefined;
  modelServed: string | undefined;
  responseId: string | undefined;
  finishReason: string | undefined;

  get complete(): boolean {
    return this.finished;
  }

  get usage(): TokenUsage | undefined {
    if (!this.inputUsage || !(this.sawOutputCount || this.finished)) {
      return undefined;
    }
    return { ...this.inputUsage, outputTokens: this.outputTokens ?? 0, reasoningTokens: 0 };
  }

  read(event: SseEvent): ReadResult {
    const payload = parseJsonEvent(event);
    if (typeof payload === 'string') {
      return { protocolError: payload };
    }
    switch (optionalString(payload.type) ?? event.event) {
      case 'message_start': {
        const message = asRecord(payload.message);
        const usage = asRecord(message?.usage);
        this.modelServed = optionalString(message?.model);
        this.responseId = optionalString(message?.id);
        if (usage) {
          this.inputUsage = anthropicInput(usage);
          this.outputTokens = optionalNumber(usage.output_tokens);
        }
        return {};
      }
      case 'content_block_delta': {
        const delta = asRecord(payload.delta);
        // Thinking and tool-input deltas are not part of the answer text.
        return delta?.type === 'text_delta' && typeof delta.text === 'string' ? { text: delta.text } : {};
      }
      case 'message_delta': {
        this.finishReason = optionalString(asRecord(payload.delta)?.stop_reason) ?? this.finishReason;
        const usage = asRecord(payload.usage);
        if (usage) {
          const output = optionalNumber(usage.output_tokens);
          if (output !== undefined) {
            this.outputTokens = output;
            this.sawOutputCount = true;
          }
          // Newer API versions repeat the (cumulative) input counts here too.
          if (usage.input_tokens !== undefined && usage.input_tokens !== null) {
            this.inputUsage = anthropicInput(usage, this.inputUsage);
          }
        }
        return {};
      }
      case 'message_stop':
        this.finished = true;
        return {};
      case 'error': {
        const error = asRecord(payload.error);
        return { failure: { type: optionalString(error?.type), message: optionalString(error?.message) } };
      }
      default:
        // ping, content_block_start, content_block_stop and future event types.
        return {};
    }
  }
}

function cacheControl(ttl: CacheTtl): Record<string, string> {
  return ttl === '1h' ? { type: 'ephemeral', ttl: '1h' } : { type: 'ephemeral' };
}

/**
 * Text blocks as Messages API content blocks, each with its `cache_control` when it asks for one.
 * Empty blocks are left out (the API refuses empty text blocks).
 */
function contentBlocks(blocks: readonly ChatTextBlock[]): Record<string, unknown>[] {
  return blocks
    .filter((block) => block.text !== '')
    .map((block) => ({ type: 'text', text: block.text, ...(block.cache ? { cache_control: cacheControl(block.cache) } : {}) }));
}

/** A message as a plain string, or as content blocks when it has blocks (the only way to mark a breakpoint). */
function anthropicMessage(message: ChatMessage): Record<string, unknown> {
  const blocks = message.blocks ? contentBlocks(message.blocks) : [];
  return { role: message.role, content: blocks.length > 0 ? blocks : message.content };
}

/** The Anthropic Messages API wire format. */
export function anthropicDialect(): WireDialect {
  return {
    path: '/v1/messages',
    requestIdHeaders: ['request-id', 'x-request-id'],
    newReader: () => new AnthropicStreamReader(),
    buildRequest(request: ChatRequest, apiKey: string | undefined): WireRequest {
      const body: Record<string, unknown> = {
        model: request.model,
        max_tokens: request.maxTokens ?? DEFAULT_ANTHROPIC_MAX_TOKENS,
        messages: request.messages.map(anthropicMessage),
        stream: true,
      };
      const systemBlocks = request.systemBlocks ? contentBlocks(request.systemBlocks) : [];
      if (systemBlocks.length > 0) {
        body.system = systemBlocks;
      } else if (request.system) {
        body.system = request.system;
      }
      if (request.tools && request.tools.length > 0) {
        body.tools = request.tools;
      }
      const headers: Record<string, string> = {
        'content-type': 'application/json',
        accept: 'text/event-stream',
        'anthropic-version': ANTHROPIC_VERSION,
      };
      if (apiKey) {
        headers['x-api-key'] = apiKey;
      }
      return { headers, body };
    },
  };
}
