/**
 * Accuracy of the cache-aware estimate against a server that caches and bills like the provider.
 *
 * A three-message Compose thread, built the way Compose will build it (thread store, follow-up
 * request, breakpoint policy for Anthropic), is sent through the real provider adapters to the
 * caching upstream. Before each send the estimate is made from the very body the dialect builds
 * (raw-request adapter, cache model, `quoteCachePrediction`); after it the charge is computed from
 * the usage the server reported (`quoteCredits`). The answer's length is taken as known here, so the
 * error measured is the input side: token counts, and which part is read, written or fresh.
 */
import { strict as assert } from 'node:assert';
import {
  type BlockCounting,
  type CacheRequest,
  anthropicCacheRequest,
  anthropicCacheRules,
  anthropicPromptBlocks,
  modelTokenCounter,
  openAiCacheRequest,
  placeBreakpoints,
  predictCache,
  quoteCachePrediction,
  recordSend,
} from '../../../src/core/cache';
import { type CreditQuote, DEFAULT_PROFILE, quoteCredits } from '../../../src/core/pricing';
import { ThreadStore, type UserMessageParts, buildThreadRequest, memoryThreadStorage } from '../../../src/core/threads';
import { CalibrationTable, loadCounter } from '../../../src/core/tokens';
import { anthropicDialect } from '../../../src/providers/anthropicDialect';
import { createAnthropicProvider } from '../../../src/providers/anthropicMessages';
import { createOpenAiCompatibleProvider } from '../../../src/providers/openAiCompatible';
import { openAiDialect } from '../../../src/providers/openAiDialect';
import type { ChatRequest } from '../../../src/providers/types';
import { type CachingUpstream, startCachingUpstream } from '../../support/cachingUpstream';
import { ANSWERS, type CacheFigures, SYSTEM, T0, TURNS, contextFiles, reportCacheFigures } from '../../support/cachedConversation';

/** The user message as Compose writes it: each context in a labelled block, blank-line separated, then the prompt. */
const userMessageParts: UserMessageParts = (prompt, contexts) => [
  ...contexts.map((context) => `<context kind="${context.kind}" label="${context.label.replace(/"/g, '&quot;')}">\n${context.text}\n</context>\n\n`),
  prompt,
];

/** The estimator's message framing: OpenAI's documented 3 + 1 per message and 3 to prime the reply; Claude's approximate 2 and 1. */
const FRAMING = { openai: { perMessageTokens: 4, replyPrimingTokens: 3 }, anthropic: { perMessageTokens: 2, replyPrimingTokens: 1 } } as const;


function usdOf(quote: CreditQuote): number {
  assert.equal(quote.kind, 'priced');
  return quote.usd as number;
}

