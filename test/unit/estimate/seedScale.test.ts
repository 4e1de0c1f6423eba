import { strict as assert } from 'node:assert';
import { OUTPUT_PRIORS, estimateRequest, outputPrior, predictOutput, predictRounds } from '../../../src/core/estimate';
import { tokenizerForModel } from '../../../src/core/tokens';
import { SEED_MODEL, estimateSeed, seedCases } from '../../support/seedScale';

describe("estimates on the service's scale (claude-sonnet-4-5, default profile)", () => {
  for (const seed of seedCases()) {
    it(`${seed.name}: expected ${seed.expected[0]}–${seed.expected[1]} cr`, () => {
      const estimate = estimateSeed(seed);
      assert.equal(estimate.model, SEED_MODEL);
      assert.equal(estimate.cost.kind, 'priced');
      const credits = estimate.cost.credits;
      assert.ok(credits && credits.expected >= seed.expected[0] && credits.expected <= seed.expected[1], `expected ${credits?.expected} cr in ${seed.expected.join('–')} (input ${estimate.inputTokens}, output p50 ${estimate.outputTokens.p50}, ${estimate.rounds} rounds)`);
    });
  }

  it('classifies the seed prompts as the kinds the scale names', () => {
    assert.deepEqual(seedCases().slice(0, 3).map((seed) => estimateSeed(seed).kind), ['edit', 'refactor', 'plan']);
  });
});

describe('output sized by the code a request is about', () => {
  it('scales edit, fix and refactor with the code, and leaves the other kinds at their priors', () => {
    for (const kind of ['edit', 'fix', 'refactor'] as const) {
      const small = outputPrior(kind, 200);
      const large = outputPrior(kind, 4000);
      assert.ok(large.p50 > small.p50 && large.p90 > small.p90, kind);
      assert.ok(small.p10 <= small.p50 && small.p50 <= small.p90);
      assert.deepEqual({ ...outputPrior(kind, 0), scaled: true }, { ...OUTPUT_PRIORS[kind], scaled: true }, 'no code: the fixed prior');
    }
    for (const kind of ['explain', 'generate', 'plan', 'other'] as const) {
      assert.deepEqual(outputPrior(kind, 4000), { ...OUTPUT_PRIORS[kind], scaled: false });
    }
    assert.ok(outputPrior('edit', 500).p50 < 200, 'an alias for a 40-line function is a diff, not a rewrite');
    assert.deepEqual(outputPrior('refactor', 1_000_000), outputPrior('refactor', 24_000), 'capped');
  });

  it('lets history override the scaled prior as it accumulates', () => {
    const familyOf = (model: string) => tokenizerForModel(model).family;
    const history = Array.from({ length: 100 }, () => ({ model: SEED_MODEL, kind: 'edit' as const, outputTokens: 40, inputTokens: 800 }));
    const prior = predictOutput([], SEED_MODEL, 'anthropic', 'edit', familyOf, 2000);
    const learned = predictOutput(history, SEED_MODEL, 'anthropic', 'edit', familyOf, 2000);
    assert.equal(prior.scaledByCode, true);
    assert.ok(learned.p50 < prior.p50 / 3, `${learned.p50} vs ${prior.p50}`);
    assert.equal(learned.source, 'history');
  });

  it('the estimate sizes the answer by the attached code', () => {
    const small = estimateRequest({ model: 'gpt-4.1', prompt: 'rename x to y', context: [{ kind: 'selection', label: 'a', text: 'let x = 1;\n' }] });
    const large = estimateRequest({ model: 'gpt-4.1', prompt: 'rename x to y', context: [{ kind: 'selection', label: 'a', text: 'let x = 1;\n'.repeat(400) }] });
    assert.equal(small.kind, 'edit');
    assert.ok(large.codeTokens > small.codeTokens);
    assert.ok(large.outputTokens.p50 > small.outputTokens.p50);
  });
});

