import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { get_encoding, type Tiktoken } from 'tiktoken';
import { MESSAGE_FORMATS, estimateRequest, messageOverhead, sentRequest, userMessageParts } from '../../../src/core/estimate';
import { DEFAULT_PROFILE, quoteCredits } from '../../../src/core/pricing';
import { CalibrationTable, loadCounter } from '../../../src/core/tokens';
import { DraftEstimator } from '../../../src/send/draftEstimator';
import { TurnRunner } from '../../../src/send/turnRunner';
import type { Draft, DraftContext, DraftSource } from '../../../src/send/turnTypes';
import type { ChatProvider, ChatRequest } from '../../../src/providers/types';

function estimator(calibration = new CalibrationTable()): DraftEstimator {
  return new DraftEstimator({ profile: () => DEFAULT_PROFILE, calibration: () => calibration, history: () => [] });
}

const context: DraftContext = { kind: 'selection', label: 'src/a.ts:1-3', text: 'function add(a: number, b: number) {\n  return a + b;\n}' };
const root = path.resolve(__dirname, '..', '..', '..');
const source = fs.readFileSync(path.join(root, 'src/core/estimate/estimateSession.ts'), 'utf8');

/** A provider that answers nothing and keeps what it was sent. */
function capturingProvider(): ChatProvider & { requests: ChatRequest[] } {
  const requests: ChatRequest[] = [];
  return {
    kind: 'openai',
    requests,
    send: (request) => {
      requests.push(request);
      const now = new Date();
      return Promise.resolve({ ok: true, status: 'ok', text: '', attempts: [{ attempt: 1, status: 'ok', usageSource: 'estimated', chargeSource: 'computed', startedAt: now, finishedAt: now, text: '' }] });
    },
  };
}

/** Tokens of the sent request as OpenAI counts a chat request: each message's role and content, its framing, the reply priming. */
function exactCount(encoding: Tiktoken, request: ChatRequest): number {
  const messages = [...(request.system ? [{ role: 'system', content: request.system }] : []), ...request.messages];
  const format = MESSAGE_FORMATS.openai;
  return messages.reduce((sum, message) => sum + format.perMessage + encoding.encode_ordinary(message.role).length + encoding.encode_ordinary(message.content).length, 0) + format.replyPriming;
}

