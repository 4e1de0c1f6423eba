/**
 * The estimate of a follow-up in a conversation: the resent history as its own part (counted once,
 * incrementally), and the prompt-cache split priced through the one cache-aware function.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { get_encoding } from 'tiktoken';
import { predictCache, quoteCachePrediction, recordSend } from '../../../src/core/cache';
import { type Estimate, EstimateSession, MESSAGE_FORMATS, blockCounting, cacheAwareCost, messageParts } from '../../../src/core/estimate';
import { DEFAULT_PROFILE } from '../../../src/core/pricing';
import { type Thread, ThreadStore, buildThreadRequest, memoryThreadStorage } from '../../../src/core/threads';
import { type EncodingName, type TokenCounter, loadCounter } from '../../../src/core/tokens';
import { type DraftConversation, PLACEHOLDER_PROMPT, conversationRequest, promptPartTokens } from '../../../src/send/conversationDraft';
import { DraftEstimator } from '../../../src/send/draftEstimator';
import { CalibrationTable } from '../../../src/core/tokens';

const root = path.resolve(__dirname, '..', '..', '..');
const SYSTEM = 'You are a concise coding assistant. Answer with the code change and a short explanation.';
const source = fs.readFileSync(path.join(root, 'src/core/pricing/price.ts'), 'utf8');
const T0 = Date.UTC(2026, 2, 12, 14, 0, 0);
const MINUTE = 60_000;

const turns = [
  { prompt: 'What does priceUsage do with cache tokens?', contexts: [{ kind: 'file' as const, label: 'src/core/pricing/price.ts', text: source }], answer: 'It adds them to the input total the catalogue prices, each part at its own rate.\n\n```ts\nconst total = usage.inputTokens + usage.cacheReadTokens;\n```' },
  { prompt: 'And the 1-hour writes?', contexts: [], answer: 'They are a part of the writes, priced at the 1-hour rate when the catalogue has one.' },
  { prompt: 'Show a test for that.', contexts: [], answer: 'See `linearPrice.test.ts`: it compares the fast path with the catalogue for every split.' },
];

async function threadWith(count: number): Promise<{ store: ThreadStore; thread: Thread }> {
  const { store } = await ThreadStore.open(memoryThreadStorage(), { storeText: true, now: () => new Date(T0) });
  const { id } = await store.create();
  for (const [index, turn] of turns.slice(0, count).entries()) {
    await store.appendTurn(id, { turnId: `t${index}`, startedAt: new Date(T0), provider: 'openai', model: 'gpt-4.1', prompt: turn.prompt, contexts: turn.contexts });
    await store.updateTurn(id, `t${index}`, { status: 'ok', answer: turn.answer });
  }
  return { store, thread: store.get(id) as Thread };
}

/** Counts every text the counter is asked to count, for the encoding the session uses. */
function spyingCounter(encoding: EncodingName, seen: string[]): TokenCounter {
  const counter = loadCounter(encoding);
  return { encoding, count: (text: string) => { seen.push(text); return counter.count(text); } } as TokenCounter;
}

function historyOf(thread: Thread | undefined, prompt = 'next') {
  return buildThreadRequest(thread, { prompt, contexts: [] }, { system: SYSTEM, userMessageParts: messageParts });
}

function part(estimate: Estimate, kind: string): number {
  return estimate.parts.filter((p) => p.kind === kind).reduce((sum, p) => sum + p.tokens, 0);
}

