import { strict as assert } from 'node:assert';
import {
  DEFAULT_PROFILE,
  type PriceResult,
  type PricedUsage,
  findCatalogueModel,
  parseProfile,
  priceRounds,
  priceUsage,
} from '../../../src/core/pricing';
import { type TokenUsage, ZERO_USAGE } from '../../../src/core/usage';

const usage = (fields: Partial<TokenUsage>): TokenUsage => ({ ...ZERO_USAGE, ...fields });

function priced(result: PriceResult): PricedUsage {
  assert.equal(result.kind, 'priced', result.kind === 'noPrice' ? result.reason : '');
  return result as PricedUsage;
}

const close = (actual: number, expected: number) => assert.ok(Math.abs(actual - expected) < 1e-12, `${actual} != ${expected}`);

describe('request price', () => {
  it('prices a Claude Sonnet request at $3 / $15 per million', () => {
    const result = priced(priceUsage(usage({ inputTokens: 1000, outputTokens: 80 }), 'claude-sonnet-4-5', DEFAULT_PROFILE));
    close(result.usd, (1000 * 3 + 80 * 15) / 1e6);
    assert.equal(result.model, 'claude-sonnet-4-5');
    assert.equal(result.provider, 'anthropic');
    assert.equal(result.source, 'catalogue');
  });

  it('passes uncached input plus cache reads and writes as the catalogue\'s total input', () => {
    // 1,000 uncached at $3, 4,000 cache reads at $0.30, 2,000 cache writes at $3.75 per million.
    const result = priced(priceUsage(usage({ inputTokens: 1000, cacheReadTokens: 4000, cacheWriteTokens: 2000 }), 'claude-sonnet-4-5', DEFAULT_PROFILE));
    close(result.usd, (1000 * 3 + 4000 * 0.3 + 2000 * 3.75) / 1e6);
    close(result.inputUsd, result.usd);
  });

  it('counts reasoning as output, never twice', () => {
    const plain = priced(priceUsage(usage({ inputTokens: 100, outputTokens: 500 }), 'gpt-5', DEFAULT_PROFILE));
    const reasoning = priced(priceUsage(usage({ inputTokens: 100, outputTokens: 500, reasoningTokens: 400 }), 'gpt-5', DEFAULT_PROFILE));
    close(reasoning.usd, plain.usd);
  });

  it('takes the long-context tier from the catalogue, judged per request', () => {
    const long = priced(priceUsage(usage({ inputTokens: 250_000 }), 'claude-sonnet-4-5', DEFAULT_PROFILE));
    close(long.usd, (250_000 * 6) / 1e6);
    const twoRounds = priced(priceRounds([usage({ inputTokens: 150_000 }), usage({ inputTokens: 150_000 })], 'claude-sonnet-4-5', DEFAULT_PROFILE));
    close(twoRounds.usd, (300_000 * 3) / 1e6);
  });

  it('matches provider-prefixed ids and provider hints', () => {
    const plain = priced(priceUsage(usage({ inputTokens: 1000, outputTokens: 100 }), 'claude-sonnet-4-5', DEFAULT_PROFILE));
    for (const id of ['anthropic/claude-sonnet-4-5', 'anthropic:claude-sonnet-4-5', 'Claude-Sonnet-4-5-20250929']) {
      close(priced(priceUsage(usage({ inputTokens: 1000, outputTokens: 100 }), id, DEFAULT_PROFILE)).usd, plain.usd);
    }
    const gpt = priced(priceUsage(usage({ inputTokens: 1000, outputTokens: 100 }), 'openai/gpt-4o', DEFAULT_PROFILE));
    assert.equal(gpt.provider, 'openai');
    close(gpt.usd, (1000 * 2.5 + 100 * 10) / 1e6);
    const viaUrl = priced(priceUsage(usage({ inputTokens: 1000 }), 'anthropic/claude-sonnet-4.5', DEFAULT_PROFILE, { providerApiUrl: 'https://openrouter.ai/api/v1' }));
    assert.equal(viaUrl.provider, 'openrouter');
    assert.equal(findCatalogueModel('claude-sonnet-4-5', { providerId: 'anthropic' })?.providerId, 'anthropic');
  });

  it('never prices an unknown model at 0', () => {
    const result = priceUsage(usage({ inputTokens: 1000, outputTokens: 100 }), 'llama3.1:8b', DEFAULT_PROFILE);
    assert.equal(result.kind, 'noPrice');
    assert.match(result.kind === 'noPrice' ? result.reason : '', /no price for model 'llama3\.1:8b'/);
    assert.equal(priceUsage(ZERO_USAGE, 'totally-made-up-model', DEFAULT_PROFILE).kind, 'noPrice');
  });

  it('prices an unknown model from a profile override, 0 included as an explicit choice', () => {
    const profile = parseProfile({ models: [{ model: 'llama*', prices: { input: 0, output: 0 } }, { model: 'my-model', prices: { input: 1, output: 2 } }] }, 'test');
    const local = priced(priceUsage(usage({ inputTokens: 5000, outputTokens: 500 }), 'ollama/llama3.1:8b', profile));
    assert.equal(local.usd, 0);
    assert.equal(local.source, 'profile');
    const mine = priced(priceUsage(usage({ inputTokens: 1_000_000, outputTokens: 1_000_000 }), 'my-model', profile));
    close(mine.usd, 3);
    const partial = parseProfile({ models: [{ model: 'mystery', prices: { input: 1 } }] }, 'test');
    const result = priceUsage(usage({ inputTokens: 1 }), 'mystery', partial);
    assert.equal(result.kind, 'noPrice');
    assert.match(result.kind === 'noPrice' ? result.reason : '', /needs both "input" and "output"/);
  });

  it('lets a profile override part of a catalogue price', () => {
    const profile = parseProfile({ models: [{ model: 'gpt-4o', prices: { output: 20 } }] }, 'test');
    const result = priced(priceUsage(usage({ inputTokens: 1000, outputTokens: 1000 }), 'gpt-4o', profile));
    close(result.usd, (1000 * 2.5 + 1000 * 20) / 1e6);
    assert.equal(result.source, 'catalogue+profile');
  });

  it('rejects impossible usage with the field named', () => {
    assert.throws(() => priceUsage(usage({ outputTokens: -1 }), 'gpt-4o', DEFAULT_PROFILE), /outputTokens must be a number >= 0/);
  });
});
