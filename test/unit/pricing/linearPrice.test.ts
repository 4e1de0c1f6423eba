import { strict as assert } from 'node:assert';
import type { Provider } from '@pydantic/genai-prices';
import { DEFAULT_PROFILE, modelPricing, parseProfile } from '../../../src/core/pricing';
import { linearPricer } from '../../../src/core/pricing/linearPrice';
import { ZERO_USAGE } from '../../../src/core/usage';

const near = (actual: number, expected: number) =>
  assert.ok(Math.abs(actual - expected) <= 1e-12 * Math.max(1, expected), `${actual} != ${expected}`);

describe('fast uncached price', () => {
  it('equals the catalogue price on both sides of a long-context tier', () => {
    const pricing = modelPricing('claude-sonnet-4-5', DEFAULT_PROFILE);
    assert.equal(pricing.kind, 'priced');
    if (pricing.kind !== 'priced') {
      return;
    }
    for (const input of [0, 1, 999, 150_000, 199_999, 200_000, 200_001, 350_000, 1_000_000]) {
      for (const output of [0, 80, 3000]) {
        near(pricing.priceUncached(input, output), pricing.price({ ...ZERO_USAGE, inputTokens: input, outputTokens: output }).usd);
      }
    }
  });

  it('follows prices that change with the time of day', () => {
    const pricing = modelPricing('deepseek-chat', DEFAULT_PROFILE);
    assert.equal(pricing.kind, 'priced');
    if (pricing.kind !== 'priced') {
      return;
    }
    const peak = new Date('2026-01-05T10:00:00Z');
    const offPeak = new Date('2026-01-05T20:00:00Z');
    const atPeak = pricing.priceUncached(10_000, 1000, peak);
    const atNight = pricing.priceUncached(10_000, 1000, offPeak);
    assert.notEqual(atPeak, atNight);
    near(atPeak, pricing.price({ ...ZERO_USAGE, inputTokens: 10_000, outputTokens: 1000 }, peak).usd);
    near(atNight, pricing.price({ ...ZERO_USAGE, inputTokens: 10_000, outputTokens: 1000 }, offPeak).usd);
  });

  it('covers profile prices and overrides', () => {
    const profile = parseProfile({ models: [{ model: 'gpt-4o', prices: { output: 20 } }, { model: 'local-*', prices: { input: 0.5, output: 1 } }] }, 'test');
    for (const model of ['gpt-4o', 'local-llama']) {
      const pricing = modelPricing(model, profile);
      assert.equal(pricing.kind, 'priced');
      if (pricing.kind === 'priced') {
        near(pricing.priceUncached(12_345, 678), pricing.price({ ...ZERO_USAGE, inputTokens: 12_345, outputTokens: 678 }).usd);
      }
    }
  });

  it('keeps asking the exact price when it is not linear', () => {
    const provider: Provider = { id: 'p', name: 'p', api_pattern: '', models: [{ id: 'm', match: { equals: 'm' }, prices: { input_mtok: 1, output_mtok: 2 } }] };
    let calls = 0;
    const withMinimum = (input: number, output: number) => {
      calls++;
      return Math.max(0.01, (input + 2 * output) / 1e6);
    };
    const price = linearPricer(provider, withMinimum);
    assert.equal(price(100, 100), 0.01);
    assert.equal(price(50_000, 0), 0.05);
    const before = calls;
    price(60_000, 0);
    assert.equal(calls, before + 1);
  });
});

describe('fast price of a prompt-cache split', () => {
  const splits = (input: number) => [
    { inputTokens: input, cacheReadTokens: 0, cacheWriteTokens: 0 },
    { inputTokens: 3, cacheReadTokens: Math.max(0, input - 503), cacheWriteTokens: 500 },
    { inputTokens: Math.floor(input / 3), cacheReadTokens: Math.floor(input / 3), cacheWriteTokens: input - 2 * Math.floor(input / 3), cacheWrite1hTokens: Math.floor(input / 7) },
  ];

  for (const model of ['claude-sonnet-4-5', 'gpt-4.1', 'gpt-4o', 'claude-haiku-4-5']) {
    it(`equals the catalogue price for ${model}: reads, 5-minute and 1-hour writes, both sides of a tier`, () => {
      const pricing = modelPricing(model, DEFAULT_PROFILE);
      assert.equal(pricing.kind, 'priced');
      if (pricing.kind !== 'priced') {
        return;
      }
      for (const input of [0, 1, 1_024, 150_000, 199_999, 200_000, 200_001, 350_000]) {
        for (const split of splits(input)) {
          for (const output of [0, 80, 3000]) {
            const usage = { ...ZERO_USAGE, ...split, outputTokens: output };
            const fast = pricing.priceFast(usage);
            const exact = pricing.price(usage);
            near(fast.usd, exact.usd);
            near(fast.outputUsd, exact.outputUsd);
            near(fast.inputUsd, exact.inputUsd);
          }
        }
      }
    });
  }

  it('prices a cache read below, and a cache write above, the same tokens sent fresh (Anthropic)', () => {
    const pricing = modelPricing('claude-sonnet-4-5', DEFAULT_PROFILE);
    if (pricing.kind !== 'priced') {
      assert.fail('claude-sonnet-4-5 has a price');
    }
    const fresh = pricing.priceFast({ ...ZERO_USAGE, inputTokens: 10_000 }).usd;
    const read = pricing.priceFast({ ...ZERO_USAGE, cacheReadTokens: 10_000 }).usd;
    const write = pricing.priceFast({ ...ZERO_USAGE, cacheWriteTokens: 10_000 }).usd;
    near(read, fresh * 0.1);
    near(write, fresh * 1.25);
  });
});