describe('estimate of a follow-up: the resent history', () => {
  it('is its own part, and the whole input equals tiktoken on every message sent (OpenAI)', async () => {
    const { thread } = await threadWith(3);
    const prompt = 'Now make the same change for the 1-hour writes, please.';
    const { request, history } = historyOf(thread, prompt);
    const session = new EstimateSession({ model: 'gpt-4.1' });
    session.setSystem([SYSTEM]);
    session.setResentHistory(history);
    session.setPrompt(prompt);
    const estimate = session.estimate();

    const encoding = get_encoding('o200k_base');
    try {
      const format = MESSAGE_FORMATS.openai;
      const messages = [{ role: 'system', content: SYSTEM }, ...request.messages];
      const reference = messages.reduce((sum, m) => sum + format.perMessage + encoding.encode_ordinary(m.role).length + encoding.encode_ordinary(m.content).length, 0) + format.replyPriming;
      assert.equal(estimate.inputTokens, reference);
      const historyReference = request.messages.slice(0, -1).reduce((sum, m) => sum + encoding.encode_ordinary(m.content).length, 0);
      assert.equal(part(estimate, 'history'), historyReference);
    } finally {
      encoding.free();
    }
    assert.equal(estimate.historyTurns, 3);
    assert.equal(estimate.dominant?.kind, 'history', 'the attached file of the first turn is resent and dominates');
    assert.ok(estimate.exact);
  });

  it('counts only the new turn\'s texts when the thread grows, and never the history on a keystroke', async () => {
    const seen: string[] = [];
    const session = new EstimateSession({ model: 'gpt-4.1', counterFor: (encoding) => spyingCounter(encoding, seen) });
    const two = historyOf((await threadWith(2)).thread).history;
    session.setResentHistory(two);
    assert.ok(seen.some((text) => text.includes(source.slice(0, 200))), 'the first history is counted');
    seen.length = 0;
    const three = historyOf((await threadWith(3)).thread).history;
    session.setResentHistory(three);
    const counted = seen.filter((text) => text.length > 3);
    assert.deepEqual(counted.sort(), three.texts.slice(two.texts.length).filter((text) => text.length > 3).sort(), 'only the third turn was counted');
    seen.length = 0;
    for (const char of 'Typing a follow-up, one key at a time.') {
      session.editPrompt(session.promptText.length, 0, char);
      session.estimate();
    }
    assert.ok(seen.every((text) => text.length < 200), 'keystrokes count the prompt\'s edited block only');
    const before = session.estimate().inputTokens;
    session.setResentHistory(undefined);
    assert.ok(session.estimate().inputTokens < before - 1000, 'a new thread resends nothing');
    assert.equal(part(session.estimate(), 'history'), 0);
  });
});

