/**
 * Reads a copy of the upstream response while it is forwarded: the server-sent events through the
 * providers' own stream readers (OpenAI: `prompt_tokens` includes the cached tokens; Anthropic:
 * `input_tokens` excludes cache reads and writes and `output_tokens` is cumulative, the last value
 * wins; Responses: the usage of `response.completed`), or a JSON body once it has ended. It also
 * counts the tool calls the answer makes. The tap never holds a chunk back: the gateway writes each
 * chunk to the client first and hands it here after.
 *
 * A compressed body (`content-encoding: gzip`, `deflate` or `br`) is forwarded as it came and
 * decompressed here only for reading.
 */
import * as zlib from 'node:zlib';
import type { RawRequestFormat } from '../core/estimate/rawRequest';
import type { TokenUsage } from '../core/usage';
import { anthropicDialect, anthropicUsage } from '../providers/anthropicDialect';
import { type ProviderFailure, parseErrorBody } from '../providers/errorClassification';
import { openAiDialect, openAiUsage } from '../providers/openAiDialect';
import { responsesReader, responsesUsage } from '../providers/responsesDialect';
import { type SseEvent, SseParser } from '../providers/sseParser';
import { asRecord, optionalNumber, optionalString, type StreamReader } from '../providers/wireDialect';

/** A JSON answer is read whole for its usage; beyond this many bytes it is still forwarded, just not read. */
const JSON_READ_LIMIT = 16 * 1024 * 1024;
/** An error body is read for its message up to this many bytes. */
const ERROR_READ_LIMIT = 64 * 1024;
/** Names of called tools kept per record. */
const MAX_TOOL_NAMES = 64;

export interface TapResult {
  /** Usage the provider reported, once complete. */
  readonly usage: TokenUsage | undefined;
  /** Input counts known before the answer ended (Anthropic `message_start`). */
  readonly inputUsage: Pick<TokenUsage, 'inputTokens' | 'cacheReadTokens' | 'cacheWriteTokens'> | undefined;
  readonly providerCostUsd: number | undefined;
  readonly modelServed: string | undefined;
  readonly responseId: string | undefined;
  /** The answer's text so far (for an estimate of a cut answer's output). */
  readonly text: string;
  readonly toolCalls: number;
  readonly externalCalls: number;
  readonly toolNames: readonly string[];
  /** The provider reported a failure (an error body, or an error event inside a 200 stream). */
  readonly failure: ProviderFailure | undefined;
  /** The provider said the answer is complete. */
  readonly complete: boolean;
  /** When the first text or tool call arrived (the first byte for a JSON answer). */
  readonly firstTokenAt: Date | undefined;
}

export interface UsageTap {
  push(chunk: Buffer): void;
  /** The body ended (or was cut); resolves once everything pushed has been read. */
  end(): Promise<TapResult>;
  /** What was read so far, without waiting (a cancelled exchange). */
  snapshot(): TapResult;
}

export interface TapOptions {
  readonly format: RawRequestFormat;
  readonly status: number;
  readonly contentType: string;
  readonly contentEncoding: string;
  readonly now: () => Date;
}

function newReader(format: RawRequestFormat): StreamReader {
  switch (format) {
    case 'openai':
      return openAiDialect().newReader();
    case 'anthropic':
      return anthropicDialect().newReader();
    case 'responses':
      return responsesReader();
    default: {
      const unknown: never = format;
      throw new Error(`unknown format ${String(unknown)}`);
    }
  }
}

class Calls {
  count = 0;
  external = 0;
  readonly names: string[] = [];
  private readonly seen = new Set<string>();

  call(name: string | undefined, key?: string): void {
    if (key !== undefined) {
      if (this.seen.has(key)) {
        return;
      }
      this.seen.add(key);
    }
    this.count += 1;
    this.name(name);
  }

  externalCall(name: string | undefined): void {
    this.external += 1;
    this.name(name);
  }

  private name(name: string | undefined): void {
    if (name && !this.names.includes(name) && this.names.length < MAX_TOOL_NAMES) {
      this.names.push(name.slice(0, 256));
    }
  }
}

