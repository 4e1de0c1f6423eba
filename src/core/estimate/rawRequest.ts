/**
 * Estimates a raw API request body, exactly as an assistant sends it: an OpenAI Chat Completions
 * body, an OpenAI Responses body or an Anthropic Messages body. `credit-meter estimate --request`
 * and the metering gateway's send-time estimate of every request both come from `estimateRawRequest`.
 *
 * What is counted, per format (`exact: false` marks every part whose rendering is not documented):
 * - Chat Completions: each message's text with the model's own encoding, framed as OpenAI's cookbook
 *   ("How to count tokens with tiktoken", `num_tokens_from_messages`) documents it: 3 tokens per
 *   message, 1 for its role, 1 more when it has a `name`, and 3 that prime the reply
 *   (`messageOverhead`). Tool definitions follow the same cookbook's `num_tokens_for_tools`
 *   (7 tokens per function on o200k models, 10 on gpt-3.5 / gpt-4, 3 for the property list, 3 per
 *   property, -3 + 3 per item for an enum, 12 at the end); nested schemas, which it does not cover,
 *   are counted as their JSON text. Tool calls and tool results inside messages count their
 *   arguments and content.
 * - Responses: the same framing and tool rendering for `instructions` and the `input` items
 *   (messages, function calls and their outputs, reasoning summaries); OpenAI documents neither for
 *   this API, so these parts are approximate.
 * - Anthropic Messages: Claude's tokenizer is not public, so texts are counted with o200k_base and
 *   scaled by the family's calibration factor, like every proxy count (the message framing too,
 *   with OpenAI's numbers as the proxy). Tools are counted as the JSON Anthropic receives, plus the
 *   tool-use system prompt Anthropic adds and documents per model ("Tool use pricing and tokens":
 *   346 tokens for `tool_choice` auto / none and 313 for any / tool on Claude 3.7 and 4.x models;
 *   264 / 340 on Haiku 3 and 3.5; 530 / 281 on Opus 3; 159 / 235 on Sonnet 3). Those are Claude
 *   tokens already, so they are not scaled.
 * - Images cannot be counted without decoding them: an OpenAI image counts 85 tokens at
 *   `detail: "low"` and 765 otherwise (a 1024 × 1024 image at high detail: 85 + 4 tiles × 170);
 *   an Anthropic image 1,590 tokens (width × height / 750 for the largest image that is not resized,
 *   about 1092 × 1092). Always approximate.
 *
 * The predicted output is the core's output model for the request's kind (classified from the latest
 * user text), bounded by the request's own cap (`max_tokens`, `max_completion_tokens` or
 * `max_output_tokens`): a model never answers past it. With Anthropic extended thinking on, the high
 * end adds the whole `budget_tokens` and the expected answer a quarter of it (a prior: thinking
 * rarely spends its whole budget), still within `max_tokens`.
 *
 * One request is one round: the gateway prices every round of a task as its own request.
 */
import * as l10n from '@vscode/l10n';
import { createHash } from 'node:crypto';
import { type BlockCounting, type CacheRequest, type CacheState, anthropicCacheRequest, openAiCacheRequest } from '../cache';
import { type CreditProfile, DEFAULT_PROFILE, type ModelPricing, type ProviderHints, modelPricing } from '../pricing';
import { CalibrationTable, type EncodingName, type ModelTokenizer, type TokenCounter, loadCounter, tokenizerForModel } from '../tokens';
import { blockCounting, cacheAwareCost } from './cacheCost';
import { costRange } from './costRange';
import type { Estimate, EstimateCache, EstimateCost, EstimateOptions, EstimatePart } from './estimateTypes';
import { contextWindowFor, longContextThreshold } from './contextWindow';
import { MESSAGE_FORMATS, messageOverhead } from './messageFormat';
import { type OutputPrediction, predictOutput } from './outputModel';
import { classifyKind } from './requestKind';

export const RAW_REQUEST_FORMATS = ['openai', 'anthropic', 'responses'] as const;
export type RawRequestFormat = (typeof RAW_REQUEST_FORMATS)[number];

export function isRawRequestFormat(value: string): value is RawRequestFormat {
  return (RAW_REQUEST_FORMATS as readonly string[]).includes(value);
}

