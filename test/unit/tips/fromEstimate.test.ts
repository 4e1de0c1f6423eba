import { strict as assert } from 'node:assert';
import { estimateRequest, type ContextItem } from '../../../src/core/estimate';
import { DEFAULT_PROFILE, quoteCredits } from '../../../src/core/pricing';
import { computeTips, estimateTokenCounter, profilePrice, tipDraftFromEstimate } from '../../../src/core/tips';
import { ZERO_USAGE } from '../../../src/core/usage';
import { nodeStackTrace } from './tipFixtures';

describe('tips: from the core estimate and pricing', () => {
  const bigFile = Array.from({ length: 1_500 }, (_, i) => `export function handler${i}(input: Input): Output { return transform(input, ${i}); }`).join('\n');
  const contexts: ContextItem[] = [{ kind: 'file', label: 'src/handlers.ts', text: bigFile }];
  const estimate = estimateRequest({ model: 'gpt-4.1', system: ['You are concise.'], prompt: 'Why is handler12 slow?', context: contexts });

  it('carries every part of the estimate into the draft', () => {
    const draft = tipDraftFromEstimate(estimate, 'Why is handler12 slow?', contexts);
    const total = draft.systemTokens + draft.promptTokens + draft.contexts[0].tokens + (draft.overheadTokens ?? 0);
    assert.equal(total, estimate.inputTokens);
    assert.equal(draft.contexts[0].text, bigFile);
    assert.equal(draft.output.p50, estimate.outputTokens.p50);
  });

  it('prices the huge-file saving with the default credit profile', () => {
    const price = profilePrice(DEFAULT_PROFILE);
    const draft = tipDraftFromEstimate(estimate, 'Why is handler12 slow?', contexts);
    const [tip] = computeTips(draft, { price, countTokens: estimateTokenCounter(estimate) }).filter((t) => t.id === 'hugeContext');
    assert.ok(tip, 'the huge file is flagged');
    const before = quoteCredits({ ...ZERO_USAGE, inputTokens: estimate.inputTokens, outputTokens: estimate.outputTokens.p50 }, 'gpt-4.1', DEFAULT_PROFILE).credits ?? NaN;
    const after = quoteCredits({ ...ZERO_USAGE, inputTokens: estimate.inputTokens - tip.savingTokens, outputTokens: estimate.outputTokens.p50 }, 'gpt-4.1', DEFAULT_PROFILE).credits ?? NaN;
    assert.ok(tip.savingCredits !== undefined && tip.savingCredits > 0);
    assert.equal(tip.savingCredits, before - after);
  });

  it('counts a pasted trace with the estimate\'s tokenizer', () => {
    const prompt = `Why does this crash?\n${nodeStackTrace(80)}`;
    const pasted = estimateRequest({ model: 'gpt-4.1', prompt });
    const draft = tipDraftFromEstimate(pasted, prompt, []);
    const count = estimateTokenCounter(pasted);
    const [tip] = computeTips(draft, { price: profilePrice(DEFAULT_PROFILE), countTokens: count }).filter((t) => t.id === 'pastedLog');
    assert.ok(tip);
    assert.ok(tip.savingTokens > 0 && tip.savingTokens < draft.promptTokens);
  });

  it('has no credit saving for a model without a price', () => {
    const price = profilePrice(DEFAULT_PROFILE);
    assert.equal(price('no-such-model-xyz', { ...ZERO_USAGE, inputTokens: 10 }), undefined);
  });
});