async function runThread(dialect: 'anthropic' | 'openai', server: CachingUpstream, setClock: (ms: number) => void): Promise<CacheFigures[]> {
  const model = dialect === 'anthropic' ? 'claude-sonnet-4-5' : 'gpt-4.1';
  const wire = dialect === 'anthropic' ? anthropicDialect() : openAiDialect();
  const provider = dialect === 'anthropic'
    ? createAnthropicProvider({ baseUrl: server.url, apiKey: 'test-key', maxAttempts: 1 })
    : createOpenAiCompatibleProvider({ baseUrl: server.url, apiKey: 'test-key', maxAttempts: 1 });
  const calibration = new CalibrationTable();
  const { store } = await ThreadStore.open(memoryThreadStorage(), { storeText: true });
  const { id } = await store.create();
  const contexts = contextFiles();
  const figures: CacheFigures[] = [];

  for (const [index, turn] of TURNS.entries()) {
    const at = T0 + turn.minute * 60_000;
    setClock(at);
    const next = { prompt: turn.prompt, contexts: index === 0 ? contexts : [] };
    const countTokens = modelTokenCounter(model, calibration);
    const { request } = buildThreadRequest(store.get(id), next, { system: SYSTEM, userMessageParts });
    const conversation = dialect === 'anthropic'
      ? placeBreakpoints(request, { rules: anthropicCacheRules(model), countTokens }).request
      : request;
    const chat: ChatRequest = { model, system: SYSTEM, systemBlocks: conversation.system, messages: conversation.messages, maxTokens: 1024 };
    const body = wire.buildRequest(chat, undefined).body;
    const counting: BlockCounting = { countTokens, ...FRAMING[dialect] };
    const cacheRequest: CacheRequest = dialect === 'anthropic' ? anthropicCacheRequest(body, counting) : openAiCacheRequest(body, counting);
    const prediction = predictCache(store.get(id)?.cache ?? undefined, cacheRequest, at);

    const turnId = `turn-${index + 1}`;
    await store.appendTurn(id, { turnId, startedAt: new Date(at), provider: dialect, model, prompt: next.prompt, contexts: next.contexts });
    const result = await provider.send(chat);
    assert.equal(result.ok, true, result.error?.message);
    const usage = result.attempts[result.attempts.length - 1].usage;
    assert.ok(usage, 'the server reported usage');
    const charge = quoteCredits(usage, model, DEFAULT_PROFILE);
    const quote = quoteCachePrediction(prediction, usage.outputTokens, model, DEFAULT_PROFILE);
    await store.updateTurn(id, turnId, { status: 'ok', answer: result.text, charge: { credits: charge.credits ?? null, usd: charge.usd ?? null } });
    await store.setCacheState(id, recordSend(store.get(id)?.cache ?? undefined, cacheRequest, at, usage));

    if (dialect === 'anthropic') {
      // As the extension does after every answered request: learn Claude's token ratio from the reported input.
      const raw = loadCounter('o200k_base');
      const rawBlocks = anthropicPromptBlocks(body, { countTokens: (text) => raw.count(text), ...FRAMING.anthropic });
      calibration.observe('anthropic', rawBlocks.reduce((sum, block) => sum + block.tokens, 0), usage.inputTokens + usage.cacheReadTokens + usage.cacheWriteTokens);
    }
    const estimateUsd = usdOf(quote.expected);
    const chargeUsd = usdOf(charge);
    figures.push({
      turn: index + 1,
      predicted: `${prediction.cacheReadTokens}/${prediction.cacheWriteTokens}/${prediction.freshInputTokens}`,
      reported: `${usage.cacheReadTokens}/${usage.cacheWriteTokens}/${usage.inputTokens}`,
      estimateUsd,
      chargeUsd,
      uncachedUsd: usdOf(quote.uncached),
      error: (estimateUsd - chargeUsd) / chargeUsd,
      errorWithoutCacheModel: (usdOf(quote.uncached) - chargeUsd) / chargeUsd,
    });
  }
  return figures;
}


describe('cache-aware estimate accuracy against a caching upstream (three-message thread)', () => {
  let server: CachingUpstream | undefined;
  let clock = T0;
  before(async () => {
    server = await startCachingUpstream({ now: () => clock, answer: (_request, index) => ANSWERS[index % ANSWERS.length] });
  });
  after(async () => {
    await server?.close();
  });

  it('Anthropic (breakpoints placed by the policy): every cached follow-up is estimated within 10 % of its charge', async () => {
    const figures = await runThread('anthropic', server as CachingUpstream, (ms) => (clock = ms));
    reportCacheFigures('anthropic turn', figures);
    const [first, ...followUps] = figures;
    assert.equal(first.predicted.split('/')[0], '0', 'nothing to read on the first message');
    for (const turn of followUps) {
      assert.ok(Number(turn.reported.split('/')[0]) > 0, `turn ${turn.turn} read from the cache`);
      assert.ok(Math.abs(turn.error) < 0.1, `turn ${turn.turn}: ${(turn.error * 100).toFixed(1)} % off`);
      assert.ok(Math.abs(turn.errorWithoutCacheModel) > 0.5, 'the cache matters: an estimate that ignored it would be far off');
    }
  });

  it('OpenAI (automatic prefix caching): every cached follow-up is estimated within 10 % of its charge', async () => {
    const figures = await runThread('openai', server as CachingUpstream, (ms) => (clock = ms));
    reportCacheFigures('openai turn', figures);
    for (const turn of figures.slice(1)) {
      assert.ok(Number(turn.reported.split('/')[0]) >= 1024, `turn ${turn.turn} read from the cache`);
      assert.ok(Math.abs(turn.error) < 0.1, `turn ${turn.turn}: ${(turn.error * 100).toFixed(1)} % off`);
    }
    assert.ok(figures.every((turn) => Math.abs(turn.error) < 0.02), 'exact tokenizer: within 2 % on every turn');
  });
});
