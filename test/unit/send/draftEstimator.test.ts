import { strict as assert } from 'node:assert';
import { DEFAULT_PROFILE, quoteCredits } from '../../../src/core/pricing';
import { CalibrationTable, loadCounter } from '../../../src/core/tokens';
import { contextBlock, composeUserMessage } from '../../../src/extension/send/composeMessage';
import { diffEdit, DraftEstimator } from '../../../src/extension/send/draftEstimator';
import type { DraftContext } from '../../../src/extension/send/turnTypes';

function estimator(calibration = new CalibrationTable()): DraftEstimator {
  return new DraftEstimator({ profile: () => DEFAULT_PROFILE, calibration: () => calibration, history: () => [] });
}

const context: DraftContext = { kind: 'selection', label: 'src/a.ts:1-3', text: 'function add(a: number, b: number) {\n  return a + b;\n}' };

describe('draft estimator', () => {
  it('finds the smallest edit between two prompts', () => {
    assert.deepEqual(diffEdit('hello world', 'hello brave world'), { offset: 6, deleteCount: 0, insert: 'brave ' });
    assert.deepEqual(diffEdit('abc', 'ac'), { offset: 1, deleteCount: 1, insert: '' });
    assert.deepEqual(diffEdit('aaa', 'aaaa'), { offset: 3, deleteCount: 0, insert: 'a' });
    assert.deepEqual(diffEdit('same', 'same'), { offset: 4, deleteCount: 0, insert: '' });
  });

  it('counts an OpenAI model exactly, part by part, as the message is sent', () => {
    const counter = loadCounter('o200k_base');
    const prompt = 'Explain this function.';
    const estimate = estimator().estimate({ model: 'gpt-4.1', system: 'Be brief.', prompt, contexts: [context], kind: 'explain' });
    const parts = Object.fromEntries(estimate.summary.parts.map((part) => [part.label, part.tokens]));
    assert.equal(parts.system, counter.count('Be brief.'));
    assert.equal(parts.prompt, counter.count(prompt));
    assert.equal(parts['src/a.ts:1-3'], counter.count(contextBlock(context)));
    assert.equal(estimate.summary.exact, true);
    assert.equal(estimate.summary.inputTokens, estimate.summary.parts.reduce((sum, part) => sum + part.tokens, 0));
    assert.ok(composeUserMessage(prompt, [context]).includes(contextBlock(context)), 'the counted block is the sent block');
  });

  it('gives the same counts typing character by character as counting at once', () => {
    const live = estimator();
    const text = 'Refactor   this loop into a map/filter chain, keep the 🙂 comments and\n\n  the whitespace runs.';
    let typed = '';
    for (const char of text) {
      typed += char;
      live.estimate({ model: 'gpt-4o', system: '', prompt: typed, contexts: [], kind: 'refactor' });
    }
    const edited = live.estimate({ model: 'gpt-4o', system: '', prompt: text.replace('map/filter', 'reduce'), contexts: [], kind: 'refactor' });
    assert.equal(edited.promptTokens, loadCounter('o200k_base').count(text.replace('map/filter', 'reduce')));
  });

  it('scales proxy counts by the calibration factor and says so', () => {
    const calibration = new CalibrationTable();
    const estimate = estimator(calibration).estimate({ model: 'claude-sonnet-4-5', system: '', prompt: 'Explain the bug in this code please.', contexts: [], kind: 'explain' });
    const raw = loadCounter('o200k_base').count('Explain the bug in this code please.');
    assert.equal(estimate.summary.exact, false);
    assert.equal(estimate.promptTokens, Math.round(raw * calibration.factor('anthropic')));
    assert.equal(estimate.family, 'anthropic');
  });

  it('prices the range from the profile and keeps it for the record', () => {
    const estimate = estimator().estimate({ model: 'gpt-4.1', system: 'S', prompt: 'Fix the off-by-one.', contexts: [context], kind: 'fix' });
    const credits = estimate.summary.credits;
    assert.ok(credits);
    assert.ok(credits.low <= credits.expected && credits.expected <= credits.high);
    assert.deepEqual(estimate.sendTime.record, { ...credits, inputTokens: estimate.summary.inputTokens, outputTokens: estimate.summary.outputTokens.p50, cacheReadTokens: 0, cacheWriteTokens: 0 });
    const expected = quoteCredits({ inputTokens: estimate.summary.inputTokens, cacheReadTokens: 0, cacheWriteTokens: 0, outputTokens: estimate.summary.outputTokens.p50, reasoningTokens: 0 }, 'gpt-4.1', DEFAULT_PROFILE);
    assert.equal(credits.expected, expected.credits);
  });

  it('says there is no price for an unknown model instead of 0', () => {
    const estimate = estimator().estimate({ model: 'my-local-model', system: '', prompt: 'hi', contexts: [], kind: 'other' });
    assert.equal(estimate.summary.credits, null);
    assert.equal(estimate.sendTime.record, null);
  });
});
