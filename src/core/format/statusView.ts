/**
 * What the status-bar item says: its text, whether it warns, and its Markdown tooltip, from plain
 * values (the extension turns editors, the draft and the ledger into a `StatusSnapshot` first).
 */
import * as l10n from '@vscode/l10n';
import { budgetsCrossedBy, budgetsLeft, type BudgetLimits, type Spend } from '../budget/budget';
import type { CreditRange, Estimate, EstimatePart } from '../estimate';
import { escapeMarkdown, formatCreditRange, formatCredits, formatTokens } from './credits';

/** The parts of a core estimate that the status bar, Compose, hovers and the send path show. */
export interface EstimateSummary {
  readonly model: string;
  /** `null` when the model has no known price. */
  readonly credits: CreditRange | null;
  readonly inputTokens: number;
  readonly outputTokens: { readonly p50: number; readonly p90: number };
  readonly parts: readonly EstimatePart[];
  /** True when every count is exact (an OpenAI encoding); false when calibrated from a proxy. */
  readonly exact: boolean;
  /** Input tokens the model reads at most; undefined when unknown. */
  readonly contextWindow?: number;
  /** The request does not fit the model's context window. */
  readonly exceedsContextWindow?: boolean;
  /** The input size from which a long-context price tier applies, when this request passes it. */
  readonly longContextTier?: number;
}

export function estimateSummary(estimate: Omit<Estimate, 'format'>): EstimateSummary {
  return {
    model: estimate.model,
    credits: estimate.cost.kind === 'priced' ? estimate.cost.credits : null,
    inputTokens: estimate.inputTokens,
    outputTokens: { p50: estimate.outputTokens.p50, p90: estimate.outputTokens.p90 },
    parts: estimate.parts,
    exact: estimate.exact,
    ...(estimate.contextWindow !== undefined ? { contextWindow: estimate.contextWindow } : {}),
    exceedsContextWindow: estimate.exceedsContextWindow,
    ...(estimate.longContextTier !== undefined ? { longContextTier: estimate.longContextTier } : {}),
  };
}

/** `311k tokens: over claude-sonnet-4-5's 200k window`, or undefined when the request fits. */
export function contextWindowWarning(estimate: EstimateSummary): string | undefined {
  if (!estimate.exceedsContextWindow || estimate.contextWindow === undefined) {
    return undefined;
  }
  return l10n.t("{0} tokens: over {1}'s {2} window", formatTokens(estimate.inputTokens), estimate.model, formatTokens(estimate.contextWindow));
}

/** How to make a request fit: what to cut (its largest part), or another model. */
export function contextWindowFix(estimate: EstimateSummary): string {
  const largest = estimate.parts
    .filter((part) => part.kind !== 'overhead')
    .reduce<EstimatePart | undefined>((best, part) => (part.tokens > (best?.tokens ?? 0) ? part : best), undefined);
  const excess = estimate.contextWindow === undefined ? 0 : estimate.inputTokens - estimate.contextWindow;
  const atLeast = formatTokens(Math.max(1, excess));
  if (!largest) {
    return l10n.t('Send less, at least {0} tokens, or pick a model with a larger context window.', atLeast);
  }
  return largest.kind === 'prompt'
    ? l10n.t('Remove or narrow the prompt ({0} tokens), at least {1} tokens, or pick a model with a larger context window.', formatTokens(largest.tokens), atLeast)
    : l10n.t('Remove or narrow "{0}" ({1} tokens), at least {2} tokens, or pick a model with a larger context window.', largest.label, formatTokens(largest.tokens), atLeast);
}

/** `Input over 200k tokens: priced at the long-context tier.` when that tier applies. */
export function longContextNote(estimate: EstimateSummary): string | undefined {
  return estimate.longContextTier === undefined ? undefined : l10n.t('Input over {0} tokens: priced at the long-context tier.', formatTokens(estimate.longContextTier));
}

export interface TipSummary {
  readonly title: string;
  readonly savedTokens: number;
  readonly savedCredits: number | null;
}

export type StatusMode = 'draft' | 'selection' | 'idle';

export interface StatusSnapshot {
  readonly mode: StatusMode;
  /** Present in `draft` and `selection` modes. */
  readonly estimate?: EstimateSummary;
  readonly spend: Spend;
  readonly limits: BudgetLimits;
  readonly tips: readonly TipSummary[];
  /** Lines the extension words about the estimate (the conversation it belongs to, the prompt cache), shown under it. */
  readonly notes?: readonly string[];
}

const ICON = '$(credit-card)';

export function statusText(snapshot: StatusSnapshot): string {
  const estimate = snapshot.estimate;
  const icon = estimate?.exceedsContextWindow && snapshot.mode !== 'idle' ? `${ICON} $(warning)` : ICON;
  if (snapshot.mode === 'draft' && estimate) {
    return l10n.t('{0} ≈ {1} cr', icon, formatCredits(estimate.credits?.expected ?? null));
  }
  if (snapshot.mode === 'selection' && estimate) {
    return l10n.t('{0} sel ≈ {1} cr', icon, formatCredits(estimate.credits?.expected ?? null));
  }
  return l10n.t('{0} {1} cr today', ICON, formatCredits(snapshot.spend.today));
}

