/**
 * The usage filter of the history view and "Export Usage", and its one translation into the core's
 * ledger filter, so the rows and credits the view shows equal what an export of the same filter writes.
 * Day boundaries are the user's local days (the webview and the extension host run on the same machine).
 */
import * as l10n from '@vscode/l10n';
import * as z from 'zod';
import type { LedgerFilter } from '../core/ledger/ledgerFilter';
import { OUTCOME_STATUSES, REQUEST_KINDS } from '../core/ledger/usageRecord';

export const RANGE_PRESETS = ['today', 'last7', 'last30', 'thisMonth', 'all', 'custom'] as const;
export type RangePreset = (typeof RANGE_PRESETS)[number];

/** The presets' names, looked up in the localisation bundle each time one is read. */
export const RANGE_LABELS: Readonly<Record<RangePreset, string>> = {
  get today() { return l10n.t('Today'); },
  get last7() { return l10n.t('Last 7 days'); },
  get last30() { return l10n.t('Last 30 days'); },
  get thisMonth() { return l10n.t('This month'); },
  get all() { return l10n.t('All time'); },
  get custom() { return l10n.t('Custom dates'); },
};

/** A calendar day, `YYYY-MM-DD`, that really exists. */
export const IsoDay = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date as YYYY-MM-DD').refine((text) => parseLocalDay(text) !== null, 'a real calendar date');

export const HistoryFilter = z.object({
  range: z.enum(RANGE_PRESETS),
  /** First day included; only for `custom`. */
  since: IsoDay.optional(),
  /** Last day included; only for `custom`. */
  until: IsoDay.optional(),
  /** Requested model ids; empty selects every model. */
  models: z.array(z.string().min(1).max(256)).max(1000),
  kinds: z.array(z.enum(REQUEST_KINDS)),
  statuses: z.array(z.enum(OUTCOME_STATUSES)),
  /** Case-insensitive text looked up in the prompt, context labels, models, tools and errors; empty matches all. */
  search: z.string().max(500),
  /** One task only: the rounds of an assistant's task through the gateway (its turn id). */
  task: z.string().min(1).max(128).optional(),
}).refine((filter) => !(filter.since && filter.until && filter.since > filter.until), { message: 'since must not be after until', path: ['until'] });
export type HistoryFilter = z.infer<typeof HistoryFilter>;

export const DEFAULT_FILTER: HistoryFilter = { range: 'last30', models: [], kinds: [], statuses: [], search: '' };

/** Half-open interval of epoch milliseconds; null ends are open. */
export interface TimeWindow {
  readonly sinceMs: number | null;
  readonly untilMs: number | null;
}

/** Midnight (local) that starts the given day, `YYYY-MM-DD`; null when it is not a real date. */
export function parseLocalDay(text: string): number | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!match) {
    return null;
  }
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(year, month - 1, day);
  return date.getFullYear() === year && date.getMonth() === month - 1 && date.getDate() === day ? date.getTime() : null;
}

export function startOfLocalDay(ms: number): number {
  const date = new Date(ms);
  return new Date(date.getFullYear(), date.getMonth(), date.getDate()).getTime();
}

/** Local midnight `days` calendar days after `dayStart` (safe across daylight-saving changes). */
export function addLocalDays(dayStart: number, days: number): number {
  const date = new Date(dayStart);
  return new Date(date.getFullYear(), date.getMonth(), date.getDate() + days).getTime();
}

/** Monday 00:00 of the week that holds `ms`. */
export function startOfLocalWeek(ms: number): number {
  const dayStart = startOfLocalDay(ms);
  const weekday = (new Date(dayStart).getDay() + 6) % 7;
  return addLocalDays(dayStart, -weekday);
}

export function startOfLocalMonth(ms: number): number {
  const date = new Date(ms);
  return new Date(date.getFullYear(), date.getMonth(), 1).getTime();
}

/** `YYYY-MM-DD` of the local day holding `ms`. */
export function formatLocalDay(ms: number): string {
  const date = new Date(ms);
  const pad = (value: number) => String(value).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

/** The time window a filter's range selects, as of `nowMs`. */
export function resolveRange(filter: Pick<HistoryFilter, 'range' | 'since' | 'until'>, nowMs: number): TimeWindow {
  const today = startOfLocalDay(nowMs);
  switch (filter.range) {
    case 'today':
      return { sinceMs: today, untilMs: null };
    case 'last7':
      return { sinceMs: addLocalDays(today, -6), untilMs: null };
    case 'last30':
      return { sinceMs: addLocalDays(today, -29), untilMs: null };
    case 'thisMonth':
      return { sinceMs: startOfLocalMonth(nowMs), untilMs: null };
    case 'all':
      return { sinceMs: null, untilMs: null };
    case 'custom': {
      const since = filter.since ? parseLocalDay(filter.since) : null;
      const until = filter.until ? parseLocalDay(filter.until) : null;
      return { sinceMs: since, untilMs: until === null ? null : addLocalDays(until, 1) };
    }
    default: {
      const unknown: never = filter.range;
      throw new Error(`unknown range ${String(unknown)}`);
    }
  }
}

/**
 * The ledger filter (see src/core/ledger/ledgerFilter.ts) a view filter stands for, as of `nowMs`.
 * The view's rows, its totals and "Export Usage" all select records through this one conversion and
 * the core's `compileFilter`, so they always agree.
 */
export function toLedgerFilter(filter: HistoryFilter, nowMs: number): LedgerFilter {
  const window = resolveRange(filter, nowMs);
  const search = filter.search.trim();
  return {
    ...(window.sinceMs === null ? {} : { since: new Date(window.sinceMs).toISOString() }),
    ...(window.untilMs === null ? {} : { until: new Date(window.untilMs).toISOString() }),
    ...(filter.models.length > 0 ? { models: filter.models } : {}),
    ...(filter.kinds.length > 0 ? { kinds: filter.kinds } : {}),
    ...(filter.statuses.length > 0 ? { statuses: filter.statuses } : {}),
    ...(search === '' ? {} : { text: search }),
    ...(filter.task ? { turnId: filter.task } : {}),
  };
}