describe('estimate of a follow-up: the prompt cache', () => {
  const conversationOf = (thread: Thread | undefined, dialect: DraftConversation['dialect']): DraftConversation => ({ thread, threadId: thread?.id, dialect });

  async function cachedThread(model: string, dialect: DraftConversation['dialect']) {
    const { store, thread } = await threadWith(1);
    const counting = blockCounting(model);
    // The first turn as it was sent, recorded at T0: its prefix is cached.
    const first = conversationRequest(conversationOf(undefined, dialect), model, SYSTEM, turns[0].prompt, turns[0].contexts, counting);
    await store.setCacheState(thread.id, recordSend(undefined, first.send.cacheRequest, T0));
    return { store, thread: store.get(thread.id) as Thread, counting };
  }

  function sessionFor(model: string, thread: Thread, dialect: DraftConversation['dialect'], at: number, prompt: string) {
    const counting = blockCounting(model);
    const built = conversationRequest(conversationOf(thread, dialect), model, SYSTEM, PLACEHOLDER_PROMPT, [], counting, { ignoreMinimum: true });
    const session = new EstimateSession({ model });
    session.setSystem([SYSTEM]);
    session.setResentHistory(built.history);
    session.setCache({ state: thread.cache ?? undefined, request: built.send.cacheRequest, placeholderTokens: promptPartTokens(PLACEHOLDER_PROMPT, [], counting), at });
    session.setPrompt(prompt);
    return session;
  }

  for (const [model, dialect] of [['claude-sonnet-4-5', 'anthropic'], ['gpt-4.1', 'openai']] as const) {
    it(`${dialect}: shows cached, written and fresh input apart, adding up to the input, priced below the same request uncached`, async () => {
      const { thread } = await cachedThread(model, dialect);
      const estimate = sessionFor(model, thread, dialect, T0 + 2 * MINUTE, 'And the 1-hour writes?').estimate();
      const cache = estimate.cache;
      assert.ok(cache, 'the estimate has a cache split');
      assert.equal(cache.rules, dialect);
      assert.equal(cache.readTokens + cache.writeTokens + cache.freshTokens, estimate.inputTokens);
      assert.ok(cache.readTokens > 2000, `the history is read from the cache (${cache.readTokens})`);
      assert.equal(cache.cachedUntil, T0 + 5 * MINUTE, 'cached until five minutes after the last use');
      assert.equal(cache.expiredAt, undefined);
      assert.ok(estimate.cost.kind === 'priced' && cache.uncached);
      assert.ok(estimate.cost.credits.expected < cache.uncached.expected, `caching makes the follow-up cheaper: ${estimate.cost.credits.expected} vs ${cache.uncached.expected} cr`);
    });

    it(`${dialect}: says when the cache expired, and prices the history in full again`, async () => {
      const { thread } = await cachedThread(model, dialect);
      const warm = sessionFor(model, thread, dialect, T0 + 2 * MINUTE, 'And the 1-hour writes?').estimate();
      const cold = sessionFor(model, thread, dialect, T0 + (dialect === 'openai' ? 61 : 6) * MINUTE, 'And the 1-hour writes?').estimate();
      assert.equal(cold.cache?.readTokens, 0);
      assert.equal(cold.cache?.cachedUntil, undefined);
      assert.ok(cold.cache?.expiredAt !== undefined && cold.cache.expiredAt <= T0 + (dialect === 'openai' ? 60 : 5) * MINUTE, 'the expiry time is known');
      assert.ok(warm.cost.kind === 'priced' && cold.cost.kind === 'priced');
      assert.ok(cold.cost.usd.expected > 1.3 * warm.cost.usd.expected, `expired ${cold.cost.usd.expected} vs cached ${warm.cost.usd.expected}`);
    });

    it(`${dialect}: a keystroke moves only the prompt's share; the split equals the prediction from the request as sent`, async () => {
      const { thread } = await cachedThread(model, dialect);
      const at = T0 + 2 * MINUTE;
      const session = sessionFor(model, thread, dialect, at, '');
      const prompt = 'Please make the same change for the 1-hour writes, with a test for each tier boundary we discussed.';
      let previous = session.estimate().cache;
      for (const char of prompt) {
        session.editPrompt(session.promptText.length, 0, char);
        const cache = session.estimate().cache;
        assert.ok(cache && previous);
        assert.equal(cache.readTokens, previous.readTokens, 'typing never changes what is read');
        previous = cache;
      }
      const estimate = session.estimate();
      const counting = blockCounting(model);
      const sent = conversationRequest(conversationOf(thread, dialect), model, SYSTEM, prompt, [], counting).send.cacheRequest;
      const reference = cacheAwareCost(thread.cache ?? undefined, sent, at, { profile: DEFAULT_PROFILE, output: estimate.outputTokens, inputTokens: estimate.inputTokens });
      assert.deepEqual(
        [estimate.cache?.readTokens, estimate.cache?.writeTokens, estimate.cache?.freshTokens],
        [reference.cache.readTokens, reference.cache.writeTokens, reference.cache.freshTokens],
      );
      assert.deepEqual(estimate.cost, reference.cost);
    });
  }

  it('prices like quoteCachePrediction: the expected split at the typical answer, the range at the short and long ones', async () => {
    const model = 'claude-sonnet-4-5';
    const { thread } = await cachedThread(model, 'anthropic');
    const request = conversationRequest(conversationOf(thread, 'anthropic'), model, SYSTEM, 'Why?', [], blockCounting(model)).send.cacheRequest;
    const at = T0 + 3 * MINUTE;
    const output = { p10: 120, p50: 400, p90: 1500 };
    const { cost, cache } = cacheAwareCost(thread.cache ?? undefined, request, at, { profile: DEFAULT_PROFILE, output });
    const prediction = predictCache(thread.cache ?? undefined, request, at);
    const quote = (tokens: number) => quoteCachePrediction(prediction, tokens, model, DEFAULT_PROFILE);
    assert.ok(cost.kind === 'priced');
    assert.deepEqual([cost.usd.low, cost.usd.expected, cost.usd.high], [quote(120).expected.usd, quote(400).expected.usd, quote(1500).expected.usd]);
    assert.deepEqual([cost.credits.low, cost.credits.expected, cost.credits.high], [quote(120).expected.credits, quote(400).expected.credits, quote(1500).expected.credits]);
    assert.equal(cache.uncached?.expected, quote(400).uncached.credits);
    assert.deepEqual([cache.readTokens, cache.writeTokens, cache.freshTokens], [prediction.cacheReadTokens, prediction.cacheWriteTokens, prediction.freshInputTokens]);
  });

  it('openai: when the cache may or may not have lasted, the range covers both outcomes', async () => {
    const model = 'gpt-4.1';
    const { thread } = await cachedThread(model, 'openai');
    const request = conversationRequest(conversationOf(thread, 'openai'), model, SYSTEM, 'Why?', [], blockCounting(model)).send.cacheRequest;
    const output = { p10: 100, p50: 100, p90: 100 };
    const sure = cacheAwareCost(thread.cache ?? undefined, request, T0 + 2 * MINUTE, { profile: DEFAULT_PROFILE, output });
    const unsure = cacheAwareCost(thread.cache ?? undefined, request, T0 + 7 * MINUTE, { profile: DEFAULT_PROFILE, output });
    assert.ok(sure.cost.kind === 'priced' && unsure.cost.kind === 'priced');
    assert.equal(sure.cost.usd.low, sure.cost.usd.high, 'a certain hit: one outcome');
    assert.ok(unsure.prediction.alternative, 'past five minutes the hit is expected, not certain');
    assert.ok(unsure.cost.usd.high > unsure.cost.usd.expected, 'the high end is the miss');
    assert.equal(unsure.cost.usd.expected, sure.cost.usd.expected, 'the expected outcome is still the hit');
  });

  it('anthropic: a first message pays the write premium, which the estimate includes', async () => {
    const model = 'claude-sonnet-4-5';
    const counting = blockCounting(model);
    const built = conversationRequest(conversationOf(undefined, 'anthropic'), model, SYSTEM, PLACEHOLDER_PROMPT, turns[0].contexts, counting, { ignoreMinimum: true });
    const session = new EstimateSession({ model });
    session.setSystem([SYSTEM]);
    session.setContext(turns[0].contexts);
    session.setCache({ state: undefined, request: built.send.cacheRequest, placeholderTokens: promptPartTokens(PLACEHOLDER_PROMPT, turns[0].contexts, counting), at: T0 });
    session.setPrompt(turns[0].prompt);
    const estimate = session.estimate();
    assert.equal(estimate.cache?.readTokens, 0);
    assert.ok((estimate.cache?.writeTokens ?? 0) > 0.9 * estimate.inputTokens, 'everything up to the prompt is written for the follow-ups');
    assert.ok(estimate.cost.kind === 'priced' && estimate.cache?.uncached && estimate.cost.credits.expected >= estimate.cache.uncached.expected);
    assert.equal(estimate.cache?.cachedAfter?.until, T0 + 5 * MINUTE);
  });
});

