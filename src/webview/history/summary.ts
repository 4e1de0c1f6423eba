/** The summary strip: today / this week / this month / filtered range, accuracy and budget use. */
import type { Budget, LedgerNotes, Selection, SelectionTotals } from '../../protocol/history';
import { h } from './dom';
import { formatCredits, formatPercentValue, formatShare, formatTokens, formatUsd } from './format';
import { summaryText as text } from './text';
import { budgetUse, type BudgetUse, ledgerNoteLines } from './viewModel';

function card(title: string, lines: readonly [string, string][], testId: string): HTMLElement {
  return h('div', { className: 'card', attrs: { 'data-testid': testId } }, [
    h('h3', { text: title }),
    ...lines.map(([label, value]) => h('div', { className: 'card-line' }, [h('span', { className: 'card-label', text: label }), h('span', { className: 'card-value', text: value })])),
  ]);
}

function totalsCard(title: string, totals: SelectionTotals, testId: string): HTMLElement {
  return card(title, [
    [text.credits, formatCredits(totals.credits)],
    [text.usd, formatUsd(totals.usd)],
    [text.requests, formatTokens(totals.requests)],
  ], testId);
}

function budgetLine(label: string, use: BudgetUse | null): HTMLElement {
  if (use === null) {
    return h('div', { className: 'card-line' }, [h('span', { className: 'card-label', text: label }), h('span', { className: 'card-value muted', text: text.noBudget })]);
  }
  const meter = h('meter', { attrs: { min: '0', max: '1', low: '0.8', high: '0.99', optimum: '0', value: String(Math.min(1, use.share)), 'aria-label': text.budgetUsed(label) } });
  return h('div', { className: 'card-line budget' + (use.share >= 1 ? ' exceeded' : use.share >= 0.8 ? ' warning' : '') }, [
    h('span', { className: 'card-label', text: label }),
    meter,
    h('span', { className: 'card-value', text: `${formatCredits(use.used)} / ${formatCredits(use.budget)} (${formatShare(use.share)})` }),
  ]);
}

/** A note across the summary when its sums leave ledger lines out (damaged, newer schema, quarantined) or the index was rebuilt. */
function ledgerNote(notes: LedgerNotes | null): HTMLElement[] {
  const lines = notes ? ledgerNoteLines(notes) : [];
  if (lines.length === 0) {
    return [];
  }
  return [h('div', { className: 'card ledger-note', attrs: { 'data-testid': 'summary-ledger-note', role: 'note', title: text.notCountedTitle } }, [
    h('h3', { text: text.notCounted }),
    ...lines.map((line) => h('div', { className: 'card-line', text: line })),
  ])];
}

export function renderSummary(target: HTMLElement, selection: Selection, budget: Budget, notes: LedgerNotes | null, onBudgetSettings: () => void): void {
  const { totals, periods } = selection;
  const accuracy = totals.accuracy;
  const budgetCard = h('div', { className: 'card', attrs: { 'data-testid': 'summary-budget' } }, [
    h('h3', { text: text.budget }),
    budgetLine(text.today, budgetUse(periods.today.credits, budget.daily)),
    budgetLine(text.month, budgetUse(periods.month.credits, budget.monthly)),
  ]);
  const settings = h('button', { className: 'link-button', text: budget.daily === null && budget.monthly === null ? text.setBudget : text.changeBudget, attrs: { title: text.budgetSettingsTitle } });
  settings.addEventListener('click', onBudgetSettings);
  budgetCard.append(settings);
  const requests = formatTokens(totals.requests);
  const filtered = card(text.filteredRange, [
    [text.credits, formatCredits(totals.credits)],
    [text.usd, formatUsd(totals.usd)],
    [text.requests, totals.unpricedRequests > 0 ? text.withUnpriced(requests, formatTokens(totals.unpricedRequests)) : requests],
  ], 'summary-filtered');
  const accuracyCard = card(text.accuracy, [
    [text.medianError, formatPercentValue(accuracy.medianAbsPctError)],
    [text.insideRange, formatShare(accuracy.withinRangeShare)],
    [text.compared, formatTokens(accuracy.samples)],
  ], 'summary-accuracy');
  target.replaceChildren(
    totalsCard(text.today, periods.today, 'summary-today'),
    totalsCard(text.thisWeek, periods.week, 'summary-week'),
    totalsCard(text.thisMonth, periods.month, 'summary-month'),
    filtered,
    accuracyCard,
    budgetCard,
    ...ledgerNote(notes),
  );
}
