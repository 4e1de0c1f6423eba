import { strict as assert } from 'node:assert';
import { type CachePrediction, quoteCachePrediction } from '../../../src/core/cache';
import { type CreditQuote, DEFAULT_PROFILE, parseProfile, quoteCredits, quoteUsageSplit, toCatalogueUsage } from '../../../src/core/pricing';
import { ZERO_USAGE } from '../../../src/core/usage';

const close = (actual: number | undefined, expected: number) => assert.ok(actual !== undefined && Math.abs(actual - expected) < 1e-12, `${actual} != ${expected}`);

function usd(quote: CreditQuote): number {
  assert.equal(quote.kind, 'priced', quote.kind === 'noPrice' ? quote.reason : '');
  return quote.usd as number;
}

describe('pricing a prompt-cache split', () => {
  it('prices fresh input, cache reads, cache writes and output at the catalogue\'s rates', () => {
    // Claude Sonnet 4.5: $3 input, $0.30 cache read, $3.75 five-minute write, $15 output per million.
    const quote = quoteUsageSplit({ freshInputTokens: 1000, cacheReadTokens: 10_000, cacheWriteTokens: 2000, outputTokens: 500 }, 'claude-sonnet-4-5', DEFAULT_PROFILE);
    close(usd(quote), (1000 * 3 + 10_000 * 0.3 + 2000 * 3.75 + 500 * 15) / 1e6);
    assert.equal(quote.credits, 0.5, '$0.021 at $0.04 a credit, rounded to the 0.1 step');
  });

  it('prices the one-hour part of the writes at the one-hour rate ($6 a million on Sonnet 4.5)', () => {
    const quote = quoteUsageSplit({ freshInputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 2000, cacheWrite1hTokens: 1500, outputTokens: 0 }, 'claude-sonnet-4-5', DEFAULT_PROFILE);
    close(usd(quote), (500 * 3.75 + 1500 * 6) / 1e6);
  });

  it('is the same engine as a charge: the split as usage gives the same quote as quoteCredits', () => {
    const split = { freshInputTokens: 300, cacheReadTokens: 4096, cacheWriteTokens: 0, outputTokens: 700 };
    const viaSplit = quoteUsageSplit(split, 'gpt-4.1', DEFAULT_PROFILE);
    const viaUsage = quoteCredits({ ...ZERO_USAGE, inputTokens: 300, cacheReadTokens: 4096, outputTokens: 700 }, 'gpt-4.1', DEFAULT_PROFILE);
    assert.deepEqual(viaSplit, viaUsage);
    // gpt-4.1: $2 input, $0.50 cached input, $8 output per million.
    close(usd(viaSplit), (300 * 2 + 4096 * 0.5 + 700 * 8) / 1e6);
  });

  it('prices cache reads at the input price when the model has no cache price', () => {
    const profile = parseProfile({ models: [{ model: 'house-model', prices: { input: 1, output: 2 } }] }, 'test');
    const cached = quoteUsageSplit({ freshInputTokens: 0, cacheReadTokens: 1000, cacheWriteTokens: 0, outputTokens: 0 }, 'house-model', profile);
    close(usd(cached), 1000 / 1e6);
  });

  it('refuses a one-hour part larger than the writes', () => {
    assert.throws(() => toCatalogueUsage({ ...ZERO_USAGE, cacheWriteTokens: 10, cacheWrite1hTokens: 11 }), /cacheWrite1hTokens must be a number from 0 to cacheWriteTokens \(10\)/);
  });

  it('quotes a cache prediction against the same request without a cache', () => {
    const prediction: CachePrediction = {
      rules: 'anthropic', inputTokens: 21_000, cacheReadTokens: 20_000, cacheWriteTokens: 900, cacheWrite1hTokens: 0, freshInputTokens: 100,
      blocks: [], valid: true, notes: [],
      alternative: { cacheReadTokens: 0, cacheWriteTokens: 20_900, cacheWrite1hTokens: 0, freshInputTokens: 100 },
    };
    const quote = quoteCachePrediction(prediction, 400, 'claude-sonnet-4-5', DEFAULT_PROFILE);
    close(usd(quote.expected), (20_000 * 0.3 + 900 * 3.75 + 100 * 3 + 400 * 15) / 1e6);
    close(usd(quote.uncached), (21_000 * 3 + 400 * 15) / 1e6);
    close(quote.alternative && usd(quote.alternative), (20_900 * 3.75 + 100 * 3 + 400 * 15) / 1e6);
  });
});
