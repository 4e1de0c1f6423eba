import { strict as assert } from 'node:assert';
import { DEFAULT_PROFILE, creditsFor, parseProfile, quoteCredits, roundCredits } from '../../../src/core/pricing';
import { type TokenUsage, ZERO_USAGE } from '../../../src/core/usage';

const usage = (inputTokens: number, outputTokens: number): TokenUsage => ({ ...ZERO_USAGE, inputTokens, outputTokens });
const SONNET = 'claude-sonnet-4-5';

function credits(rounds: TokenUsage | TokenUsage[]): number {
  const quote = quoteCredits(rounds, SONNET, DEFAULT_PROFILE);
  assert.equal(quote.kind, 'priced');
  return quote.credits as number;
}

describe('credits', () => {
  describe('default profile on the service\'s published scale ($3 / $15 per million)', () => {
    it('(a) the simplest request, 1,000 in / 80 out, costs 0.1', () => {
      assert.equal(credits(usage(1000, 80)), 0.1);
    });

    it('(b) a quick refactor, 3,000 in / 1,000 out, costs 0.5-1', () => {
      const value = credits(usage(3000, 1000));
      assert.ok(value >= 0.5 && value <= 1, String(value));
    });

    it('(c) a plan or module refactor, 12,000 in / 3,000 out, costs 1-5', () => {
      const value = credits(usage(12_000, 3000));
      assert.ok(value >= 1 && value <= 5, String(value));
    });

    it('(d) six rounds totalling 150,000 in / 12,000 out cost 5-20, each round priced on its own', () => {
      const rounds = Array.from({ length: 6 }, () => usage(25_000, 2000));
      const value = credits(rounds);
      assert.ok(value >= 5 && value <= 20, String(value));
      // Summing the rounds into one 150k-input request must not be what is priced: with six larger
      // rounds the sum crosses the 200k tier while no single round does.
      const big = Array.from({ length: 6 }, () => usage(100_000, 2000));
      const asOne = quoteCredits(usage(600_000, 12_000), SONNET, DEFAULT_PROFILE);
      assert.ok(credits(big) < (asOne.credits as number));
    });
  });

  it('applies the minimum after rounding', () => {
    assert.equal(creditsFor(0.0001, DEFAULT_PROFILE, SONNET), 0.1);
    assert.equal(creditsFor(0, DEFAULT_PROFILE, SONNET), 0.1);
  });

  it('rounds to the nearest step by default and up when asked', () => {
    assert.equal(roundCredits(0.149, DEFAULT_PROFILE), 0.1);
    assert.equal(roundCredits(0.15, DEFAULT_PROFILE), 0.2);
    assert.equal(roundCredits(2.025, DEFAULT_PROFILE), 2);
    assert.equal(roundCredits(0.101, { roundingStep: 0.1, rounding: 'up' }), 0.2);
    assert.equal(roundCredits(0.3, { roundingStep: 0.1, rounding: 'up' }), 0.3);
    assert.equal(roundCredits(0.123456, { roundingStep: 0, rounding: 'nearest' }), 0.123456);
  });

  it('applies the model multiplier and the surcharges', () => {
    const profile = parseProfile({ models: [{ model: 'claude-opus-*', multiplier: 2 }], surcharges: { perToolCall: 0.1, perExtraRound: 0.5, perExternalCall: 1 } }, 'test');
    assert.equal(creditsFor(0.4, profile, 'claude-opus-4-1'), 20);
    assert.equal(creditsFor(0.4, profile, 'claude-sonnet-4-5'), 10);
    assert.equal(creditsFor(0.4, profile, 'claude-sonnet-4-5', { toolCalls: 3, rounds: 3, externalCalls: 2 }), 10 + 0.3 + 1 + 2);
  });

  it('quotes no credits for a model without a price', () => {
    const quote = quoteCredits(usage(1000, 100), 'no-such-model', DEFAULT_PROFILE);
    assert.equal(quote.kind, 'noPrice');
    assert.equal(quote.credits, undefined);
    assert.equal(quote.usd, undefined);
  });
});
