import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { get_encoding } from 'tiktoken';
import {
  type ContextItem,
  type Estimate,
  EstimateSession,
  OUTPUT_PRIORS,
  MESSAGE_FORMATS,
  contextBlock,
  estimateRequest,
  messageOverhead,
} from '../../../src/core/estimate';
import { DEFAULT_PROFILE, creditsFor, parseProfile, priceUsage } from '../../../src/core/pricing';
import { type TokenCounter, loadCounter, tokenizerForModel } from '../../../src/core/tokens';
import { ZERO_USAGE } from '../../../src/core/usage';

const root = path.resolve(__dirname, '..', '..', '..');
const sourceText = fs.readFileSync(path.join(root, 'src/core/pricing/price.ts'), 'utf8');
const tool = {
  name: 'read_file',
  description: 'Read a file from the workspace',
  parameters: { type: 'object', properties: { path: { type: 'string', description: 'Workspace-relative path' } }, required: ['path'] },
};

function priced(estimate: Estimate) {
  assert.equal(estimate.cost.kind, 'priced', estimate.cost.kind === 'noPrice' ? estimate.cost.reason : '');
  return estimate.cost as Extract<Estimate['cost'], { kind: 'priced' }>;
}

/** Counts what is passed to `count()` of the shared counter, restoring it afterwards. */
function spyOnCount(counter: TokenCounter): { chars: () => number; restore: () => void } {
  const target = counter as { count: (text: string) => number };
  const own = Object.prototype.hasOwnProperty.call(target, 'count');
  const original = target.count;
  let chars = 0;
  target.count = function (text: string) {
    chars += text.length;
    return original.call(this, text);
  };
  return {
    chars: () => chars,
    restore: () => {
      if (own) {
        target.count = original;
      } else {
        delete (target as { count?: unknown }).count;
      }
    },
  };
}

