/**
 * One short fingerprint per message of a request body, so consecutive rounds of an agent task can be
 * recognised: round n+1 resends the messages of round n, then the assistant's reply and the tool
 * results (or the user's next words).
 *
 * What an assistant changes in the messages it resends is normalised away, so it does not break
 * the match:
 * - prompt-caching markers (`cache_control`), which Claude Code, Cline and Roo Code move to the
 *   newest messages every round;
 * - thinking blocks (`thinking`, `redacted_thinking`) and Responses `reasoning` items, which clients
 *   may drop from earlier turns;
 * - a string content and the same text as one text part (`"x"` and `[{type: "text", text: "x"}]`);
 * - citations and item ids the API assigned.
 * System messages are left out: assistants rebuild the system prompt every round (dates, open files).
 */
import { createHash } from 'node:crypto';
import type { RawRequestFormat } from '../estimate/rawRequest';

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function str(value: unknown): string {
  return typeof value === 'string' ? value : value === undefined || value === null ? '' : JSON.stringify(value);
}

/** A content string or parts, as a list of normalised pieces. */
function contentPieces(content: unknown): unknown[] {
  if (typeof content === 'string') {
    return content === '' ? [] : [['text', content]];
  }
  const pieces: unknown[] = [];
  for (const part of Array.isArray(content) ? content : []) {
    if (!isObject(part)) {
      continue;
    }
    switch (part.type) {
      case 'text':
      case 'input_text':
      case 'output_text':
        if (str(part.text) !== '') {
          pieces.push(['text', str(part.text)]);
        }
        break;
      case 'thinking':
      case 'redacted_thinking':
        break;
      case 'tool_use':
      case 'server_tool_use':
        pieces.push(['tool_use', str(part.id), str(part.name), str(part.input)]);
        break;
      case 'tool_result':
        pieces.push(['tool_result', str(part.tool_use_id), contentPieces(part.content), part.is_error === true]);
        break;
      case 'image_url':
        pieces.push(['image', str(isObject(part.image_url) ? part.image_url.url : part.image_url)]);
        break;
      case 'image':
      case 'document':
        pieces.push([part.type, str(isObject(part.source) ? part.source.data ?? part.source.url ?? part.source.file_id : '')]);
        break;
      default: {
        const { cache_control: _cache, citations: _citations, ...rest } = part;
        pieces.push(rest);
      }
    }
  }
  return pieces;
}

function fingerprint(value: unknown): string {
  return createHash('sha1').update(JSON.stringify(value)).digest('base64url').slice(0, 16);
}

function chatMessages(body: Json): unknown[] {
  const out: unknown[] = [];
  for (const message of Array.isArray(body.messages) ? body.messages : []) {
    if (!isObject(message) || message.role === 'system' || message.role === 'developer') {
      continue;
    }
    const calls = (Array.isArray(message.tool_calls) ? message.tool_calls : [])
      .filter(isObject)
      .map((call) => [str(call.id), isObject(call.function) ? [str(call.function.name), str(call.function.arguments)] : str(call)]);
    out.push([str(message.role), contentPieces(message.content), calls, str(message.tool_call_id), str(message.name)]);
  }
  return out;
}

function anthropicMessages(body: Json): unknown[] {
  return (Array.isArray(body.messages) ? body.messages : [])
    .filter(isObject)
    .map((message) => [str(message.role), contentPieces(message.content)]);
}

function responsesItems(body: Json): unknown[] {
  if (typeof body.input === 'string') {
    return [['user', [['text', body.input]]]];
  }
  const out: unknown[] = [];
  for (const item of Array.isArray(body.input) ? body.input : []) {
    if (!isObject(item)) {
      continue;
    }
    const type = item.type === undefined && item.role !== undefined ? 'message' : str(item.type);
    switch (type) {
      case 'message':
        if (item.role !== 'system' && item.role !== 'developer') {
          out.push([str(item.role), contentPieces(item.content)]);
        }
        break;
      case 'reasoning':
        break;
      case 'function_call':
      case 'custom_tool_call':
        out.push(['call', str(item.call_id), str(item.name), str(item.arguments ?? item.input)]);
        break;
      case 'function_call_output':
      case 'custom_tool_call_output':
        out.push(['output', str(item.call_id), str(item.output)]);
        break;
      default: {
        const { id: _id, status: _status, ...rest } = item;
        out.push(rest);
      }
    }
  }
  return out;
}

/** The fingerprints of a body's messages (or Responses input items), system messages left out. */
export function messageFingerprints(format: RawRequestFormat, body: unknown): string[] {
  if (!isObject(body)) {
    return [];
  }
  const messages = format === 'anthropic' ? anthropicMessages(body) : format === 'responses' ? responsesItems(body) : chatMessages(body);
  return messages.map(fingerprint);
}
