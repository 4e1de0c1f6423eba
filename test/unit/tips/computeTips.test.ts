import { strict as assert } from 'node:assert';
import { TIP_THRESHOLDS, computeTips, type Tip } from '../../../src/core/tips';
import { draft, environment, linearPrice, nodeStackTrace, sonnetInputCredits } from './tipFixtures';

function only(tips: Tip[], id: Tip['id']): Tip[] {
  return tips.filter((tip) => tip.id === id);
}

function approx(actual: number | undefined, expected: number): void {
  assert.ok(actual !== undefined, 'saving has a price');
  assert.ok(Math.abs(actual - expected) < 1e-9, `expected ${expected}, got ${actual}`);
}

describe('tips: computeTips', () => {
  it('gives no tip for a clear, small request', () => {
    assert.deepEqual(computeTips(draft(), environment()), []);
  });

  describe('huge selection or file', () => {
    it('fires on a context above the threshold, saving all but a focused function', () => {
      const tokens = 12_000;
      const text = 'x '.repeat(tokens);
      const tips = only(computeTips(draft({ contexts: [{ label: 'src/big.ts', kind: 'file', tokens, text }] }), environment()), 'hugeContext');
      assert.equal(tips.length, 1);
      assert.equal(tips[0].title, 'Send the function, not the file');
      assert.equal(tips[0].savingTokens, tokens - TIP_THRESHOLDS.focusedContextTokens);
      approx(tips[0].savingCredits, sonnetInputCredits(tokens - TIP_THRESHOLDS.focusedContextTokens));
      assert.deepEqual(tips[0].span, { in: 'context', index: 0, start: 0, end: text.length });
      assert.match(tips[0].message, /src\/big\.ts is 12k tokens/);
    });

    it('does not fire just below the threshold', () => {
      const tokens = TIP_THRESHOLDS.hugeContextTokens - 1;
      assert.deepEqual(only(computeTips(draft({ contexts: [{ label: 'a.ts', kind: 'selection', tokens }] }), environment()), 'hugeContext'), []);
    });

    it('says "selection" for a selection', () => {
      const tips = computeTips(draft({ contexts: [{ label: 'a.ts:1-900', kind: 'selection', tokens: 5_000 }] }), environment());
      assert.match(only(tips, 'hugeContext')[0].message, /whole selection/);
    });
  });

  describe('pasted log or stack trace', () => {
    it('fires on a long trace in the prompt, keeping the first error and the last frames', () => {
      const trace = nodeStackTrace(120);
      const prompt = `Why does this crash?\n${trace}\nThanks`;
      const env = environment();
      const tips = only(computeTips(draft({ prompt, promptTokens: env.countTokens(prompt) }), env), 'pastedLog');
      assert.equal(tips.length, 1);
      const traceLines = trace.split('\n');
      const kept = [traceLines[0], traceLines[1], ...traceLines.slice(-TIP_THRESHOLDS.logKeepLastLines)].join('\n');
      const saving = env.countTokens(trace) - env.countTokens(kept);
      assert.equal(tips[0].savingTokens, saving);
      approx(tips[0].savingCredits, sonnetInputCredits(saving));
      const span = tips[0].span;
      assert.ok(span && span.in === 'prompt');
      assert.equal(prompt.slice(span.start, span.end), trace);
    });

    it('finds a Python traceback in a pasted context item', () => {
      const frames = Array.from({ length: 50 }, (_, i) => `  File "/app/mod${i}.py", line ${i + 1}, in fn${i}\n    call_next_step(value, other_value, third_value)`);
      const text = ['Traceback (most recent call last):', ...frames, 'KeyError: \'user\''].join('\n');
      const tips = only(computeTips(draft({ contexts: [{ label: 'pasted', kind: 'pasted', tokens: 900, text }] }), environment()), 'pastedLog');
      assert.equal(tips.length, 1);
      assert.equal(tips[0].span?.in, 'context');
      assert.ok(tips[0].savingTokens > 200);
    });

    it('does not fire on a short trace or on ordinary code', () => {
      const short = `Why?\n${nodeStackTrace(5)}`;
      assert.deepEqual(only(computeTips(draft({ prompt: short }), environment()), 'pastedLog'), []);
      const code = Array.from({ length: 80 }, (_, i) => `const value${i} = compute(${i}); // step ${i} of the pipeline`).join('\n');
      assert.deepEqual(only(computeTips(draft({ contexts: [{ label: 'a.ts', kind: 'file', tokens: 900, text: code }] }), environment()), 'pastedLog'), []);
    });
  });

  describe('same context sent again', () => {
    it('fires with the count and credits of earlier sends, saving this send of it', () => {
      const text = 'function add(a, b) { return a + b; }';
      const env = environment({ priorSends: (candidate) => (candidate === text ? { count: 3, credits: 0.75 } : undefined) });
      const tips = only(computeTips(draft({ contexts: [{ label: 'math.ts:1-3', kind: 'selection', tokens: 2_000, text }] }), env), 'repeatedContext');
      assert.equal(tips.length, 1);
      assert.match(tips[0].message, /already sent 3 times in this session \(0\.8 cr\)/);
      assert.equal(tips[0].savingTokens, 2_000);
      approx(tips[0].savingCredits, sonnetInputCredits(2_000));
    });

    it('does not fire for a context never sent, or too small to matter', () => {
      const never = environment({ priorSends: () => undefined });
      assert.deepEqual(only(computeTips(draft({ contexts: [{ label: 'a', kind: 'file', tokens: 2_000, text: 'a' }] }), never), 'repeatedContext'), []);
      const always = environment({ priorSends: () => ({ count: 2, credits: 0.1 }) });
      const small = TIP_THRESHOLDS.repeatedContextMinTokens - 1;
      assert.deepEqual(only(computeTips(draft({ contexts: [{ label: 'a', kind: 'file', tokens: small, text: 'a' }] }), always), 'repeatedContext'), []);
    });
  });

  describe('heavy model for a trivial prompt', () => {
    const trivial = { prompt: 'What does `zip` return?', promptTokens: 6, kind: 'explain', output: { p50: 200, p90: 500 } };

    it('names the cheapest configured model and prices the difference', () => {
      const env = environment({ alternativeModels: ['claude-sonnet', 'claude-haiku', 'unknown-model'] });
      const request = draft({ ...trivial, model: 'claude-opus' });
      const tips = only(computeTips(request, env), 'heavyModel');
      assert.equal(tips.length, 1);
      const usage = { inputTokens: 46, cacheReadTokens: 0, cacheWriteTokens: 0, outputTokens: 200, reasoningTokens: 0 };
      const opus = linearPrice('claude-opus', usage) ?? NaN;
      const haiku = linearPrice('claude-haiku', usage) ?? NaN;
      approx(tips[0].savingCredits, opus - haiku);
      assert.match(tips[0].message, /claude-haiku would cost/);
    });

    it('does not fire when the lighter model is not much cheaper, or the task is demanding', () => {
      const env = environment({ alternativeModels: ['gpt-mid'] });
      assert.deepEqual(only(computeTips(draft({ ...trivial, model: 'claude-sonnet' }), env), 'heavyModel'), []);
      const haiku = environment({ alternativeModels: ['claude-haiku'] });
      assert.deepEqual(only(computeTips(draft({ ...trivial, model: 'claude-opus', kind: 'plan' }), haiku), 'heavyModel'), []);
      assert.deepEqual(only(computeTips(draft({ ...trivial, model: 'claude-opus', contexts: [{ label: 'f', kind: 'file', tokens: 3_000 }] }), haiku), 'heavyModel'), []);
    });
  });

  describe('vague or very long prompt', () => {
    it('fires on a vague prompt, pricing the spread between a long and a typical answer', () => {
      const prompt = 'fix it, it does not work';
      const tips = only(computeTips(draft({ prompt, promptTokens: 6, kind: 'fix' }), environment()), 'vaguePrompt');
      assert.equal(tips.length, 1);
      assert.equal(tips[0].title, 'State the task clearly');
      assert.equal(tips[0].savingTokens, 800);
      approx(tips[0].savingCredits, ((800 * 15) / 1e6) / 0.04);
      assert.deepEqual(tips[0].span, { in: 'prompt', start: 0, end: prompt.length });
    });

    it('fires on a whole product in one sentence', () => {
      const prompt = 'build me a clone of the Bing search engine that runs on my laptop';
      const tips = only(computeTips(draft({ prompt, kind: 'generate' }), environment()), 'vaguePrompt');
      assert.equal(tips[0]?.title, 'Split large tasks into steps');
    });

    it('does not fire on a specific prompt', () => {
      for (const prompt of ['fix the off-by-one in `paginate()` on line 42', 'Why does parseDate("2024-02-30") return null?', 'add an alias to this function on line 126']) {
        assert.deepEqual(only(computeTips(draft({ prompt }), environment()), 'vaguePrompt'), [], prompt);
      }
    });

    it('fires on a long prompt with steps, saving all steps after the first', () => {
      const steps = ['1. Write the parser for the config file format.', '2. Add validation of every field.', '3. Wire it into the CLI.'];
      const prompt = steps.join('\n');
      const env = environment();
      const tips = only(computeTips(draft({ prompt, promptTokens: 2_000 }), env), 'longPrompt');
      assert.equal(tips.length, 1);
      const rest = prompt.slice(prompt.indexOf('2.'));
      assert.equal(tips[0].savingTokens, env.countTokens(rest));
      assert.deepEqual(tips[0].span, { in: 'prompt', start: prompt.indexOf('2.'), end: prompt.length });
    });

    it('does not fire on a prompt under the long threshold', () => {
      assert.deepEqual(only(computeTips(draft({ promptTokens: TIP_THRESHOLDS.longPromptTokens - 1 }), environment()), 'longPrompt'), []);
    });
  });

  describe('big system prompt', () => {
    it('fires above the threshold, saving down to a lean system prompt', () => {
      const tips = only(computeTips(draft({ systemTokens: 3_000 }), environment()), 'bigSystemPrompt');
      assert.equal(tips.length, 1);
      assert.equal(tips[0].savingTokens, 3_000 - TIP_THRESHOLDS.leanSystemTokens);
      approx(tips[0].savingCredits, sonnetInputCredits(3_000 - TIP_THRESHOLDS.leanSystemTokens));
    });

    it('does not fire on a short one', () => {
      assert.deepEqual(only(computeTips(draft({ systemTokens: 999 }), environment()), 'bigSystemPrompt'), []);
    });
  });

  describe('tool definitions', () => {
    it('fires when tools dominate the input, saving all but two average tools', () => {
      const tips = only(computeTips(draft({ tools: { count: 12, tokens: 6_000 } }), environment()), 'toolDefinitions');
      assert.equal(tips.length, 1);
      assert.equal(tips[0].savingTokens, 5_000);
      approx(tips[0].savingCredits, sonnetInputCredits(5_000));
    });

    it('does not fire when tools are a small share of the input', () => {
      const contexts = [{ label: 'f', kind: 'file' as const, tokens: 3_000 }];
      assert.deepEqual(only(computeTips(draft({ tools: { count: 4, tokens: 800 }, contexts }), environment()), 'toolDefinitions'), []);
    });
  });

  it('has no credit saving, but still a token saving, when the model has no price', () => {
    const tips = computeTips(draft({ model: 'mystery-model', systemTokens: 3_000 }), environment());
    assert.equal(tips[0].id, 'bigSystemPrompt');
    assert.equal(tips[0].savingCredits, undefined);
    assert.equal(tips[0].savingTokens, 2_700);
  });

  it('orders tips by credits saved and honours the limit', () => {
    const contexts = [{ label: 'big.ts', kind: 'file' as const, tokens: 20_000 }];
    const all = computeTips(draft({ systemTokens: 3_000, contexts, tools: { count: 40, tokens: 40_000 } }), environment());
    assert.deepEqual(all.map((tip) => tip.id), ['toolDefinitions', 'hugeContext', 'bigSystemPrompt']);
    assert.deepEqual(computeTips(draft({ systemTokens: 3_000, contexts }), environment(), 1).map((tip) => tip.id), ['hugeContext']);
  });
});
