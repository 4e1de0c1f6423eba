import { strict as assert } from 'node:assert';
import {
  ATTACHMENT_TOKENS,
  type BlockCounting,
  OPENAI_CACHE_RULES,
  OPENAI_EXTENDED_CACHE_RULES,
  anthropicCacheRequest,
  anthropicPromptBlocks,
  modelTokenCounter,
  openAiCacheRequest,
  openAiPromptBlocks,
  predictCache,
  recordSend,
} from '../../../src/core/cache';

/** One token per word, so every count below can be checked by eye. */
const words: BlockCounting = {
  countTokens: (text) => text.split(/\s+/).filter(Boolean).length,
  perMessageTokens: 4,
  replyPrimingTokens: 3,
};

const T0 = Date.UTC(2026, 2, 12, 14, 0, 0);

describe('raw request bodies as cache blocks: Anthropic Messages', () => {
  const body = {
    model: 'claude-sonnet-4-5-20250929',
    max_tokens: 1024,
    tools: [
      { name: 'lookup', description: 'find a record', input_schema: { type: 'object' } },
      { name: 'save', description: 'store it', input_schema: { type: 'object' }, cache_control: { type: 'ephemeral' } },
    ],
    system: [{ type: 'text', text: 'You are terse.', cache_control: { type: 'ephemeral', ttl: '1h' } }],
    messages: [
      { role: 'user', content: 'Find record seven please' },
      { role: 'assistant', content: [{ type: 'text', text: 'Looking.' }, { type: 'tool_use', id: 't1', name: 'lookup', input: { id: 7 } }] },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: 't1', content: 'record seven is blue' }, { type: 'text', text: 'and now?', cache_control: { type: 'ephemeral' } }] },
    ],
    stream: true,
  };

  it('lists tools, system, then every content block, with their breakpoints, runs and framing', () => {
    const blocks = anthropicPromptBlocks(body, words);
    assert.deepEqual(blocks.map((block) => block.label), [
      'tool lookup', 'tool save', 'system', 'message 1 (user)', 'message 2 (assistant)', 'message 2 (assistant)', 'message 3 (user)', 'message 3 (user)',
    ]);
    assert.deepEqual(blocks.map((block) => block.breakpoint), [undefined, '5m', '1h', undefined, undefined, undefined, undefined, '5m']);
    assert.deepEqual(blocks.map((block) => block.run), [undefined, undefined, undefined, undefined, undefined, 'tool_use', 'tool_result', undefined]);
    // system 3 words + 4 framing; 'Find record seven please' 4 + 4; 'Looking.' 1 + 4; tool_use: name 1 + input JSON 1;
    // tool_result 4 + 4; 'and now?' 2 + reply priming 3.
    assert.deepEqual(blocks.slice(2).map((block) => block.tokens), [7, 8, 5, 2, 8, 5]);
  });

  it('hashes what is sent: equal bodies give equal blocks, markers aside; a changed key order does not', () => {
    const again = anthropicPromptBlocks(structuredClone(body), words);
    assert.deepEqual(again.map((block) => block.hash), anthropicPromptBlocks(body, words).map((block) => block.hash));
    const unmarked = structuredClone(body);
    delete (unmarked.tools[1] as { cache_control?: unknown }).cache_control;
    assert.equal(anthropicPromptBlocks(unmarked, words)[1].hash, again[1].hash, 'cache_control is not part of the content');
    const reordered = structuredClone(body);
    (reordered.messages[1].content as unknown[])[1] = { type: 'tool_use', name: 'lookup', id: 't1', input: { id: 7 } };
    assert.notEqual(anthropicPromptBlocks(reordered, words)[5].hash, again[5].hash);
  });

  it('a string and a single text block are the same content', () => {
    const asBlocks = { ...body, system: [{ type: 'text', text: 'You are terse.' }] };
    const asString = { ...body, system: 'You are terse.' };
    assert.equal(anthropicPromptBlocks(asString, words)[2].hash, anthropicPromptBlocks(asBlocks, words)[2].hash);
  });

  it('tool_choice and thinking settings change the message blocks, not tools or system', () => {
    const base = anthropicPromptBlocks(body, words).map((block) => block.hash);
    const forced = anthropicPromptBlocks({ ...body, tool_choice: { type: 'tool', name: 'lookup' } }, words).map((block) => block.hash);
    assert.deepEqual(forced.slice(0, 3), base.slice(0, 3));
    assert.notEqual(forced[3], base[3]);
  });

  it('a top-level cache_control is a breakpoint on the last block (automatic caching)', () => {
    const automatic = anthropicPromptBlocks({ model: 'claude-haiku-4-5', cache_control: { type: 'ephemeral' }, messages: [{ role: 'user', content: 'hi' }, { role: 'assistant', content: 'yo' }, { role: 'user', content: 'again' }] }, words);
    assert.deepEqual(automatic.map((block) => block.breakpoint), [undefined, undefined, '5m']);
  });

  it('counts images and binary documents at the flat estimate, text documents by their text', () => {
    const blocks = anthropicPromptBlocks({
      model: 'claude-sonnet-4-5',
      messages: [{ role: 'user', content: [
        { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'iVBORw0KGgo'.repeat(1000) } },
        { type: 'document', source: { type: 'text', media_type: 'text/plain', data: 'five words in this doc' } },
        { type: 'document', source: { type: 'base64', media_type: 'application/pdf', data: 'JVBERi0x' } },
      ] }],
    }, words);
    assert.deepEqual(blocks.map((block) => block.tokens), [ATTACHMENT_TOKENS + 4, 5, ATTACHMENT_TOKENS + 3]);
  });

  it('is the cache request with Anthropic rules for the body\'s model', () => {
    const request = anthropicCacheRequest(body, words);
    assert.equal(request.rules.kind, 'anthropic');
    assert.equal(request.model, 'claude-sonnet-4-5-20250929');
    assert.equal(request.blocks.length, 8);
  });

  it('names the field that is wrong', () => {
    assert.throws(() => anthropicPromptBlocks('hello', words), /request body: expected a JSON object/);
    assert.throws(() => anthropicPromptBlocks({ model: 'claude-sonnet-4-5' }, words), /"messages" must be an array/);
    assert.throws(() => anthropicPromptBlocks({ model: 'claude-sonnet-4-5', messages: [42] }, words), /messages\[0\]: expected a JSON object/);
    assert.throws(() => anthropicCacheRequest({ messages: [] }, words), /"model" must be a non-empty string/);
  });

  it('feeds the cache model: a growing conversation reads what the previous request wrote', () => {
    const counting: BlockCounting = { countTokens: (text) => text.length, perMessageTokens: 2, replyPrimingTokens: 1 };
    const context = 'x'.repeat(3000);
    const turn1 = {
      model: 'claude-sonnet-4-5',
      system: 'Be brief.',
      messages: [{ role: 'user', content: [{ type: 'text', text: context }, { type: 'text', text: 'Explain.', cache_control: { type: 'ephemeral' } }] }],
    };
    const state = recordSend(undefined, anthropicCacheRequest(turn1, counting), T0);
    const turn2 = {
      ...turn1,
      messages: [
        { role: 'user', content: [{ type: 'text', text: context }, { type: 'text', text: 'Explain.', cache_control: { type: 'ephemeral' } }] },
        { role: 'assistant', content: 'It parses.' },
        { role: 'user', content: [{ type: 'text', text: 'Shorter?', cache_control: { type: 'ephemeral' } }] },
      ],
    };
    const prediction = predictCache(state, anthropicCacheRequest(turn2, counting), T0 + 60_000);
    // system 9 + 2, context 3000 + 2, 'Explain.' 8: read; 'It parses.' 10 + 2, 'Shorter?' 8 + 2 + reply priming 1
    // (counted with the last block, which carries the breakpoint): written.
    assert.deepEqual([prediction.cacheReadTokens, prediction.cacheWriteTokens, prediction.freshInputTokens], [3021, 23, 0]);
  });
});

