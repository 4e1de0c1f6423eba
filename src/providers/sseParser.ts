/** One dispatched server-sent event. */
export interface SseEvent {
  /** The `event:` field, `message` when absent. */
  readonly event: string;
  readonly data: string;
  /** The last event id seen so far, as the spec defines it. */
  readonly id: string;
}

/** The longest line, and the most `data` one event may carry, unless configured otherwise: 16 MiB. */
export const DEFAULT_SSE_LIMIT_BYTES = 16 * 1024 * 1024;

export interface SseParserOptions {
  /** Longest line in bytes, its terminator not counted (default 16 MiB). */
  readonly maxLineBytes?: number;
  /** Most bytes of `data` one event may collect over all its `data:` lines (default 16 MiB). */
  readonly maxEventBytes?: number;
}

/** A line or an event went over the parser's limit; the stream cannot be read further. */
export class SseLimitError extends Error {
  constructor(
    readonly what: 'line' | 'event',
    readonly limitBytes: number,
  ) {
    super(`an event-stream ${what} longer than ${formatBytes(limitBytes)} (the limit)`);
    this.name = 'SseLimitError';
  }
}

function formatBytes(bytes: number): string {
  const mib = bytes / (1024 * 1024);
  return Number.isInteger(mib) ? `${mib} MB` : `${bytes} bytes`;
}

const LF = 0x0a;
const CR = 0x0d;

/**
 * Incremental parser for `text/event-stream`, following the WHATWG HTML "event stream
 * interpretation": lines end in CRLF, LF or CR; a blank line dispatches; `data:` lines join with
 * LF; lines starting with `:` are comments; one leading space after the colon is dropped; `id`
 * without NUL sets the last event id; `retry` with only digits sets the reconnection time; a BOM
 * at the very start is dropped.
 *
 * Linear in the bytes pushed, however they are chunked: lines are found in the raw bytes (CR and LF
 * never occur inside a UTF-8 sequence), each chunk is scanned once, and the unfinished part of a
 * line is decoded as it arrives (a streaming decoder keeps a character split between chunks), so a
 * long line costs one pass and no push redoes earlier work. A line, or the data of one event, over
 * its limit throws `SseLimitError` instead of growing without bound; the parser is done after that.
 */
export class SseParser {
  private readonly decoder = new TextDecoder('utf-8', { ignoreBOM: true });
  private readonly maxLineBytes: number;
  private readonly maxEventBytes: number;
  /**
   * The line not yet terminated, decoded piece by piece. Appending makes a rope, so a long line
   * costs no copy here; whoever reads the text flattens it once.
   */
  private partial = '';
  private partialBytes = 0;
  /** A CR ended the previous chunk, so a LF starting the next one belongs to it. */
  private pendingCr = false;
  /** No line has ended yet: a leading BOM is still to be dropped. */
  private firstLine = true;
  private eventType = '';
  private data: string[] = [];
  private dataBytes = 0;
  private hasData = false;
  private lastEventId = '';
  private reconnectionMs: number | undefined;

  constructor(options: SseParserOptions = {}) {
    this.maxLineBytes = options.maxLineBytes ?? DEFAULT_SSE_LIMIT_BYTES;
    this.maxEventBytes = options.maxEventBytes ?? DEFAULT_SSE_LIMIT_BYTES;
  }

  /** Feeds raw bytes and returns the events they completed. Throws `SseLimitError` past a limit. */
  push(bytes: Uint8Array): SseEvent[] {
    const events: SseEvent[] = [];
    const length = bytes.length;
    if (length === 0) {
      return events;
    }
    let start = 0;
    if (this.pendingCr) {
      this.pendingCr = false;
      if (bytes[0] === LF) {
        start = 1;
      }
    }
    // Both searches only ever move forward, so every byte is looked at a bounded number of times.
    let lf = bytes.indexOf(LF, start);
    let cr = bytes.indexOf(CR, start);
    while (lf !== -1 || cr !== -1) {
      let end: number;
      let next: number;
      if (cr === -1 || (lf !== -1 && lf < cr)) {
        end = lf;
        next = lf + 1;
      } else {
        end = cr;
        if (cr + 1 < length) {
          next = bytes[cr + 1] === LF ? cr + 2 : cr + 1;
        } else {
          next = cr + 1;
          this.pendingCr = true;
        }
      }
      const event = this.completeLine(bytes, start, end);
      if (event) {
        events.push(event);
      }
      start = next;
      if (lf !== -1 && lf < start) {
        lf = bytes.indexOf(LF, start);
      }
      if (cr !== -1 && cr < start) {
        cr = bytes.indexOf(CR, start);
      }
    }
    if (start < length) {
      this.growLine(length - start);
      this.partial += this.decoder.decode(bytes.subarray(start), { stream: true });
    }
    return events;
  }

