/**
 * A local model server that caches prompts the way each provider documents it and reports the cache
 * in each provider's own usage fields, byte for byte in their stream formats:
 *
 * - `POST /v1/messages` (Anthropic): `cache_control` breakpoints (at most 4, else HTTP 400 as the
 *   API answers), a write per breakpoint whose prefix reaches the model's minimum, reads found by
 *   looking back at most 20 positions from each breakpoint (a run of `tool_use` or `tool_result`
 *   blocks is one position), a 5-minute or 1-hour lifetime refreshed by every read. Reports
 *   `input_tokens`, `cache_creation_input_tokens` (with `cache_creation.ephemeral_5m/1h_input_tokens`)
 *   and `cache_read_input_tokens`.
 * - `POST …/chat/completions` (OpenAI): automatic caching of every prompt of 1024 tokens or more; a
 *   request reads the longest token prefix it shares with a cached prompt, in 128-token steps.
 *   Reports `prompt_tokens` (all of them) and `prompt_tokens_details.cached_tokens`.
 *
 * It is the provider's side of the story, written independently of `src/core/cache` (token-level
 * prefixes for OpenAI, SHA-256 prefix hashes for Anthropic) and counting tokens its own way: OpenAI
 * models with js-tiktoken's encoder (pure JavaScript, so the server also runs bundled inside the
 * extension host) and the chat format's framing, Claude with a stand-in
 * tokenizer (cl100k_base × 1.2, 3 tokens per message, 1 to open the reply), so an estimate made
 * with Credit Meter's calibrated proxy is as far off as against the real API. The clock is the
 * caller's, so lifetimes are tested without waiting.
 *
 * Built on `startProtocolServer`: every request is recorded, and no test framework is imported.
 */
import { createHash } from 'node:crypto';
import { Tiktoken } from 'js-tiktoken/lite';
import cl100kRanks from 'js-tiktoken/ranks/cl100k_base';
import o200kRanks from 'js-tiktoken/ranks/o200k_base';
import { type ProtocolServer, type RecordedRequest, type ScriptedResponse, startProtocolServer } from './protocolServer';

export type UpstreamDialect = 'anthropic' | 'openai';

/** What the server billed for one request, as it reported it. */
export interface UpstreamUsage {
  readonly dialect: UpstreamDialect;
  readonly model: string;
  /** Input at the full price (Anthropic `input_tokens`; OpenAI `prompt_tokens - cached_tokens`). */
  readonly inputTokens: number;
  readonly cacheReadTokens: number;
  readonly cacheWriteTokens: number;
  readonly cacheWrite1hTokens: number;
  readonly outputTokens: number;
  /** When it was served, on the server's clock (ms). */
  readonly at: number;
}

export interface CachingUpstreamOptions {
  /** The server's clock in ms (default `Date.now`). */
  readonly now?: () => number;
  /** The answer to a request (default: a fixed paragraph). */
  readonly answer?: (request: RecordedRequest, index: number) => string;
  /** Anthropic's minimum cacheable prompt length for a model (default 4,096 for Haiku 4.5, else 1,024). */
  readonly anthropicMinimumTokens?: (model: string) => number;
  /** How long an OpenAI prompt stays cached after its last use (default 5 minutes). */
  readonly openAiTtlMs?: number;
}

export interface CachingUpstream extends ProtocolServer {
  /** One entry per request answered with usage, in order. */
  readonly usage: UpstreamUsage[];
}

const DEFAULT_ANSWER = 'The function reads the configuration file, merges the defaults and validates every field; '
  + 'the port is dropped because the merge copies only the keys it knows. Copy `raw.port` as well and add a test for it.';

let o200k: Tiktoken | undefined;
let cl100k: Tiktoken | undefined;

/** Special-token text is plain text to a chat API, as with tiktoken's `encode_ordinary`. */
function openAiTokens(text: string): number[] {
  o200k ??= new Tiktoken(o200kRanks);
  return o200k.encode(text, [], []);
}

/** The stand-in Claude tokenizer: cl100k_base counts × 1.2, rounded up. */
function claudeTokens(text: string): number {
  cl100k ??= new Tiktoken(cl100kRanks);
  return Math.ceil(cl100k.encode(text, [], []).length * 1.2);
}

const sha = (text: string) => createHash('sha256').update(text).digest('hex');

function defaultMinimum(model: string): number {
  return /haiku-4-5|haiku-4\.5/.test(model) ? 4096 : 1024;
}

