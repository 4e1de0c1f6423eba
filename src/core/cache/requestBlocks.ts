/**
 * Raw request bodies, as a client sends them to Anthropic's Messages API or an OpenAI-compatible
 * Chat Completions API, turned into the blocks the cache model reads. The gateway calls these on the
 * requests of other assistants; Compose calls them on the body its own dialect built, so both doors
 * predict from exactly what is sent.
 *
 * A block's hash covers its role and its JSON as sent (the `cache_control` marker aside), so a key
 * order that changes between requests changes the hash, as it breaks the provider's cache. Token
 * counts come from the caller's counter (calibrated for proxy-counted models) plus the message
 * format's framing; sizes a body does not carry (images, PDFs) are a documented flat estimate.
 */
import { CalibrationTable, loadCounter, tokenizerForModel } from '../tokens';
import { anthropicCacheRules, cacheRulesFor } from './cacheRules';
import type { CacheRequest, CacheTtl, PromptBlock } from './cacheTypes';
import { memoLong } from './memoLong';
import { contentHash, fieldsHash } from './prefixHash';

/** How the blocks of a body are counted. */
export interface BlockCounting {
  /** Tokens of a text as the provider counts it (exact, or calibrated for a proxy-counted model). */
  readonly countTokens: (text: string) => number;
  /** Framing tokens of every message, role included (the estimator's message format); added to its first block. */
  readonly perMessageTokens: number;
  /** Tokens that open the reply; added to the last block. */
  readonly replyPrimingTokens: number;
  /** Tokens of an image or a binary document, whose size the body does not state. */
  readonly attachmentTokens?: number;
}

/**
 * An image or a binary document whose pixel size or page count we do not decode: Anthropic's vision
 * guide gives tokens = width × height / 750, about 1,600 for an image at its recommended maximum of
 * 1.15 megapixels. Small images cost less and PDFs more; this is an estimate and says so.
 */
export const ATTACHMENT_TOKENS = 1600;

/**
 * A counter for `model`: exact on OpenAI encodings, o200k_base × the family's calibration otherwise.
 * It remembers the counts of its last long texts, so recounting an unchanged history costs a map
 * lookup per block.
 */
export function modelTokenCounter(model: string, calibration: CalibrationTable = new CalibrationTable()): (text: string) => number {
  const tokenizer = tokenizerForModel(model, calibration);
  const counter = loadCounter(tokenizer.encoding);
  return memoLong(tokenizer.exact ? (text) => counter.count(text) : (text) => Math.round(counter.count(text) * tokenizer.calibration));
}

type Json = Record<string, unknown>;