describe('rounds', () => {
  it('come from the caller, else from history of similar requests, else from the kind', () => {
    assert.deepEqual(predictRounds([], 'plan', 3), { rounds: 3, source: 'given' });
    assert.deepEqual(predictRounds([], 'plan'), { rounds: 1, source: 'kind' });
    const history = [4, 6, 6, 9, 20].map((rounds) => ({ model: 'gpt-4.1', kind: 'generate' as const, outputTokens: 100, inputTokens: 100, rounds }));
    assert.deepEqual(predictRounds(history, 'generate'), { rounds: 6, source: 'history' });
    assert.deepEqual(predictRounds(history, 'fix'), { rounds: 1, source: 'kind' });
    assert.throws(() => predictRounds([], 'fix', 101), /from 1 to 100/);
  });

  it('multiply input as well as output, each round reading what the earlier ones added', () => {
    const one = estimateRequest({ model: 'gpt-4.1', prompt: 'fix it', kind: 'fix', rounds: 1 });
    const eight = estimateRequest({ model: 'gpt-4.1', prompt: 'fix it', kind: 'fix', rounds: 8 });
    assert.equal(eight.roundsSource, 'given');
    const usd = (estimate: typeof one) => (estimate.cost.kind === 'priced' ? estimate.cost.usd.expected : NaN);
    // Round n reads the input plus n earlier answers: 8 × input + (0 + 1 + ... + 7) × p50 input, 8 × p50 output.
    const p50 = one.outputTokens.p50;
    const perInput = 2 / 1e6;
    const perOutput = 8 / 1e6;
    const expected = 8 * one.inputTokens * perInput + 28 * p50 * perInput + 8 * p50 * perOutput;
    assert.ok(Math.abs(usd(eight) - expected) < 1e-9, `${usd(eight)} vs ${expected}`);
  });
});

describe('context windows and the long-context tier', () => {
  const big = 'export const table = [1, 2, 3, 4, 5, 6, 7, 8];\n'.repeat(24_000);

  it('flags a request over the model\'s window, with the window from the catalogue', () => {
    const estimate = estimateRequest({ model: 'claude-sonnet-4-5', prompt: 'explain', context: [{ kind: 'selection', label: 'big.ts:1-24000', text: big }] });
    assert.equal(estimate.contextWindow, 200_000);
    assert.equal(estimate.contextWindowSource, 'catalogue');
    assert.ok(estimate.inputTokens > 200_000);
    assert.equal(estimate.exceedsContextWindow, true);
    const small = estimateRequest({ model: 'claude-sonnet-4-5', prompt: 'explain' });
    assert.equal(small.exceedsContextWindow, false);
  });

  it('takes a window from the credit profile over the catalogue, and from the family table for models the catalogue lacks', async () => {
    const { parseProfile } = await import('../../../src/core/pricing');
    const profile = parseProfile({ models: [{ model: 'claude-sonnet-4-5', contextWindow: 1_000_000 }] }, 'test');
    const estimate = estimateRequest({ model: 'claude-sonnet-4-5', prompt: 'explain', context: [{ kind: 'selection', label: 'big', text: big }] }, { profile });
    assert.deepEqual([estimate.contextWindow, estimate.contextWindowSource, estimate.exceedsContextWindow], [1_000_000, 'profile', false]);
    assert.equal(estimate.longContextTier, 200_000, 'over 200k input, Sonnet 4.5 is priced at its long-context tier');
    const local = estimateRequest({ model: 'llama3.3:70b', prompt: 'hi' });
    assert.deepEqual([local.contextWindow, local.contextWindowSource], [128_000, 'family']);
    assert.equal(estimateRequest({ model: 'my-own-model', prompt: 'hi' }).contextWindow, undefined);
  });

  it('counts later rounds against the window: they read the earlier answers', () => {
    const text = 'word '.repeat(100_000);
    const one = estimateRequest({ model: 'gpt-4o', prompt: 'explain', kind: 'explain', context: [{ kind: 'file', label: 'f', text }] });
    assert.equal(one.exceedsContextWindow, false);
    const many = estimateRequest({ model: 'gpt-4o', prompt: 'explain', kind: 'explain', rounds: 100, context: [{ kind: 'file', label: 'f', text }] });
    assert.equal(many.exceedsContextWindow, true);
  });
});
