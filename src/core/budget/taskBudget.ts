/**
 * Budgets that stop spending before it happens: the daily and monthly budgets plus a cap per task
 * (`creditMeter.budget.perTask`), checked with a request's *high* estimate against what is already
 * charged and what requests still in flight may cost. The metering gateway refuses a request that
 * would cross one, and says so in words the assistant shows its user.
 */
import * as l10n from '@vscode/l10n';
import { formatCredits } from '../format/credits';
import { type BudgetLimits, type Spend, budgetsCrossedBy } from './budget';

export interface GatewayBudgetLimits extends BudgetLimits {
  /** Credits one task (all its rounds) may cost; null for no cap. */
  readonly perTask: number | null;
}

export type BudgetScope = 'daily' | 'monthly' | 'task';

export interface ScopedBreach {
  readonly scope: BudgetScope;
  readonly limit: number;
  /** Charged so far in the period or task, plus the high estimates of requests in flight. */
  readonly spent: number;
  /** `spent` plus this request's high estimate. */
  readonly after: number;
}

/** Every budget a request costing up to `high` credits would take past its limit. */
export function budgetBreaches(spend: Spend, taskSpent: number, limits: GatewayBudgetLimits, high: number): ScopedBreach[] {
  const breaches: ScopedBreach[] = budgetsCrossedBy(spend, limits, high)
    .map((breach) => ({ scope: breach.period, limit: breach.limit, spent: breach.spent, after: breach.after }));
  if (limits.perTask !== null && taskSpent + high > limits.perTask) {
    breaches.push({ scope: 'task', limit: limits.perTask, spent: taskSpent, after: taskSpent + high });
  }
  return breaches;
}

const SETTING: Readonly<Record<BudgetScope, string>> = { daily: 'creditMeter.budget.daily', monthly: 'creditMeter.budget.monthly', task: 'creditMeter.budget.perTask' };

/**
 * The refusal, in one paragraph: the request's estimate, each budget it would cross, and what to do.
 * `Credit Meter refused this request: it may cost up to 4.2 cr (expected 1.1 cr) and the daily
 * budget has 0.8 of 5.0 cr left. Raise creditMeter.budget.daily, or wait for the next day.`
 */
export function refusalMessage(breaches: readonly ScopedBreach[], estimate: { expected: number; high: number }): string {
  const crossed = breaches.map((breach) => {
    const left = formatCredits(Math.max(0, breach.limit - breach.spent));
    const limit = formatCredits(breach.limit);
    switch (breach.scope) {
      case 'daily': return l10n.t('the daily budget has {0} of {1} cr left', left, limit);
      case 'monthly': return l10n.t('the monthly budget has {0} of {1} cr left', left, limit);
      case 'task': return l10n.t('the per-task cap has {0} of {1} cr left', left, limit);
      default: {
        const unknown: never = breach.scope;
        throw new Error(`unknown budget scope ${String(unknown)}`);
      }
    }
  }).reduce((all, clause) => l10n.t('{0} and {1}', all, clause));
  const settings = breaches.map((breach) => SETTING[breach.scope]).join(' / ');
  const high = formatCredits(estimate.high);
  const expected = formatCredits(estimate.expected);
  if (breaches.some((breach) => breach.scope === 'task')) {
    return l10n.t('Credit Meter refused this request: it may cost up to {0} cr (expected {1} cr) and {2}. Raise {3}, or start a new task.', high, expected, crossed, settings);
  }
  return breaches.some((breach) => breach.scope === 'daily')
    ? l10n.t('Credit Meter refused this request: it may cost up to {0} cr (expected {1} cr) and {2}. Raise {3}, or wait for the next day.', high, expected, crossed, settings)
    : l10n.t('Credit Meter refused this request: it may cost up to {0} cr (expected {1} cr) and {2}. Raise {3}, or wait for the next month.', high, expected, crossed, settings);
}
