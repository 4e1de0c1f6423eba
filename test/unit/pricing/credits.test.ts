import { strict as assert } from 'node:assert';
import { CreditRangeError, DEFAULT_PROFILE, creditsFor, parseProfile, quoteCredits, roundCredits } from '../../../src/core/pricing';
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

  it('never answers Infinity or NaN: an overflow is an error that names its cause', () => {
    // The widest profile the ranges allow still gives finite credits for any real price...
    const widest = parseProfile({ usdPerCredit: 0.000001, models: [{ model: '*', multiplier: 1000 }], roundingStep: 0.000001 }, 'test');
    const big = creditsFor(1e12, widest, SONNET);
    assert.ok(Number.isFinite(big) && big > 0, String(big));
    // ...and a price that would overflow is refused with the terms that made it overflow.
    assert.throws(() => creditsFor(1e305, widest, SONNET), (error: unknown) =>
      error instanceof CreditRangeError && /credits overflow: \$1e\+305 at usdPerCredit 0\.000001 × multiplier 1000 \(rule '\*'\) is not a finite number/.test(error.message));
    assert.throws(() => creditsFor(Number.POSITIVE_INFINITY, DEFAULT_PROFILE, SONNET), CreditRangeError);
    assert.throws(() => creditsFor(Number.NaN, DEFAULT_PROFILE, SONNET), /a request's price must be a finite number of USD >= 0, got NaN/);
    // A profile built around the schema (as code may) is checked too.
    assert.throws(() => creditsFor(1, { ...DEFAULT_PROFILE, usdPerCredit: 0 }, SONNET), /usdPerCredit must be a finite number above 0, got 0/);
    assert.throws(() => creditsFor(1, { ...DEFAULT_PROFILE, usdPerCredit: 1e-320 }, SONNET), /credits overflow/);
    assert.throws(() => creditsFor(1e300, { ...DEFAULT_PROFILE, usdPerCredit: 0.04 }, SONNET), /credits overflow: .* rounded to 0\.1/);
  });

  it('ignores counts that are not finite and positive instead of turning them into NaN', () => {
    const profile = parseProfile({ surcharges: { perToolCall: 1, perExtraRound: 1, perExternalCall: 1 } }, 'test');
    assert.equal(creditsFor(0.4, profile, SONNET, { toolCalls: Number.NaN, rounds: Number.NaN, externalCalls: Number.POSITIVE_INFINITY }), 10);
  });

  it('quotes no credits for a model without a price', () => {
    const quote = quoteCredits(usage(1000, 100), 'no-such-model', DEFAULT_PROFILE);
    assert.equal(quote.kind, 'noPrice');
    assert.equal(quote.credits, undefined);
    assert.equal(quote.usd, undefined);
  });
});