describe('raw request bodies as cache blocks: OpenAI Chat Completions', () => {
  const body = {
    model: 'gpt-4.1-2025-04-14',
    messages: [
      { role: 'system', content: 'You are terse.' },
      { role: 'user', name: 'ann', content: [{ type: 'text', text: 'look at this' }, { type: 'image_url', image_url: { url: 'https://x/y.png', detail: 'low' } }] },
    ],
    tools: [{ type: 'function', function: { name: 'lookup', parameters: { type: 'object' } } }],
    stream: true,
  };

  it('lists tools, then each message part, with framing, names and images', () => {
    const blocks = openAiPromptBlocks(body, words);
    assert.deepEqual(blocks.map((block) => block.label), ['tool lookup', 'message 1 (system)', 'message 2 (user)', 'message 2 (user)']);
    // system 3 + 4; 'look at this' 3 + name 1 + 1 + 4; low-detail image 85 + reply priming 3.
    assert.deepEqual(blocks.slice(1).map((block) => block.tokens), [7, 9, 88]);
    assert.ok(blocks.every((block) => block.breakpoint === undefined));
  });

  it('reads prompt_cache_key as a partition and prompt_cache_retention as the extended lifetime', () => {
    assert.equal(openAiCacheRequest(body, words).rules, OPENAI_CACHE_RULES);
    const keyed = openAiCacheRequest({ ...body, prompt_cache_key: 'team-a', prompt_cache_retention: '24h' }, words);
    assert.equal(keyed.partition, 'team-a');
    assert.equal(keyed.rules, OPENAI_EXTENDED_CACHE_RULES);
  });

  it('predicts no caching for models that are not OpenAI\'s', () => {
    assert.equal(openAiCacheRequest({ ...body, model: 'llama3.1:8b' }, words).rules.kind, 'none');
    assert.equal(openAiCacheRequest({ ...body, model: 'openai/gpt-4o' }, words).rules.kind, 'openai');
  });

  it('counts exactly on the model\'s own encoding, and calibrates a proxy-counted model', () => {
    const exact = modelTokenCounter('gpt-4o');
    assert.equal(exact('hello world'), 2);
    const claude = modelTokenCounter('claude-sonnet-4-5');
    const text = 'The quick brown fox jumps over the lazy dog. '.repeat(20);
    assert.equal(claude(text), Math.round(exact(text) * 1.3));
  });
});
