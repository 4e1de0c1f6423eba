import { strict as assert } from 'node:assert';
import { type CachingUpstream, startCachingUpstream } from '../../support/cachingUpstream';

const MIN = 60_000;
const long = (words: number, seed: string) => Array.from({ length: words }, (_, i) => `${seed}${i}`).join(' ');

async function post(server: CachingUpstream, path: string, body: unknown): Promise<{ status: number; text: string; json: Record<string, unknown> | undefined }> {
  const response = await fetch(`${server.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const text = await response.text();
  let json: Record<string, unknown> | undefined;
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch {
    json = undefined;
  }
  return { status: response.status, text, json };
}

describe('caching upstream (local server with provider prompt caches)', () => {
  let server: CachingUpstream | undefined;
  let clock = 0;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });
  beforeEach(() => {
    clock = Date.UTC(2026, 2, 12, 14, 0, 0);
  });

  describe('Anthropic /v1/messages', () => {
    const system = [{ type: 'text', text: long(1500, 'sys'), cache_control: { type: 'ephemeral' } }];
    const ask = (question: string, extra: Record<string, unknown> = {}) => ({ model: 'claude-sonnet-4-5', max_tokens: 100, system, messages: [{ role: 'user', content: question }], ...extra });

    it('writes at a breakpoint, reads it back within five minutes, and reports it in the usage fields', async () => {
      server = await startCachingUpstream({ now: () => clock });
      const first = (await post(server, '/v1/messages', ask('What?'))).json?.usage as Record<string, number>;
      assert.equal(first.cache_read_input_tokens, 0);
      assert.ok(first.cache_creation_input_tokens > 1024);
      clock += 4 * MIN;
      const second = (await post(server, '/v1/messages', ask('Why?'))).json?.usage as Record<string, number>;
      assert.equal(second.cache_read_input_tokens, first.cache_creation_input_tokens);
      assert.equal(second.cache_creation_input_tokens, 0);
      // The read at minute 4 refreshed it: still there at minute 8, gone at minute 14.
      clock += 4 * MIN;
      assert.equal(((await post(server, '/v1/messages', ask('How?'))).json?.usage as Record<string, number>).cache_read_input_tokens, first.cache_creation_input_tokens);
      clock += 6 * MIN;
      const late = (await post(server, '/v1/messages', ask('When?'))).json?.usage as Record<string, number>;
      assert.deepEqual([late.cache_read_input_tokens, late.cache_creation_input_tokens], [0, first.cache_creation_input_tokens]);
      assert.deepEqual(server.usage.map((entry) => entry.cacheReadTokens > 0), [false, true, true, false]);
    });

    it('streams the usage in message_start and the output count in message_delta', async () => {
      server = await startCachingUpstream({ now: () => clock, answer: () => 'Short answer.' });
      const { text } = await post(server, '/v1/messages', ask('What?', { stream: true }));
      const events = text.split('\n\n').filter(Boolean);
      assert.match(events[0], /^event: message_start\ndata: .*"cache_creation_input_tokens":\d+.*"cache_read_input_tokens":0/);
      assert.ok(events.some((event) => event.includes('"text_delta","text":"Short answer."')));
      assert.match(events[events.length - 2], /^event: message_delta\ndata: .*"output_tokens":\d+/);
      assert.equal(events[events.length - 1], 'event: message_stop\ndata: {"type":"message_stop"}');
    });

    it('caches nothing below the model minimum, and splits one-hour writes from five-minute ones', async () => {
      server = await startCachingUpstream({ now: () => clock });
      const short = (await post(server, '/v1/messages', { model: 'claude-sonnet-4-5', max_tokens: 10, system: [{ type: 'text', text: 'Be brief.', cache_control: { type: 'ephemeral' } }], messages: [{ role: 'user', content: 'Hi' }] })).json?.usage as Record<string, number>;
      assert.deepEqual([short.cache_creation_input_tokens, short.cache_read_input_tokens], [0, 0]);
      const mixed = (await post(server, '/v1/messages', {
        model: 'claude-sonnet-4-5',
        max_tokens: 10,
        system: [{ type: 'text', text: long(1500, 'one'), cache_control: { type: 'ephemeral', ttl: '1h' } }],
        messages: [{ role: 'user', content: [{ type: 'text', text: long(500, 'ctx'), cache_control: { type: 'ephemeral' } }, { type: 'text', text: 'Go.' }] }],
      })).json?.usage as { cache_creation_input_tokens: number; cache_creation: Record<string, number> };
      const split = mixed.cache_creation;
      assert.ok(split.ephemeral_1h_input_tokens > 1024 && split.ephemeral_5m_input_tokens > 0);
      assert.equal(split.ephemeral_1h_input_tokens + split.ephemeral_5m_input_tokens, mixed.cache_creation_input_tokens);
    });

    it('refuses a fifth breakpoint with the API\'s 400', async () => {
      server = await startCachingUpstream({ now: () => clock });
      const marked = Array.from({ length: 5 }, (_, i) => ({ type: 'text', text: `part ${i}`, cache_control: { type: 'ephemeral' } }));
      const response = await post(server, '/v1/messages', { model: 'claude-sonnet-4-5', max_tokens: 10, messages: [{ role: 'user', content: marked }] });
      assert.equal(response.status, 400);
      assert.match(response.text, /A maximum of 4 blocks with cache_control may be provided. Found 5./);
    });
  });

  describe('OpenAI /chat/completions', () => {
    const ask = (question: string, extra: Record<string, unknown> = {}) => ({
      model: 'gpt-4.1',
      messages: [{ role: 'system', content: long(1200, 'sys') }, { role: 'user', content: question }],
      ...extra,
    });

    it('reads the longest cached prefix in 128-token steps from 1024, within its lifetime', async () => {
      server = await startCachingUpstream({ now: () => clock });
      const first = (await post(server, '/chat/completions', ask('What?'))).json?.usage as { prompt_tokens: number; prompt_tokens_details: { cached_tokens: number } };
      assert.equal(first.prompt_tokens_details.cached_tokens, 0);
      clock += MIN;
      const second = (await post(server, '/v1/chat/completions', ask('Why is that?'))).json?.usage as typeof first;
      const cached = second.prompt_tokens_details.cached_tokens;
      assert.ok(cached >= 1024 && cached % 128 === 0 && cached <= first.prompt_tokens, `cached ${cached}`);
      assert.ok(second.prompt_tokens - cached < 128 + 20, 'all but the last partial step and the new question');
      clock += 6 * MIN;
      const late = (await post(server, '/chat/completions', ask('And now?'))).json?.usage as typeof first;
      assert.equal(late.prompt_tokens_details.cached_tokens, 0);
    });

    it('does not share a cache across models or prompt_cache_key values, and streams the usage chunk last', async () => {
      server = await startCachingUpstream({ now: () => clock });
      await post(server, '/chat/completions', ask('What?'));
      const otherModel = (await post(server, '/chat/completions', { ...ask('What?'), model: 'gpt-4o' })).json?.usage as { prompt_tokens_details: { cached_tokens: number } };
      assert.equal(otherModel.prompt_tokens_details.cached_tokens, 0);
      const keyed = (await post(server, '/chat/completions', ask('What?', { prompt_cache_key: 'team-b' }))).json?.usage as typeof otherModel;
      assert.equal(keyed.prompt_tokens_details.cached_tokens, 0);
      const { text } = await post(server, '/chat/completions', ask('What?', { stream: true, stream_options: { include_usage: true } }));
      const chunks = text.trim().split('\n\n');
      assert.equal(chunks[chunks.length - 1], 'data: [DONE]');
      assert.match(chunks[chunks.length - 2], /"choices":\[\],"usage":\{"prompt_tokens":\d+,.*"cached_tokens":[1-9]\d+/);
    });

    it('counts the prompt as the chat format does: 4 tokens per message (5 with a name) and 3 to prime the reply', async () => {
      server = await startCachingUpstream({ now: () => clock });
      const usage = (await post(server, '/chat/completions', { model: 'gpt-4o', messages: [{ role: 'system', content: 'hello world' }, { role: 'user', name: 'ann', content: 'hello' }] })).json?.usage as { prompt_tokens: number };
      // 'hello world' 2 + 4; 'hello' 1 + 4 + name 1 + 'ann' 1; priming 3.
      assert.equal(usage.prompt_tokens, 16);
    });
  });
});
