/**
 * The gateway's send-time estimate knows the provider's prompt cache: the official SDK clients run a
 * three-round conversation through the gateway to a local server that caches and bills like each
 * provider, and every follow-up's estimate (recorded with its request) shows the prefix read from the
 * cache and the part written, priced like the charge.
 *
 * As in the Compose accuracy test, the answer's length is taken as known when the estimate's split is
 * priced: what is measured is the input side (token counts, and which part is read, written or fresh).
 */
import { strict as assert } from 'node:assert';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { estimateRawRequest } from '../../../src/core/estimate/rawRequest';
import type { UsageRecord } from '../../../src/core/ledger/usageRecord';
import { DEFAULT_PROFILE, quoteCredits } from '../../../src/core/pricing';
import { ANSWERS, type CacheFigures, SYSTEM, T0, TURNS as ROUNDS, contextFiles, reportCacheFigures } from '../../support/cachedConversation';
import { type CachingUpstream, startCachingUpstream } from '../../support/cachingUpstream';
import { type GatewayHarness, startGatewayHarness } from '../../support/gatewayHarness';

type Dialect = 'anthropic' | 'openai';


function usd(usage: { inputTokens: number; cacheReadTokens: number; cacheWriteTokens: number; outputTokens: number }, model: string): number {
  const quote = quoteCredits({ ...usage, reasoningTokens: 0 }, model, DEFAULT_PROFILE);
  assert.equal(quote.kind, 'priced', `${model} has a price`);
  return quote.usd as number;
}

