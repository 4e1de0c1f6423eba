import { strict as assert } from 'node:assert';
import {
  type CacheRequest,
  type CacheState,
  type ConversationRequest,
  type PromptBlock,
  type TextBlock,
  anthropicCacheRules,
  contentHash,
  conversationMessage,
  placeBreakpoints,
  predictCache,
  recordSend,
} from '../../../src/core/cache';

/** One token per character keeps the arithmetic visible. */
const countTokens = (text: string) => text.length;
const rules = anthropicCacheRules('claude-sonnet-4-5');
const T0 = Date.UTC(2026, 2, 12, 14, 0, 0);

const text = (length: number, fill = 'x') => fill.repeat(length);
const context = (length: number, label = 'src/a.ts'): TextBlock => ({ text: text(length, 'c'), kind: 'context', label });
const prompt = (value: string): TextBlock => ({ text: value, kind: 'prompt' });

function request(system: string, ...messages: [role: 'user' | 'assistant', blocks: TextBlock[]][]): ConversationRequest {
  return {
    system: system ? [{ text: system, kind: 'system' }] : [],
    messages: messages.map(([role, blocks]) => conversationMessage(role, blocks)),
  };
}

function roles(placement: ReturnType<typeof placeBreakpoints>): string[] {
  return placement.breakpoints.map((slot) => `${slot.role}@${slot.message}.${slot.block}:${slot.prefixTokens}`);
}

/** The conversation as the cache model sees it (one block per text block, hashed by role and text). */
function cacheRequestOf(conversation: ConversationRequest): CacheRequest {
  const blocks: PromptBlock[] = [
    ...conversation.system.map((block) => ({ hash: contentHash(`system:${block.text}`), tokens: countTokens(block.text), ...(block.cache ? { breakpoint: block.cache } : {}) })),
    ...conversation.messages.flatMap((message) => message.blocks.map((block) => ({
      hash: contentHash(`${message.role}:${block.text}`),
      tokens: countTokens(block.text),
      ...(block.cache ? { breakpoint: block.cache } : {}),
    }))),
  ];
  return { rules, model: 'claude-sonnet-4-5', blocks };
}

describe('Anthropic breakpoint policy', () => {
  it('a first message: the context and the whole message; a short system prompt is not worth a slot', () => {
    const placement = placeBreakpoints(request('Be brief.', ['user', [context(3000), prompt('Explain this.')]]), { rules, countTokens });
    assert.deepEqual(roles(placement), ['context@0.0:3009', 'latest@0.1:3022']);
    assert.deepEqual(placement.skipped.map((slot) => `${slot.role}:${slot.reason}`), ['system:belowMinimum']);
    assert.deepEqual(placement.request.messages[0].blocks.map((block) => block.cache), ['5m', '5m']);
    assert.equal(placement.request.messages[0].content, text(3000, 'c') + 'Explain this.', 'the text is unchanged');
  });

  it('a follow-up: the previous user message (the last request\'s end) and the new one', () => {
    const placement = placeBreakpoints(request('Be brief.',
      ['user', [context(3000), prompt('Explain this.')]],
      ['assistant', [{ text: text(400, 'a'), kind: 'answer' }]],
      ['user', [prompt('And the edge cases?')]],
    ), { rules, countTokens });
    assert.deepEqual(roles(placement), ['history@0.1:3022', 'latest@2.0:3441']);
    assert.deepEqual(placement.request.messages[0].blocks.map((block) => block.cache), [undefined, '5m'], 'old markers are moved, not kept');
  });

  it('uses all four slots at most, and keeps the moving ones first when fewer are allowed', () => {
    const big = request(text(2000, 's'),
      ['user', [context(3000), prompt('Explain this.')]],
      ['assistant', [{ text: 'It parses.', kind: 'answer' }]],
      ['user', [context(1500, 'src/b.ts'), prompt('And this one?')]],
    );
    const four = placeBreakpoints(big, { rules, countTokens });
    assert.deepEqual(four.breakpoints.map((slot) => slot.role), ['system', 'history', 'context', 'latest']);
    const two = placeBreakpoints(big, { rules: { ...rules, maxBreakpoints: 2 }, countTokens, ttl: '1h' });
    assert.deepEqual(two.breakpoints.map((slot) => `${slot.role}:${slot.ttl}`), ['history:1h', 'latest:1h']);
    assert.deepEqual(two.skipped.map((slot) => `${slot.role}:${slot.reason}`), ['context:limit', 'system:limit']);
  });

  it('places nothing when the whole request is under the model minimum', () => {
    const placement = placeBreakpoints(request('Be brief.', ['user', [prompt('Add an alias.')]]), { rules, countTokens });
    assert.deepEqual(placement.breakpoints, []);
    assert.ok(placement.request.messages[0].blocks.every((block) => block.cache === undefined));
  });

  it('counts tool definitions before the system prompt into every prefix', () => {
    const placement = placeBreakpoints(request(text(200, 's'), ['user', [prompt('Go.')]]), { rules, countTokens, leadingTokens: 900 });
    assert.deepEqual(roles(placement), ['system@system.0:1100', 'latest@0.0:1103']);
  });

  it('skips empty blocks (the API refuses them) when choosing where a breakpoint sits', () => {
    const placement = placeBreakpoints(request('', ['user', [context(2000), prompt('')]]), { rules, countTokens });
    assert.deepEqual(roles(placement), ['latest@0.0:2000']);
  });

  /** Runs a four-turn conversation through the policy and the cache model; returns read/written/fresh per turn. */
  function converse(maxBreakpoints: number): string[] {
    let state: CacheState | undefined;
    const messages: [role: 'user' | 'assistant', blocks: TextBlock[]][] = [];
    const outcomes: string[] = [];
    const turns = [
      [context(4000, 'a.ts'), prompt('What does it do?')],
      [prompt('Where is the bug?')],
      // 24 small contexts: more than the 20 positions a read can look back from the last block.
      [...Array.from({ length: 24 }, (_, i) => context(30, `f${i}.ts`)), prompt('Compare with these.')],
      [prompt('Summarise.')],
    ];
    turns.forEach((blocks, index) => {
      messages.push(['user', blocks]);
      const placed = placeBreakpoints(request('Be brief.', ...messages), { rules: { ...rules, maxBreakpoints }, countTokens });
      const cacheRequest = cacheRequestOf(placed.request);
      const at = T0 + index * 60_000;
      const prediction = predictCache(state, cacheRequest, at);
      outcomes.push(`${prediction.cacheReadTokens}/${prediction.cacheWriteTokens}/${prediction.freshInputTokens}`);
      state = recordSend(state, cacheRequest, at);
      messages.push(['assistant', [{ text: text(300 + index, 'a'), kind: 'answer' }]]);
    });
    return outcomes;
  }

  it('with the cache model: every follow-up reads all that was sent before, however many blocks it adds', () => {
    assert.deepEqual(converse(4), [
      '0/4025/0', // first message: all written (system + context + prompt)
      '4025/317/0', // the first request's end is read; the answer and the new prompt are written
      '4342/1040/0', // 25 new blocks: the history breakpoint still finds the previous write
      '5382/312/0',
    ]);
    // With the moving breakpoint alone, the turn that adds 26 blocks looks back past the previous write.
    assert.deepEqual(converse(1), ['0/4025/0', '4025/317/0', '0/5382/0', '5382/312/0']);
  });
});