describe('the extension adapter keeps one request per history', () => {
  it('builds the conversation request when the thread changes, not on a keystroke', async () => {
    const { store, thread } = await threadWith(2);
    const calibration = new CalibrationTable();
    let now = T0 + MINUTE;
    const estimator = new DraftEstimator({ profile: () => DEFAULT_PROFILE, calibration: () => calibration, history: () => [], now: () => now });
    const conversation: DraftConversation = { thread, threadId: thread.id, dialect: 'anthropic' };
    const draft = (prompt: string, conv = conversation) => ({ source: 'compose' as const, model: 'claude-sonnet-4-5', system: SYSTEM, prompt, contexts: [], kind: 'explain' as const, conversation: conv });
    const first = estimator.estimate(draft('Why?'));
    assert.equal(first.estimate.historyTurns, 2);
    const request = (estimator as unknown as { sessions: Map<string, { skeleton: { cache: { request: unknown } } }> }).sessions.get('compose')?.skeleton.cache.request;
    estimator.estimate(draft('Why is'));
    now += 1000;
    estimator.estimate(draft('Why is that'));
    const same = (estimator as unknown as { sessions: Map<string, { skeleton: { cache: { request: unknown } } }> }).sessions.get('compose')?.skeleton.cache.request;
    assert.equal(same, request, 'the same request object after keystrokes');
    await store.appendTurn(thread.id, { turnId: 't9', startedAt: new Date(T0), provider: 'anthropic', model: 'claude-sonnet-4-5', prompt: 'more', contexts: [] });
    await store.updateTurn(thread.id, 't9', { status: 'ok', answer: 'An answer.' });
    const grown = estimator.estimate(draft('Why is that', { ...conversation, thread: store.get(thread.id) }));
    assert.equal(grown.estimate.historyTurns, 3);
    assert.ok(grown.estimate.inputTokens > first.estimate.inputTokens);
    assert.equal(grown.sendTime.record?.cacheReadTokens, grown.estimate.cache?.readTokens);
    assert.equal(grown.sendTime.record?.cacheWriteTokens, grown.estimate.cache?.writeTokens);
  });
});
