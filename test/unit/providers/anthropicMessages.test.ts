import { strict as assert } from 'node:assert';
import { createAnthropicProvider } from '../../../src/providers/anthropicMessages';
import type { HttpProviderOptions } from '../../../src/providers/httpChatProvider';
import type { ChatRequest } from '../../../src/providers/types';
import {
  everyNBytes, readStreamFixture, startProtocolServer, type ProtocolScript, type ProtocolServer,
} from '../../support/protocolServer';
import { collector, countWords, offsetOf, recordingClock, testProviderOptions } from './providerTestKit';

const KEY = 'sk-ant-api03-Zq8v1x2c3b4n5m6a7s8d9f0g1h2j3k4l';
const usageStream = readStreamFixture('anthropic-messages-usage.sse');
const overloadedStream = readStreamFixture('anthropic-messages-overloaded.sse');
const answer = 'Grüße — gern geschehen 🙂';

const request: ChatRequest = {
  model: 'claude-sonnet-4-5',
  system: 'Answer in German.',
  messages: [{ role: 'user', content: 'Danke!' }, { role: 'assistant', content: 'Bitte.' }, { role: 'user', content: 'Nochmals danke!' }],
  inputTokenEstimate: 400,
};

describe('Anthropic Messages provider', () => {
  let server: ProtocolServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  async function serve(script: ProtocolScript, options: Partial<HttpProviderOptions> = {}) {
    server = await startProtocolServer(script);
    const clock = recordingClock();
    const provider = createAnthropicProvider({ ...testProviderOptions(server.url, KEY, clock), ...options });
    return { server, provider, clock };
  }

  it('sends a streaming Messages request with x-api-key, anthropic-version and a top-level system prompt', async () => {
    const { server, provider } = await serve([{ body: usageStream }]);
    await provider.send(request);
    const sent = server.requests[0];
    assert.equal(sent.path, '/v1/messages');
    assert.equal(sent.headers['x-api-key'], KEY);
    assert.equal(sent.headers['anthropic-version'], '2023-06-01');
    assert.equal(sent.headers.authorization, undefined);
    assert.deepEqual(sent.json, {
      model: 'claude-sonnet-4-5',
      max_tokens: 4096,
      system: 'Answer in German.',
      messages: request.messages,
      stream: true,
    });
  });

  it('accepts a base URL that already ends in /v1', async () => {
    const { server } = await serve([{ body: usageStream }]);
    const provider = createAnthropicProvider({ baseUrl: `${server.url}/v1/`, apiKey: KEY, clock: recordingClock() });
    assert.equal((await provider.send(request)).ok, true);
    assert.equal(server.requests[0].path, '/v1/messages');
  });

  it('streams only the answer text and reads usage: input excludes cache, output is the last cumulative count', async () => {
    const { provider } = await serve([{ body: usageStream, headers: { 'request-id': 'req_011CSHoEeqs5C35K2UUqR7Fy' } }]);
    const seen = collector();
    const result = await provider.send(request, seen);
    assert.equal(result.ok, true);
    assert.equal(result.text, answer, 'thinking deltas are not answer text');
    assert.equal(seen.text, answer);
    const [outcome] = result.attempts;
    assert.equal(outcome.usageSource, 'provider');
    // message_start says output_tokens 1, message_delta says 15 (cumulative): 15, not 16.
    assert.deepEqual(outcome.usage, { inputTokens: 25, cacheReadTokens: 3000, cacheWriteTokens: 1200, outputTokens: 15, reasoningTokens: 0 });
    assert.equal(outcome.requestId, 'req_011CSHoEeqs5C35K2UUqR7Fy');
    assert.equal(outcome.modelServed, 'claude-sonnet-4-5-20250929');
    assert.equal(outcome.finishReason, 'end_turn');
    assert.equal(outcome.chargeSource, 'computed');
  });

  it('reads the same stream split every few bytes, with CRLF line endings', async () => {
    const crlf = Buffer.from(usageStream.toString('utf8').replace(/\n/g, '\r\n'));
    const { provider } = await serve([
      { body: usageStream, splitAt: everyNBytes(usageStream, 41), chunkDelayMs: 1 },
      { body: crlf, splitAt: [offsetOf(crlf, 'Grü', 3), offsetOf(crlf, 'event:', 3), offsetOf(crlf, '\r\n\r\n', 1)] },
    ]);
    for (let i = 0; i < 2; i++) {
      const result = await provider.send(request);
      assert.equal(result.text, answer);
      assert.equal(result.attempts[0].usage?.outputTokens, 15);
    }
  });

  it('records an error event after HTTP 200 as a failed attempt, with input usage from message_start', async () => {
    const { provider } = await serve([{ body: overloadedStream, headers: { 'request-id': 'req_overloaded' } }], { maxAttempts: 1 });
    const result = await provider.send(request);
    const [outcome] = result.attempts;
    assert.equal(outcome.httpStatus, 200);
    assert.equal(outcome.status, 'error');
    assert.equal(outcome.error?.errorClass, 'overloaded');
    assert.equal(outcome.error?.providerType, 'overloaded_error');
    assert.equal(outcome.requestId, 'req_overloaded');
    assert.equal(outcome.usageSource, 'estimated');
    assert.equal(outcome.usage?.inputTokens, 410);
    assert.equal(outcome.usage?.outputTokens, 0);
  });

  it('retries an overloaded stream that had produced no text, and HTTP 529', async () => {
    const { server, provider, clock } = await serve([
      { body: overloadedStream },
      { status: 529, body: JSON.stringify({ type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } }) },
      { body: usageStream },
    ]);
    const seen = collector();
    const result = await provider.send(request, seen);
    assert.equal(server.requests.length, 3);
    assert.equal(result.ok, true);
    assert.deepEqual(seen.attempts.map((a) => [a.attempt, a.status, a.error?.errorClass, a.httpStatus]), [
      [1, 'error', 'overloaded', 200],
      [2, 'error', 'overloaded', 529],
      [3, 'ok', undefined, 200],
    ]);
    assert.equal(clock.slept.length, 2);
    assert.equal(result.text, answer);
  });

  it('does not retry when the credit balance is too low, and says so', async () => {
    const { server, provider } = await serve(() => ({
      status: 400,
      body: JSON.stringify({ type: 'error', error: { type: 'invalid_request_error', message: 'Your credit balance is too low to access the Anthropic API. Please go to Plans & Billing to upgrade or purchase credits.' } }),
    }));
    const result = await provider.send(request);
    assert.equal(server.requests.length, 1);
    assert.equal(result.error?.errorClass, 'quota');
    assert.match(result.error?.message ?? '', /not retried/);
  });

  it('maps authentication_error to an auth error that never shows the key', async () => {
    const { provider } = await serve([{ status: 401, body: JSON.stringify({ type: 'error', error: { type: 'authentication_error', message: `invalid x-api-key ${KEY}` } }) }]);
    const result = await provider.send(request);
    assert.equal(result.error?.errorClass, 'auth');
    assert.ok(!JSON.stringify(result).includes(KEY));
    assert.ok(!(result.error?.detail ?? '').includes(KEY));
  });

  it('records a stream cut before message_delta as aborted: provider input, estimated output', async () => {
    const cut = offsetOf(usageStream, ' geschehen');
    const { server, provider } = await serve([{ body: usageStream, disconnectAfterBytes: cut }]);
    const result = await provider.send(request);
    const [outcome] = result.attempts;
    assert.equal(server.requests.length, 1);
    assert.equal(outcome.status, 'aborted');
    assert.equal(outcome.usageSource, 'estimated');
    assert.equal(outcome.text, 'Grüße — gern');
    assert.deepEqual(outcome.usage, { inputTokens: 25, cacheReadTokens: 3000, cacheWriteTokens: 1200, outputTokens: countWords('Grüße — gern'), reasoningTokens: 0 });
  });

  it('cancels mid-stream and the server sees the connection close', async () => {
    const { server, provider } = await serve([{ body: usageStream.subarray(0, offsetOf(usageStream, ' gern')), holdOpen: true }], { idleTimeoutMs: 60_000 });
    const controller = new AbortController();
    const sending = provider.send({ ...request, signal: controller.signal }, { onText: () => controller.abort() });
    await server.clientClosed(0, 1500);
    const result = await sending;
    assert.equal(result.status, 'cancelled');
    assert.equal(result.attempts[0].usage?.inputTokens, 25);
  });
});
