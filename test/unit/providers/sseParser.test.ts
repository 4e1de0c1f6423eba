import { strict as assert } from 'node:assert';
import { readStreamFixture } from '../../support/protocolServer';
import { SseParser, type SseEvent } from '../../../src/providers/sseParser';

function parseInPieces(bytes: Uint8Array, cuts: readonly number[]): SseEvent[] {
  const parser = new SseParser();
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
});
