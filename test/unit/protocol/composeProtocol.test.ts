import { strict as assert } from 'node:assert';
import { ComposeViewState, parseFromComposeView, parseToComposeView, type ComposeState } from '../../../src/protocol/compose';

const state: ComposeState = {
  prompt: 'explain this',
  contexts: [{ id: 'sel', kind: 'selection', label: 'src/a.ts:1-20', tokens: 120, auto: true }],
  models: [{ ref: 'anthropic:claude-sonnet-4-5', label: 'claude-sonnet-4-5 (anthropic)' }],
  model: 'anthropic:claude-sonnet-4-5',
  kind: 'auto',
  estimate: {
    credits: { low: 0.1, expected: 0.2, high: 0.4 },
    inputTokens: 180,
    output: { p50: 300, p90: 900 },
    exact: false,
    parts: [{ kind: 'prompt', label: 'prompt', tokens: 3, exact: false }],
    kind: 'explain',
  },
  tips: [],
  turn: null,
  threads: { items: [{ id: 'th-1', title: 'Why is the port dropped?', turns: 2, credits: 0.4, uncharged: 0 }], activeId: 'th-1' },
  conversation: {
    threadId: 'th-1',
    turns: [{ turnId: 'turn-1', prompt: 'Why?', answer: 'Because.\n\n```ts\nx();\n```', status: 'ok', estimated: 0.3, charged: 0.2, appliedBlocks: 1 }],
  },
};

describe('protocol: compose', () => {
  it('accepts every message the view sends', () => {
    const messages = [
      { type: 'ready' },
      { type: 'ready', prompt: 'draft' },
      { type: 'draft', seq: 3, prompt: 'hello' },
      { type: 'setModel', model: 'openai:gpt-4.1-mini' },
      { type: 'setKind', kind: 'fix' },
      { type: 'removeContext', id: 'file-1' },
      { type: 'addActiveFile' },
      { type: 'pickFiles' },
      { type: 'send', requestId: 'r1', prompt: 'go' },
      { type: 'stop' },
      { type: 'copy', requestId: 'r2', text: 'const a = 1;' },
      { type: 'newThread' },
      { type: 'switchThread', id: 'th-1' },
      { type: 'renameThread', id: 'th-1' },
      { type: 'deleteThread', id: 'th-1' },
      { type: 'summarizeThread' },
      { type: 'applyCode', requestId: 'r3', turnId: 'turn-1', block: 0, mode: 'diff' },
    ];
    for (const message of messages) {
      const parsed = parseFromComposeView(message);
      assert.ok(parsed.ok, `${message.type}: ${parsed.ok ? '' : parsed.reason}`);
      assert.deepEqual(parsed.message, message);
    }
  });

  it('rejects malformed messages from the view, naming the field', () => {
    const cases: [unknown, RegExp][] = [
      [null, /message/],
      ['ready', /message/],
      [{ type: 'launchMissiles' }, /type/],
      [{ type: 'draft', prompt: 'x' }, /seq/],
      [{ type: 'draft', seq: -1, prompt: 'x' }, /seq/],
      [{ type: 'draft', seq: 1.5, prompt: 'x' }, /seq/],
      [{ type: 'draft', seq: 1, prompt: 42 }, /prompt/],
      [{ type: 'setKind', kind: 'hack' }, /kind/],
      [{ type: 'removeContext', id: '' }, /id/],
      [{ type: 'send', prompt: 'go' }, /requestId/],
      [{ type: 'stop', extra: true }, /extra|Unrecognized/i],
      [{ type: 'copy', requestId: 'r', text: 'x'.repeat(4_000_001) }, /text/],
      [{ type: 'switchThread' }, /id/],
      [{ type: 'applyCode', requestId: 'r', turnId: 't', block: 0, mode: 'overwrite' }, /mode/],
      [{ type: 'applyCode', requestId: 'r', turnId: 't', block: -1, mode: 'insert' }, /block/],
      [{ type: 'applyCode', requestId: 'r', turnId: 't', block: 0, mode: 'insert', text: 'rm -rf /' }, /text|Unrecognized/i],
    ];
    for (const [raw, field] of cases) {
      const parsed = parseFromComposeView(raw);
      assert.equal(parsed.ok, false, JSON.stringify(raw)?.slice(0, 80));
      if (!parsed.ok) {
        assert.match(parsed.reason, field);
      }
    }
  });

  it('accepts the extension\'s full state and rejects a broken one', () => {
    assert.ok(parseToComposeView({ type: 'state', state, restorePrompt: true }).ok);
    const noPrice = { ...state, estimate: { ...state.estimate, credits: null, noPriceReason: 'no price for model x' } };
    assert.ok(parseToComposeView({ type: 'state', state: noPrice, restorePrompt: false }).ok);
    const broken = parseToComposeView({ type: 'state', state: { ...state, kind: 'everything' }, restorePrompt: true });
    assert.equal(broken.ok, false);
    const nan = parseToComposeView({ type: 'estimate', seq: 1, estimate: { ...state.estimate, inputTokens: Number.NaN }, tips: [] });
    assert.equal(nan.ok, false);
    const cached = { ...state.estimate, historyTurns: 2, cache: { rules: 'anthropic', read: 150, written: 20, fresh: 10, note: '150 tokens cached until 14:32', saving: 'caching saves ≈ 0.1 cr' } };
    assert.ok(parseToComposeView({ type: 'estimate', seq: 2, estimate: cached, tips: [] }).ok);
    assert.equal(parseToComposeView({ type: 'estimate', seq: 2, estimate: { ...cached, cache: { ...cached.cache, read: -1 } }, tips: [] }).ok, false);
    assert.ok(parseToComposeView({ type: 'threads', threads: state.threads, conversation: null }).ok);
    assert.equal(parseToComposeView({ type: 'threads', threads: { ...state.threads, activeId: '' }, conversation: null }).ok, false);
  });

  it('checks streamed answers and turn results', () => {
    assert.ok(parseToComposeView({ type: 'answerDelta', turnId: 't1', text: '```ts\nx\n```' }).ok);
    const turn = { turnId: 't1', status: 'ok', text: 'done', estimated: { low: 0.1, expected: 0.2, high: 0.3 }, charged: 0.25, chargeSource: 'computed' };
    assert.ok(parseToComposeView({ type: 'turn', turn }).ok);
    assert.equal(parseToComposeView({ type: 'turn', turn: { ...turn, status: 'exploded' } }).ok, false);
  });

  it('restores view state only when it is well formed', () => {
    assert.ok(ComposeViewState.safeParse({ prompt: 'kept', turn: null }).success);
    assert.equal(ComposeViewState.safeParse({ prompt: 3, turn: null }).success, false);
  });
});

describe('protocol: compose estimate parts', () => {
  it('names the same part kinds as the core estimate', async () => {
    const { ESTIMATE_PART_KINDS } = await import('../../../src/protocol/compose');
    const { PART_KINDS } = await import('../../../src/core/estimate');
    assert.deepEqual([...ESTIMATE_PART_KINDS], [...PART_KINDS]);
  });
});
