/**
 * Budgets that stop spending: a refused request is answered by the gateway itself, in the dialect's
 * error shape, not retried by the official clients, never sent upstream, and recorded as blocked.
 */
import { strict as assert } from 'node:assert';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import type { GatewayBudgetLimits } from '../../../src/core/budget/taskBudget';
import { type GatewayHarness, startGatewayHarness } from '../../support/gatewayHarness';
import { readStreamFixture } from '../../support/protocolServer';

const json = { 'content-type': 'application/json' };

describe('gateway budgets', () => {
  let harness: GatewayHarness | undefined;

  afterEach(async () => {
    await harness?.close();
    harness = undefined;
  });

  it('refuses over the per-task cap with an OpenAI-shaped 402 the client does not retry', async () => {
    harness = await startGatewayHarness(() => ({ body: readStreamFixture('openai-chat-completion.json'), headers: json }), {
      budget: { enforce: true, limits: { daily: null, monthly: null, perTask: 0.05 } },
    });
    const openai = new OpenAI({ baseURL: harness.openaiBase, apiKey: harness.token, maxRetries: 3 });
    const thrown = await openai.chat.completions.create({ model: 'gpt-4.1', messages: [{ role: 'user', content: 'Refactor the billing module' }] }).then(() => undefined, (error: unknown) => error);
    assert.ok(thrown instanceof OpenAI.APIError, String(thrown));
    assert.equal(thrown.status, 402);
    assert.equal(thrown.type, 'insufficient_quota');
    assert.match(thrown.message, /^402 Credit Meter refused this request: it may cost up to [\d.]+ cr \(expected [\d.]+ cr\) and the per-task cap has 0\.05 of 0\.05 cr left\. Raise creditMeter\.budget\.perTask, or start a new task\.$/);
    assert.equal(harness.upstream.requests.length, 0, 'nothing was sent upstream');
    const records = await harness.records(1);
    assert.equal(records.length, 1, 'one refusal, not retried (the client has given up by now)');
    const [record] = records;
    assert.equal(record.outcome.status, 'blocked');
    assert.equal(record.outcome.httpStatus, 402);
    assert.equal(record.cost.credits, 0);
    assert.ok(record.estimate && record.estimate.high > 0.05);
    assert.match(record.outcome.errorMessage ?? '', /per-task cap/);
  });

  it('refuses over the daily budget with an Anthropic-shaped billing_error', async () => {
    harness = await startGatewayHarness(() => ({ body: readStreamFixture('anthropic-message.json'), headers: json }), {
      budget: { enforce: true, limits: { daily: 10, monthly: null, perTask: null } },
      spend: () => ({ today: 9.99, month: 9.99 }),
    });
    const anthropic = new Anthropic({ baseURL: harness.anthropicBase, apiKey: harness.token, maxRetries: 3 });
    const thrown = await anthropic.messages.create({ model: 'claude-sonnet-4-6', max_tokens: 2048, messages: [{ role: 'user', content: 'Plan the migration' }] }).then(() => undefined, (error: unknown) => error);
    assert.ok(thrown instanceof Anthropic.APIError, String(thrown));
    assert.equal(thrown.status, 402);
    assert.deepEqual((thrown.error as { error?: { type?: string } }).error?.type, 'billing_error');
    assert.match(thrown.message, /the daily budget has 0\.01 of 10\.0 cr left\. Raise creditMeter\.budget\.daily, or wait for the next day\./);
    assert.equal(harness.upstream.requests.length, 0);
    assert.equal((await harness.records(1)).length, 1);
  });

  it('adds up the rounds of a task against its cap', async () => {
    const limits: { -readonly [K in keyof GatewayBudgetLimits]: GatewayBudgetLimits[K] } = { daily: null, monthly: null, perTask: null };
    harness = await startGatewayHarness(() => ({ body: readStreamFixture('openai-chat-completion.json'), headers: json }), { budget: { enforce: true, limits } });
    const openai = new OpenAI({ baseURL: harness.openaiBase, apiKey: harness.token, maxRetries: 0 });
    const messages: OpenAI.ChatCompletionMessageParam[] = [{ role: 'user', content: 'Read a.ts and fix it' }];
    const answer = await openai.chat.completions.create({ model: 'gpt-4.1', messages });
    const [first] = await harness.records(1);
    const charged = first.cost.credits ?? 0;
    assert.ok(charged > 0 && first.estimate);
    // Room for less than one more round of the same size.
    limits.perTask = charged + first.estimate.high / 2;
    messages.push(answer.choices[0].message as OpenAI.ChatCompletionMessageParam, { role: 'tool', tool_call_id: 'call_Jm5tWq8Zr1vX3cNb', content: 'export {}' });
    const thrown = await openai.chat.completions.create({ model: 'gpt-4.1', messages }).then(() => undefined, (error: unknown) => error);
    assert.ok(thrown instanceof OpenAI.APIError && thrown.status === 402, String(thrown));
    const records = await harness.records(2);
    assert.deepEqual(records.map((record) => [record.turnId, record.round, record.outcome.status]), [[first.turnId, 0, 'ok'], [first.turnId, 1, 'blocked']]);
    // A new conversation is a new task, with the whole cap.
    limits.perTask = 5;
    await openai.chat.completions.create({ model: 'gpt-4.1', messages: [{ role: 'user', content: 'Something else' }] });
    assert.equal(harness.upstream.requests.length, 2);
  });
});
