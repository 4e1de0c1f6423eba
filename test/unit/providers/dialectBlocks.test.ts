import { strict as assert } from 'node:assert';
import { anthropicDialect } from '../../../src/providers/anthropicDialect';
import { openAiDialect } from '../../../src/providers/openAiDialect';
import type { ChatRequest } from '../../../src/providers/types';

const context = '<context kind="file" label="src/a.ts">\nexport const a = 1;\n</context>\n\n';

/** A follow-up with its cache breakpoints placed: the system prompt, the previous user message, the new one. */
const request: ChatRequest = {
  model: 'claude-sonnet-4-5',
  system: 'Be brief.',
  systemBlocks: [{ text: 'Be brief.', cache: '1h' }],
  messages: [
    { role: 'user', content: `${context}Explain.`, blocks: [{ text: context }, { text: 'Explain.', cache: '5m' }] },
    { role: 'assistant', content: 'It exports a.' },
    { role: 'user', content: 'Why?', blocks: [{ text: 'Why?', cache: '5m' }] },
  ],
};

describe('request building with cache breakpoints', () => {
  it('Anthropic: the system prompt and messages with blocks become content blocks with cache_control', () => {
    const { body } = anthropicDialect().buildRequest(request, 'key');
    assert.deepEqual(body, {
      model: 'claude-sonnet-4-5',
      max_tokens: 4096,
      system: [{ type: 'text', text: 'Be brief.', cache_control: { type: 'ephemeral', ttl: '1h' } }],
      messages: [
        { role: 'user', content: [{ type: 'text', text: context }, { type: 'text', text: 'Explain.', cache_control: { type: 'ephemeral' } }] },
        { role: 'assistant', content: 'It exports a.' },
        { role: 'user', content: [{ type: 'text', text: 'Why?', cache_control: { type: 'ephemeral' } }] },
      ],
      stream: true,
    });
  });

  it('Anthropic: leaves out empty blocks, and falls back to the plain text when no block is left', () => {
    const { body } = anthropicDialect().buildRequest({
      model: 'claude-sonnet-4-5',
      systemBlocks: [{ text: '' }],
      messages: [
        { role: 'user', content: 'Hi', blocks: [{ text: 'Hi', cache: '5m' }, { text: '' }] },
        { role: 'assistant', content: '', blocks: [{ text: '' }] },
      ],
    }, undefined) as { body: Record<string, unknown> };
    assert.equal(body.system, undefined);
    assert.deepEqual(body.messages, [
      { role: 'user', content: [{ type: 'text', text: 'Hi', cache_control: { type: 'ephemeral' } }] },
      { role: 'assistant', content: '' },
    ]);
  });

  it('OpenAI-compatible: blocks are sent as the joined text, the same bytes as without blocks', () => {
    const dialect = openAiDialect();
    const withBlocks = JSON.stringify(dialect.buildRequest(request, 'key').body);
    const plain: ChatRequest = {
      model: request.model,
      system: request.system,
      messages: request.messages.map(({ role, content }) => ({ role, content })),
    };
    assert.equal(withBlocks, JSON.stringify(dialect.buildRequest(plain, 'key').body));
    assert.ok(!withBlocks.includes('cache_control'));
  });

  it('OpenAI-compatible: a follow-up\'s body starts with the previous body\'s messages, byte for byte', () => {
    const dialect = openAiDialect();
    const first: ChatRequest = { model: 'gpt-4.1', system: 'Be brief.', messages: [request.messages[0]] };
    const second: ChatRequest = { ...first, messages: request.messages };
    const messagesOf = (json: string) => json.slice(json.indexOf('"messages":['));
    const secondJson = JSON.stringify(dialect.buildRequest(second, 'key').body);
    const before = messagesOf(JSON.stringify(dialect.buildRequest(first, 'key').body));
    const shared = before.slice(0, before.indexOf(']'));
    assert.ok(messagesOf(secondJson).startsWith(shared), 'the earlier messages are serialised identically, in the same place');
    assert.ok(secondJson.indexOf('"messages"') < secondJson.indexOf('"stream"'), 'request options come after the messages');
  });
});