function parseJson(data: string): Record<string, unknown> | undefined {
  try {
    return asRecord(JSON.parse(data));
  } catch {
    return undefined;
  }
}

/** Tool calls in one stream event; only events that can hold one are parsed a second time. */
function countStreamCalls(format: RawRequestFormat, event: SseEvent, calls: Calls): void {
  if (format === 'openai') {
    if (!event.data.includes('"tool_calls"')) {
      return;
    }
    for (const choice of (parseJson(event.data)?.choices as unknown[] | undefined) ?? []) {
      const record = asRecord(choice);
      const deltas = asRecord(record?.delta)?.tool_calls;
      for (const delta of Array.isArray(deltas) ? deltas : []) {
        const call = asRecord(delta);
        const fn = asRecord(call?.function);
        calls.call(optionalString(fn?.name), `${String(record?.index ?? 0)}:${String(call?.index ?? call?.id)}`);
      }
    }
    return;
  }
  if (format === 'anthropic') {
    if (event.event !== 'content_block_start' && !event.data.includes('"content_block_start"')) {
      return;
    }
    const block = asRecord(parseJson(event.data)?.content_block);
    if (block?.type === 'tool_use') {
      calls.call(optionalString(block.name));
    } else if (block?.type === 'server_tool_use') {
      calls.externalCall(optionalString(block.name));
    }
    return;
  }
  if (event.event !== 'response.output_item.added' && !event.data.includes('"response.output_item.added"')) {
    return;
  }
  countResponsesItem(asRecord(parseJson(event.data)?.item), calls);
}

function countResponsesItem(item: Record<string, unknown> | undefined, calls: Calls): void {
  const type = optionalString(item?.type) ?? '';
  if (type === 'function_call' || type === 'custom_tool_call') {
    calls.call(optionalString(item?.name));
  } else if (type.endsWith('_call') && type !== 'function_call') {
    calls.externalCall(type.replace(/_call$/, ''));
  }
}

/** Usage, model, id, text and tool calls of a complete JSON answer. */
function readJsonAnswer(format: RawRequestFormat, body: Record<string, unknown>, calls: Calls): Partial<TapResult> {
  const usageRecord = asRecord(body.usage);
  const base = { modelServed: optionalString(body.model), responseId: optionalString(body.id), providerCostUsd: optionalNumber(usageRecord?.cost) };
  if (format === 'openai') {
    let text = '';
    for (const choice of Array.isArray(body.choices) ? body.choices : []) {
      const message = asRecord(asRecord(choice)?.message);
      text += typeof message?.content === 'string' ? message.content : '';
      for (const call of Array.isArray(message?.tool_calls) ? message.tool_calls : []) {
        calls.call(optionalString(asRecord(asRecord(call)?.function)?.name));
      }
    }
    return { ...base, usage: usageRecord ? openAiUsage(usageRecord) : undefined, text, complete: true };
  }
  if (format === 'anthropic') {
    let text = '';
    for (const block of Array.isArray(body.content) ? body.content : []) {
      const record = asRecord(block);
      if (record?.type === 'text') {
        text += optionalString(record.text) ?? '';
      } else if (record?.type === 'tool_use') {
        calls.call(optionalString(record.name));
      } else if (record?.type === 'server_tool_use') {
        calls.externalCall(optionalString(record.name));
      }
    }
    return { ...base, usage: usageRecord ? anthropicUsage(usageRecord) : undefined, text, complete: true };
  }
  let text = '';
  for (const item of Array.isArray(body.output) ? body.output : []) {
    const record = asRecord(item);
    countResponsesItem(record, calls);
    for (const part of Array.isArray(record?.content) ? record.content : []) {
      const content = asRecord(part);
      text += content?.type === 'output_text' ? optionalString(content.text) ?? '' : '';
    }
  }
  const failed = asRecord(body.error);
  return {
    ...base,
    usage: usageRecord ? responsesUsage(usageRecord) : undefined,
    text,
    complete: body.status === 'completed' || body.status === 'incomplete' || usageRecord !== undefined,
    ...(failed ? { failure: { type: optionalString(failed.code), message: optionalString(failed.message) } } : {}),
  };
}

