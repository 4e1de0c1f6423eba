/**
 * The official `@anthropic-ai/sdk` client, pointed at the gateway, against a local upstream that
 * answers byte for byte as Anthropic does.
 */
import { strict as assert } from 'node:assert';
import Anthropic from '@anthropic-ai/sdk';
import { REAL_KEY, type GatewayHarness, startGatewayHarness } from '../../support/gatewayHarness';
import { everyNBytes, readStreamFixture } from '../../support/protocolServer';

const json = { 'content-type': 'application/json' };

function client(harness: GatewayHarness, options: { maxRetries?: number; bearer?: boolean } = {}): Anthropic {
  return new Anthropic({
    baseURL: harness.anthropicBase,
    ...(options.bearer ? { authToken: harness.token, apiKey: null } : { apiKey: harness.token }),
    maxRetries: options.maxRetries ?? 0,
  });
}

const tools: Anthropic.Tool[] = [{ name: 'Read', description: 'Read a file', input_schema: { type: 'object', properties: { file_path: { type: 'string' } } } }];

describe('gateway with the anthropic client', () => {
  let harness: GatewayHarness | undefined;

  afterEach(async () => {
    await harness?.close();
    harness = undefined;
  });

  it('streams Messages byte for byte with tool use, cache reads and writes, and the cumulative output count', async () => {
    const fixture = readStreamFixture('anthropic-messages-tool-use.sse');
    harness = await startGatewayHarness(() => ({ body: fixture, splitAt: everyNBytes(fixture, 61) }));
    const params = { model: 'claude-sonnet-4-6', max_tokens: 4096, tools, system: 'You are Claude Code.', messages: [{ role: 'user' as const, content: 'Fix the parser' }] };
    const raw = await client(harness).messages.create({ ...params, stream: true }).asResponse();
    assert.deepEqual(Buffer.from(await raw.arrayBuffer()), fixture, 'the client got the upstream bytes');

    const final = await client(harness).messages.stream(params).finalMessage();
    assert.equal(final.stop_reason, 'tool_use');
    const toolUse = final.content.find((block) => block.type === 'tool_use');
    assert.deepEqual(toolUse?.type === 'tool_use' ? toolUse.input : undefined, { file_path: '/repo/src/parser.ts' });

    const sent = harness.upstream.requests[0];
    assert.equal(sent.path, '/v1/messages');
    assert.equal(sent.headers['x-api-key'], REAL_KEY);
    assert.equal(sent.headers.authorization, undefined);
    assert.match(String(sent.headers['anthropic-version']), /^\d{4}-\d{2}-\d{2}$/, 'the client\'s own headers go through');
    assert.equal(sent.body, JSON.stringify({ ...params, stream: true }), 'an Anthropic body is forwarded as sent');

    const [record] = await harness.records(2);
    assert.equal(record.client, 'anthropic-sdk-js');
    assert.equal(record.provider, 'anthropic');
    assert.equal(record.modelServed, 'claude-sonnet-4-5-20250929');
    assert.deepEqual([record.tokens.input, record.tokens.cacheRead, record.tokens.cacheWrite, record.tokens.output], [12, 9000, 2048, 58]);
    assert.deepEqual(record.tools, { names: ['Read'], calls: 1, externalCalls: 0 });
    assert.equal(record.outcome.status, 'ok');
    assert.ok((record.cost.credits ?? 0) > 0);
    assert.equal(record.system, 'You are Claude Code.');
    assert.ok(record.estimate && record.estimate.inputTokens > 346, 'the estimate holds the tool-use system prompt');
  });

  it('accepts the token as a bearer token (Claude Code\'s ANTHROPIC_AUTH_TOKEN) and reads a non-streamed answer', async () => {
    const fixture = readStreamFixture('anthropic-message.json');
    harness = await startGatewayHarness([{ body: fixture, headers: json }]);
    const message = await client(harness, { bearer: true }).messages.create({ model: 'claude-sonnet-4-6', max_tokens: 512, messages: [{ role: 'user', content: 'Why does the test fail?' }] });
    assert.deepEqual(message, JSON.parse(fixture.toString('utf8')));
    assert.equal(harness.upstream.requests[0].headers['x-api-key'], REAL_KEY);
    assert.equal(harness.upstream.requests[0].headers.authorization, undefined, 'the bearer token is removed');
    const [record] = await harness.records(1);
    assert.deepEqual([record.tokens.input, record.tokens.cacheRead, record.tokens.output], [40, 1800, 120]);
  });

  it('reads a gzip-compressed answer while passing the compressed bytes on', async () => {
    const fixture = readStreamFixture('anthropic-message.json');
    harness = await startGatewayHarness([{ body: fixture, headers: json, gzip: true }]);
    const message = await client(harness).messages.create({ model: 'claude-sonnet-4-6', max_tokens: 512, messages: [{ role: 'user', content: 'hi' }] });
    assert.equal(message.id, 'msg_01Bq7dXk3Vn9sLpT2wRyMc4H');
    const [record] = await harness.records(1);
    assert.deepEqual([record.tokens.input, record.tokens.cacheRead, record.tokens.output], [40, 1800, 120]);
  });

  it('records an error event inside a 200 stream as an error', async () => {
    harness = await startGatewayHarness([{ body: readStreamFixture('anthropic-messages-overloaded.sse') }]);
    const failed = await client(harness).messages.stream({ model: 'claude-sonnet-4-6', max_tokens: 64, messages: [{ role: 'user', content: 'hi' }] }).finalMessage().then(() => undefined, (error: unknown) => error);
    assert.ok(failed instanceof Error && /Overloaded/.test(failed.message));
    const [record] = await harness.records(1);
    assert.equal(record.outcome.status, 'error');
    assert.equal(record.outcome.errorClass, 'overloaded');
    assert.equal(record.tokens.input, 410, 'the input the stream reported before failing');
  });

  it('passes count_tokens and models through without recording them', async () => {
    harness = await startGatewayHarness([
      { body: JSON.stringify({ input_tokens: 1234 }), headers: json },
      { body: JSON.stringify({ data: [{ type: 'model', id: 'claude-sonnet-4-5-20250929', display_name: 'Claude Sonnet 4.5', created_at: '2025-09-29T00:00:00Z' }], has_more: false, first_id: 'claude-sonnet-4-5-20250929', last_id: 'claude-sonnet-4-5-20250929' }), headers: json },
      { body: readStreamFixture('anthropic-message.json'), headers: json },
    ]);
    const anthropic = client(harness);
    const counted = await anthropic.messages.countTokens({ model: 'claude-sonnet-4-6', messages: [{ role: 'user', content: 'hi' }] });
    assert.equal(counted.input_tokens, 1234);
    const models = await anthropic.models.list();
    assert.equal(models.data[0].id, 'claude-sonnet-4-5-20250929');
    await anthropic.messages.create({ model: 'claude-sonnet-4-6', max_tokens: 64, messages: [{ role: 'user', content: 'hi' }] });
    assert.deepEqual(harness.upstream.requests.map((request) => [request.method, request.path.split('?')[0]]), [['POST', '/v1/messages/count_tokens'], ['GET', '/v1/models'], ['POST', '/v1/messages']]);
    assert.equal(harness.upstream.requests[1].headers['x-api-key'], REAL_KEY);
    const records = await harness.records(1);
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal(harness.ledger.size, 1, 'only the Messages request is recorded');
    assert.equal(records[0].outcome.status, 'ok');
  });
});