/** A body that cannot be estimated; the message names the field. */
export class RawRequestError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RawRequestError';
  }
}

/** OpenAI image tokens: `detail: "low"`, and a 1024 × 1024 image at high detail (85 + 4 × 170). */
export const OPENAI_IMAGE_TOKENS = { low: 85, high: 765 } as const;
/** Anthropic image tokens: width × height / 750 for about the largest image not resized (1092 × 1092). */
export const ANTHROPIC_IMAGE_TOKENS = 1590;

/** OpenAI cookbook `num_tokens_for_tools` constants; gpt-3.5 / gpt-4 start each function with 10, newer models with 7. */
const TOOL_FRAMING = { funcInit: 7, legacyFuncInit: 10, propInit: 3, propKey: 3, enumInit: -3, enumItem: 3, funcEnd: 12 } as const;

/** Texts shorter than this are counted directly: hashing them would cost about as much. */
const MEMO_MIN_LENGTH = 256;

/** Anthropic's documented tool-use system prompt, in Claude tokens, by model: [auto / none, any / tool]. */
const ANTHROPIC_TOOL_PROMPT: readonly (readonly [RegExp, number, number])[] = [
  [/claude-3-opus/, 530, 281],
  [/claude-3-sonnet/, 159, 235],
  [/claude-3-(?:5-)?haiku|claude-3\.5-haiku|claude-haiku-3/, 264, 340],
];
const ANTHROPIC_TOOL_PROMPT_CURRENT = [346, 313] as const;

export interface RawRequestOptions extends EstimateOptions {
  /** The body's format; detected from its shape when absent. */
  readonly format?: RawRequestFormat;
  /** Learned calibration factors for proxy-counted families; the priors when absent. */
  readonly calibration?: CalibrationTable;
  /** The counter for an encoding; the tokens module's shared counters by default. */
  readonly counterFor?: (encoding: EncodingName) => TokenCounter;
  /**
   * Counts of texts already seen (e.g. the earlier messages of an agent task, resent every round),
   * so a growing conversation is tokenized once. Keyed by encoding and text.
   */
  readonly memo?: RawRequestMemo;
  /**
   * The prompt cache: what the conversation sent before (`state`, from `recordSend`) and when this
   * request is sent (`at`, ms). With it, a Messages or Chat Completions body is priced with the cache
   * split by `cacheAwareCost` (what Compose's estimate calls), and the estimate carries the split in
   * `cache` and the `cacheRequest` to pass to `recordSend` once the provider has answered.
   */
  readonly cache?: RawRequestCacheOptions;
}

export interface RawRequestCacheOptions {
  readonly state: CacheState | undefined;
  readonly at: number;
  /** How the body's blocks are counted; `blockCounting(model, calibration)` when absent (keep one per model to count a resent history once). */
  readonly counting?: BlockCounting;
}

/**
 * Remembers token counts of message texts across requests (an agent resends its whole conversation
 * every round), least recently used first out. Keyed by a hash of the text, so what it keeps is a few
 * bytes per text, however long the text was.
 */
export class RawRequestMemo {
  private readonly counts = new Map<string, number>();

  constructor(private readonly capacity = 4096) {}

  count(counter: TokenCounter, text: string): number {
    if (text.length < MEMO_MIN_LENGTH) {
      return counter.count(text);
    }
    const key = `${counter.encoding}:${createHash('sha1').update(text).digest('base64')}`;
    const found = this.counts.get(key);
    if (found !== undefined) {
      this.counts.delete(key);
      this.counts.set(key, found);
      return found;
    }
    const value = counter.count(text);
    this.counts.set(key, value);
    if (this.counts.size > this.capacity) {
      this.counts.delete(this.counts.keys().next().value as string);
    }
    return value;
  }
}

