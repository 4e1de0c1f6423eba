/** One dispatched server-sent event. */
export interface SseEvent {
  /** The `event:` field, `message` when absent. */
  readonly event: string;
  readonly data: string;
  /** The last event id seen so far, as the spec defines it. */
  readonly id: string;
}

/**
 * Incremental parser for `text/event-stream`, following the WHATWG HTML "event stream
 * interpretation": lines end in CRLF, LF or CR; a blank line dispatches; `data:` lines join with
 * LF; lines starting with `:` are comments; one leading space after the colon is dropped.
 *
 * Bytes may be split anywhere, inside a CRLF or inside a UTF-8 character: the streaming
 * TextDecoder keeps partial characters and strips a leading BOM.
 */
export class SseParser {
  private readonly decoder = new TextDecoder('utf-8');
  private buffer = '';
  /** A CR ended the previous chunk, so a LF starting the next one belongs to it. */
  private pendingCr = false;
  private eventType = '';
  private data: string[] = [];
  private hasData = false;
  private lastEventId = '';

  /** Feeds raw bytes and returns the events they completed. */
  push(bytes: Uint8Array): SseEvent[] {
    return this.consume(this.decoder.decode(bytes, { stream: true }));
  }

  /** Ends the stream. An event without its closing blank line is dropped, as the spec says. */
  end(): SseEvent[] {
    const events = this.consume(this.decoder.decode());
    this.buffer = '';
    this.resetEvent();
    return events;
  }

  /** True when the stream ended inside an event, a sign it was cut. */
  get hasPartialEvent(): boolean {
    return this.buffer.length > 0 || this.hasData || this.eventType !== '';
  }

  private consume(text: string): SseEvent[] {
    const events: SseEvent[] = [];
    let chunk = text;
    if (this.pendingCr && chunk.startsWith('\n')) {
      chunk = chunk.slice(1);
    }
    this.pendingCr = false;
    this.buffer += chunk;
    let start = 0;
    for (let i = 0; i < this.buffer.length; i++) {
      const ch = this.buffer.charCodeAt(i);
      if (ch !== 10 && ch !== 13) {
        continue;
      }
      const line = this.buffer.slice(start, i);
      if (ch === 13) {
        if (i + 1 < this.buffer.length) {
          if (this.buffer.charCodeAt(i + 1) === 10) {
            i++;
          }
        } else {
          this.pendingCr = true;
        }
      }
      start = i + 1;
      const event = this.processLine(line);
      if (event) {
        events.push(event);
      }
    }
    this.buffer = this.buffer.slice(start);
    return events;
  }

  private processLine(line: string): SseEvent | undefined {
    if (line === '') {
      return this.dispatch();
    }
    if (line.startsWith(':')) {
      return undefined;
    }
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) {
      value = value.slice(1);
    }
    switch (field) {
      case 'event':
        this.eventType = value;
        break;
      case 'data':
        this.data.push(value);
        this.hasData = true;
        break;
      case 'id':
        if (!value.includes('\0')) {
          this.lastEventId = value;
        }
        break;
      default:
        // `retry` and unknown fields do not matter to a one-shot request.
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
    this.hasData = false;
  }
}
