import { strict as assert } from 'node:assert';
import { readStreamFixture } from '../../support/protocolServer';
import { DEFAULT_SSE_LIMIT_BYTES, SseLimitError, SseParser, type SseEvent } from '../../../src/providers/sseParser';

function parseInPieces(bytes: Uint8Array, cuts: readonly number[], parser = new SseParser()): SseEvent[] {
  const events: SseEvent[] = [];
  let start = 0;
  for (const cut of [...cuts, bytes.length]) {
    events.push(...parser.push(bytes.subarray(start, cut)));
    start = cut;
  }
  events.push(...parser.end());
  return events;
}

const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);

describe('SseParser', () => {
  it('reads events, event types, multi-line data and ids', () => {
    const events = parseInPieces(utf8('event: add\ndata: one\ndata: two\nid: 7\n\ndata:three\n\n'), []);
    assert.deepEqual(events, [
      { event: 'add', data: 'one\ntwo', id: '7' },
      { event: 'message', data: 'three', id: '7' },
    ]);
  });

  it('treats CRLF, LF and CR alike, even when a CRLF is split across chunks', () => {
    const text = 'data: a\r\n\r\ndata: b\r\rdata: c\n\n';
    const bytes = utf8(text);
    const whole = parseInPieces(bytes, []);
    assert.deepEqual(whole.map((e) => e.data), ['a', 'b', 'c']);
    for (let cut = 1; cut < bytes.length; cut++) {
      assert.deepEqual(parseInPieces(bytes, [cut]).map((e) => e.data), ['a', 'b', 'c'], `cut at ${cut}`);
    }
  });

  it('skips comments, strips one leading space only, and ignores events without data', () => {
    const events = parseInPieces(utf8(': keep-alive\n\nevent: ping\n\ndata:  two spaces\nretry: 10\n\n'), []);
    assert.deepEqual(events, [{ event: 'message', data: ' two spaces', id: '' }]);
  });

  it('drops a leading BOM and keeps an empty data line as an empty payload', () => {
    const events = parseInPieces(new Uint8Array([0xef, 0xbb, 0xbf, ...utf8('data\n\n')]), [1, 2]);
    assert.deepEqual(events, [{ event: 'message', data: '', id: '' }]);
  });

  it('decodes UTF-8 characters split between chunks', () => {
    const bytes = utf8('data: € and 🙂\n\n');
    const euroAt = bytes.indexOf(0xe2);
    const emojiAt = bytes.indexOf(0xf0);
    const events = parseInPieces(bytes, [euroAt + 1, euroAt + 2, emojiAt + 1, emojiAt + 3]);
    assert.equal(events[0].data, '€ and 🙂');
  });

  it('drops an event cut before its blank line and says the stream ended inside one', () => {
    const parser = new SseParser();
    assert.deepEqual(parser.push(utf8('data: complete\n\ndata: cut')).map((e) => e.data), ['complete']);
    assert.equal(parser.hasPartialEvent, true);
    assert.deepEqual(parser.end(), []);
  });

  it('yields the same events from a recorded stream however it is chunked', () => {
    const bytes = readStreamFixture('anthropic-messages-usage.sse');
    const whole = parseInPieces(bytes, []);
    assert.equal(whole.length, 13);
    assert.equal(whole[0].event, 'message_start');
    for (const size of [1, 2, 3, 7, 64]) {
      const cuts: number[] = [];
      for (let at = size; at < bytes.length; at += size) {
        cuts.push(at);
      }
      assert.deepEqual(parseInPieces(bytes, cuts), whole, `pieces of ${size} bytes`);
    }
  });

  it('yields the same events however a mixed stream is cut, at every random set of offsets', () => {
    // CR, LF and CRLF endings, a BOM, comments, ids, retry, multi-byte characters and invalid bytes.
    const text = 'event: a\r\ndata: ü€🙂\rdata:\n: note\nid: 1\r\n\r\nretry: 250\ndata: \uFEFFmid\r\r' +
      'data: x'.repeat(3) + '\n\nid: bad\u0000id\ndata: last\r\n\n';
    const bytes = new Uint8Array([0xef, 0xbb, 0xbf, ...utf8(text), ...utf8('data: '), 0xe2, 0x82, 0x0a, 0x0a]);
    const whole = parseInPieces(bytes, []);
    assert.deepEqual(whole, [
      { event: 'a', data: 'ü€🙂\n', id: '1' },
      { event: 'message', data: '\uFEFFmid', id: '1' },
      { event: 'message', data: 'x' + 'data: x'.repeat(2), id: '1' },
      { event: 'message', data: 'last', id: '1' },
      { event: 'message', data: '\uFFFD', id: '1' },
    ]);
    let seed = 7;
    const random = (): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    for (let run = 0; run < 300; run++) {
      const cuts = [...new Set(Array.from({ length: 1 + Math.floor(random() * 12) }, () => Math.floor(random() * bytes.length)))].sort((a, b) => a - b);
      assert.deepEqual(parseInPieces(bytes, cuts), whole, `cuts ${cuts.join(',')}`);
    }
  });

  it('keeps a CR at the end of a chunk pending across empty chunks', () => {
    const parser = new SseParser();
    assert.deepEqual(parser.push(utf8('data: a\r')), []);
    assert.deepEqual(parser.push(new Uint8Array(0)), []);
    assert.deepEqual(parser.push(utf8('\n')), []);
    assert.deepEqual(parser.push(utf8('\r\n')).map((e) => e.data), ['a']);
  });

  it('reads the reconnection time from retry lines of digits only', () => {
    const parser = new SseParser();
    parser.push(utf8('retry: 1500\n\nretry: 2s\n\nretry\n\n'));
    assert.equal(parser.retryMs, 1500);
  });

  it('holds a line of up to 16 MB by default, and no more', () => {
    const parser = new SseParser();
    const prefix = utf8('data: ');
    parser.push(prefix);
    parser.push(new Uint8Array(DEFAULT_SSE_LIMIT_BYTES - prefix.length).fill(0x61));
    assert.equal(16 * 1024 * 1024, DEFAULT_SSE_LIMIT_BYTES);
    assert.throws(() => parser.push(utf8('a')), SseLimitError);
  });

  it('accepts a line of exactly the limit and refuses one byte more, however it is chunked', () => {
    const limit = 64;
    const fits = utf8(`data: ${'a'.repeat(limit - 6)}\n\n`);
    for (const size of [1, 5, 64, fits.length]) {
      const parser = new SseParser({ maxLineBytes: limit });
      const cuts = Array.from({ length: Math.ceil(fits.length / size) - 1 }, (_unused, i) => (i + 1) * size);
      assert.equal(parseInPieces(fits, cuts, parser)[0].data.length, limit - 6);
    }
    const over = utf8(`data: ${'a'.repeat(limit - 5)}\n\n`);
    for (const size of [1, 5, 64, over.length]) {
      const parser = new SseParser({ maxLineBytes: limit });
      const cuts = Array.from({ length: Math.ceil(over.length / size) - 1 }, (_unused, i) => (i + 1) * size);
      assert.throws(() => parseInPieces(over, cuts, parser), (error: unknown) =>
        error instanceof SseLimitError && error.what === 'line' && error.message === 'an event-stream line longer than 64 bytes (the limit)');
    }
  });

  it('refuses an unterminated line as soon as it passes the limit, without waiting for its end', () => {
    const parser = new SseParser({ maxLineBytes: 1024 });
    parser.push(utf8(`data: ${'a'.repeat(1000)}`));
    assert.throws(() => parser.push(utf8('b'.repeat(100))), SseLimitError);
  });

  it('limits the data one event collects over many lines, joins included', () => {
    const parser = new SseParser({ maxEventBytes: 10 });
    assert.deepEqual(parser.push(utf8('data: 12345\ndata: 6789\n\n')).map((e) => e.data), ['12345\n6789']);
    assert.throws(() => parser.push(utf8('data: 12345\ndata: 67890\n\n')), (error: unknown) => error instanceof SseLimitError && error.what === 'event');
  });
});
