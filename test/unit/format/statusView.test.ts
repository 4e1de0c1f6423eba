import { strict as assert } from 'node:assert';
import { escapeMarkdown, formatCreditRange, formatCredits, formatTokens } from '../../../src/core/format/credits';
import { statusText, statusTooltip, statusWarns, type EstimateSummary, type StatusSnapshot } from '../../../src/core/format/statusView';

const estimate: EstimateSummary = {
  model: 'claude-sonnet-4-5',
  credits: { low: 0.8, expected: 1.2, high: 1.9 },
  inputTokens: 5200,
  outputTokens: { p50: 400, p90: 1200 },
  parts: [
    { kind: 'system', label: 'system', tokens: 20, exact: false },
    { kind: 'prompt', label: 'prompt', tokens: 30, exact: false },
    { kind: 'context', label: 'src/__init__.py:1-40', tokens: 5150, exact: false },
  ],
  exact: false,
};

function snapshot(overrides: Partial<StatusSnapshot>): StatusSnapshot {
  return { mode: 'idle', spend: { today: 12.4, month: 80 }, limits: { daily: null, monthly: null }, tips: [], ...overrides };
}

describe('credit formatting', () => {
  it('keeps the status bar short and never shows a small charge as 0', () => {
    assert.equal(formatCredits(0), '0');
    assert.equal(formatCredits(0.0423), '0.042');
    assert.equal(formatCredits(0.1), '0.1');
    assert.equal(formatCredits(1.25), '1.3');
    assert.equal(formatCredits(12.44), '12.4');
    assert.equal(formatCredits(1234.4), '1,234');
    assert.equal(formatCredits(null), '?');
  });

  it('collapses a range whose ends read the same', () => {
    assert.equal(formatCreditRange(0.8, 1.6), '0.8–1.6');
    assert.equal(formatCreditRange(1.21, 1.24), '1.2');
  });

  it('abbreviates token counts', () => {
    assert.equal(formatTokens(950), '950');
    assert.equal(formatTokens(1234), '1.2k');
    assert.equal(formatTokens(12345), '12k');
    assert.equal(formatTokens(1_250_000), '1.3M');
  });

  it('escapes Markdown in labels', () => {
    assert.equal(escapeMarkdown('__init__.py|x'), '\\_\\_init\\_\\_.py\\|x');
  });
});

describe('status bar view', () => {
  it('shows the draft estimate while composing', () => {
    assert.equal(statusText(snapshot({ mode: 'draft', estimate })), '$(credit-card) ≈ 1.2 cr');
  });

  it('shows what the selection would cost', () => {
    assert.equal(statusText(snapshot({ mode: 'selection', estimate: { ...estimate, credits: { low: 0.2, expected: 0.3, high: 0.4 } } })), '$(credit-card) sel ≈ 0.3 cr');
  });

  it("shows today's spend otherwise", () => {
    assert.equal(statusText(snapshot({})), '$(credit-card) 12.4 cr today');
  });

  it('shows ? for a model without a price', () => {
    assert.equal(statusText(snapshot({ mode: 'draft', estimate: { ...estimate, credits: null } })), '$(credit-card) ≈ ? cr');
  });

  it('warns when the high estimate would cross a budget', () => {
    assert.equal(statusWarns(snapshot({ mode: 'draft', estimate, limits: { daily: 14, monthly: null } })), true);
    assert.equal(statusWarns(snapshot({ mode: 'draft', estimate, limits: { daily: 14.3, monthly: null } })), false);
    assert.equal(statusWarns(snapshot({ limits: { daily: 12, monthly: null } })), true, 'idle and already over');
    assert.equal(statusWarns(snapshot({ limits: { daily: 13, monthly: null } })), false);
  });

  it('puts the breakdown, totals, budget left and tips in the tooltip', () => {
    const tooltip = statusTooltip(snapshot({
      mode: 'selection',
      estimate,
      limits: { daily: 13, monthly: 100 },
      tips: [{ title: 'Send the function, not the file', savedTokens: 4000, savedCredits: 0.9 }],
    }));
    assert.match(tooltip, /\*\*Selection as context\*\*/);
    assert.match(tooltip, /\| system \| 20 \| calibrated \|/);
    assert.match(tooltip, /\| src\/\\_\\_init\\_\\_\.py:1-40 \| 5\.2k \| calibrated \|/);
    assert.match(tooltip, /\| expected output \| 400–1\.2k \| estimate \|/);
    assert.match(tooltip, /range 0\.8–1\.9 cr/);
    assert.match(tooltip, /Today: \*\*12\.4 cr\*\* · this month: \*\*80\.0 cr\*\*/);
    assert.match(tooltip, /Daily budget: 0\.6 of 13\.0 cr left/);
    assert.match(tooltip, /Monthly budget: 20\.0 of 100 cr left/);
    assert.match(tooltip, /Could exceed the daily budget \(14\.3 of 13\.0 cr\)/);
    assert.match(tooltip, /Send the function, not the file \(saves ≈ 0\.9 cr\)/);
    assert.match(tooltip, /calibrated from a proxy tokenizer/);
  });

  it('leaves the breakdown out when idle', () => {
    const tooltip = statusTooltip(snapshot({}));
    assert.doesNotMatch(tooltip, /\| Part \|/);
    assert.match(tooltip, /Today: \*\*12\.4 cr\*\*/);
  });
});

describe('status bar: context window', () => {
  const over: EstimateSummary = {
    ...estimate,
    inputTokens: 311_000,
    parts: [{ kind: 'prompt', label: 'prompt', tokens: 20, exact: false }, { kind: 'context', label: 'big.log:1-9000', tokens: 310_960, exact: false }],
    contextWindow: 200_000,
    exceedsContextWindow: true,
  };

  it('warns with the size, the model and its window, and suggests cutting the largest part', () => {
    const view = { mode: 'draft' as const, spend: { today: 0, month: 0 }, limits: { daily: null, monthly: null }, tips: [], estimate: over };
    assert.equal(statusWarns(view), true);
    assert.match(statusText(view), /\$\(warning\)/);
    const tooltip = statusTooltip(view);
    assert.match(tooltip, /311k tokens: over claude-sonnet-4-5's 200k window/);
    assert.match(tooltip, /Remove or narrow "big\.log:1-9000" \(311k tokens\), at least 111k tokens, or pick a model with a larger context window/);
  });

  it('says nothing about the window when the request fits, and notes a long-context tier', () => {
    const fits = { mode: 'draft' as const, spend: { today: 0, month: 0 }, limits: { daily: null, monthly: null }, tips: [], estimate: { ...over, contextWindow: 1_000_000, exceedsContextWindow: false, longContextTier: 200_000 } };
    assert.equal(statusWarns(fits), false);
    assert.doesNotMatch(statusTooltip(fits), /window/);
    assert.match(statusTooltip(fits), /Input over 200k tokens: priced at the long-context tier/);
  });
});