type Json = Record<string, unknown>;
const isJson = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

function sse(events: readonly [string | undefined, unknown][]): string {
  return events.map(([event, data]) => `${event ? `event: ${event}\n` : ''}data: ${JSON.stringify(data)}\n\n`).join('');
}

/** The answer cut into a few stream deltas. */
function deltas(text: string): string[] {
  // Up to 40 characters, ending after a space where there is one; a longer run of non-space is cut. Nothing is lost.
  const pieces = text.match(/[\s\S]{1,40}(?:\s|$)|[\s\S]{1,40}/g) ?? [text];
  return pieces.filter((piece) => piece !== '');
}

// ---- Anthropic ----

interface AnthropicEntry {
  expiresAt: number;
  ttlMs: number;
}

const ANTHROPIC_TTL_MS = { '5m': 5 * 60_000, '1h': 60 * 60_000 } as const;
const ANTHROPIC_MAX_BREAKPOINTS = 4;
const ANTHROPIC_LOOKBACK = 20;
const ANTHROPIC_PER_MESSAGE = 3;
const ANTHROPIC_REPLY = 1;

interface AnthropicBlock {
  readonly tokens: number;
  readonly hash: string;
  readonly ttl?: '5m' | '1h';
  readonly run?: string;
}

function anthropicBlockText(block: Json): string {
  switch (block.type) {
    case 'text':
      return String(block.text ?? '');
    case 'tool_use':
      return `${String(block.name ?? '')}${JSON.stringify(block.input ?? {})}`;
    case 'tool_result':
      return typeof block.content === 'string' ? block.content : JSON.stringify(block.content ?? '');
    default:
      return JSON.stringify(block);
  }
}

function anthropicBlocks(body: Json): AnthropicBlock[] {
  const blocks: AnthropicBlock[] = [];
  const push = (section: string, block: Json, framing: number) => {
    const { cache_control: marker, ...content } = block;
    const ttl = isJson(marker) ? (marker.ttl === '1h' ? '1h' : '5m') : undefined;
    const run = block.type === 'tool_use' || block.type === 'tool_result' ? String(block.type) : undefined;
    blocks.push({
      tokens: claudeTokens(section === 'tools' ? JSON.stringify(content) : anthropicBlockText(content)) + framing,
      hash: sha(`${section}\n${JSON.stringify(content)}`),
      ...(ttl ? { ttl } : {}),
      ...(run ? { run } : {}),
    });
  };
  for (const tool of Array.isArray(body.tools) ? body.tools : []) {
    push('tools', tool as Json, 0);
  }
  const system = typeof body.system === 'string' ? [{ type: 'text', text: body.system }] : Array.isArray(body.system) ? body.system : [];
  system.forEach((block, index) => push('system', block as Json, index === 0 ? ANTHROPIC_PER_MESSAGE : 0));
  for (const message of Array.isArray(body.messages) ? (body.messages as Json[]) : []) {
    const content = typeof message.content === 'string' ? [{ type: 'text', text: message.content }] : (message.content as Json[]);
    content.forEach((block, index) => push(`message:${String(message.role)}`, block, index === 0 ? ANTHROPIC_PER_MESSAGE : 0));
  }
  if (isJson(body.cache_control) && blocks.length > 0) {
    const last = blocks[blocks.length - 1];
    blocks[blocks.length - 1] = { ...last, ttl: body.cache_control.ttl === '1h' ? '1h' : '5m' };
  }
  return blocks;
}

// ---- the server ----

