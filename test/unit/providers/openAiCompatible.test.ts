import { strict as assert } from 'node:assert';
import { createOpenAiCompatibleProvider, type OpenAiCompatibleOptions } from '../../../src/providers/openAiCompatible';
import type { ChatRequest } from '../../../src/providers/types';
import {
  everyNBytes, readStreamFixture, startProtocolServer, type ProtocolScript, type ProtocolServer,
} from '../../support/protocolServer';
import { collector, countWords, offsetOf, recordingClock, testProviderOptions } from './providerTestKit';

const KEY = 'sk-test-4f9c2a71b8e34d0c9a1f5e6d7c8b9a0f';
const usageStream = readStreamFixture('openai-chat-usage.sse');
const answer = 'Prices in € and ¥ differ 🙂.';

const request: ChatRequest = {
  model: 'o4-mini',
  system: 'You are terse.',
  messages: [{ role: 'user', content: 'Compare the prices.' }],
  maxTokens: 256,
  inputTokenEstimate: 1500,
};

describe('OpenAI-compatible provider', () => {
  let server: ProtocolServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  async function serve(script: ProtocolScript, options: Partial<OpenAiCompatibleOptions> = {}) {
    server = await startProtocolServer(script);
    const clock = recordingClock();
    const provider = createOpenAiCompatibleProvider({ ...testProviderOptions(`${server.url}/v1`, KEY, clock), ...options });
    return { server, provider, clock };
  }

  it('sends a streaming Chat Completions request that asks for usage, with the key as a bearer token', async () => {
    const { server, provider } = await serve([{ body: usageStream }]);
    await provider.send(request);
    assert.equal(server.requests.length, 1);
    const sent = server.requests[0];
    assert.equal(sent.method, 'POST');
    assert.equal(sent.path, '/v1/chat/completions');
    assert.equal(sent.headers.authorization, `Bearer ${KEY}`);
    assert.equal(sent.headers['content-type'], 'application/json');
    assert.deepEqual(sent.json, {
      model: 'o4-mini',
      messages: [{ role: 'system', content: 'You are terse.' }, { role: 'user', content: 'Compare the prices.' }],
      stream: true,
      stream_options: { include_usage: true },
      max_tokens: 256,
    });
  });

  it('uses max_completion_tokens when configured for reasoning models, and sends no auth header without a key', async () => {
    const { server, provider } = await serve([{ body: usageStream }], { apiKey: undefined, maxTokensField: 'max_completion_tokens' });
    await provider.send(request);
    const body = server.requests[0].json as Record<string, unknown>;
    assert.equal(body.max_completion_tokens, 256);
    assert.equal(body.max_tokens, undefined);
    assert.equal(server.requests[0].headers.authorization, undefined);
  });

  it('streams the text and reads usage from the final chunk, taking cached tokens out of the input', async () => {
    const { provider } = await serve([{
      body: usageStream,
      headers: { 'content-type': 'text/event-stream; charset=utf-8', 'x-request-id': 'req_abc123', 'x-region': 'eu-west-1' },
    }]);
    const seen = collector();
    const result = await provider.send(request, seen);
    assert.equal(result.ok, true);
    assert.equal(result.text, answer);
    assert.equal(seen.text, answer);
    assert.equal(seen.firstTokens.length, 1);
    assert.equal(seen.attempts.length, 1);
    const [outcome] = result.attempts;
    assert.equal(outcome.status, 'ok');
    assert.equal(outcome.usageSource, 'provider');
    assert.deepEqual(outcome.usage, { inputTokens: 250, cacheReadTokens: 1280, cacheWriteTokens: 0, outputTokens: 160, reasoningTokens: 128 });
    assert.equal(outcome.chargeSource, 'computed');
    assert.equal(outcome.modelServed, 'o4-mini-2025-04-16');
    assert.equal(outcome.requestId, 'req_abc123');
    assert.equal(outcome.region, 'eu-west-1');
    assert.equal(outcome.finishReason, 'stop');
    assert.equal(outcome.httpStatus, 200);
    assert.ok(outcome.firstTokenAt && outcome.firstTokenAt >= outcome.startedAt && outcome.finishedAt >= outcome.firstTokenAt);
  });

  it('reads the stream the same when chunks split a data: line, an event, a blank line and UTF-8 characters', async () => {
    const splitAt = [
      offsetOf(usageStream, 'data: ', 2),
      offsetOf(usageStream, '"delta"', 3),
      offsetOf(usageStream, '\n\n', 1),
      offsetOf(usageStream, '€', 1),
      offsetOf(usageStream, '€', 2),
      offsetOf(usageStream, '🙂', 1),
      offsetOf(usageStream, '🙂', 3),
      offsetOf(usageStream, '[DONE]', 2),
    ];
    const { provider } = await serve([{ body: usageStream, splitAt }, { body: usageStream, splitAt: everyNBytes(usageStream, 97), chunkDelayMs: 1 }]);
    for (let i = 0; i < 2; i++) {
      const result = await provider.send(request);
      assert.equal(result.text, answer);
      assert.equal(result.attempts[0].usage?.outputTokens, 160);
    }
  });

  it('accepts CRLF line endings and a byte order mark', async () => {
    const crlf = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(usageStream.toString('utf8').replace(/\n/g, '\r\n'))]);
    const { provider } = await serve([{ body: crlf, splitAt: [offsetOf(crlf, '\r\n\r\n', 1), offsetOf(crlf, '\r\n\r\n', 3)] }]);
    const result = await provider.send(request);
    assert.equal(result.text, answer);
    assert.equal(result.attempts[0].usage?.cacheReadTokens, 1280);
  });

  it('takes the OpenRouter cost as the authoritative charge', async () => {
    const { provider } = await serve([{ body: readStreamFixture('openrouter-chat-cost.sse') }]);
    const result = await provider.send({ ...request, model: 'anthropic/claude-3.5-haiku' });
    const [outcome] = result.attempts;
    assert.equal(result.text, 'Hi there');
    assert.equal(outcome.providerCostUsd, 0.0008312);
    assert.equal(outcome.chargeSource, 'provider');
    assert.deepEqual(outcome.usage, { inputTokens: 548, cacheReadTokens: 1500, cacheWriteTokens: 0, outputTokens: 12, reasoningTokens: 0 });
    assert.equal(outcome.requestId, 'gen-1748700000-Zk3yqPq1vX7gH2sJ');
    assert.equal(outcome.finishReason, 'stop');
  });

  it('reads charged credits from the configured response header', async () => {
    const { provider } = await serve([{ body: usageStream, headers: { 'X-Credits-Charged': '1.25' } }], { chargedCreditsHeader: 'X-Credits-Charged' });
    const [outcome] = (await provider.send(request)).attempts;
    assert.equal(outcome.chargedCredits, 1.25);
    assert.equal(outcome.chargeSource, 'provider');
  });

  it('estimates usage, flagged, when a complete stream carries no usage', async () => {
    const { provider } = await serve([{ body: readStreamFixture('openai-chat-no-usage.sse') }]);
    const result = await provider.send(request);
    const [outcome] = result.attempts;
    assert.equal(outcome.status, 'ok');
    assert.equal(outcome.usageSource, 'estimated');
    assert.deepEqual(outcome.usage, { inputTokens: 1500, cacheReadTokens: 0, cacheWriteTokens: 0, outputTokens: countWords(answer), reasoningTokens: 0 });
  });

  it('records a stream cut mid-answer as aborted with estimated usage, and does not retry it', async () => {
    const cut = offsetOf(usageStream, ' differ');
    const { server, provider } = await serve([{ body: usageStream, disconnectAfterBytes: cut }, { body: usageStream }]);
    const result = await provider.send({ ...request, inputTokenEstimate: undefined });
    assert.equal(server.requests.length, 1);
    const [outcome] = result.attempts;
    assert.equal(result.ok, false);
    assert.equal(outcome.status, 'aborted');
    assert.equal(outcome.usageSource, 'estimated');
    assert.equal(outcome.text, 'Prices in € and ¥');
    assert.equal(outcome.error?.errorClass, 'network');
    // Without an input estimate the request text itself is estimated.
    assert.equal(outcome.usage?.inputTokens, countWords('You are terse.\nCompare the prices.'));
    assert.equal(outcome.usage?.outputTokens, countWords('Prices in € and ¥'));
  });

  it('treats an error object inside a 200 stream as a failed attempt, keeping the partial text', async () => {
    const { server, provider } = await serve([{ body: readStreamFixture('openrouter-chat-error-mid-stream.sse') }, { body: usageStream }]);
    const result = await provider.send(request);
    assert.equal(server.requests.length, 1, 'text was already shown, so no retry');
    const [outcome] = result.attempts;
    assert.equal(outcome.status, 'error');
    assert.equal(outcome.text, 'Partial');
    assert.equal(outcome.error?.errorClass, 'server');
    assert.equal(outcome.usageSource, 'estimated');
  });

  it('waits as long as retry-after says on 429, then succeeds; both attempts are reported', async () => {
    const { server, provider, clock } = await serve([
      { status: 429, headers: { 'retry-after': '2' }, body: JSON.stringify({ error: { message: 'Rate limit reached for o4-mini on tokens per min (TPM).', type: 'tokens', code: 'rate_limit_exceeded' } }) },
      { body: usageStream },
    ]);
    const seen = collector();
    const result = await provider.send(request, seen);
    assert.equal(server.requests.length, 2);
    assert.deepEqual(clock.slept, [2000]);
    assert.equal(result.ok, true);
    assert.deepEqual(seen.attempts.map((a) => [a.attempt, a.status, a.error?.errorClass, a.retryInMs]), [
      [1, 'error', 'rate_limited', 2000],
      [2, 'ok', undefined, undefined],
    ]);
    assert.equal(seen.attempts[0].usage, undefined, 'a refused request has no usage');
    assert.deepEqual(server.requests[0].json, server.requests[1].json);
  });

  it('honours retry-after-ms and backs off exponentially with jitter on 5xx', async () => {
    const { provider, clock } = await serve([
      { status: 500, body: '{"error":{"message":"The server had an error","type":"server_error"}}' },
      { status: 503, headers: { 'retry-after-ms': '40' }, body: 'upstream unavailable' },
      { status: 502, body: '<html>Bad gateway</html>', headers: { 'content-type': 'text/html' } },
      { body: usageStream },
    ], { maxAttempts: 4 });
    const result = await provider.send(request);
    assert.equal(result.ok, true);
    assert.equal(result.attempts.length, 4);
    // random() = 0.5 puts the jitter at 75 % of 500 ms, 2 * 500 ms... (second wait was the server's).
    assert.deepEqual(clock.slept, [375, 40, 1500]);
  });

  it('gives up after maxAttempts and reports the last error', async () => {
    const { server, provider } = await serve(() => ({ status: 500, body: '{"error":{"message":"boom"}}' }), { maxAttempts: 3 });
    const result = await provider.send(request);
    assert.equal(server.requests.length, 3);
    assert.equal(result.status, 'error');
    assert.equal(result.error?.errorClass, 'server');
    assert.match(result.error?.message ?? '', /server error \(500\)/);
    assert.equal(result.attempts[2].retryInMs, undefined);
  });

  it('does not retry when the quota is used up (429 insufficient_quota, 402)', async () => {
    const quota = JSON.stringify({ error: { message: 'You exceeded your current quota, please check your plan and billing details.', type: 'insufficient_quota', param: null, code: 'insufficient_quota' } });
    const { server, provider, clock } = await serve([
      { status: 429, body: quota, headers: { 'retry-after': '1' } },
      { status: 402, body: JSON.stringify({ error: { code: 402, message: 'Insufficient credits. Add more using https://openrouter.ai/settings/credits' } }) },
    ]);
    for (const expectedStatus of [429, 402]) {
      const result = await provider.send(request);
      assert.equal(result.attempts.length, 1);
      assert.equal(result.error?.errorClass, 'quota');
      assert.equal(result.error?.httpStatus, expectedStatus);
      assert.equal(result.error?.retryable, false);
    }
    assert.equal(server.requests.length, 2);
    assert.deepEqual(clock.slept, []);
  });

  it('maps 400, 401, 403 and 404 to actionable errors without retrying', async () => {
    const { server, provider } = await serve([
      { status: 400, body: JSON.stringify({ error: { message: "Unsupported parameter: 'max_tokens'.", type: 'invalid_request_error', code: 'unsupported_parameter' } }) },
      { status: 401, body: JSON.stringify({ error: { message: 'Incorrect API key provided.', type: 'invalid_request_error', code: 'invalid_api_key' } }) },
      { status: 403, body: JSON.stringify({ error: { message: 'Project does not have access to model o4-mini' } }) },
      { status: 404, body: JSON.stringify({ error: { message: 'The model `o4-mini` does not exist', code: 'model_not_found' } }) },
    ]);
    const results = [];
    for (let i = 0; i < 4; i++) {
      results.push(await provider.send(request));
    }
    assert.equal(server.requests.length, 4);
    assert.deepEqual(results.map((r) => r.error?.errorClass), ['bad_request', 'auth', 'auth', 'not_found']);
    assert.match(results[0].error?.message ?? '', /rejected the request \(400\): Unsupported parameter: 'max_tokens'\./);
    assert.match(results[1].error?.message ?? '', /API key was rejected by 127\.0\.0\.1:\d+ \(401\)\. Run 'Credit Meter: Set API Key'\./);
    assert.match(results[3].error?.message ?? '', /does not know the model 'o4-mini'/);
  });

  it('never lets the key into an error or an outcome, even when the server echoes it', async () => {
    const echo = JSON.stringify({ error: { message: `Incorrect API key provided: ${KEY}. Authorization: Bearer ${KEY}`, type: 'invalid_request_error', code: 'invalid_api_key' } });
    const { provider } = await serve([{ status: 401, body: echo, headers: { 'x-request-id': `req_${KEY}` } }]);
    const seen = collector();
    const result = await provider.send(request, seen);
    assert.equal(result.error?.errorClass, 'auth');
    assert.match(result.error?.detail ?? '', /Incorrect API key provided: \[REDACTED\]/);
    const everything = [
      JSON.stringify(result), JSON.stringify(seen.attempts), result.error?.message, result.error?.detail, result.error?.stack, String(result.error),
    ].join('\n');
    assert.ok(!everything.includes(KEY), 'the key leaked');
    assert.ok(!everything.includes(KEY.slice(3)), 'part of the key leaked');
  });

  it('does not follow a redirect: the key only ever goes to the configured base URL', async () => {
    const elsewhere = await startProtocolServer([{ body: usageStream }]);
    try {
      const { server, provider } = await serve([{ status: 307, headers: { location: `${elsewhere.url}/v1/chat/completions` } }]);
      const result = await provider.send(request);
      assert.equal(result.error?.errorClass, 'protocol');
      assert.equal(server.requests.length, 1);
      assert.equal(elsewhere.requests.length, 0);
    } finally {
      await elsewhere.close();
    }
  });

  it('times out a slow first byte and retries it', async () => {
    const { server, provider, clock } = await serve([{ headerDelayMs: 300, body: usageStream }, { body: usageStream }], { firstByteTimeoutMs: 40 });
    const result = await provider.send(request);
    assert.deepEqual(result.attempts.map((a) => [a.status, a.error?.errorClass]), [['timeout', 'timeout'], ['ok', undefined]]);
    assert.equal(clock.slept.length, 1);
    assert.equal(server.requests.length, 2);
  });

  it('times out a stream that stalls between chunks longer than the idle timeout', async () => {
    const { provider } = await serve([{ body: usageStream, splitAt: [offsetOf(usageStream, ' and')], chunkDelayMs: 400 }], { idleTimeoutMs: 40 });
    const result = await provider.send(request);
    const [outcome] = result.attempts;
    assert.equal(result.attempts.length, 1);
    assert.equal(outcome.status, 'timeout');
    assert.equal(outcome.error?.errorClass, 'timeout');
    assert.equal(outcome.text, 'Prices in €');
    assert.equal(outcome.usageSource, 'estimated');
  });

  it('cancels mid-stream: the connection really closes and the attempt is recorded as cancelled', async () => {
    const cut = offsetOf(usageStream, ' and');
    // Long timeouts: only the cancellation can close this connection.
    const { server, provider } = await serve([{ body: usageStream.subarray(0, cut), holdOpen: true }], { idleTimeoutMs: 60_000 });
    const controller = new AbortController();
    const seen = collector();
    seen.onText = (delta: string) => {
      seen.text += delta;
      controller.abort();
    };
    const sending = provider.send({ ...request, signal: controller.signal }, seen);
    await server.clientClosed(0, 1500);
    const result = await sending;
    assert.equal(server.requests[0].outcome, 'client-closed');
    assert.equal(result.status, 'cancelled');
    assert.equal(result.error?.errorClass, 'cancelled');
    assert.equal(result.attempts.length, 1);
    assert.equal(result.attempts[0].text, 'Prices in €');
    assert.equal(result.attempts[0].usage?.inputTokens, 1500);
    assert.equal(result.attempts[0].usageSource, 'estimated');
  });

  it('does not send at all when already cancelled, and stops waiting between retries when cancelled', async () => {
    const controller = new AbortController();
    controller.abort();
    const { server, provider } = await serve([{ status: 500 }, { body: usageStream }]);
    const early = await provider.send({ ...request, signal: controller.signal });
    assert.equal(early.status, 'cancelled');
    assert.equal(server.requests.length, 0);

    const later = new AbortController();
    const seen = collector();
    seen.onAttempt = (outcome) => {
      seen.attempts.push(outcome);
      later.abort();
    };
    const result = await provider.send({ ...request, signal: later.signal }, seen);
    assert.equal(result.status, 'cancelled');
    assert.equal(server.requests.length, 1);
  });

  it('retries a connection reset before any byte, and reports a refused connection as a network error', async () => {
    const { server, provider } = await serve([{ resetConnection: true }, { body: usageStream }]);
    const result = await provider.send(request);
    assert.deepEqual(result.attempts.map((a) => [a.status, a.error?.errorClass]), [['error', 'network'], ['ok', undefined]]);
    assert.equal(server.requests.length, 2);

    const closed = await startProtocolServer([]);
    await closed.close();
    const refused = createOpenAiCompatibleProvider({ baseUrl: closed.url, apiKey: KEY, clock: recordingClock(), maxAttempts: 2 });
    const failed = await refused.send(request);
    assert.deepEqual(failed.attempts.map((a) => a.error?.errorClass), ['network', 'network']);
    assert.match(failed.error?.message ?? '', /Could not reach 127\.0\.0\.1:\d+ \(ECONNREFUSED\)/);
  });

  it('can leave out stream_options for servers that reject it, and keeps a query string in the base URL', async () => {
    const { server } = await serve([{ body: readStreamFixture('openai-chat-no-usage.sse') }]);
    const provider = createOpenAiCompatibleProvider({ baseUrl: `${server.url}/openai/v1?api-version=2025-01-01`, includeUsage: false, clock: recordingClock() });
    const result = await provider.send(request);
    assert.equal(result.attempts[0].usageSource, 'estimated');
    assert.equal(server.requests[0].path, '/openai/v1/chat/completions?api-version=2025-01-01');
    assert.equal((server.requests[0].json as Record<string, unknown>).stream_options, undefined);
  });

  it('reports a JSON answer to a streaming request as a protocol error naming the base URL', async () => {
    const { provider } = await serve([{ headers: { 'content-type': 'application/json' }, body: '{"choices":[]}' }]);
    const result = await provider.send(request);
    assert.equal(result.error?.errorClass, 'protocol');
    assert.match(result.error?.message ?? '', /answered with application\/json instead of an event stream; check the base URL\./);
  });

  it('rejects a base URL that is not http(s), naming the field', () => {
    assert.throws(() => createOpenAiCompatibleProvider({ baseUrl: 'ftp://example.com' }), /baseUrl: 'ftp:\/\/example\.com' must start with http/);
    assert.throws(() => createOpenAiCompatibleProvider({ baseUrl: 'not a url' }), /baseUrl: 'not a url' is not a valid URL/);
    assert.throws(() => createOpenAiCompatibleProvider({ baseUrl: 'http://x', maxAttempts: 0 }), /maxAttempts/);
  });
});