describe('gateway estimate with the prompt cache', () => {
  let clock = T0;
  let upstream: CachingUpstream | undefined;
  let harness: GatewayHarness | undefined;

  beforeEach(async () => {
    clock = T0;
    upstream = await startCachingUpstream({ now: () => clock, answer: (_request, index) => ANSWERS[index % ANSWERS.length] });
    harness = await startGatewayHarness([], { upstream, now: () => new Date(clock) });
  });

  afterEach(async () => {
    await harness?.close();
    harness = undefined;
    upstream = undefined;
  });

  const context = contextFiles().map((file) => `<file path="${file.label}">\n${file.text}\n</file>`).join('\n\n');

  /** One agent conversation through the gateway with the dialect's official client; the records of its rounds. */
  async function converse(dialect: Dialect, model: string): Promise<UsageRecord[]> {
    const gateway = harness as GatewayHarness;
    const history: { role: 'user' | 'assistant'; text: string }[] = [];
    for (const [index, round] of ROUNDS.entries()) {
      clock = T0 + round.minute * 60_000;
      history.push({ role: 'user', text: index === 0 ? `${context}\n\n${round.prompt}` : round.prompt });
      let answer = '';
      if (dialect === 'anthropic') {
        // As agents do: the system prompt and the latest message carry the breakpoints.
        const client = new Anthropic({ baseURL: gateway.anthropicBase, apiKey: gateway.token, maxRetries: 0 });
        const stream = client.messages.stream({
          model,
          max_tokens: 2048,
          system: [{ type: 'text', text: SYSTEM, cache_control: { type: 'ephemeral' } }],
          messages: history.map((message, at) => ({
            role: message.role,
            content: [{ type: 'text' as const, text: message.text, ...(at === history.length - 1 ? { cache_control: { type: 'ephemeral' as const } } : {}) }],
          })),
        });
        answer = (await stream.finalMessage()).content.map((block) => (block.type === 'text' ? block.text : '')).join('');
      } else {
        const client = new OpenAI({ baseURL: gateway.openaiBase, apiKey: gateway.token, maxRetries: 0 });
        const stream = await client.chat.completions.create({
          model,
          stream: true,
          messages: [{ role: 'system', content: SYSTEM }, ...history.map((message) => ({ role: message.role, content: message.text }))],
        });
        for await (const chunk of stream) {
          answer += chunk.choices[0]?.delta.content ?? '';
        }
      }
      assert.equal(answer, ANSWERS[index]);
      history.push({ role: 'assistant', text: answer });
      await gateway.records(index + 1);
    }
    const records = await gateway.records(ROUNDS.length);
    assert.deepEqual(records.map((record) => record.round), [0, 1, 2], 'one task, three rounds');
    return records;
  }

  function figures(records: readonly UsageRecord[], model: string): CacheFigures[] {
    const served = (upstream as CachingUpstream).usage;
    assert.equal(served.length, records.length);
    return records.map((record, index) => {
      const estimate = record.estimate;
      assert.ok(estimate, 'every request was estimated');
      const output = record.tokens.output;
      const fresh = estimate.inputTokens - estimate.cacheReadTokens - estimate.cacheWriteTokens;
      const estimateUsd = usd({ inputTokens: fresh, cacheReadTokens: estimate.cacheReadTokens, cacheWriteTokens: estimate.cacheWriteTokens, outputTokens: output }, model);
      const uncachedUsd = usd({ inputTokens: estimate.inputTokens, cacheReadTokens: 0, cacheWriteTokens: 0, outputTokens: output }, model);
      const chargeUsd = record.cost.usd as number;
      assert.equal(record.tokens.cacheRead, served[index].cacheReadTokens, 'the record has the cache read the server billed');
      return {
        turn: index + 1,
        predicted: `${estimate.cacheReadTokens}/${estimate.cacheWriteTokens}/${fresh}`,
        reported: `${record.tokens.cacheRead}/${record.tokens.cacheWrite}/${record.tokens.input}`,
        estimateUsd,
        chargeUsd,
        uncachedUsd,
        error: (estimateUsd - chargeUsd) / chargeUsd,
        errorWithoutCacheModel: (uncachedUsd - chargeUsd) / chargeUsd,
      };
    });
  }


  it('Anthropic: a cached follow-up is estimated with its cache read and write, within 10 % of the charge', async () => {
    const model = 'claude-sonnet-4-6';
    const records = await converse('anthropic', model);
    const rounds = figures(records, model);
    reportCacheFigures('anthropic round', rounds);
    assert.equal(records[0].estimate?.cacheReadTokens, 0, 'nothing to read on the first request');
    assert.ok((records[0].estimate?.cacheWriteTokens ?? 0) > 1024, 'the first request writes its prefix');
    for (const [index, round] of rounds.entries()) {
      if (index === 0) {
        continue;
      }
      const estimate = records[index].estimate;
      assert.ok((estimate?.cacheReadTokens ?? 0) > 1024 && (estimate?.cacheWriteTokens ?? 0) > 0, `round ${round.turn}: ${round.predicted}`);
      assert.ok(records[index].tokens.cacheRead > 0, `round ${round.turn} read from the cache`);
      assert.ok(Math.abs(round.error) < 0.1, `round ${round.turn}: ${(round.error * 100).toFixed(1)} % off`);
      assert.ok(round.errorWithoutCacheModel > 0.5, 'an estimate without the cache would be far off');
    }
  });

  it('OpenAI: a cached follow-up is estimated with its automatic cache read, within 10 % of the charge', async () => {
    const model = 'gpt-4.1';
    const records = await converse('openai', model);
    const rounds = figures(records, model);
    reportCacheFigures('openai round', rounds);
    for (const [index, round] of rounds.entries()) {
      assert.ok(Math.abs(round.error) < 0.1, `round ${round.turn}: ${(round.error * 100).toFixed(1)} % off`);
      if (index > 0) {
        assert.ok((records[index].estimate?.cacheReadTokens ?? 0) >= 1024, `round ${round.turn}: ${round.predicted}`);
        assert.equal(records[index].estimate?.cacheWriteTokens, 0, 'OpenAI bills no cache writes');
      }
    }
  });

  it('prices the estimate with the split: a follow-up costs less than the same body estimated without the cache', async () => {
    const model = 'gpt-4.1';
    const records = await converse('openai', model);
    const bodies = (upstream as CachingUpstream).requests.map((request) => request.json);
    const last = records[records.length - 1].estimate;
    const uncached = estimateRawRequest(bodies[bodies.length - 1], { format: 'openai', providerHints: { providerId: 'openai' } });
    assert.equal(uncached.cost.kind, 'priced');
    assert.ok(last && uncached.cost.kind === 'priced' && last.expected < uncached.cost.credits.expected * 0.9, `${last?.expected} vs ${uncached.cost.kind === 'priced' ? uncached.cost.credits.expected : '?'}`);
    assert.equal(last?.inputTokens, uncached.inputTokens, 'the same input, split');
  });

  it('forgets a prefix once the cache expired: a follow-up after the lifetime reads nothing', async () => {
    const gateway = harness as GatewayHarness;
    const client = new OpenAI({ baseURL: gateway.openaiBase, apiKey: gateway.token, maxRetries: 0 });
    const messages = [{ role: 'system' as const, content: SYSTEM }, { role: 'user' as const, content: `${context}\n\nSummarise these files.` }];
    await client.chat.completions.create({ model: 'gpt-4.1', messages });
    clock += 2 * 60 * 60_000;
    await client.chat.completions.create({ model: 'gpt-4.1', messages });
    const records = await gateway.records(2);
    assert.equal((upstream as CachingUpstream).usage[1].cacheReadTokens, 0, 'the server forgot it');
    assert.equal(records[1].estimate?.cacheReadTokens, 0);
  });
});