/** A deterministic pseudo-random generator, so a failure names a reproducible draft. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

const PROMPT_STARTS = ['/explain', '/', '//', '/ fix', ' ', '   ', '\n', '\n\n', '\r\n', '\t', ' \n ', '!', '?', '.', '...', ')', '>', '>>', '<', '"', "'s", "'ll", '`', '```ts\n', '-', '—', '#', '*', '1', '12345', '漢字', '🙂', 'Explain', 'a', '\u00a0', '\u3000x', ''];
const PROMPT_ENDS = ['', ' ', '\n', '\n\n', '?', '/', ' /', '>', '`', '🙂', '\t\n'];
const BODIES = ['why does this fail', 'Rename `total` to `sum`', 'fix  the   spacing', 'explain\n\nthis\n', 'käse ÄÖÜ', "it's", '<context kind="x">', '</context>', '0.5/1'];
const TEXTS = ['', ' ', '\n', 'x', '/', '>', 'a\n', '\n\n', source.slice(0, 900), source.slice(900, 2400) + '\n', '  indented\n    more  \n', 'end with slash/', '>>>', '🙂🙂', 'def f():\n    return 1\n\n\n'];
const LABELS = ['src/a.ts:1-3', 'a "quoted" & <odd> label', 'λ.py', 'x'];

describe('draft estimator and what is sent', () => {
  let o200k: Tiktoken;
  let cl100k: Tiktoken;
  before(() => {
    o200k = get_encoding('o200k_base');
    cl100k = get_encoding('cl100k_base');
  });
  after(() => {
    o200k.free();
    cl100k.free();
  });

  it('counts exactly what the send path sends, byte for byte, over many adversarial drafts', async () => {
    const next = random(9);
    const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)];
    const provider = capturingProvider();
    const runner = new TurnRunner({ ledger: { append: () => Promise.resolve() }, pricing: () => ({ profile: DEFAULT_PROFILE }) });
    const live = estimator();
    let checked = 0;
    for (let round = 0; round < 400; round++) {
      const model = round % 3 === 0 ? 'gpt-4' : 'gpt-4.1';
      const encoding = model === 'gpt-4' ? cl100k : o200k;
      const prompt = pick(PROMPT_STARTS) + (next() < 0.7 ? pick(BODIES) : '') + pick(PROMPT_ENDS);
      const contexts: DraftContext[] = Array.from({ length: Math.floor(next() * 4) }, () => ({ kind: pick(['selection', 'file', 'pasted'] as const), label: pick(LABELS), text: pick(TEXTS) }));
      const system = pick(['', 'Be brief.', 'You are a concise coding assistant.\n', '/system']);
      const source: DraftSource = pick(['compose', 'inputBox', 'selection', 'hover'] as const);
      const draft: Draft = { prompt, contexts, modelRef: `openai:${model}`, kind: 'explain', source };
      const estimate = live.estimate({ source, model, system, prompt, contexts, kind: 'explain' });
      await runner.run({ provider, model, draft, system, estimate: estimate.sendTime, storePrompts: false });
      const sent = provider.requests[provider.requests.length - 1];
      const parts = userMessageParts(prompt, contexts);
      assert.equal([...parts.contexts, parts.prompt].join(''), sent.messages[0].content, 'the counted parts are the sent message, byte for byte');
      assert.deepEqual(sent, { ...sentRequest({ system: [system], prompt, contexts }), model, inputTokenEstimate: estimate.estimate.inputTokens, signal: sent.signal });
      const exact = exactCount(encoding, sent);
      assert.equal(estimate.estimate.inputTokens, exact, `draft ${round}: ${JSON.stringify({ model, system, prompt, contexts: contexts.map((c) => [c.label, c.text.slice(0, 20)]) })}`);
      assert.equal(estimate.estimate.exact, true);
      checked++;
    }
    assert.equal(checked, 400);
  });

  it('stays exact while a prompt is typed, edited and cleared next to contexts', () => {
    const live = estimator();
    const contexts = [context, { ...context, label: 'b', text: source.slice(0, 3000) }];
    const text = '/refactor   this loop into a map/filter chain, keep the 🙂 comments and\n\n  the whitespace runs.';
    let typed = '';
    for (const char of [...text, '\b', '\b', '\n', '/', '\b']) {
      typed = char === '\b' ? typed.slice(0, -1) : typed + char;
      const estimate = live.estimate({ source: 'compose', model: 'gpt-4o', system: 'S', prompt: typed, contexts, kind: 'refactor' });
      const sent = sentRequest({ system: ['S'], prompt: typed, contexts });
      assert.equal(estimate.estimate.inputTokens, exactCount(o200k, { model: 'gpt-4o', ...sent }), JSON.stringify(typed));
    }
  });

  it('keeps one session per source, so another source never re-diffs this one', () => {
    const live = estimator();
    const compose = live.estimate({ source: 'compose', model: 'gpt-4.1', system: '', prompt: 'Explain this function in detail.', contexts: [context], kind: 'explain' });
    live.estimate({ source: 'hover', model: 'gpt-4.1', system: '', prompt: source, contexts: [], kind: 'other' });
    const again = live.estimate({ source: 'compose', model: 'gpt-4.1', system: '', prompt: 'Explain this function in detail.', contexts: [context], kind: 'explain' });
    assert.deepEqual(again.estimate, compose.estimate);
  });

  it('gives the same parts, input tokens and credits as the core estimate the CLI prints', () => {
    for (const model of ['gpt-4.1', 'claude-sonnet-4-5', 'gemini-2.5-pro']) {
      const adapter = estimator().estimate({ source: 'compose', model, system: 'Be brief.', prompt: 'Fix the off-by-one.', contexts: [context], kind: 'fix' });
      const core = estimateRequest({ model, system: ['Be brief.'], prompt: 'Fix the off-by-one.', context: [context], kind: 'fix' });
      assert.deepEqual(adapter.estimate, core, model);
    }
  });

  it('scales proxy counts by the calibration factor, but never the framing', () => {
    const calibration = new CalibrationTable();
    const prompt = 'Explain the bug in this code please.';
    const estimate = estimator(calibration).estimate({ source: 'compose', model: 'claude-sonnet-4-5', system: '', prompt, contexts: [], kind: 'explain' });
    const raw = loadCounter('o200k_base').count(prompt);
    assert.equal(estimate.summary.exact, false);
    assert.equal(estimate.estimate.parts.find((part) => part.kind === 'prompt')?.tokens, Math.round(raw * calibration.factor('anthropic')));
    assert.equal(estimate.estimate.parts.find((part) => part.kind === 'overhead')?.tokens, messageOverhead(MESSAGE_FORMATS.anthropic, 1));
    assert.equal(estimate.estimate.family, 'anthropic');
    assert.equal(estimate.estimate.countedInputTokens, raw + messageOverhead(MESSAGE_FORMATS.anthropic, 1));
  });

  it('prices the range from the profile and keeps it for the record', () => {
    const estimate = estimator().estimate({ source: 'compose', model: 'gpt-4.1', system: 'S', prompt: 'Fix the off-by-one.', contexts: [context], kind: 'fix' });
    const credits = estimate.summary.credits;
    assert.ok(credits);
    assert.ok(credits.low <= credits.expected && credits.expected <= credits.high);
    assert.deepEqual(estimate.sendTime.record, { ...credits, inputTokens: estimate.summary.inputTokens, outputTokens: estimate.summary.outputTokens.p50, cacheReadTokens: 0, cacheWriteTokens: 0 });
    assert.deepEqual(estimate.sendTime.counts.contextTokens, estimate.contextTokens);
    const expected = quoteCredits({ inputTokens: estimate.summary.inputTokens, cacheReadTokens: 0, cacheWriteTokens: 0, outputTokens: estimate.summary.outputTokens.p50, reasoningTokens: 0 }, 'gpt-4.1', DEFAULT_PROFILE);
    assert.equal(credits.expected, expected.credits);
  });

  it('says there is no price for an unknown model instead of 0', () => {
    const estimate = estimator().estimate({ source: 'compose', model: 'my-local-model', system: '', prompt: 'hi', contexts: [], kind: 'other' });
    assert.equal(estimate.summary.credits, null);
    assert.equal(estimate.sendTime.record, null);
  });
});
