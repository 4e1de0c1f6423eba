/**
 * What the status-bar item says: its text, whether it warns, and its Markdown tooltip, from plain
 * values (the extension turns editors, the draft and the ledger into a `StatusSnapshot` first).
 */
import { budgetsCrossedBy, budgetsLeft, type BudgetLimits, type Spend } from '../budget/budget';
import { escapeMarkdown, formatCreditRange, formatCredits, formatTokens } from './credits';

export interface EstimatePart {
  /** `system`, `prompt`, a context label such as `src/a.ts:10-42`, `tools`, `overhead`. */
  readonly label: string;
  readonly tokens: number;
  readonly exact: boolean;
}

/** The parts of an estimate the status bar shows; built from the core estimate by the extension. */
export interface EstimateSummary {
  readonly model: string;
  /** `null` when the model has no known price. */
  readonly credits: { readonly low: number; readonly expected: number; readonly high: number } | null;
  readonly inputTokens: number;
  readonly outputTokens: { readonly p50: number; readonly p90: number };
  readonly parts: readonly EstimatePart[];
  /** True when every count is exact (an OpenAI encoding); false when calibrated from a proxy. */
  readonly exact: boolean;
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
}

const ICON = '$(credit-card)';

export function statusText(snapshot: StatusSnapshot): string {
  const estimate = snapshot.estimate;
  if (snapshot.mode === 'draft' && estimate) {
    return `${ICON} ≈ ${formatCredits(estimate.credits?.expected ?? null)} cr`;
  }
  if (snapshot.mode === 'selection' && estimate) {
    return `${ICON} sel ≈ ${formatCredits(estimate.credits?.expected ?? null)} cr`;
  }
  return `${ICON} ${formatCredits(snapshot.spend.today)} cr today`;
}

/** Warn when the high estimate would take a budget past its limit (or, when idle, it already is). */
export function statusWarns(snapshot: StatusSnapshot): boolean {
  const credits = snapshot.mode === 'idle' ? null : snapshot.estimate?.credits ?? null;
  if (!credits) {
    return budgetsLeft(snapshot.spend, snapshot.limits).some((entry) => entry.used >= 1);
  }
  return budgetsCrossedBy(snapshot.spend, snapshot.limits, credits.high).length > 0;
}

function partRow(part: EstimatePart): string {
  return `| ${escapeMarkdown(part.label)} | ${formatTokens(part.tokens)} | ${part.exact ? 'exact' : 'calibrated'} |`;
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
    lines.push('', '| Part | Tokens | Count |', '|:--|--:|:--|');
    for (const part of estimate.parts) {
      lines.push(partRow(part));
    }
    lines.push(`| expected output | ${formatTokens(estimate.outputTokens.p50)}–${formatTokens(estimate.outputTokens.p90)} | estimate |`);
    lines.push('', estimate.exact ? 'Token counts are exact.' : 'Token counts are calibrated from a proxy tokenizer.');
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