  /** Ends the stream. An event without its closing blank line is dropped, as the spec says. */
  end(): SseEvent[] {
    this.decoder.decode();
    this.partial = '';
    this.partialBytes = 0;
    this.pendingCr = false;
    this.resetEvent();
    return [];
  }

  /** True when the stream ended inside an event, a sign it was cut. */
  get hasPartialEvent(): boolean {
    return this.partialBytes > 0 || this.hasData || this.eventType !== '';
  }

  /** The reconnection time the stream asked for with `retry:`, in ms. */
  get retryMs(): number | undefined {
    return this.reconnectionMs;
  }

  private growLine(bytes: number): void {
    this.partialBytes += bytes;
    if (this.partialBytes > this.maxLineBytes) {
      throw new SseLimitError('line', this.maxLineBytes);
    }
  }

  private completeLine(bytes: Uint8Array, start: number, end: number): SseEvent | undefined {
    let line: string;
    let lineBytes: number;
    if (this.partialBytes === 0) {
      lineBytes = end - start;
      if (lineBytes > this.maxLineBytes) {
        throw new SseLimitError('line', this.maxLineBytes);
      }
      line = lineBytes === 0 ? '' : this.decoder.decode(bytes.subarray(start, end));
    } else {
      this.growLine(end - start);
      // The decoder flushes any bytes it kept from the previous piece.
      line = this.partial + this.decoder.decode(bytes.subarray(start, end));
      lineBytes = this.partialBytes;
      this.partial = '';
      this.partialBytes = 0;
    }
    if (this.firstLine) {
      this.firstLine = false;
      if (line.charCodeAt(0) === 0xfeff) {
        line = line.slice(1);
        lineBytes -= 3;
      }
    }
    return this.processLine(line, lineBytes);
  }

  private processLine(line: string, lineBytes: number): SseEvent | undefined {
    if (line === '') {
      return this.dispatch();
    }
    if (line.charCodeAt(0) === 0x3a) {
      // A comment.
      return undefined;
    }
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let valueStart = colon === -1 ? line.length : colon + 1;
    if (line.charCodeAt(valueStart) === 0x20) {
      valueStart++;
    }
    switch (field) {
      case 'data': {
        // Everything before the value is ASCII here, so its bytes are its characters.
        this.dataBytes += lineBytes - valueStart + (this.hasData ? 1 : 0);
        if (this.dataBytes > this.maxEventBytes) {
          throw new SseLimitError('event', this.maxEventBytes);
        }
        this.data.push(line.slice(valueStart));
        this.hasData = true;
        break;
      }
      case 'event':
        this.eventType = line.slice(valueStart);
        break;
      case 'id': {
        const value = line.slice(valueStart);
        if (!value.includes('\0')) {
          this.lastEventId = value;
        }
        break;
      }
      case 'retry': {
        const value = line.slice(valueStart);
        if (/^[0-9]+$/.test(value)) {
          this.reconnectionMs = Number(value);
        }
        break;
      }
      default:
        // Unknown fields are ignored, as the spec says.
        break;
    }
    return undefined;
  }

  private dispatch(): SseEvent | undefined {
    if (!this.hasData) {
      this.resetEvent();
      return undefined;
    }
    const event: SseEvent = { event: this.eventType || 'message', data: this.data.join('\n'), id: this.lastEventId };
    this.resetEvent();
    return event;
  }

  private resetEvent(): void {
    this.eventType = '';
    this.data = [];
    this.dataBytes = 0;
    this.hasData = false;
  }
}