describe('pre-send estimate', () => {
  it('counts an OpenAI request exactly, part by part, as tiktoken does', () => {
    const system = 'You are a careful senior engineer. Answer briefly.';
    const prompt = 'Explain what priceUsage does with cache tokens, and why.';
    const estimate = estimateRequest({
      model: 'gpt-4o',
      system: [system],
      prompt,
      context: [{ kind: 'file', label: 'src/core/pricing/price.ts', text: sourceText }],
    });
    const encoding = get_encoding('o200k_base');
    try {
      const byLabel = new Map(estimate.parts.map((part) => [part.label, part]));
      assert.equal(byLabel.get('system')?.tokens, encoding.encode(system).length);
      // The block and the prompt as sent: together they are the user message, blank-line separated.
      const block = contextBlock({ kind: 'file', label: 'src/core/pricing/price.ts', text: sourceText });
      assert.equal(
        (byLabel.get('prompt')?.tokens ?? 0) + (byLabel.get('src/core/pricing/price.ts')?.tokens ?? 0),
        encoding.encode(`${block}\n\n${prompt}`).length,
      );
      assert.ok(Math.abs((byLabel.get('src/core/pricing/price.ts')?.tokens ?? 0) - encoding.encode(block).length) <= 1);
    } finally {
      encoding.free();
    }
    const overhead = estimate.parts.find((part) => part.kind === 'overhead');
    assert.equal(overhead?.tokens, messageOverhead(MESSAGE_FORMATS.openai, 2));
    assert.equal(messageOverhead(MESSAGE_FORMATS.openai, 2), 2 * 4 + 3);
    assert.equal(estimate.inputTokens, estimate.parts.reduce((sum, part) => sum + part.tokens, 0));
    assert.equal(estimate.exact, true);
    assert.equal(estimate.dominant?.label, 'src/core/pricing/price.ts');
    assert.equal(estimate.kind, 'explain');
    assert.equal(estimate.kindSource, 'classified');
  });

  it('scales proxy counts by the family calibration and marks them calibrated', () => {
    const prompt = 'Refactor this into smaller functions';
    const estimate = estimateRequest({ model: 'claude-sonnet-4-5', prompt, context: [{ kind: 'selection', label: 'sel', text: sourceText }] });
    const factor = tokenizerForModel('claude-sonnet-4-5').calibration;
    assert.ok(factor > 1);
    assert.equal(estimate.calibration, factor);
    const counter = loadCounter('o200k_base');
    const raw = counter.count(contextBlock({ kind: 'selection', label: 'sel', text: sourceText }).slice(0, -1)) + counter.count('>\n\n');
    assert.equal(estimate.parts.find((part) => part.label === 'sel')?.tokens, Math.round(raw * factor));
    assert.ok(estimate.parts.every((part) => !part.exact));
    const overhead = estimate.parts.find((part) => part.kind === 'overhead');
    assert.equal(estimate.format, 'anthropic');
    assert.equal(overhead?.tokens, messageOverhead(MESSAGE_FORMATS.anthropic, 1), 'framing is the provider\'s own tokens, never scaled');
    assert.equal(estimate.exact, false);
  });

  it('counts tool definitions as input, flagged approximate', () => {
    const without = estimateRequest({ model: 'gpt-4o', prompt: 'list the files' });
    const withTools = estimateRequest({ model: 'gpt-4o', prompt: 'list the files', tools: [tool, { ...tool, name: 'write_file' }] });
    const tools = withTools.parts.find((part) => part.kind === 'tools');
    assert.equal(tools?.label, 'tools (2)');
    assert.equal(tools?.exact, false);
    assert.ok((tools?.tokens ?? 0) > 40);
    assert.equal(withTools.inputTokens, without.inputTokens + (tools?.tokens ?? 0));
    assert.equal(withTools.exact, false);
  });

  it('prices low <= expected <= high from the output quantiles, in credits and USD', () => {
    const estimate = estimateRequest({ model: 'claude-sonnet-4-5', prompt: 'Write a parser for this format', kind: 'generate' });
    const cost = priced(estimate);
    assert.equal(estimate.kindSource, 'given');
    assert.deepEqual(estimate.outputTokens.p50, OUTPUT_PRIORS.generate.p50);
    const expectedUsd = priceUsage({ ...ZERO_USAGE, inputTokens: estimate.inputTokens, outputTokens: OUTPUT_PRIORS.generate.p50 }, 'claude-sonnet-4-5', DEFAULT_PROFILE);
    assert.equal(expectedUsd.kind, 'priced');
    assert.ok(Math.abs(cost.usd.expected - (expectedUsd.kind === 'priced' ? expectedUsd.usd : NaN)) < 1e-12);
    assert.equal(cost.credits.expected, creditsFor(cost.usd.expected, DEFAULT_PROFILE, 'claude-sonnet-4-5'));
    assert.ok(cost.usd.low < cost.usd.expected && cost.usd.expected < cost.usd.high);
    assert.ok(cost.credits.low <= cost.credits.expected && cost.credits.expected <= cost.credits.high);
  });

  it('costs more rounds more, and widens the high end for multi-round requests', () => {
    const one = estimateRequest({ model: 'gpt-4o', prompt: 'fix it', kind: 'fix' });
    const four = estimateRequest({ model: 'gpt-4o', prompt: 'fix it', kind: 'fix', rounds: 4 });
    assert.equal(one.highRounds, 1);
    assert.equal(four.highRounds, 6);
    assert.ok(priced(four).usd.expected > 4 * priced(one).usd.expected, 'later rounds re-read the earlier replies');
    assert.ok(priced(four).usd.high / priced(four).usd.expected > priced(one).usd.high / priced(one).usd.expected);
  });

  it('propagates "no price" for an unknown model but still counts its tokens', () => {
    const estimate = estimateRequest({ model: 'my-local-model', prompt: 'explain this' });
    assert.equal(estimate.cost.kind, 'noPrice');
    assert.equal(estimate.cost.credits, undefined);
    assert.match(estimate.cost.kind === 'noPrice' ? estimate.cost.reason : '', /no price for model 'my-local-model'/);
    assert.ok(estimate.inputTokens > 0);
    const profile = parseProfile({ models: [{ model: 'my-local-*', prices: { input: 0, output: 0 } }] }, 'test');
    const free = estimateRequest({ model: 'my-local-model', prompt: 'explain this' }, { profile });
    assert.deepEqual(priced(free).credits, { low: 0.1, expected: 0.1, high: 0.1 });
    assert.equal(priced(free).usd.high, 0);
  });

  it('learns the output size from history', () => {
    const history = Array.from({ length: 50 }, () => ({ model: 'gpt-4o', kind: 'explain' as const, outputTokens: 2000, inputTokens: 1000 }));
    const estimate = estimateRequest({ model: 'gpt-4o-mini', prompt: 'explain this' }, { history });
    assert.equal(estimate.outputTokens.samples, 50);
    assert.ok(estimate.outputTokens.p50 > 1500);
  });

  describe('session', () => {
    it('gives after keystrokes exactly what a fresh estimate of the final text gives', () => {
      const context: ContextItem[] = [{ kind: 'file', label: 'price.ts', text: sourceText }];
      const session = new EstimateSession({ model: 'gpt-4o' });
      session.setContext(context);
      const typed = 'Please explain   the cache handling 🙂 in priceUsage, then fix it.';
      for (let i = 0; i < typed.length; i++) {
        session.editPrompt(i, 0, typed[i]);
      }
      session.editPrompt(7, 9, '');
      session.editPrompt(session.promptText.length, 0, '\n\n  ');
      const final = typed.slice(0, 7) + typed.slice(16) + '\n\n  ';
      assert.equal(session.promptText, final);
      const fresh = estimateRequest({ model: 'gpt-4o', prompt: final, context });
      const live = session.estimate();
      assert.deepEqual(live.parts, fresh.parts);
      assert.equal(live.kind, fresh.kind);
      assert.deepEqual(live.cost, fresh.cost);
    });

    it('never recounts context while the prompt is edited or the same context is set again', () => {
      const counter = loadCounter('o200k_base');
      const big = sourceText.repeat(20);
      const session = new EstimateSession({ model: 'gpt-4o' });
      const spy = spyOnCount(counter);
      try {
        const log = 'line\n'.repeat(100);
        session.setContext([{ kind: 'file', label: 'big', text: big }, { kind: 'pasted', label: 'log', text: log }]);
        const afterFirstCount = spy.chars();
        assert.ok(afterFirstCount >= big.length);
        for (const char of 'fix the bug') {
          session.editPrompt(session.promptText.length, 0, char);
          session.estimate();
        }
        session.editPrompt(0, 4, '');
        session.setContext([{ kind: 'pasted', label: 'log', text: log }, { kind: 'file', label: 'big', text: big }]);
        session.estimate();
        assert.equal(spy.chars(), afterFirstCount);
      } finally {
        spy.restore();
      }
    });

    it('recounts on an encoding change and follows the new model', () => {
      const session = new EstimateSession({ model: 'gpt-4o' });
      session.setPrompt('Explain the difference between these encodings: ÄÖÜ ß 漢字 🙂');
      session.setContext([{ kind: 'selection', label: 'sel', text: sourceText }]);
      const o200k = session.estimate();
      session.setModel('gpt-4');
      const cl100k = session.estimate();
      assert.equal(cl100k.encoding, 'cl100k_base');
      assert.notEqual(cl100k.inputTokens, o200k.inputTokens);
      const cl100kCounter = loadCounter('cl100k_base');
      assert.equal(cl100k.parts.find((part) => part.label === 'sel')?.tokens, cl100kCounter.count(contextBlock({ kind: 'selection', label: 'sel', text: sourceText }).slice(0, -1)) + cl100kCounter.count('>\n\n'));
      session.setModel('gpt-4o');
      assert.deepEqual(session.estimate().parts, o200k.parts);
      session.setModel('no-such-model');
      assert.equal(session.estimate().cost.kind, 'noPrice');
    });

    it('reclassifies the kind as the prompt changes unless the kind is given', () => {
      const session = new EstimateSession({ model: 'gpt-4o' });
      session.setPrompt('explain this');
      assert.equal(session.estimate().kind, 'explain');
      session.editPrompt(0, 'explain'.length, 'fix');
      assert.equal(session.estimate().kind, 'fix');
      session.setKind('plan');
      assert.equal(session.estimate().kind, 'plan');
      assert.equal(session.estimate().outputTokens.p50, OUTPUT_PRIORS.plan.p50);
      session.setKind(undefined, '/explain');
      assert.equal(session.estimate().kind, 'explain');
    });

    it('rejects a bad round count', () => {
      const session = new EstimateSession({ model: 'gpt-4o' });
      assert.throws(() => session.setRounds(0), /rounds must be a whole number from 1 to 100/);
      assert.throws(() => session.setRounds(101), /rounds must be a whole number from 1 to 100/);
    });
  });
});