function isRecord(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function requireRecord(value: unknown, what: string): Json {
  if (!isRecord(value)) {
    throw new TypeError(`${what}: expected a JSON object`);
  }
  return value;
}

function requireModel(body: Json): string {
  if (typeof body.model !== 'string' || body.model === '') {
    throw new TypeError('request body: "model" must be a non-empty string');
  }
  return body.model;
}

function withoutCacheControl(block: Json): Json {
  const { cache_control: _marker, ...rest } = block;
  return rest;
}

/**
 * What identifies a content block as sent, its marker aside: its JSON. A plain text block
 * (`{"type":"text","text":…}` in that order) is identified by its text's hash, which is memoised,
 * so an unchanged history is not re-serialised and rehashed on every estimate.
 */
function blockIdentity(block: Json): string {
  const plain = withoutCacheControl(block);
  const keys = Object.keys(plain);
  if (keys.length === 2 && keys[0] === 'type' && keys[1] === 'text' && plain.type === 'text' && typeof plain.text === 'string') {
    return `text#${contentHash(plain.text)}`;
  }
  return stringify(plain);
}

function ttlOf(marker: unknown): CacheTtl | undefined {
  if (!isRecord(marker)) {
    return undefined;
  }
  return marker.ttl === '1h' ? '1h' : '5m';
}

function stringify(value: unknown): string {
  return JSON.stringify(value) ?? '';
}

/** Adds the message framing to the first block and the reply priming to the last. */
function frame(blocks: PromptBlock[], firstOfMessage: readonly number[], counting: BlockCounting): PromptBlock[] {
  for (const index of firstOfMessage) {
    blocks[index] = { ...blocks[index], tokens: blocks[index].tokens + counting.perMessageTokens };
  }
  const last = blocks.length - 1;
  if (last >= 0) {
    blocks[last] = { ...blocks[last], tokens: blocks[last].tokens + counting.replyPrimingTokens };
  }
  return blocks;
}

// ---- Anthropic Messages API ----

function anthropicBlockTokens(block: Json, counting: BlockCounting): number {
  const count = counting.countTokens;
  const attachment = counting.attachmentTokens ?? ATTACHMENT_TOKENS;
  switch (block.type) {
    case 'text':
      return count(typeof block.text === 'string' ? block.text : '');
    case 'image':
      return attachment;
    case 'document': {
      const source = isRecord(block.source) ? block.source : undefined;
      return source?.type === 'text' && typeof source.data === 'string' ? count(source.data) : attachment;
    }
    case 'tool_use':
      return count(typeof block.name === 'string' ? block.name : '') + count(stringify(block.input ?? {}));
    case 'tool_result': {
      const content = block.content;
      if (typeof content === 'string') {
        return count(content);
      }
      return Array.isArray(content) ? content.reduce<number>((sum, part) => sum + (isRecord(part) ? anthropicBlockTokens(part, counting) : 0), 0) : 0;
    }
    case 'thinking':
      return count(typeof block.thinking === 'string' ? block.thinking : '');
    default:
      return count(stringify(withoutCacheControl(block)));
  }
}

function anthropicRun(block: Json): PromptBlock['run'] {
  return block.type === 'tool_use' || block.type === 'tool_result' ? block.type : undefined;
}

/**
 * The blocks of a Messages API body, in the order Anthropic builds its cache prefix: `tools`,
 * `system`, then `messages`. A top-level `cache_control` (automatic caching) becomes a breakpoint on
 * the last block. `tool_choice` and `thinking` settings are part of the first message's hash: changing
 * them invalidates the message blocks but not tools or system, as the provider documents.
 */
export function anthropicPromptBlocks(rawBody: unknown, counting: BlockCounting): PromptBlock[] {
  const body = requireRecord(rawBody, 'request body');
  const blocks: PromptBlock[] = [];
  const firstOfMessage: number[] = [];
  const tools = Array.isArray(body.tools) ? body.tools : [];
  tools.forEach((raw, index) => {
    const tool = requireRecord(raw, `tools[${index}]`);
    const plain = withoutCacheControl(tool);
    const schema = { name: tool.name, description: tool.description, input_schema: tool.input_schema };
    const breakpoint = ttlOf(tool.cache_control);
    blocks.push({
      hash: fieldsHash('tool', stringify(plain)),
      tokens: counting.countTokens(stringify(schema)),
      label: `tool ${typeof tool.name === 'string' ? tool.name : index + 1}`,
      ...(breakpoint ? { breakpoint } : {}),
    });
  });
  const system = body.system;
  const systemBlocks: Json[] = typeof system === 'string'
    ? (system === '' ? [] : [{ type: 'text', text: system }])
    : Array.isArray(system) ? system.map((raw, index) => requireRecord(raw, `system[${index}]`)) : [];
  systemBlocks.forEach((block, index) => {
    if (index === 0) {
      firstOfMessage.push(blocks.length);
    }
    const breakpoint = ttlOf(block.cache_control);
    blocks.push({
      hash: fieldsHash('system', blockIdentity(block)),
      tokens: anthropicBlockTokens(block, counting),
      label: 'system',
      ...(breakpoint ? { breakpoint } : {}),
    });
  });
  if (!Array.isArray(body.messages)) {
    throw new TypeError('request body: "messages" must be an array');
  }
  const settings = stringify({ tool_choice: body.tool_choice ?? null, thinking: body.thinking ?? null });
  body.messages.forEach((raw, m) => {
    const message = requireRecord(raw, `messages[${m}]`);
    const role = typeof message.role === 'string' ? message.role : '';
    const content = message.content;
    const parts: Json[] = typeof content === 'string'
      ? [{ type: 'text', text: content }]
      : Array.isArray(content) ? content.map((part, index) => requireRecord(part, `messages[${m}].content[${index}]`)) : [];
    parts.forEach((part, index) => {
      if (index === 0) {
        firstOfMessage.push(blocks.length);
      }
      const breakpoint = ttlOf(part.cache_control);
      const run = anthropicRun(part);
      blocks.push({
        hash: fieldsHash('message', role, blockIdentity(part), m === 0 && index === 0 ? settings : ''),
        tokens: anthropicBlockTokens(part, counting),
        label: `message ${m + 1} (${role})`,
        ...(breakpoint ? { breakpoint } : {}),
        ...(run ? { run } : {}),
      });
    });
  });
  const automatic = ttlOf(body.cache_control);
  const last = blocks.length - 1;
  if (automatic && last >= 0) {
    blocks[last] = { ...blocks[last], breakpoint: automatic };
  }
  return frame(blocks, firstOfMessage, counting);
}

/** A Messages API body as the cache model's request, with Anthropic's rules for its model. */
export function anthropicCacheRequest(rawBody: unknown, counting: BlockCounting): CacheRequest {
  const model = requireModel(requireRecord(rawBody, 'request body'));
  return { rules: anthropicCacheRules(model), model, blocks: anthropicPromptBlocks(rawBody, counting) };
}

// ---- OpenAI Chat Completions API ----

function openAiPartTokens(part: Json, counting: BlockCounting): number {
  switch (part.type) {
    case 'text':
      return counting.countTokens(typeof part.text === 'string' ? part.text : '');
    case 'image_url': {
      // "detail": "low" is a flat 85 tokens (OpenAI's vision guide); other sizes are not in the body.
      const detail = isRecord(part.image_url) ? part.image_url.detail : undefined;
      return detail === 'low' ? 85 : counting.attachmentTokens ?? ATTACHMENT_TOKENS;
    }
    case 'input_audio':
    case 'file':
      return counting.attachmentTokens ?? ATTACHMENT_TOKENS;
    default:
      return counting.countTokens(stringify(part));
  }
}

/**
 * The blocks of a Chat Completions body in the order the prompt is rendered: a structured-output
 * schema, the tool definitions, then every message (one block per content part). `name` and
 * `tool_calls` belong to their message's first block.
 */
export function openAiPromptBlocks(rawBody: unknown, counting: BlockCounting): PromptBlock[] {
  const body = requireRecord(rawBody, 'request body');
  const blocks: PromptBlock[] = [];
  const firstOfMessage: number[] = [];
  if (isRecord(body.response_format) && body.response_format.type === 'json_schema') {
    const schema = stringify(body.response_format);
    blocks.push({ hash: fieldsHash('response_format', schema), tokens: counting.countTokens(schema), label: 'response format' });
  }
  const tools = [...(Array.isArray(body.tools) ? body.tools : []), ...(Array.isArray(body.functions) ? body.functions : [])];
  tools.forEach((tool, index) => {
    const json = stringify(tool);
    const fn = isRecord(tool) && isRecord(tool.function) ? tool.function : isRecord(tool) ? tool : {};
    blocks.push({ hash: fieldsHash('tool', json), tokens: counting.countTokens(json), label: `tool ${typeof fn.name === 'string' ? fn.name : index + 1}` });
  });
  if (!Array.isArray(body.messages)) {
    throw new TypeError('request body: "messages" must be an array');
  }
  body.messages.forEach((raw, m) => {
    const message = requireRecord(raw, `messages[${m}]`);
    const role = typeof message.role === 'string' ? message.role : '';
    const name = typeof message.name === 'string' ? message.name : '';
    const extra = stringify({ tool_calls: message.tool_calls ?? null, tool_call_id: message.tool_call_id ?? null });
    const extraTokens = (name ? counting.countTokens(name) + 1 : 0)
      + (message.tool_calls !== undefined ? counting.countTokens(stringify(message.tool_calls)) : 0);
    const content = message.content;
    const parts: Json[] = typeof content === 'string'
      ? [{ type: 'text', text: content }]
      : Array.isArray(content) ? content.map((part, index) => requireRecord(part, `messages[${m}].content[${index}]`)) : [];
    if (parts.length === 0) {
      // An assistant message with only tool calls, or content null.
      parts.push({ type: 'text', text: '' });
    }
    parts.forEach((part, index) => {
      if (index === 0) {
        firstOfMessage.push(blocks.length);
      }
      blocks.push({
        hash: fieldsHash('message', role, name, index === 0 ? extra : '', blockIdentity(part)),
        tokens: openAiPartTokens(part, counting) + (index === 0 ? extraTokens : 0),
        label: `message ${m + 1} (${role})`,
      });
    });
  });
  return frame(blocks, firstOfMessage, counting);
}

/**
 * A Chat Completions body as the cache model's request: OpenAI's rules for OpenAI models (extended
 * when `prompt_cache_retention` is `24h`), none for others; `prompt_cache_key` partitions the cache.
 */
export function openAiCacheRequest(rawBody: unknown, counting: BlockCounting): CacheRequest {
  const body = requireRecord(rawBody, 'request body');
  const model = requireModel(body);
  const partition = typeof body.prompt_cache_key === 'string' ? body.prompt_cache_key : '';
  return {
    rules: cacheRulesFor({ dialect: 'openai', model, extendedRetention: body.prompt_cache_retention === '24h' }),
    model,
    blocks: openAiPromptBlocks(body, counting),
    ...(partition ? { partition } : {}),
  };
}
