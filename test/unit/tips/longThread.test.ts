import { strict as assert } from 'node:assert';
import { DEFAULT_PROFILE } from '../../../src/core/pricing';
import { type LongThreadFacts, type TipDraft, TIP_THRESHOLDS, computeTips, profilePrice } from '../../../src/core/tips';
import { countWords } from './tipFixtures';

const words = (facts: LongThreadFacts) => ({ title: 'Start a new thread from a summary', message: `resends ${facts.resentTokens} tokens over ${facts.turns} turns; a summary: ${facts.summaryTokens}` });
const env = { price: profilePrice(DEFAULT_PROFILE), countTokens: countWords, longThreadText: words };

function followUp(historyTokens: number, cache?: TipDraft['cache']): TipDraft {
  return {
    model: 'claude-sonnet-4-5',
    prompt: 'And what about the retry path?',
    promptTokens: 8,
    systemTokens: 20,
    overheadTokens: 12,
    contexts: [],
    output: { p50: 400, p90: 1200 },
    kind: 'explain',
    history: { tokens: historyTokens, turns: 6 },
    ...(cache ? { cache } : {}),
  };
}

describe('tip: a long thread resends its history with every message', () => {
  it('offers a new thread from a summary, with the facts worded by the surface and a one-click action', () => {
    const [tip] = computeTips(followUp(42_000), env).filter((candidate) => candidate.id === 'longThread');
    assert.ok(tip, 'the tip fires for 42k resent tokens');
    assert.equal(tip.action, 'newThreadFromSummary');
    assert.equal(tip.message, `resends 42000 tokens over 6 turns; a summary: ${TIP_THRESHOLDS.threadSummaryTokens}`);
    assert.equal(tip.savingTokens, 42_000 - TIP_THRESHOLDS.threadSummaryTokens);
    // Uncached: 41,200 input tokens fewer at $3 per million, 0.04 USD per credit: about 3.1 credits.
    assert.ok(tip.savingCredits !== undefined && Math.abs(tip.savingCredits - 3.1) <= 0.1, String(tip.savingCredits));
  });

  it('prices the saving with the cache: a history read from the cache saves about a tenth', () => {
    const total = 42_000 + 40;
    const cached = computeTips(followUp(42_000, { readTokens: 42_020, writeTokens: 20, write1hTokens: 0, freshTokens: total - 42_040 }), env).find((tip) => tip.id === 'longThread');
    const uncached = computeTips(followUp(42_000), env).find((tip) => tip.id === 'longThread');
    assert.ok(cached?.savingCredits !== undefined && uncached?.savingCredits !== undefined);
    assert.ok(cached.savingCredits < uncached.savingCredits / 5, `${cached.savingCredits} vs ${uncached.savingCredits}`);
    assert.ok(cached.savingCredits > 0);
  });

  it('stays quiet for a short thread, a first message, or a surface that cannot offer it', () => {
    assert.equal(computeTips(followUp(TIP_THRESHOLDS.longThreadTokens - 1), env).some((tip) => tip.id === 'longThread'), false);
    const { history: _none, ...first } = followUp(42_000);
    assert.equal(computeTips(first, env).some((tip) => tip.id === 'longThread'), false);
    assert.equal(computeTips(followUp(42_000), { price: env.price, countTokens: countWords }).some((tip) => tip.id === 'longThread'), false);
  });
});
