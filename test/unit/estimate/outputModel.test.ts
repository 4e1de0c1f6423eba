import { strict as assert } from 'node:assert';
import { type HistoryRecord, OUTPUT_PRIORS, REQUEST_KINDS, predictOutput, quantile } from '../../../src/core/estimate';
import { tokenizerForModel } from '../../../src/core/tokens';

const familyOf = (model: string) => tokenizerForModel(model).family;
const record = (model: string, kind: HistoryRecord['kind'], outputTokens: number, rounds?: number): HistoryRecord => ({
  model,
  kind,
  outputTokens,
  inputTokens: 5000,
  ...(rounds ? { rounds } : {}),
});

describe('output size model', () => {
  it('starts from ordered priors for every kind', () => {
    for (const kind of REQUEST_KINDS) {
      const prediction = predictOutput([], 'gpt-4o', 'openai', kind, familyOf);
      assert.equal(prediction.source, 'prior');
      assert.deepEqual({ p10: prediction.p10, p50: prediction.p50, p90: prediction.p90 }, OUTPUT_PRIORS[kind]);
      assert.ok(prediction.p10 < prediction.p50 && prediction.p50 < prediction.p90);
    }
  });

  it('follows plenty of matching history', () => {
    const history = Array.from({ length: 200 }, (_, i) => record('claude-sonnet-4-5', 'explain', 100 + i));
    const prediction = predictOutput(history, 'claude-sonnet-4-5', 'anthropic', 'explain', familyOf);
    assert.equal(prediction.source, 'history');
    assert.equal(prediction.samples, 200);
    // Empirical p50 is 199.5, the prior 400: 200 samples against 4 pseudo-samples land close to the data.
    assert.ok(prediction.p50 > 195 && prediction.p50 < 215, String(prediction.p50));
    assert.ok(prediction.p90 < OUTPUT_PRIORS.explain.p90);
  });

  it('shrinks a few samples towards the prior', () => {
    const history = [record('gpt-4o', 'fix', 3000), record('gpt-4o', 'fix', 3000)];
    const prediction = predictOutput(history, 'gpt-4o', 'openai', 'fix', familyOf);
    assert.equal(prediction.source, 'blended');
    assert.ok(prediction.p50 > OUTPUT_PRIORS.fix.p50 && prediction.p50 < 3000, String(prediction.p50));
  });

  it('ignores other kinds and other families, and shares within a family', () => {
    const history = [
      ...Array.from({ length: 30 }, () => record('gpt-4o', 'explain', 5000)),
      ...Array.from({ length: 30 }, () => record('claude-opus-4-1', 'fix', 5000)),
    ];
    assert.equal(predictOutput(history, 'claude-sonnet-4-5', 'anthropic', 'explain', familyOf).source, 'prior');
    const shared = predictOutput(history, 'claude-sonnet-4-5', 'anthropic', 'fix', familyOf);
    assert.equal(shared.samples, 30);
  });

  it('prefers the same model once it has enough records', () => {
    const history = [
      ...Array.from({ length: 30 }, () => record('claude-opus-4-1', 'plan', 4000)),
      ...Array.from({ length: 10 }, () => record('anthropic/claude-sonnet-4-5', 'plan', 500)),
    ];
    const prediction = predictOutput(history, 'claude-sonnet-4-5', 'anthropic', 'plan', familyOf);
    assert.equal(prediction.samples, 10);
    assert.ok(prediction.p50 < 1000, String(prediction.p50));
  });

  it('learns per-round output from multi-round records', () => {
    const history = Array.from({ length: 100 }, () => record('gpt-4o', 'refactor', 6000, 6));
    const prediction = predictOutput(history, 'gpt-4o', 'openai', 'refactor', familyOf);
    assert.ok(prediction.p50 > 950 && prediction.p50 < 1050, String(prediction.p50));
  });

  it('interpolates quantiles', () => {
    assert.equal(quantile([1, 2, 3, 4, 5], 0.5), 3);
    assert.equal(quantile([10, 20], 0.5), 15);
    assert.equal(quantile([7], 0.9), 7);
  });
});
