/**
 * Daily and monthly credit budgets: whether a request could cross one (checked with the *high*
 * estimate, so the user is asked before the risk, not after), and which 80 % / 100 % notices are due.
 */
import { periodBounds } from './periods';

export type BudgetPeriod = 'daily' | 'monthly';

export interface BudgetLimits {
  readonly daily: number | null;
  readonly monthly: number | null;
}

export interface Spend {
  /** Credits charged since local midnight. */
  readonly today: number;
  /** Credits charged since the 1st of this month. */
  readonly month: number;
}

export interface BudgetBreach {
  readonly period: BudgetPeriod;
  readonly limit: number;
  readonly spent: number;
  /** Spend if the request costs its high estimate. */
  readonly after: number;
}

function limitsByPeriod(spend: Spend, limits: BudgetLimits): { period: BudgetPeriod; limit: number | null; spent: number }[] {
  return [
    { period: 'daily', limit: limits.daily, spent: spend.today },
    { period: 'monthly', limit: limits.monthly, spent: spend.month },
  ];
}

/** Budgets a request costing `high` credits would take past their limit. */
export function budgetsCrossedBy(spend: Spend, limits: BudgetLimits, high: number): BudgetBreach[] {
  return limitsByPeriod(spend, limits)
    .filter((entry): entry is { period: BudgetPeriod; limit: number; spent: number } => entry.limit !== null && entry.spent + high > entry.limit)
    .map((entry) => ({ period: entry.period, limit: entry.limit, spent: entry.spent, after: entry.spent + high }));
}

export interface BudgetLeft {
  readonly period: BudgetPeriod;
  readonly limit: number;
  readonly spent: number;
  /** Never negative. */
  readonly left: number;
  /** Share used, 0..∞ (1 = the whole budget). */
  readonly used: number;
}

export function budgetsLeft(spend: Spend, limits: BudgetLimits): BudgetLeft[] {
  return limitsByPeriod(spend, limits)
    .filter((entry): entry is { period: BudgetPeriod; limit: number; spent: number } => entry.limit !== null)
    .map((entry) => ({
      period: entry.period,
      limit: entry.limit,
      spent: entry.spent,
      left: Math.max(0, entry.limit - entry.spent),
      used: entry.limit === 0 ? (entry.spent > 0 ? Infinity : 0) : entry.spent / entry.limit,
    }));
}

export const NOTICE_LEVELS = [80, 100] as const;
export type NoticeLevel = (typeof NOTICE_LEVELS)[number];

/** What has been announced already; persisted per workspace so a notice shows once per period. */
export interface NoticeState {
  readonly dayKey: string;
  readonly daily: readonly NoticeLevel[];
  readonly monthKey: string;
  readonly monthly: readonly NoticeLevel[];
}

export interface BudgetNotice {
  readonly period: BudgetPeriod;
  readonly level: NoticeLevel;
  readonly limit: number;
  readonly spent: number;
}

export interface NoticeDecision {
  /** Notices to show now: only the highest level newly reached per period. */
  readonly due: readonly BudgetNotice[];
  readonly state: NoticeState;
}

export function emptyNoticeState(now: Date): NoticeState {
  const bounds = periodBounds(now);
  return { dayKey: bounds.dayKey, daily: [], monthKey: bounds.monthKey, monthly: [] };
}

/** Levels (80 / 100 %) the spend has reached for a limit. */
export function levelsReached(spent: number, limit: number): NoticeLevel[] {
  if (limit <= 0) {
    return spent > 0 ? [...NOTICE_LEVELS] : [];
  }
  return NOTICE_LEVELS.filter((level) => spent >= (limit * level) / 100);
}

/**
 * Decides which notices are due after spend changed. A new day or month starts from a clean slate;
 * a level already announced in this period is never announced again, and when spend jumps past both
 * levels at once only the 100 % notice is shown.
 */
export function noticesDue(previous: NoticeState | undefined, spend: Spend, limits: BudgetLimits, now: Date): NoticeDecision {
  const bounds = periodBounds(now);
  const base = previous ?? emptyNoticeState(now);
  let daily = base.dayKey === bounds.dayKey ? base.daily : [];
  let monthly = base.monthKey === bounds.monthKey ? base.monthly : [];
  const due: BudgetNotice[] = [];
  for (const entry of limitsByPeriod(spend, limits)) {
    if (entry.limit === null) {
      continue;
    }
    const announced = entry.period === 'daily' ? daily : monthly;
    const fresh = levelsReached(entry.spent, entry.limit).filter((level) => !announced.includes(level));
    if (fresh.length === 0) {
      continue;
    }
    due.push({ period: entry.period, level: fresh[fresh.length - 1], limit: entry.limit, spent: entry.spent });
    const updated = [...announced, ...fresh].sort((a, b) => a - b);
    if (entry.period === 'daily') {
      daily = updated;
    } else {
      monthly = updated;
    }
  }
  return { due, state: { dayKey: bounds.dayKey, daily, monthKey: bounds.monthKey, monthly } };
}