export async function startCachingUpstream(options: CachingUpstreamOptions = {}): Promise<CachingUpstream> {
  const now = options.now ?? Date.now;
  const answerFor = options.answer ?? (() => DEFAULT_ANSWER);
  const minimumFor = options.anthropicMinimumTokens ?? defaultMinimum;
  const openAiTtlMs = options.openAiTtlMs ?? 5 * 60_000;
  const usage: UpstreamUsage[] = [];
  /** Anthropic entries by model and prefix hash. */
  const anthropicCache = new Map<string, AnthropicEntry>();
  /** OpenAI cached prompts (token sequences) by model and prompt_cache_key. */
  const openAiCache = new Map<string, { tokens: number[]; lastUsed: number }[]>();

  const anthropic = (record: RecordedRequest, index: number): ScriptedResponse => {
    const body = record.json as Json;
    const model = String(body.model);
    const blocks = anthropicBlocks(body);
    const breakpoints = blocks.flatMap((block, at) => (block.ttl ? [at] : []));
    if (breakpoints.length > ANTHROPIC_MAX_BREAKPOINTS) {
      return {
        status: 400,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ type: 'error', error: { type: 'invalid_request_error', message: `A maximum of 4 blocks with cache_control may be provided. Found ${breakpoints.length}.` } }),
      };
    }
    const at = now();
    const prefix: string[] = [];
    const end: number[] = [];
    const position: number[] = [];
    let total = 0;
    blocks.forEach((block, i) => {
      prefix.push(sha(`${i === 0 ? '' : prefix[i - 1]}${block.hash}`));
      total += block.tokens;
      end.push(total);
      const sameRun = i > 0 && block.run !== undefined && blocks[i - 1].run === block.run;
      position.push(i === 0 ? 0 : position[i - 1] + (sameRun ? 0 : 1));
    });
    const entryKey = (i: number) => `${model}\n${prefix[i]}`;
    const alive = (i: number) => (anthropicCache.get(entryKey(i))?.expiresAt ?? 0) > at;
    let hit = -1;
    for (const bp of breakpoints) {
      for (let j = bp; j >= 0 && position[bp] - position[j] < ANTHROPIC_LOOKBACK; j--) {
        if (alive(j)) {
          hit = Math.max(hit, j);
          break;
        }
      }
    }
    const read = hit >= 0 ? end[hit] : 0;
    if (hit >= 0) {
      const entry = anthropicCache.get(entryKey(hit)) as AnthropicEntry;
      entry.expiresAt = Math.max(entry.expiresAt, at + entry.ttlMs);
    }
    let written = read;
    let write5m = 0;
    let write1h = 0;
    const minimum = minimumFor(model);
    for (const bp of breakpoints) {
      if (bp <= hit) {
        const own = anthropicCache.get(entryKey(bp));
        if (own && own.expiresAt > at) {
          own.expiresAt = Math.max(own.expiresAt, at + own.ttlMs);
        }
        continue;
      }
      if (end[bp] < minimum) {
        continue;
      }
      const ttl = blocks[bp].ttl ?? '5m';
      anthropicCache.set(entryKey(bp), { expiresAt: at + ANTHROPIC_TTL_MS[ttl], ttlMs: ANTHROPIC_TTL_MS[ttl] });
      if (ttl === '1h') {
        write1h += end[bp] - written;
      } else {
        write5m += end[bp] - written;
      }
      written = end[bp];
    }
    const fresh = total + ANTHROPIC_REPLY - read - write5m - write1h;
    const answer = answerFor(record, index);
    const outputTokens = claudeTokens(answer);
    usage.push({ dialect: 'anthropic', model, inputTokens: fresh, cacheReadTokens: read, cacheWriteTokens: write5m + write1h, cacheWrite1hTokens: write1h, outputTokens, at });
    const inputUsage = {
      input_tokens: fresh,
      cache_creation_input_tokens: write5m + write1h,
      cache_read_input_tokens: read,
      cache_creation: { ephemeral_5m_input_tokens: write5m, ephemeral_1h_input_tokens: write1h },
    };
    const id = `msg_cache${String(index).padStart(4, '0')}`;
    if (body.stream !== true) {
      return {
        headers: { 'content-type': 'application/json', 'request-id': `req_${index}` },
        body: JSON.stringify({ id, type: 'message', role: 'assistant', model, content: [{ type: 'text', text: answer }], stop_reason: 'end_turn', stop_sequence: null, usage: { ...inputUsage, output_tokens: outputTokens } }),
      };
    }
    return {
      headers: { 'request-id': `req_${index}` },
      body: sse([
        ['message_start', { type: 'message_start', message: { id, type: 'message', role: 'assistant', content: [], model, stop_reason: null, stop_sequence: null, usage: { ...inputUsage, output_tokens: 1 } } }],
        ['content_block_start', { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } }],
        ...deltas(answer).map((text): [string, unknown] => ['content_block_delta', { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text } }]),
        ['content_block_stop', { type: 'content_block_stop', index: 0 }],
        ['message_delta', { type: 'message_delta', delta: { stop_reason: 'end_turn', stop_sequence: null }, usage: { output_tokens: outputTokens } }],
        ['message_stop', { type: 'message_stop' }],
      ]),
    };
  };

  const openai = (record: RecordedRequest, index: number): ScriptedResponse => {
    const body = record.json as Json;
    const model = String(body.model);
    // The chat format: <start> role <sep> content <end> per message (a name adds 1 + its tokens), then <start> assistant <sep>.
    const roleToken: Record<string, number> = { system: -10, developer: -10, user: -11, assistant: -12, tool: -13 };
    const tokens: number[] = [];
    if (Array.isArray(body.tools) && body.tools.length > 0) {
      tokens.push(...openAiTokens(JSON.stringify(body.tools)));
    }
    for (const message of Array.isArray(body.messages) ? (body.messages as Json[]) : []) {
      tokens.push(-1, roleToken[String(message.role)] ?? -19, -2);
      if (typeof message.name === 'string') {
        tokens.push(-4, ...openAiTokens(message.name));
      }
      const content = message.content;
      const text = typeof content === 'string' ? content : Array.isArray(content) ? content.map((part) => (isJson(part) && part.type === 'text' ? String(part.text) : '')).join('') : '';
      tokens.push(...openAiTokens(text), -3);
    }
    tokens.push(-1, roleToken.assistant, -2);
    const at = now();
    const key = `${model}\n${typeof body.prompt_cache_key === 'string' ? body.prompt_cache_key : ''}`;
    const cached = (openAiCache.get(key) ?? []).filter((entry) => at - entry.lastUsed < openAiTtlMs);
    let best = 0;
    let bestEntry: (typeof cached)[number] | undefined;
    for (const entry of cached) {
      let common = 0;
      while (common < entry.tokens.length && common < tokens.length && entry.tokens[common] === tokens[common]) {
        common++;
      }
      const usable = Math.floor(Math.min(common, entry.tokens.length) / 128) * 128;
      if (usable >= 1024 && usable > best) {
        best = usable;
        bestEntry = entry;
      }
    }
    if (bestEntry) {
      bestEntry.lastUsed = at;
    }
    if (tokens.length >= 1024) {
      cached.push({ tokens, lastUsed: at });
    }
    openAiCache.set(key, cached.slice(-50));
    const answer = answerFor(record, index);
    const completion = openAiTokens(answer).length;
    usage.push({ dialect: 'openai', model, inputTokens: tokens.length - best, cacheReadTokens: best, cacheWriteTokens: 0, cacheWrite1hTokens: 0, outputTokens: completion, at });
    const usageJson = {
      prompt_tokens: tokens.length,
      completion_tokens: completion,
      total_tokens: tokens.length + completion,
      prompt_tokens_details: { cached_tokens: best, audio_tokens: 0 },
      completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 },
    };
    const id = `chatcmpl-cache${String(index).padStart(4, '0')}`;
    const created = Math.floor(at / 1000);
    if (body.stream !== true) {
      return {
        headers: { 'content-type': 'application/json', 'x-request-id': `req_${index}` },
        body: JSON.stringify({ id, object: 'chat.completion', created, model, choices: [{ index: 0, message: { role: 'assistant', content: answer }, finish_reason: 'stop' }], usage: usageJson }),
      };
    }
    const chunk = (choices: unknown[], chunkUsage: unknown = null) => [undefined, { id, object: 'chat.completion.chunk', created, model, choices, usage: chunkUsage }] as [undefined, unknown];
    const includeUsage = isJson(body.stream_options) && body.stream_options.include_usage === true;
    return {
      headers: { 'x-request-id': `req_${index}` },
      body: sse([
        chunk([{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }]),
        ...deltas(answer).map((text) => chunk([{ index: 0, delta: { content: text }, finish_reason: null }])),
        chunk([{ index: 0, delta: {}, finish_reason: 'stop' }]),
        ...(includeUsage ? [chunk([], usageJson)] : []),
      ]) + 'data: [DONE]\n\n',
    };
  };

  const server = await startProtocolServer((record, index) => {
    if (record.method !== 'POST' || !isJson(record.json)) {
      return { status: 400, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ error: { message: 'expected a JSON POST' } }) };
    }
    if (record.path.startsWith('/v1/messages')) {
      return anthropic(record, index);
    }
    if (record.path.split('?')[0].endsWith('/chat/completions')) {
      return openai(record, index);
    }
    return { status: 404, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ error: { message: `no route for ${record.path}` } }) };
  });
  return Object.assign(server, { usage });
}
