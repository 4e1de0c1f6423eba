/**
 * Request bodies: read whole (with budgets enforced they are estimated and checked before anything
 * leaves), bounded by `MAX_BODY_BYTES`, then forwarded byte for byte. The one change the gateway makes: a
 * streaming Chat Completions request without `stream_options.include_usage: true` gets it, so the
 * stream ends with a usage chunk. The edit touches the fewest bytes it can (an insertion after a
 * `{`, or one value replaced); every other byte, whitespace and key order included, is the client's.
 */
import type { IncomingMessage } from 'node:http';

/**
 * 32 MiB: Anthropic's documented limit for a Messages request, and above anything OpenAI accepts,
 * so no request a provider would take is refused here.
 */
export const MAX_BODY_BYTES = 32 * 1024 * 1024;

export class BodyTooLargeError extends Error {
  constructor(readonly limit: number) {
    super(`request body over ${limit} bytes`);
    this.name = 'BodyTooLargeError';
  }
}

/** Reads the body; rejects with `BodyTooLargeError` as soon as it (or its declared length) passes `limit`. */
export function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) {
    return Promise.reject(new BodyTooLargeError(limit));
  }
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > limit) {
        cleanup();
        reject(new BodyTooLargeError(limit));
        return;
      }
      parts.push(chunk);
    };
    const onEnd = (): void => {
      cleanup();
      resolve(parts.length === 1 ? parts[0] : Buffer.concat(parts, size));
    };
    const onError = (error: Error): void => {
      cleanup();
      reject(error);
    };
    const cleanup = (): void => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('aborted', onAborted);
    };
    const onAborted = (): void => onError(new Error('the client closed the request'));
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('aborted', onAborted);
  });
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;

function isSpace(byte: number): boolean {
  return byte === 0x20 || byte === 0x09 || byte === 0x0a || byte === 0x0d;
}

function skipSpace(bytes: Buffer, at: number): number {
  while (at < bytes.length && isSpace(bytes[at])) {
    at++;
  }
  return at;
}

/** The index just past the string starting at `at` (a quote). */
function skipString(bytes: Buffer, at: number): number {
  for (let i = at + 1; i < bytes.length; i++) {
    if (bytes[i] === BACKSLASH) {
      i++;
    } else if (bytes[i] === QUOTE) {
      return i + 1;
    }
  }
  throw new Error('unterminated string');
}

/** The index just past the JSON value starting at `at`. UTF-8 multi-byte sequences never hold ASCII bytes. */
function skipValue(bytes: Buffer, at: number): number {
  const first = bytes[at];
  if (first === QUOTE) {
    return skipString(bytes, at);
  }
  if (first === 0x7b || first === 0x5b) {
    let depth = 0;
    for (let i = at; i < bytes.length; i++) {
      const byte = bytes[i];
      if (byte === QUOTE) {
        i = skipString(bytes, i) - 1;
      } else if (byte === 0x7b || byte === 0x5b) {
        depth++;
      } else if (byte === 0x7d || byte === 0x5d) {
        depth--;
        if (depth === 0) {
          return i + 1;
        }
      }
    }
    throw new Error('unterminated value');
  }
  let i = at;
  while (i < bytes.length && !isSpace(bytes[i]) && bytes[i] !== 0x2c && bytes[i] !== 0x7d && bytes[i] !== 0x5d) {
    i++;
  }
  return i;
}

interface Member {
  readonly name: string;
  readonly valueStart: number;
  readonly valueEnd: number;
}

/** The members of the object starting at `at` (a `{`), in order. */
function members(bytes: Buffer, at: number): Member[] {
  const out: Member[] = [];
  let i = skipSpace(bytes, at + 1);
  if (bytes[i] === 0x7d) {
    return out;
  }
  for (;;) {
    const keyEnd = skipString(bytes, i);
    const raw = bytes.toString('utf8', i, keyEnd);
    const name = raw.includes('\\') ? (JSON.parse(raw) as string) : raw.slice(1, -1);
    i = skipSpace(bytes, keyEnd);
    if (bytes[i] !== 0x3a) {
      throw new Error('expected a colon');
    }
    i = skipSpace(bytes, i + 1);
    const valueEnd = skipValue(bytes, i);
    if (valueEnd === i) {
      throw new Error('expected a value');
    }
    out.push({ name, valueStart: i, valueEnd });
    i = skipSpace(bytes, valueEnd);
    if (bytes[i] === 0x2c) {
      i = skipSpace(bytes, i + 1);
      continue;
    }
    if (bytes[i] !== 0x7d) {
      throw new Error('expected a comma or the end of the object');
    }
    return out;
  }
}

function splice(bytes: Buffer, start: number, end: number, insert: string): Buffer {
  return Buffer.concat([bytes.subarray(0, start), Buffer.from(insert, 'utf8'), bytes.subarray(end)]);
}

/** True when a parsed Chat Completions body streams without asking for the usage chunk. */
export function needsIncludeUsage(body: Record<string, unknown>): boolean {
  const options = body.stream_options;
  return body.stream === true && !(typeof options === 'object' && options !== null && (options as Record<string, unknown>).include_usage === true);
}

/**
 * The body of a streaming Chat Completions request with `stream_options.include_usage: true` set,
 * changing as few bytes as possible; any other body (not streaming, usage already asked for, not a
 * JSON object) is returned as it is. Read at the byte level, so the request can leave before its
 * JSON is parsed. Duplicate keys follow JSON.parse: the last one wins.
 */
export function withIncludeUsage(bytes: Buffer): Buffer {
  let start: number;
  let top: Member[];
  try {
    start = skipSpace(bytes, 0);
    if (bytes[start] !== 0x7b) {
      return bytes;
    }
    top = members(bytes, start);
  } catch {
    return bytes;
  }
  const last = (list: readonly Member[], name: string) => list.filter((member) => member.name === name).at(-1);
  const stream = last(top, 'stream');
  if (!stream || bytes.toString('latin1', stream.valueStart, stream.valueEnd) !== 'true') {
    return bytes;
  }
  const options = last(top, 'stream_options');
  if (!options) {
    return splice(bytes, start + 1, start + 1, '"stream_options":{"include_usage":true},');
  }
  if (bytes[options.valueStart] !== 0x7b) {
    // null (or a value the API rejects anyway): an object in its place.
    return splice(bytes, options.valueStart, options.valueEnd, '{"include_usage":true}');
  }
  let inner: Member[];
  try {
    inner = members(bytes, options.valueStart);
  } catch {
    return bytes;
  }
  const include = last(inner, 'include_usage');
  if (include) {
    return bytes.toString('latin1', include.valueStart, include.valueEnd) === 'true' ? bytes : splice(bytes, include.valueStart, include.valueEnd, 'true');
  }
  return splice(bytes, options.valueStart + 1, options.valueStart + 1, inner.length > 0 ? '"include_usage":true,' : '"include_usage":true');
}