/** Warn when the request cannot fit its model's window, or its high estimate would take a budget past its limit (or, when idle, it already is). */
export function statusWarns(snapshot: StatusSnapshot): boolean {
  if (snapshot.mode !== 'idle' && snapshot.estimate?.exceedsContextWindow) {
    return true;
  }
  const credits = snapshot.mode === 'idle' ? null : snapshot.estimate?.credits ?? null;
  if (!credits) {
    return budgetsLeft(snapshot.spend, snapshot.limits).some((entry) => entry.used >= 1);
  }
  return budgetsCrossedBy(snapshot.spend, snapshot.limits, credits.high).length > 0;
}

function partRow(part: EstimatePart): string {
  // Only text is counted through a calibrated proxy; the framing and tool schemas are approximations.
  const count = part.exact ? l10n.t('exact') : part.kind === 'overhead' || part.kind === 'tools' ? l10n.t('approximate') : l10n.t('calibrated');
  return `| ${escapeMarkdown(part.label)} | ${formatTokens(part.tokens)} | ${count} |`;
}

export function statusTooltip(snapshot: StatusSnapshot): string {
  const lines: string[] = [];
  const estimate = snapshot.estimate;
  if (estimate && snapshot.mode !== 'idle') {
    const heading = snapshot.mode === 'draft' ? l10n.t('Draft') : l10n.t('Selection as context');
    const credits = estimate.credits;
    lines.push(`**${heading}** · ${escapeMarkdown(estimate.model)}`, '');
    lines.push(credits
      ? l10n.t('≈ **{0} cr** (range {1} cr)', formatCredits(credits.expected), formatCreditRange(credits.low, credits.high))
      : l10n.t('**No price known for this model**: tokens only.'));
    const over = contextWindowWarning(estimate);
    if (over) {
      lines.push('', l10n.t('$(warning) **{0}**: the provider will refuse it as it is. {1}', escapeMarkdown(over), escapeMarkdown(contextWindowFix(estimate))));
    }
    lines.push('', `| ${l10n.t('Part')} | ${l10n.t('Tokens')} | ${l10n.t('Count')} |`, '|:--|--:|:--|');
    for (const part of estimate.parts) {
      lines.push(partRow(part));
    }
    lines.push(`| ${l10n.t('expected output')} | ${formatTokens(estimate.outputTokens.p50)}–${formatTokens(estimate.outputTokens.p90)} | ${l10n.t('estimate')} |`);
    lines.push('', estimate.exact ? l10n.t('Token counts are exact.') : l10n.t('Token counts are calibrated from a proxy tokenizer.'));
    const tier = longContextNote(estimate);
    if (tier) {
      lines.push('', escapeMarkdown(tier));
    }
    for (const note of snapshot.notes ?? []) {
      lines.push('', escapeMarkdown(note));
    }

    lines.push('', '---', '');
  }
  lines.push(l10n.t('Today: **{0} cr** · this month: **{1} cr**', formatCredits(snapshot.spend.today), formatCredits(snapshot.spend.month)));
  for (const entry of budgetsLeft(snapshot.spend, snapshot.limits)) {
    const left = formatCredits(entry.left);
    const limit = formatCredits(entry.limit);
    lines.push('', entry.period === 'daily' ? l10n.t('Daily budget: {0} of {1} cr left', left, limit) : l10n.t('Monthly budget: {0} of {1} cr left', left, limit));
  }
  const breaches = estimate && snapshot.mode !== 'idle' && estimate.credits
    ? budgetsCrossedBy(snapshot.spend, snapshot.limits, estimate.credits.high)
    : [];
  for (const breach of breaches) {
    const after = formatCredits(breach.after);
    const limit = formatCredits(breach.limit);
    lines.push('', breach.period === 'daily'
      ? l10n.t('$(warning) Could exceed the daily budget ({0} of {1} cr).', after, limit)
      : l10n.t('$(warning) Could exceed the monthly budget ({0} of {1} cr).', after, limit));
  }
  if (snapshot.tips.length > 0) {
    lines.push('', l10n.t('**Ways to cut the cost**'), '');
    for (const tip of snapshot.tips) {
      const title = escapeMarkdown(tip.title);
      lines.push(tip.savedCredits !== null
        ? l10n.t('- {0} (saves ≈ {1} cr)', title, formatCredits(tip.savedCredits))
        : l10n.t('- {0} (saves ≈ {1} tokens)', title, formatTokens(tip.savedTokens)));
    }
  }
  lines.push('', l10n.t('Click to open Compose.'));
  return lines.join('\n');
}