function decoderFor(encoding: string): zlib.Gunzip | zlib.Inflate | zlib.BrotliDecompress | undefined {
  switch (encoding.trim().toLowerCase()) {
    case 'gzip':
    case 'x-gzip':
      return zlib.createGunzip();
    case 'deflate':
      return zlib.createInflate();
    case 'br':
      return zlib.createBrotliDecompress();
    default:
      return undefined;
  }
}

export function createUsageTap(options: TapOptions): UsageTap {
  const calls = new Calls();
  const streaming = /text\/event-stream/i.test(options.contentType);
  const isError = options.status < 200 || options.status >= 300;
  const reader = streaming && !isError ? newReader(options.format) : undefined;
  const parser = reader ? new SseParser() : undefined;
  const kept: Buffer[] = [];
  let keptBytes = 0;
  let overflow = false;
  let text = '';
  let failure: ProviderFailure | undefined;
  let firstTokenAt: Date | undefined;
  let json: Partial<TapResult> = {};

  const readEvents = (events: readonly SseEvent[]): void => {
    if (!reader) {
      return;
    }
    for (const event of events) {
      const before = calls.count + calls.external;
      countStreamCalls(options.format, event, calls);
      const result = reader.read(event);
      if (result.text) {
        text += result.text;
      }
      if ((result.text || calls.count + calls.external > before) && !firstTokenAt) {
        firstTokenAt = options.now();
      }
      if (result.failure && !failure) {
        failure = result.failure;
      }
    }
  };
  const consume = (chunk: Buffer): void => {
    if (parser) {
      readEvents(parser.push(chunk));
      return;
    }
    firstTokenAt ??= options.now();
    const limit = isError ? ERROR_READ_LIMIT : JSON_READ_LIMIT;
    if (keptBytes + chunk.length > limit) {
      overflow = true;
      const room = limit - keptBytes;
      if (room > 0) {
        kept.push(chunk.subarray(0, room));
        keptBytes += room;
      }
      return;
    }
    kept.push(chunk);
    keptBytes += chunk.length;
  };
  const finish = (): void => {
    if (parser) {
      readEvents(parser.end());
      return;
    }
    const body = Buffer.concat(kept).toString('utf8');
    if (isError) {
      const said = parseErrorBody(body);
      failure = { status: options.status, ...said };
      return;
    }
    const parsed = overflow ? undefined : parseJson(body);
    if (parsed) {
      json = readJsonAnswer(options.format, parsed, calls);
      failure ??= json.failure;
      text = json.text ?? '';
    }
  };
  const result = (): TapResult => ({
    usage: reader ? reader.usage : json.usage,
    inputUsage: reader?.inputUsage,
    providerCostUsd: reader ? reader.providerCostUsd : json.providerCostUsd,
    modelServed: reader ? reader.modelServed : json.modelServed,
    responseId: reader ? reader.responseId : json.responseId,
    text,
    toolCalls: calls.count,
    externalCalls: calls.external,
    toolNames: calls.names,
    failure,
    complete: reader ? reader.complete : json.complete === true,
    firstTokenAt,
  });

  const decoder = decoderFor(options.contentEncoding);
  let decoded: Promise<void> | undefined;
  if (decoder) {
    decoder.on('data', consume);
    decoded = new Promise<void>((resolve) => {
      decoder.once('end', resolve);
      // A corrupt or cut compressed body: read what came through.
      decoder.once('error', () => resolve());
    });
  }
  let ended: Promise<TapResult> | undefined;
  return {
    push(chunk) {
      if (ended) {
        return;
      }
      if (decoder) {
        decoder.write(chunk);
      } else {
        consume(chunk);
      }
    },
    end() {
      ended ??= (async () => {
        if (decoder && decoded) {
          decoder.end();
          await decoded;
        }
        finish();
        return result();
      })();
      return ended;
    },
    snapshot: result,
  };
}
