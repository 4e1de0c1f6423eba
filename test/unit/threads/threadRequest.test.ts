import { strict as assert } from 'node:assert';
import { type ContextText, ThreadStore, type UserMessageParts, buildThreadRequest, memoryThreadStorage } from '../../../src/core/threads';
import { openAiDialect } from '../../../src/providers/openAiDialect';

/** The user-message format under test: each context in a labelled block, blank-line separated, then the prompt. */
const parts: UserMessageParts = (prompt: string, contexts: readonly ContextText[]) => [
  ...contexts.map((context) => `<context kind="${context.kind}" label="${context.label}">\n${context.text}\n</context>\n\n`),
  prompt,
];

const CONTEXT = { kind: 'file', label: 'src/a.ts', text: 'export const a = 1;' };

async function threadWith(turns: { prompt: string; answer: string | null; status: 'ok' | 'error' | 'cancelled'; contexts?: ContextText[] }[], storeText = true) {
  const storage = memoryThreadStorage();
  const { store } = await ThreadStore.open(storage, { storeText, newId: () => 'thread-1' });
  await store.create();
  for (const [index, turn] of turns.entries()) {
    const turnId = `turn-${index + 1}`;
    await store.appendTurn('thread-1', { turnId, startedAt: new Date(), provider: 'openai', model: 'gpt-4.1', prompt: turn.prompt, contexts: turn.contexts ?? [] });
    await store.updateTurn('thread-1', turnId, { status: turn.status, ...(turn.answer !== null ? { answer: turn.answer } : {}) });
  }
  return { store, storage };
}

describe('follow-up requests of a thread', () => {
  it('a first message: the system prompt and one user message of context blocks then the prompt', () => {
    const { request, history } = buildThreadRequest(undefined, { prompt: 'Explain.', contexts: [CONTEXT] }, { system: 'Be brief.', userMessageParts: parts });
    assert.deepEqual(request.system, [{ text: 'Be brief.', kind: 'system' }]);
    assert.equal(request.messages.length, 1);
    assert.deepEqual(request.messages[0].blocks.map((block) => [block.kind, block.label]), [['context', 'src/a.ts'], ['prompt', undefined]]);
    assert.equal(request.messages[0].content, '<context kind="file" label="src/a.ts">\nexport const a = 1;\n</context>\n\nExplain.');
    assert.deepEqual(history, { turns: 0, messages: 0, texts: [], missingTurns: [] });
  });

  it('resends the answered turns as history, skips failed ones, and reports the history\'s texts', async () => {
    const { store } = await threadWith([
      { prompt: 'What is a?', answer: 'A constant.', status: 'ok', contexts: [CONTEXT] },
      { prompt: 'Broken one', answer: null, status: 'error' },
      { prompt: 'Cancelled one', answer: 'Par', status: 'cancelled' },
      { prompt: 'Is it exported?', answer: 'Yes.', status: 'ok' },
    ]);
    const { request, history } = buildThreadRequest(store.get('thread-1'), { prompt: 'Rename it.', contexts: [] }, { system: '', userMessageParts: parts });
    assert.deepEqual(request.system, []);
    assert.deepEqual(request.messages.map((message) => `${message.role}: ${message.content.replace(/<context[^]*<\/context>\n\n/, '[ctx]')}`), [
      'user: [ctx]What is a?',
      'assistant: A constant.',
      'user: Is it exported?',
      'assistant: Yes.',
      'user: Rename it.',
    ]);
    assert.equal(history.turns, 2);
    assert.equal(history.messages, 4);
    assert.deepEqual(history.texts.slice(1), ['What is a?', 'A constant.', 'Is it exported?', 'Yes.']);
    assert.deepEqual(history.missingTurns, []);
  });

  it('after a reload with storePrompts off the history is gone, and says which turns are missing', async () => {
    const { storage } = await threadWith([{ prompt: 'What is a?', answer: 'A constant.', status: 'ok', contexts: [CONTEXT] }], false);
    const reopened = (await ThreadStore.open(storage, { storeText: false })).store;
    const { request, history } = buildThreadRequest(reopened.get('thread-1'), { prompt: 'And b?', contexts: [] }, { system: '', userMessageParts: parts });
    assert.equal(request.messages.length, 1);
    assert.deepEqual(history.missingTurns, ['turn-1']);
  });

  it('is byte-stable: each follow-up\'s OpenAI body begins with the previous body\'s messages', async () => {
    const { store } = await threadWith([]);
    const dialect = openAiDialect();
    const prompts = ['What is a?', 'Is it exported?', 'Rename it.'];
    const bodies: string[] = [];
    for (const [index, prompt] of prompts.entries()) {
      const thread = store.get('thread-1');
      const { request } = buildThreadRequest(thread, { prompt, contexts: index === 0 ? [CONTEXT] : [] }, { system: 'Be brief.', userMessageParts: parts });
      const body = JSON.stringify(dialect.buildRequest({ model: 'gpt-4.1', systemBlocks: request.system, messages: request.messages }, 'key').body);
      bodies.push(body.slice(0, body.lastIndexOf('{"role":"user"')));
      const turnId = `turn-${index + 1}`;
      await store.appendTurn('thread-1', { turnId, startedAt: new Date(), provider: 'openai', model: 'gpt-4.1', prompt, contexts: index === 0 ? [CONTEXT] : [] });
      await store.updateTurn('thread-1', turnId, { status: 'ok', answer: `Answer ${index + 1}.` });
    }
    assert.ok(bodies[1].startsWith(bodies[0]) && bodies[2].startsWith(bodies[1]), 'every earlier message is serialised the same way in the same place');
    assert.ok(bodies[2].length > bodies[1].length);
  });

  it('refuses a user-message format that does not give one part per context plus the prompt', () => {
    assert.throws(
      () => buildThreadRequest(undefined, { prompt: 'x', contexts: [CONTEXT] }, { system: '', userMessageParts: (prompt) => [prompt] }),
      /returned 1 parts for 1 contexts and a prompt/,
    );
  });
});
