import { strict as assert } from 'node:assert';
import { CALIBRATION_PRIORS, CalibrationTable, tokenizerForModel } from '../../../src/core/tokens';

describe('tokenizerForModel', () => {
  const cases: Array<[string, string, string, boolean]> = [
    ['gpt-4o', 'o200k_base', 'openai', true],
    ['openai/gpt-4o-2024-08-06', 'o200k_base', 'openai', true],
    ['gpt-4o-mini', 'o200k_base', 'openai', true],
    ['chatgpt-4o-latest', 'o200k_base', 'openai', true],
    ['gpt-4.1-nano', 'o200k_base', 'openai', true],
    ['gpt-5', 'o200k_base', 'openai', true],
    ['GPT-5-mini', 'o200k_base', 'openai', true],
    ['o1', 'o200k_base', 'openai', true],
    ['o3-mini-2025-01-31', 'o200k_base', 'openai', true],
    ['o4-mini', 'o200k_base', 'openai', true],
    ['ft:gpt-4o-mini-2024-07-18:acme::abc123', 'o200k_base', 'openai', true],
    ['gpt-4', 'cl100k_base', 'openai', true],
    ['gpt-4-turbo-2024-04-09', 'cl100k_base', 'openai', true],
    ['gpt-4-0613', 'cl100k_base', 'openai', true],
    ['gpt-3.5-turbo', 'cl100k_base', 'openai', true],
    ['azure/gpt-35-turbo', 'cl100k_base', 'openai', true],
    ['text-embedding-3-small', 'cl100k_base', 'openai', true],
    ['claude-sonnet-4-5', 'o200k_base', 'anthropic', false],
    ['anthropic/claude-sonnet-4-5-20250929', 'o200k_base', 'anthropic', false],
    ['us.anthropic.claude-3-7-sonnet-20250219-v1:0', 'o200k_base', 'anthropic', false],
    ['gemini-2.5-pro', 'o200k_base', 'google', false],
    ['google/gemini-2.0-flash-001', 'o200k_base', 'google', false],
    ['meta-llama/llama-3.3-70b-instruct', 'o200k_base', 'meta', false],
    ['meta.llama3-1-70b-instruct-v1:0', 'o200k_base', 'meta', false],
    ['deepseek-chat', 'o200k_base', 'deepseek', false],
    ['deepseek/deepseek-r1', 'o200k_base', 'deepseek', false],
    ['mistral-large-latest', 'o200k_base', 'mistral', false],
    ['codestral-2501', 'o200k_base', 'mistral', false],
    ['qwen/qwen3-coder', 'o200k_base', 'qwen', false],
    ['some-new-model', 'o200k_base', 'other', false],
    ['o1o-not-a-model', 'o200k_base', 'other', false],
  ];
  for (const [modelId, encoding, family, exact] of cases) {
    it(`maps ${modelId} to ${family} on ${encoding}`, () => {
      const tokenizer = tokenizerForModel(modelId);
      assert.equal(tokenizer.modelId, modelId);
      assert.equal(tokenizer.encoding, encoding);
      assert.equal(tokenizer.family, family);
      assert.equal(tokenizer.exact, exact);
      assert.equal(tokenizer.calibration, exact ? 1 : CALIBRATION_PRIORS[tokenizer.family]);
    });
  }

  it('uses the learned factor of the calibration table it is given', () => {
    const table = new CalibrationTable();
    table.observe('anthropic', 100_000, 150_000);
    const tokenizer = tokenizerForModel('claude-opus-4-1', table);
    assert.equal(tokenizer.calibration, table.factor('anthropic'));
    assert.notEqual(tokenizer.calibration, CALIBRATION_PRIORS.anthropic);
  });

  it('keeps every proxy prior within the documented 1.0-1.5 band', () => {
    for (const [family, prior] of Object.entries(CALIBRATION_PRIORS)) {
      assert.ok(prior >= 1 && prior <= 1.5, `${family}: ${prior}`);
    }
    assert.ok(CALIBRATION_PRIORS.anthropic >= 1.2, 'Claude prior within the publicly reported 1.2-1.5');
  });
});