export interface RawRequestEstimate extends Omit<Estimate, 'format'> {
  /** The API the body is for; its framing is OpenAI's (Chat Completions, Responses) or Anthropic's (Messages). */
  readonly format: RawRequestFormat;
  readonly formatSource: 'given' | 'detected';
  /** Messages (or input items) in the body. */
  readonly messages: number;
  readonly stream: boolean;
  /** The request's own output cap, when it sets one. */
  readonly maxOutputTokens: number | undefined;
  /** Names of the tools the request offers. */
  readonly toolNames: readonly string[];
  /** Tokens of the system part (instructions), part of `inputTokens`. */
  readonly systemTokens: number;
  /** Tokens of the tool definitions (with Anthropic's tool-use prompt), part of `inputTokens`. */
  readonly toolsTokens: number;
  /** The latest text the user wrote (not a tool result); what the kind is classified from. */
  readonly userText: string;
  /** The system text (instructions) as sent. */
  readonly systemText: string;
  /** The body as the cache model sees it, when a cache state was given and the format has an adapter (not Responses). */
  readonly cacheRequest: CacheRequest | undefined;
}

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function text(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

function positiveInt(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isInteger(value) && value > 0 ? value : undefined;
}

/** Which API a body is for, from its shape; undefined when it is none of them. */
export function detectRequestFormat(body: unknown): RawRequestFormat | undefined {
  if (!isObject(body)) {
    return undefined;
  }
  if (!Array.isArray(body.messages)) {
    return body.input !== undefined || typeof body.instructions === 'string' ? 'responses' : undefined;
  }
  let anthropic = 0;
  let openai = 0;
  if (body.system !== undefined) {anthropic += 2;}
  if (isObject(body.thinking) || body.top_k !== undefined || body.stop_sequences !== undefined || body.anthropic_version !== undefined) {anthropic += 1;}
  if (body.max_completion_tokens !== undefined || body.stream_options !== undefined || body.response_format !== undefined || body.n !== undefined || body.logprobs !== undefined) {openai += 1;}
  for (const tool of Array.isArray(body.tools) ? body.tools : []) {
    if (isObject(tool) && tool.input_schema !== undefined) {anthropic += 1;}
    if (isObject(tool) && isObject(tool.function)) {openai += 1;}
  }
  for (const message of body.messages) {
    if (!isObject(message)) {
      continue;
    }
    if (['system', 'developer', 'tool', 'function'].includes(text(message.role)) || message.tool_calls !== undefined) {
      openai += 1;
    }
    for (const part of Array.isArray(message.content) ? message.content : []) {
      const type = isObject(part) ? text(part.type) : '';
      if (['tool_use', 'tool_result', 'thinking', 'redacted_thinking', 'document'].includes(type) || (type === 'image' && isObject(part) && isObject(part.source))) {
        anthropic += 1;
      } else if (['image_url', 'input_audio', 'file', 'refusal'].includes(type)) {
        openai += 1;
      }
    }
  }
  return anthropic > openai ? 'anthropic' : 'openai';
}

/** Text, tool traffic and images of one rendered message, for counting. */
interface Rendered {
  readonly texts: string[];
  /** Texts whose rendering is undocumented (tool calls, tool results, reasoning): counted, marked approximate. */
  readonly approxTexts: string[];
  images: number;
  /** Image tokens already decided (per-provider constants). */
  imageTokens: number;
  names: number;
}

function rendered(): Rendered {
  return { texts: [], approxTexts: [], images: 0, imageTokens: 0, names: 0 };
}

interface Parsed {
  readonly model: string;
  readonly system: Rendered;
  readonly systemText: string;
  /** Every message but the last one (the conversation so far). */
  readonly history: Rendered;
  readonly last: Rendered;
  readonly messages: number;
  /** Framed messages (system messages included), for the overhead. */
  readonly framed: number;
  readonly userText: string;
  readonly stream: boolean;
  readonly maxOutputTokens: number | undefined;
  readonly thinkingBudget: number;
  readonly tools: readonly Json[];
  readonly toolChoice: string;
}

function requireModel(body: Json): string {
  const model = body.model;
  if (typeof model !== 'string' || model.trim() === '') {
    throw new RawRequestError('model: a model id (string) is required');
  }
  return model.trim();
}

function jsonText(value: unknown): string {
  return value === undefined ? '' : typeof value === 'string' ? value : JSON.stringify(value);
}

/** OpenAI chat content: a string or parts (text, refusal, image_url, input_audio, file). */
function addOpenAiContent(into: Rendered, content: unknown, approx: boolean): void {
  const push = (value: string) => (approx ? into.approxTexts : into.texts).push(value);
  if (typeof content === 'string') {
    push(content);
    return;
  }
  for (const part of Array.isArray(content) ? content : []) {
    if (!isObject(part)) {
      continue;
    }
    switch (part.type) {
      case 'text':
      case 'input_text':
      case 'output_text':
        push(text(part.text));
        break;
      case 'refusal':
        push(text(part.refusal));
        break;
      case 'image_url':
      case 'input_image': {
        const detail = isObject(part.image_url) ? part.image_url.detail : part.detail;
        into.images += 1;
        into.imageTokens += detail === 'low' ? OPENAI_IMAGE_TOKENS.low : OPENAI_IMAGE_TOKENS.high;
        break;
      }
      default:
        // Audio and files: their content is not text; the part's JSON stands in for it.
        into.approxTexts.push(jsonText({ ...part, file_data: undefined, data: undefined }));
    }
  }
}

function userTextOf(content: unknown): string {
  if (typeof content === 'string') {
    return content;
  }
  return (Array.isArray(content) ? content : [])
    .filter((part): part is Json => isObject(part) && (part.type === 'text' || part.type === 'input_text'))
    .map((part) => text(part.text))
    .join('\n');
}

function parseOpenAiChat(body: Json): Parsed {
  const model = requireModel(body);
  if (!Array.isArray(body.messages)) {
    throw new RawRequestError('messages: an array of messages is required');
  }
  const system = rendered();
  const systemTexts: string[] = [];
  const history = rendered();
  const last = rendered();
  let userText = '';
  let framed = 0;
  const messages = body.messages;
  messages.forEach((message, index) => {
    if (!isObject(message)) {
      throw new RawRequestError(`messages[${index}]: a message object is required`);
    }
    framed += 1;
    const role = text(message.role);
    if (role === 'system' || role === 'developer') {
      addOpenAiContent(system, message.content, false);
      systemTexts.push(userTextOf(message.content));
      return;
    }
    const into = index === messages.length - 1 ? last : history;
    if (typeof message.name === 'string') {
      into.texts.push(message.name);
      into.names += 1;
    }
    const toolMessage = role === 'tool' || role === 'function';
    addOpenAiContent(into, message.content, toolMessage);
    if (typeof message.refusal === 'string') {
      into.texts.push(message.refusal);
    }
    for (const call of Array.isArray(message.tool_calls) ? message.tool_calls : []) {
      const fn = isObject(call) && isObject(call.function) ? call.function : undefined;
      if (fn) {
        into.approxTexts.push(text(fn.name), text(fn.arguments));
      }
    }
    if (isObject(message.function_call)) {
      into.approxTexts.push(text(message.function_call.name), text(message.function_call.arguments));
    }
    if (role === 'user') {
      const said = userTextOf(message.content);
      if (said.trim() !== '') {
        userText = said;
      }
    }
  });
  const tools = (Array.isArray(body.tools) ? body.tools : [])
    .filter(isObject)
    .map((tool) => (isObject(tool.function) ? tool.function : tool));
  if (Array.isArray(body.functions)) {
    tools.push(...body.functions.filter(isObject));
  }
  const choice = body.tool_choice;
  return {
    model,
    system,
    systemText: systemTexts.join('\n\n'),
    history,
    last,
    messages: messages.length,
    framed,
    userText,
    stream: body.stream === true,
    maxOutputTokens: positiveInt(body.max_completion_tokens) ?? positiveInt(body.max_tokens),
    thinkingBudget: 0,
    tools,
    toolChoice: typeof choice === 'string' ? choice : isObject(choice) ? 'tool' : 'auto',
  };
}

function parseResponses(body: Json): Parsed {
  const model = requireModel(body);
  const system = rendered();
  const history = rendered();
  const last = rendered();
  const systemTexts: string[] = [];
  if (typeof body.instructions === 'string') {
    system.texts.push(body.instructions);
    systemTexts.push(body.instructions);
  }
  let framed = system.texts.length;
  let userText = '';
  const items: unknown[] = typeof body.input === 'string' ? [{ role: 'user', content: body.input }] : Array.isArray(body.input) ? body.input : [];
  if (body.input !== undefined && typeof body.input !== 'string' && !Array.isArray(body.input)) {
    throw new RawRequestError('input: a string or an array of input items is required');
  }
  items.forEach((item, index) => {
    if (!isObject(item)) {
      throw new RawRequestError(`input[${index}]: an input item object is required`);
    }
    const into = index === items.length - 1 ? last : history;
    const type = item.type === undefined && item.role !== undefined ? 'message' : text(item.type);
    framed += 1;
    switch (type) {
      case 'message': {
        const role = text(item.role);
        if (role === 'system' || role === 'developer') {
          addOpenAiContent(system, item.content, false);
          systemTexts.push(userTextOf(item.content));
          return;
        }
        addOpenAiContent(into, item.content, false);
        if (role === 'user') {
          const said = userTextOf(item.content);
          if (said.trim() !== '') {
            userText = said;
          }
        }
        return;
      }
      case 'function_call':
      case 'custom_tool_call':
        into.approxTexts.push(text(item.name), text(item.arguments) || jsonText(item.input));
        return;
      case 'function_call_output':
      case 'custom_tool_call_output':
        into.approxTexts.push(jsonText(item.output));
        return;
      case 'reasoning':
        // Encrypted reasoning is opaque; its summary is the only countable part.
        for (const summary of Array.isArray(item.summary) ? item.summary : []) {
          into.approxTexts.push(isObject(summary) ? text(summary.text) : '');
        }
        return;
      default:
        into.approxTexts.push(jsonText(item));
    }
  });
  const choice = body.tool_choice;
  return {
    model,
    system,
    systemText: systemTexts.join('\n\n'),
    history,
    last,
    messages: items.length,
    framed,
    userText,
    stream: body.stream === true,
    maxOutputTokens: positiveInt(body.max_output_tokens),
    thinkingBudget: 0,
    tools: (Array.isArray(body.tools) ? body.tools : []).filter(isObject),
    toolChoice: typeof choice === 'string' ? choice : isObject(choice) ? 'tool' : 'auto',
  };
}

/** Anthropic content: a string or blocks (text, image, document, tool_use, tool_result, thinking, server tools). */
function addAnthropicContent(into: Rendered, content: unknown, approx = false): void {
  const push = (value: string) => (approx ? into.approxTexts : into.texts).push(value);
  if (typeof content === 'string') {
    push(content);
    return;
  }
  for (const block of Array.isArray(content) ? content : []) {
    if (!isObject(block)) {
      continue;
    }
    switch (block.type) {
      case 'text':
        push(text(block.text));
        break;
      case 'image':
        into.images += 1;
        into.imageTokens += ANTHROPIC_IMAGE_TOKENS;
        break;
      case 'tool_use':
      case 'server_tool_use':
        into.approxTexts.push(text(block.name), jsonText(block.input));
        break;
      case 'tool_result':
        addAnthropicContent(into, block.content, true);
        break;
      case 'thinking':
        into.approxTexts.push(text(block.thinking));
        break;
      case 'redacted_thinking':
        break;
      case 'document': {
        const source = isObject(block.source) ? block.source : undefined;
        // A plain-text document is counted; a PDF's base64 is not its token count, so a tenth of it stands in.
        into.approxTexts.push(source?.type === 'text' ? text(source.data) : text(source?.data).slice(0, Math.ceil(text(source?.data).length / 10)));
        break;
      }
      default:
        into.approxTexts.push(jsonText({ ...block, cache_control: undefined }));
    }
  }
}

function parseAnthropic(body: Json): Parsed {
  const model = requireModel(body);
  if (!Array.isArray(body.messages)) {
    throw new RawRequestError('messages: an array of messages is required');
  }
  const system = rendered();
  if (body.system !== undefined) {
    if (typeof body.system !== 'string' && !Array.isArray(body.system)) {
      throw new RawRequestError('system: a string or an array of text blocks is required');
    }
    addAnthropicContent(system, body.system);
  }
  const history = rendered();
  const last = rendered();
  let userText = '';
  const messages = body.messages;
  messages.forEach((message, index) => {
    if (!isObject(message)) {
      throw new RawRequestError(`messages[${index}]: a message object is required`);
    }
    addAnthropicContent(index === messages.length - 1 ? last : history, message.content);
    if (message.role === 'user') {
      const said = userTextOf(message.content);
      if (said.trim() !== '') {
        userText = said;
      }
    }
  });
  const thinking = isObject(body.thinking) && body.thinking.type === 'enabled' ? positiveInt(body.thinking.budget_tokens) ?? 0 : 0;
  const choice = isObject(body.tool_choice) ? text(body.tool_choice.type) : 'auto';
  return {
    model,
    system,
    systemText: system.texts.join('\n\n'),
    history,
    last,
    messages: messages.length,
    framed: messages.length + (system.texts.length > 0 ? 1 : 0),
    userText,
    stream: body.stream === true,
    maxOutputTokens: positiveInt(body.max_tokens),
    thinkingBudget: thinking,
    tools: (Array.isArray(body.tools) ? body.tools : []).filter(isObject),
    toolChoice: choice || 'auto',
  };
}

class Counting {
  constructor(
    private readonly counter: TokenCounter,
    private readonly memo: RawRequestMemo | undefined,
  ) {}

  count(value: string): number {
    if (value === '') {
      return 0;
    }
    return this.memo ? this.memo.count(this.counter, value) : this.counter.count(value);
  }

  sum(values: readonly string[]): number {
    let total = 0;
    for (const value of values) {
      total += this.count(value);
    }
    return total;
  }
}

/** OpenAI's cookbook rendering of function definitions (`num_tokens_for_tools`). */
function openAiToolTokens(tools: readonly Json[], counting: Counting, legacy: boolean): number {
  if (tools.length === 0) {
    return 0;
  }
  let tokens = 0;
  for (const tool of tools) {
    tokens += legacy ? TOOL_FRAMING.legacyFuncInit : TOOL_FRAMING.funcInit;
    const description = text(tool.description).replace(/\.$/, '');
    tokens += counting.count(`${text(tool.name) || text(tool.type)}:${description}`);
    const parameters = isObject(tool.parameters) ? tool.parameters : undefined;
    const properties = parameters && isObject(parameters.properties) ? parameters.properties : undefined;
    if (!properties || Object.keys(properties).length === 0) {
      continue;
    }
    tokens += TOOL_FRAMING.propInit;
    for (const [key, schema] of Object.entries(properties)) {
      tokens += TOOL_FRAMING.propKey;
      const property = isObject(schema) ? schema : {};
      if (Array.isArray(property.enum)) {
        tokens += TOOL_FRAMING.enumInit;
        for (const item of property.enum) {
          tokens += TOOL_FRAMING.enumItem + counting.count(String(item));
        }
      }
      const type = Array.isArray(property.type) ? property.type.join('|') : text(property.type);
      tokens += counting.count(`${key}:${type}:${text(property.description).replace(/\.$/, '')}`);
      // Nested objects and arrays of objects are outside the cookbook's rule: their schema's JSON stands in.
      if (isObject(property.properties) || (isObject(property.items) && (isObject(property.items.properties) || property.items.type === 'object'))) {
        tokens += counting.count(JSON.stringify(property.properties ?? property.items));
      }
    }
  }
  return tokens + TOOL_FRAMING.funcEnd;
}

function anthropicToolPrompt(model: string, toolChoice: string): number {
  const name = model.toLowerCase();
  const row = ANTHROPIC_TOOL_PROMPT.find(([pattern]) => pattern.test(name));
  const [auto, forced] = row ? [row[1], row[2]] : ANTHROPIC_TOOL_PROMPT_CURRENT;
  return toolChoice === 'any' || toolChoice === 'tool' ? forced : auto;
}

function toolNamesOf(tools: readonly Json[]): string[] {
  return tools.map((tool) => text(tool.name) || text(tool.type)).filter((name) => name !== '');
}

function parse(body: Json, format: RawRequestFormat): Parsed {
  switch (format) {
    case 'openai':
      return parseOpenAiChat(body);
    case 'responses':
      return parseResponses(body);
    case 'anthropic':
      return parseAnthropic(body);
    default: {
      const unknown: never = format;
      throw new RawRequestError(`unknown format ${String(unknown)}`);
    }
  }
}

/** Estimates a parsed request body (an object) or its JSON text. */
export function estimateRawRequest(request: unknown, options: RawRequestOptions = {}): RawRequestEstimate {
  let body = request;
  if (typeof request === 'string') {
    try {
      body = JSON.parse(request) as unknown;
    } catch (error) {
      throw new RawRequestError(`the request is not valid JSON: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  if (!isObject(body)) {
    throw new RawRequestError('the request must be a JSON object');
  }
  const detected = options.format === undefined ? detectRequestFormat(body) : undefined;
  const format = options.format ?? detected;
  if (format === undefined) {
    throw new RawRequestError('not a Chat Completions, Responses or Messages request: it has neither "messages" nor "input" (give the format with --format)');
  }
  const parsed = parse(body, format);
  const calibration = options.calibration ?? new CalibrationTable();
  const tokenizer = tokenizerForModel(parsed.model, calibration);
  const counting = new Counting((options.counterFor ?? loadCounter)(tokenizer.encoding), options.memo);
  const scale = (raw: number): number => (tokenizer.exact ? raw : Math.round(raw * tokenizer.calibration));
  const openAi = format !== 'anthropic';
  const framing = openAi ? MESSAGE_FORMATS.openai : MESSAGE_FORMATS.anthropic;
  // The framing is OpenAI's documented count for Chat Completions on OpenAI's own models.
  const framingExact = format === 'openai' && tokenizer.exact;

  const parts: EstimatePart[] = [];
  const addPart = (part: EstimatePart): void => {
    if (part.tokens > 0) {
      parts.push(part);
    }
  };
  const textPart = (value: Rendered, kind: EstimatePart['kind'], label: string): number => {
    const tokens = scale(counting.sum(value.texts) + counting.sum(value.approxTexts));
    addPart({ kind, label, tokens, exact: tokenizer.exact && value.approxTexts.length === 0 });
    return tokens;
  };
  const systemTokens = textPart(parsed.system, 'system', l10n.t('system'));
  const historyCount = parsed.messages - 1;
  textPart(parsed.history, 'context', historyCount === 1 ? l10n.t('conversation (1 message)') : l10n.t('conversation ({0} messages)', historyCount));
  textPart(parsed.last, 'prompt', l10n.t('last message'));
  const images = parsed.system.images + parsed.history.images + parsed.last.images;
  addPart({
    kind: 'context',
    label: l10n.t('images ({0})', images),
    tokens: parsed.system.imageTokens + parsed.history.imageTokens + parsed.last.imageTokens,
    exact: false,
  });
  let toolsTokens = 0;
  if (parsed.tools.length > 0) {
    toolsTokens = openAi
      ? scale(openAiToolTokens(parsed.tools, counting, tokenizer.encoding === 'cl100k_base'))
      : scale(counting.count(JSON.stringify(parsed.tools.map((tool) => ({ ...tool, cache_control: undefined }))))) + anthropicToolPrompt(parsed.model, parsed.toolChoice);
    addPart({ kind: 'tools', label: l10n.t('tools ({0})', parsed.tools.length), tokens: toolsTokens, exact: false });
  }
  const names = parsed.history.names + parsed.last.names;
  // Framing tokens are the provider's own: never scaled by a calibration factor (as the draft estimator counts them).
  addPart({ kind: 'overhead', label: l10n.t('message overhead'), tokens: messageOverhead(framing, parsed.framed) + scale(names), exact: framingExact });

  const inputTokens = parts.reduce((sum, part) => sum + part.tokens, 0);
  const countedInputTokens = parts.reduce((sum, part) => sum + (part.kind === 'overhead' || tokenizer.exact ? part.tokens : Math.round(part.tokens / tokenizer.calibration)), 0);
  const kind = parsed.userText.trim() === '' ? 'other' : classifyKind(parsed.userText);
  const outputTokens = boundOutput(predict(options, parsed.model, tokenizer, kind, calibration), parsed.maxOutputTokens, parsed.thinkingBudget);
  const profile = options.profile ?? DEFAULT_PROFILE;
  const pricing = modelPricing(parsed.model, profile, options.providerHints ?? {});
  const catalogue = pricing.kind === 'priced' ? pricing.catalogue : undefined;
  const window = contextWindowFor(parsed.model, profile, catalogue);
  const tierStart = longContextThreshold(catalogue);
  let dominant: EstimatePart | undefined;
  for (const part of parts) {
    if (part.kind !== 'overhead' && part.tokens > (dominant?.tokens ?? 0)) {
      dominant = part;
    }
  }
  const cached = options.cache ? cachedCost(body, format, parsed.model, inputTokens, outputTokens, options.cache, { profile, pricing, calibration, hints: options.providerHints }) : undefined;
  return {
    model: parsed.model,
    family: tokenizer.family,
    encoding: tokenizer.encoding,
    calibration: tokenizer.calibration,
    kind,
    kindSource: 'classified',
    rounds: 1,
    roundsSource: 'given',
    highRounds: 1,
    parts,
    inputTokens,
    countedInputTokens,
    codeTokens: 0,
    contextWindow: window?.tokens,
    contextWindowSource: window?.source,
    exceedsContextWindow: window !== undefined && inputTokens > window.tokens,
    longContextTier: tierStart !== undefined && inputTokens > tierStart ? tierStart : undefined,
    exact: parts.every((part) => part.exact),
    outputTokens,
    dominant,
    // The earlier messages are a `context` part here; with a cache state they are priced as the
    // provider's prompt cache reads or writes them.
    cost: cached?.cost ?? costRange(pricing, profile, parsed.model, inputTokens, outputTokens, 1),
    historyTurns: 0,
    cache: cached?.cache,
    format,
    formatSource: options.format === undefined ? 'detected' : 'given',
    messages: parsed.messages,
    stream: parsed.stream,
    maxOutputTokens: parsed.maxOutputTokens,
    toolNames: toolNamesOf(parsed.tools),
    systemTokens,
    toolsTokens,
    userText: parsed.userText,
    systemText: parsed.systemText,
    cacheRequest: cached?.request,
  };
}

/** The cache-aware price of a Messages or Chat Completions body; undefined for Responses, which has no cache adapter. */
function cachedCost(
  body: Json,
  format: RawRequestFormat,
  model: string,
  inputTokens: number,
  output: OutputPrediction,
  cache: RawRequestCacheOptions,
  price: { profile: CreditProfile; pricing: ModelPricing; calibration: CalibrationTable; hints: ProviderHints | undefined },
): { request: CacheRequest; cost: EstimateCost; cache: EstimateCache } | undefined {
  if (format === 'responses') {
    return undefined;
  }
  const counting = cache.counting ?? blockCounting(model, price.calibration);
  const request = format === 'anthropic' ? anthropicCacheRequest(body, counting) : openAiCacheRequest(body, counting);
  const { cost, cache: split } = cacheAwareCost(cache.state, request, cache.at, {
    profile: price.profile,
    ...(price.hints ? { hints: price.hints } : {}),
    output,
    rounds: 1,
    inputTokens,
    pricing: price.pricing,
  });
  return { request, cost, cache: split };
}

function predict(options: RawRequestOptions, model: string, tokenizer: ModelTokenizer, kind: Estimate['kind'], calibration: CalibrationTable): OutputPrediction {
  const families = new Map<string, string>();
  const familyOf = (id: string): string => {
    let family = families.get(id);
    if (family === undefined) {
      family = tokenizerForModel(id, calibration).family;
      families.set(id, family);
    }
    return family;
  };
  return predictOutput(options.history ?? [], model, tokenizer.family, kind, familyOf);
}

/** Thinking widens the answer; the request's own cap bounds every quantile. */
export function boundOutput(prediction: OutputPrediction, cap: number | undefined, thinkingBudget = 0): OutputPrediction {
  const limit = cap ?? Infinity;
  const p10 = Math.min(limit, prediction.p10);
  const p50 = Math.min(limit, prediction.p50 + Math.round(thinkingBudget / 4));
  const p90 = Math.min(limit, prediction.p90 + thinkingBudget);
  return { ...prediction, p10, p50: Math.max(p10, p50), p90: Math.max(p10, p50, p90) };
}
