/**
 * What the status-bar item says: its text, whether it warns, and its Markdown tooltip, from plain
 * values (the extension turns editors, the draft and the ledger into a `StatusSnapshot` first).
 */
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
  return `${formatTokens(estimate.inputTokens)} tokens: over ${estimate.model}'s ${formatTokens(estimate.contextWindow)} window`;
}

/** How to make a request fit: what to cut (its largest part), or another model. */
export function contextWindowFix(estimate: EstimateSummary): string {
  const largest = estimate.parts
    .filter((part) => part.kind !== 'overhead')
    .reduce<EstimatePart | undefined>((best, part) => (part.tokens > (best?.tokens ?? 0) ? part : best), undefined);
  const excess = estimate.contextWindow === undefined ? 0 : estimate.inputTokens - estimate.contextWindow;
  const cut = largest ? `Remove or narrow ${largest.kind === 'prompt' ? 'the prompt' : `"${largest.label}"`} (${formatTokens(largest.tokens)} tokens)` : 'Send less';
  return `${cut}, at least ${formatTokens(Math.max(1, excess))} tokens, or pick a model with a larger context window.`;
}

/** `Input over 200k tokens: priced at the long-context tier.` when that tier applies. */
export function longContextNote(estimate: EstimateSummary): string | undefined {
  return estimate.longContextTier === undefined ? undefined : `Input over ${formatTokens(estimate.longContextTier)} tokens: priced at the long-context tier.`;
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
    return `${icon} ≈ ${formatCredits(estimate.credits?.expected ?? null)} cr`;
  }
  if (snapshot.mode === 'selection' && estimate) {
    return `${icon} sel ≈ ${formatCredits(estimate.credits?.expected ?? null)} cr`;
  }
  return `${ICON} ${formatCredits(snapshot.spend.today)} cr today`;
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
  const count = part.exact ? 'exact' : part.kind === 'overhead' || part.kind === 'tools' ? 'approximate' : 'calibrated';
  return `| ${escapeMarkdown(part.label)} | ${formatTokens(part.tokens)} | ${count} |`;
}

export function statusTooltip(snapshot: StatusSnapshot): string {
  const lines: string[] = [];
  const estimate = snapshot.estimate;
  if (estimate && snapshot.mode !== 'idle') {
    const heading = snapshot.mode === 'draft' ? 'Draft' : 'Selection as context';
    const credits = estimate.credits;
    lines.push(`**${heading}** · ${escapeMarkdown(estimate.model)}`, '');
    lines.push(credits
      ? `≈ **${formatCredits(credits.expected)} cr** (range ${formatCreditRange(credits.low, credits.high)} cr)`
      : '**No price known for this model**: tokens only.');
    const over = contextWindowWarning(estimate);
    if (over) {
      lines.push('', `$(warning) **${escapeMarkdown(over)}**: the provider will refuse it as it is. ${escapeMarkdown(contextWindowFix(estimate))}`);
    }
    lines.push('', '| Part | Tokens | Count |', '|:--|--:|:--|');
    for (const part of estimate.parts) {
      lines.push(partRow(part));
    }
    lines.push(`| expected output | ${formatTokens(estimate.outputTokens.p50)}–${formatTokens(estimate.outputTokens.p90)} | estimate |`);
    lines.push('', estimate.exact ? 'Token counts are exact.' : 'Token counts are calibrated from a proxy tokenizer.');
    const tier = longContextNote(estimate);
    if (tier) {
      lines.push('', escapeMarkdown(tier));
    }
    for (const note of snapshot.notes ?? []) {
      lines.push('', escapeMarkdown(note));
    }

    lines.push('', '---', '');
  }
  lines.push(`Today: **${formatCredits(snapshot.spend.today)} cr** · this month: **${formatCredits(snapshot.spend.month)} cr**`);
  for (const entry of budgetsLeft(snapshot.spend, snapshot.limits)) {
    const name = entry.period === 'daily' ? 'Daily' : 'Monthly';
    lines.push('', `${name} budget: ${formatCredits(entry.left)} of ${formatCredits(entry.limit)} cr left`);
  }
  const breaches = estimate && snapshot.mode !== 'idle' && estimate.credits
    ? budgetsCrossedBy(snapshot.spend, snapshot.limits, estimate.credits.high)
    : [];
  for (const breach of breaches) {
    lines.push('', `$(warning) Could exceed the ${breach.period} budget (${formatCredits(breach.after)} of ${formatCredits(breach.limit)} cr).`);
  }
  if (snapshot.tips.length > 0) {
    lines.push('', '**Ways to cut the cost**', '');
    for (const tip of snapshot.tips) {
      const saving = tip.savedCredits !== null ? `${formatCredits(tip.savedCredits)} cr` : `${formatTokens(tip.savedTokens)} tokens`;
      lines.push(`- ${escapeMarkdown(tip.title)} (saves ≈ ${saving})`);
    }
  }
  lines.push('', 'Click to open Compose.');
  return lines.join('\n');
}
