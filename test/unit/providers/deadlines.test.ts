import { strict as assert } from 'node:assert';
import { createAnthropicProvider } from '../../../src/providers/anthropicMessages';
import type { HttpProviderOptions } from '../../../src/providers/httpChatProvider';
import { createOpenAiCompatibleProvider } from '../../../src/providers/openAiCompatible';
import type { ChatRequest } from '../../../src/providers/types';
import { everyNBytes, readStreamFixture, startProtocolServer, type ProtocolScript, type ProtocolServer } from '../../support/protocolServer';
import { collector, offsetOf, recordingClock, testProviderOptions } from './providerTestKit';

const KEY = 'sk-test-deadline-0123456789abcdef';
const openAiStream = readStreamFixture('openai-chat-usage.sse');
const anthropicStream = readStreamFixture('anthropic-messages-usage.sse');

const request: ChatRequest = {
  model: 'o4-mini',
  messages: [{ role: 'user', content: 'Take your time.' }],
  inputTokenEstimate: 700,
};

/**
 * A server that sends the body one byte at a time, `gapMs` apart (after the first `from` bytes, sent
 * at once): never idle long enough to trip the idle timer.
 */
function trickle(body: Uint8Array, gapMs = 30, from = 0): { body: Uint8Array; splitAt: number[]; chunkDelayMs: number } {
  return { body, splitAt: [...(from > 0 ? [from] : []), ...everyNBytes(body, 1).filter((at) => at > from)], chunkDelayMs: gapMs };
}

