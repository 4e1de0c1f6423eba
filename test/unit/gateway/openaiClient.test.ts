/**
 * The official `openai` client, pointed at the gateway, against a local upstream that answers byte
 * for byte as OpenAI does: what the client gets, what the upstream receives, and what is recorded.
 */
import { strict as assert } from 'node:assert';
import OpenAI from 'openai';
import { quoteCredits, DEFAULT_PROFILE } from '../../../src/core/pricing';
import { REAL_KEY, type GatewayHarness, startGatewayHarness } from '../../support/gatewayHarness';
import { everyNBytes, readStreamFixture } from '../../support/protocolServer';

const json = { 'content-type': 'application/json' };

function client(harness: GatewayHarness, options: { maxRetries?: number } = {}): OpenAI {
  return new OpenAI({ baseURL: harness.openaiBase, apiKey: harness.token, maxRetries: options.maxRetries ?? 0 });
}

describe('gateway with the openai client', () => {
  let harness: GatewayHarness | undefined;

  afterEach(async () => {
    await harness?.close();
    harness = undefined;
  });

  it('streams Chat Completions byte for byte, adds include_usage, swaps the token for the key, records usage and tool calls', async () => {
    const fixture = readStreamFixture('openai-chat-tool-calls.sse');
    harness = await startGatewayHarness(() => ({ body: fixture, splitAt: everyNBytes(fixture, 97) }));
    const params = {
      model: 'gpt-4.1',
      stream: true as const,
      messages: [{ role: 'system' as const, content: 'You are a coding agent.' }, { role: 'user' as const, content: 'Fix the parser bug' }],
      tools: [{ type: 'function' as const, function: { name: 'read_file', description: 'Read a file', parameters: { type: 'object', properties: { path: { type: 'string', description: 'Path' } } } } }],
    };
    const raw = await client(harness).chat.completions.create(params).asResponse();
    assert.equal(raw.status, 200);
    assert.deepEqual(Buffer.from(await raw.arrayBuffer()), fixture, 'the client got the upstream bytes');

    // The same answer through the SDK's own stream parser.
    const calls: string[] = [];
    for await (const chunk of await client(harness).chat.completions.create(params)) {
      for (const call of chunk.choices[0]?.delta.tool_calls ?? []) {
        if (call.function?.name) {
          calls.push(call.function.name);
        }
      }
    }
    assert.deepEqual(calls, ['read_file', 'list_dir']);

    const sent = harness.upstream.requests[0];
    assert.equal(sent.path, '/v1/chat/completions');
    assert.equal(sent.headers.authorization, `Bearer ${REAL_KEY}`);
    assert.ok(!JSON.stringify(sent.headers).includes(harness.token), 'the gateway token never reaches the provider');
    assert.match(String(sent.headers['user-agent']), /^OpenAI\/JS /);
    assert.deepEqual(sent.json, { ...params, stream_options: { include_usage: true } });
    assert.equal(sent.body.replace('"stream_options":{"include_usage":true},', ''), JSON.stringify(params), 'every other byte is the client\'s');

    const [record, second] = await harness.records(2);
    assert.equal(second.turnId, record.turnId, 'the same messages again are the same round, attempted again');
    assert.deepEqual([second.round, second.attempt], [0, 1]);
    assert.equal(record.source, 'gateway');
    assert.equal(record.client, 'openai-node');
    assert.equal(record.provider, 'openai');
    assert.equal(record.modelRequested, 'gpt-4.1');
    assert.equal(record.modelServed, 'gpt-4.1-2025-04-14');
    assert.equal(record.outcome.status, 'ok');
    assert.equal(record.outcome.httpStatus, 200);
    assert.equal(record.usageSource, 'provider');
    assert.deepEqual([record.tokens.input, record.tokens.cacheRead, record.tokens.cacheWrite, record.tokens.output], [1820 - 1536, 1536, 0, 46]);
    assert.deepEqual(record.tools, { names: ['read_file', 'list_dir'], calls: 2, externalCalls: 0 });
    const quote = quoteCredits({ inputTokens: 284, cacheReadTokens: 1536, cacheWriteTokens: 0, outputTokens: 46, reasoningTokens: 0 }, 'gpt-4.1-2025-04-14', DEFAULT_PROFILE, { toolCalls: 2, externalCalls: 0, rounds: 1 });
    assert.equal(record.cost.credits, quote.credits);
    assert.ok(record.estimate && record.estimate.high >= record.estimate.expected && record.estimate.inputTokens > 0);
    assert.equal(record.prompt, 'Fix the parser bug');
    assert.ok(record.firstTokenAt && record.firstTokenAt >= record.startedAt);
  });

  it('passes a non-streamed answer through and reads its usage', async () => {
    const fixture = readStreamFixture('openai-chat-completion.json');
    harness = await startGatewayHarness([{ body: fixture, headers: json, contentLength: true }]);
    const answer = await client(harness).chat.completions.create({ model: 'gpt-4.1', messages: [{ role: 'user', content: 'Read a.ts' }] });
    assert.deepEqual(answer, JSON.parse(fixture.toString('utf8')));
    assert.equal(harness.upstream.requests[0].body, JSON.stringify({ model: 'gpt-4.1', messages: [{ role: 'user', content: 'Read a.ts' }] }), 'a non-streaming body is not touched');
    const [record] = await harness.records(1);
    assert.deepEqual([record.tokens.input, record.tokens.cacheRead, record.tokens.output], [400, 512, 21]);
    assert.equal(record.tools.calls, 1);
    assert.equal(record.outcome.status, 'ok');
  });

  it('files the rounds of an agent conversation under one task', async () => {
    const fixture = readStreamFixture('openai-chat-completion.json');
    harness = await startGatewayHarness(() => ({ body: fixture, headers: json }));
    const openai = client(harness);
    const messages: OpenAI.ChatCompletionMessageParam[] = [{ role: 'user', content: 'Read a.ts and fix it' }];
    for (let round = 0; round < 3; round++) {
      const answer = await openai.chat.completions.create({ model: 'gpt-4.1', messages });
      const call = answer.choices[0].message.tool_calls?.[0];
      assert.ok(call);
      messages.push(answer.choices[0].message as OpenAI.ChatCompletionMessageParam, { role: 'tool', tool_call_id: call.id, content: `contents of round ${round}` });
    }
    const records = await harness.records(3);
    assert.equal(new Set(records.map((record) => record.turnId)).size, 1);
    assert.deepEqual(records.map((record) => record.round), [0, 1, 2]);
  });

  it('passes upstream errors through unchanged and records every retry the client makes', async () => {
    const error = JSON.stringify({ error: { message: 'Rate limit reached for gpt-4.1', type: 'requests', param: null, code: 'rate_limit_exceeded' } });
    harness = await startGatewayHarness(() => ({ status: 429, headers: { ...json, 'retry-after-ms': '1' }, body: error }));
    const thrown = await client(harness, { maxRetries: 2 }).chat.completions.create({ model: 'gpt-4.1', messages: [{ role: 'user', content: 'hi' }] }).then(() => undefined, (caught: unknown) => caught);
    assert.ok(thrown instanceof OpenAI.RateLimitError);
    assert.equal(thrown.message, `429 ${JSON.parse(error).error.message}`);
    assert.equal(harness.upstream.requests.length, 3, 'the SDK retried twice through the gateway');
    const records = await harness.records(3);
    assert.deepEqual(records.map((record) => [record.round, record.attempt, record.outcome.retries, record.outcome.status, record.outcome.httpStatus]), [
      [0, 0, 0, 'error', 429], [0, 1, 1, 'error', 429], [0, 2, 2, 'error', 429],
    ]);
    assert.ok(records.every((record) => record.outcome.errorClass === 'rate_limited' && record.cost.credits === 0));
  });

  it('meters the Responses API, links previous_response_id and counts function calls', async () => {
    const stream = readStreamFixture('openai-responses-tool-call.sse');
    const full = readStreamFixture('openai-responses.json');
    harness = await startGatewayHarness([{ body: stream, splitAt: everyNBytes(stream, 256) }, { body: full, headers: json }]);
    const openai = client(harness);
    const events: string[] = [];
    let text = '';
    for await (const event of await openai.responses.create({ model: 'gpt-5-codex', input: 'List the source files', stream: true })) {
      events.push(event.type);
      if (event.type === 'response.output_text.delta') {
        text += event.delta;
      }
    }
    assert.equal(events.at(-1), 'response.completed');
    assert.equal(text, 'I\'ll list the files first — “src/” only.');
    const next = await openai.responses.create({ model: 'gpt-5-codex', previous_response_id: 'resp_68a1f0c2d4e8819a8f3b2c1d0e9f8a7b', input: [{ type: 'function_call_output', call_id: 'call_vQ2nL8xR4tYb6mKe', output: 'a.ts b.ts' }] });
    assert.equal(next.status, 'completed');
    assert.equal(harness.upstream.requests[0].path, '/v1/responses');
    assert.equal(harness.upstream.requests[0].body, JSON.stringify({ model: 'gpt-5-codex', input: 'List the source files', stream: true }), 'a Responses body is forwarded as sent');
    const [first, second] = await harness.records(2);
    assert.deepEqual([first.tokens.input, first.tokens.cacheRead, first.tokens.output, first.tokens.reasoning], [5230 - 4096, 4096, 310, 256]);
    assert.deepEqual(first.tools, { names: ['shell'], calls: 1, externalCalls: 0 });
    assert.equal(second.turnId, first.turnId);
    assert.equal(second.round, 1);
    assert.deepEqual([second.tokens.input, second.tokens.output, second.tokens.reasoning], [820, 95, 64]);
  });

  it('records an answer the upstream cut mid-stream as aborted, with estimated usage', async () => {
    const fixture = readStreamFixture('openai-chat-usage.sse');
    harness = await startGatewayHarness([{ body: fixture, disconnectAfterBytes: 900 }]);
    const stream = await client(harness).chat.completions.create({ model: 'o4-mini', stream: true, messages: [{ role: 'user', content: 'Explain this' }] });
    const failed = await (async () => {
      for await (const _chunk of stream) {
        // read until the cut
      }
    })().then(() => false, () => true);
    assert.ok(failed, 'the client sees the cut too');
    const [record] = await harness.records(1);
    assert.equal(record.outcome.status, 'aborted');
    assert.equal(record.usageSource, 'estimated');
    assert.ok(record.tokens.input > 0 && record.tokens.output > 0, 'input from the estimate, output from the text that arrived');
  });

  it('aborts the upstream request when the client disconnects, and records it as cancelled', async () => {
    const fixture = readStreamFixture('openai-chat-usage.sse').toString('utf8');
    harness = await startGatewayHarness([{ body: fixture.split('\n\n').slice(0, 3).join('\n\n') + '\n\n', holdOpen: true }]);
    const abort = new AbortController();
    const stream = await client(harness).chat.completions.create({ model: 'o4-mini', stream: true, messages: [{ role: 'user', content: 'Explain this' }] }, { signal: abort.signal });
    const reading = (async () => {
      for await (const chunk of stream) {
        if (chunk.choices[0]?.delta.content) {
          abort.abort();
        }
      }
    })().catch(() => undefined);
    await reading;
    await harness.upstream.clientClosed(0, 5000);
    const [record] = await harness.records(1);
    assert.equal(record.outcome.status, 'cancelled');
    assert.equal(record.usageSource, 'estimated');
  });
});