describe('provider deadlines and stream limits', () => {
  let server: ProtocolServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  async function serve(script: ProtocolScript, options: Partial<HttpProviderOptions> = {}, dialect: 'openai' | 'anthropic' = 'openai') {
    server = await startProtocolServer(script);
    const clock = recordingClock();
    const settings: HttpProviderOptions = { ...testProviderOptions(dialect === 'openai' ? `${server.url}/v1` : server.url, KEY, clock), ...options };
    const provider = dialect === 'openai' ? createOpenAiCompatibleProvider(settings) : createAnthropicProvider(settings);
    return { server, provider, clock };
  }

  it('stops a stream that trickles a byte at a time at the overall deadline, records it as timed out with estimated usage, and closes the socket', async () => {
    const { server, provider } = await serve([trickle(openAiStream)], { requestTimeoutMs: 400 });
    const seen = collector();
    const result = await provider.send(request, seen);
    assert.equal(result.ok, false);
    assert.equal(result.status, 'timeout');
    assert.equal(result.attempts.length, 1, 'a deadline that ran out is not retried');
    const [outcome] = result.attempts;
    assert.equal(outcome.status, 'timeout');
    assert.equal(outcome.error?.errorClass, 'timeout');
    assert.match(outcome.error?.message ?? '', /did not finish within 1 s, its overall deadline/);
    assert.equal(outcome.httpStatus, 200);
    assert.equal(outcome.usageSource, 'estimated');
    assert.equal(outcome.usage?.inputTokens, 700);
    assert.equal(outcome.chargeSource, 'computed');
    await server.clientClosed(0, 2000);
    assert.equal(server.requests[0].outcome, 'client-closed');
  });

  it('keeps the usage the provider reported before the deadline, still as timed out', async () => {
    // Everything up to the usage arrives at once; then the closing bytes trickle past the deadline.
    const { provider } = await serve([trickle(anthropicStream, 40, offsetOf(anthropicStream, 'event: message_stop'))], { requestTimeoutMs: 300 }, 'anthropic');
    const result = await provider.send(request);
    const [outcome] = result.attempts;
    assert.equal(outcome.status, 'timeout');
    assert.equal(outcome.usageSource, 'provider');
    assert.equal(outcome.usage?.inputTokens, 25);
  });

  it('times out an error body that trickles in, records the HTTP status, and retries a 500 as it would any 500', async () => {
    const errorBody = Buffer.from(JSON.stringify({ error: { type: 'server_error', message: 'The server had an error while processing your request.' } }));
    const { server, provider, clock } = await serve([
      { status: 500, ...trickle(errorBody) },
      { body: openAiStream },
    ], { errorBodyTimeoutMs: 200, maxAttempts: 2 });
    const result = await provider.send(request);
    assert.deepEqual(result.attempts.map((a) => [a.status, a.error?.errorClass, a.httpStatus]), [['timeout', 'timeout', 500], ['ok', undefined, 200]]);
    const [first] = result.attempts;
    assert.match(first.error?.message ?? '', /answered HTTP 500 but did not send the error's details within 1 s/);
    assert.equal(first.usage, undefined, 'a refused request carries no usage');
    assert.equal(first.usageSource, 'estimated');
    assert.equal(clock.slept.length, 1);
    await server.clientClosed(0, 2000);
  });

  it('does not retry a trickling 401 body: the status decides, as it would for a complete one', async () => {
    const { server, provider } = await serve([{ status: 401, ...trickle(Buffer.from('{"error":{"message":"bad key"}}')) }], { errorBodyTimeoutMs: 150 });
    const result = await provider.send(request);
    assert.deepEqual(result.attempts.map((a) => [a.status, a.httpStatus]), [['timeout', 401]]);
    assert.equal(server.requests.length, 1);
  });

  it('counts retries and their waits inside the overall deadline', async () => {
    // Slow headers: the deadline runs out before the first byte, and no second attempt is made.
    const { server, provider } = await serve([{ status: 500, headerDelayMs: 600 }, { body: openAiStream }], { requestTimeoutMs: 250, maxAttempts: 3 });
    const result = await provider.send(request);
    assert.deepEqual(result.attempts.map((a) => [a.status, a.error?.errorClass]), [['timeout', 'timeout']]);
    assert.equal(result.attempts[0].usage, undefined);
    assert.equal(server.requests.length, 1);
    await server.close();

    // A server asking to wait past the deadline is not waited for.
    const again = await serve([{ status: 429, headers: { 'retry-after': '5' } }, { body: openAiStream }], { requestTimeoutMs: 2000 });
    const limited = await again.provider.send(request);
    assert.equal(limited.attempts.length, 1);
    assert.equal(limited.attempts[0].retryInMs, undefined);
    assert.equal(limited.error?.errorClass, 'rate_limited');
    assert.deepEqual(again.clock.slept, []);
  });

  it('is never ok and never provider-reported when cancelled before the usage arrived', async () => {
    const { server, provider } = await serve([trickle(openAiStream, 20, offsetOf(openAiStream, ' and'))], { requestTimeoutMs: 60_000 });
    const controller = new AbortController();
    const seen = collector();
    seen.onText = () => controller.abort();
    const result = await provider.send({ ...request, signal: controller.signal }, seen);
    await server.clientClosed(0, 2000);
    assert.equal(result.status, 'cancelled');
    const [outcome] = result.attempts;
    assert.equal(outcome.status, 'cancelled');
    assert.equal(outcome.usageSource, 'estimated');
  });

  it('rejects deadlines that are not positive numbers, naming the option', () => {
    assert.throws(() => createOpenAiCompatibleProvider({ baseUrl: 'http://x', requestTimeoutMs: 0 }), /requestTimeoutMs: expected a number of milliseconds above 0/);
    assert.throws(() => createOpenAiCompatibleProvider({ baseUrl: 'http://x', errorBodyTimeoutMs: Number.NaN }), /errorBodyTimeoutMs/);
  });

  it('ends the attempt with a protocol error naming the limit when one line is too long, and closes the connection', async () => {
    const huge = `data: {"choices":[{"delta":{"content":"${'x'.repeat(4096)}"}}]}\n\n`;
    const body = Buffer.from(`data: {"choices":[{"delta":{"content":"Hi"}}]}\n\n${huge}`);
    const { server, provider } = await serve([{ body, splitAt: everyNBytes(body, 512), holdOpen: true }], { maxStreamLineBytes: 1024 });
    const result = await provider.send(request);
    const [outcome] = result.attempts;
    assert.equal(result.attempts.length, 1);
    assert.equal(outcome.status, 'aborted');
    assert.equal(outcome.error?.errorClass, 'protocol');
    assert.match(outcome.error?.message ?? '', /sent an event-stream line longer than 1024 bytes \(the limit\); the stream was closed\./);
    assert.equal(outcome.text, 'Hi');
    assert.equal(outcome.usageSource, 'estimated');
    await server.clientClosed(0, 2000);
  });

  it('applies the limit to an event made of many short data lines too', async () => {
    const lines = Array.from({ length: 40 }, () => `data: ${'y'.repeat(60)}\n`).join('');
    const body = Buffer.from(`event: message_start\n${lines}\n`);
    const { provider } = await serve([{ body }], { maxStreamLineBytes: 1024 }, 'anthropic');
    const result = await provider.send(request);
    assert.equal(result.error?.errorClass, 'protocol');
    assert.match(result.error?.message ?? '', /an event-stream event longer than 1024 bytes/);
  });
});
