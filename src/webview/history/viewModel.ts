/**
 * What the history view shows, computed from its rows and the selection the extension sent: in which
 * order, which of them are on screen, and the chart series. Pure functions over `HistoryRows`, no DOM.
 */
import * as l10n from '@vscode/l10n';
import type { LedgerNotes } from '../../protocol/history';
import { addLocalDays, startOfLocalDay } from '../../protocol/historyFilter';
import { formatTokens } from './format';
import type { HistoryRows } from './historyRows';
import { chartText } from './text';

export const SORT_COLUMNS = [
  'time', 'kind', 'model', 'input', 'cached', 'output', 'estimated', 'charged', 'difference', 'status', 'latency', 'retries',
] as const;
export type SortColumn = (typeof SORT_COLUMNS)[number];

export function isSortColumn(name: string): name is SortColumn {
  return (SORT_COLUMNS as readonly string[]).includes(name);
}

/** The value a column sorts by; null sorts last whatever the direction. */
export function sortKey(rows: HistoryRows, column: SortColumn): (index: number) => number | string | null {
  const c = rows.columns;
  switch (column) {
    case 'time': return (i) => c.startedAt[i];
    case 'kind': return (i) => rows.kindAt(i);
    case 'model': return (i) => rows.modelAt(i);
    case 'input': return (i) => c.inputTokens[i];
    case 'cached': return (i) => c.cachedTokens[i];
    case 'output': return (i) => c.outputTokens[i];
    case 'estimated': return (i) => c.estimated[i];
    case 'charged': return (i) => c.charged[i];
    case 'difference': return (i) => rows.differenceAt(i);
    case 'status': return (i) => rows.statusAt(i);
    case 'latency': return (i) => c.latencyMs[i];
    // The column shows "retries / round": retries first, then the tool round.
    case 'retries': return (i) => c.retries[i] * 1_000_000 + c.round[i];
    default: {
      const unknown: never = column;
      throw new Error(`unknown column ${String(unknown)}`);
    }
  }
}

/** A sorted copy of `indices`; ties keep ledger order, so the order is stable and repeatable. */
export function sortRows(rows: HistoryRows, indices: Uint32Array, column: SortColumn, descending: boolean): Uint32Array {
  const key = sortKey(rows, column);
  // Read every key once, by position: the comparator then only compares plain values.
  const keys = Array.from(indices, (index) => key(index));
  // The ledger arrives in time order: when the keys already strictly rise, sorting is a copy or a reversal.
  if (strictlyRising(keys)) {
    return descending ? indices.slice().reverse() : indices.slice();
  }
  const positions = Array.from(keys, (_key, position) => position);
  const direction = descending ? -1 : 1;
  positions.sort((p, q) => {
    const kp = keys[p];
    const kq = keys[q];
    if (kp === kq) {
      return indices[p] - indices[q];
    }
    if (kp === null) {
      return 1;
    }
    if (kq === null) {
      return -1;
    }
    return (kp < kq ? -1 : 1) * direction;
  });
  return Uint32Array.from(positions, (position) => indices[position]);
}

function strictlyRising(keys: readonly (number | string | null)[]): boolean {
  for (let i = 1; i < keys.length; i++) {
    const previous = keys[i - 1];
    const current = keys[i];
    if (previous === null || current === null || !(previous < current)) {
      return false;
    }
  }
  return keys[0] !== null || keys.length === 0;
}

export interface WindowInput {
  readonly scrollTop: number;
  readonly viewportHeight: number;
  readonly rowHeight: number;
  readonly rowCount: number;
  /** Extra rows drawn above and below, so fast scrolling shows no gaps. */
  readonly overscan: number;
}

export interface VirtualWindow {
  /** First position drawn. */
  readonly first: number;
  /** One past the last position drawn. */
  readonly end: number;
  /** Height of the whole scrolled area. */
  readonly totalHeight: number;
}

/** Which rows of a virtualised list must be in the DOM for this scroll position. */
export function virtualWindow(input: WindowInput): VirtualWindow {
  const totalHeight = input.rowCount * input.rowHeight;
  const maxScroll = Math.max(0, totalHeight - input.viewportHeight);
  const scrollTop = Math.min(Math.max(0, input.scrollTop), maxScroll);
  const firstVisible = Math.floor(scrollTop / input.rowHeight);
  const lastVisible = Math.ceil((scrollTop + input.viewportHeight) / input.rowHeight);
  return {
    first: Math.max(0, firstVisible - input.overscan),
    end: Math.min(input.rowCount, lastVisible + input.overscan),
    totalHeight,
  };
}

/** The scrollTop that brings `position` into view (unchanged when it already is). */
export function scrollToReveal(position: number, scrollTop: number, viewportHeight: number, rowHeight: number): number {
  const top = position * rowHeight;
  if (top < scrollTop) {
    return top;
  }
  if (top + rowHeight > scrollTop + viewportHeight) {
    return Math.max(0, top + rowHeight - viewportHeight);
  }
  return scrollTop;
}

export interface BudgetUse {
  readonly used: number;
  readonly budget: number;
  /** used / budget, may exceed 1. */
  readonly share: number;
}

export function budgetUse(used: number, budget: number | null): BudgetUse | null {
  return budget === null ? null : { used, budget, share: budget === 0 ? (used > 0 ? Infinity : 0) : used / budget };
}

export interface DailySeries {
  /** Local midnights, ascending, one per day from the first to the last day with rows (gaps filled with 0). */
  readonly days: number[];
  readonly names: string[];
  /** `values[s][d]`: series s on day d. */
  readonly values: number[][];
}

function dayIndexer(rows: HistoryRows, indices: Uint32Array): { days: number[]; dayOf: (index: number) => number } {
  if (indices.length === 0) {
    return { days: [], dayOf: () => 0 };
  }
  const { startedAt } = rows.columns;
  let min = Infinity;
  let max = -Infinity;
  for (const index of indices) {
    min = Math.min(min, startedAt[index]);
    max = Math.max(max, startedAt[index]);
  }
  const days: number[] = [];
  const position = new Map<number, number>();
  for (let day = startOfLocalDay(min); day <= max; day = addLocalDays(day, 1)) {
    position.set(day, days.length);
    days.push(day);
  }
  return { days, dayOf: (index) => position.get(startOfLocalDay(startedAt[index])) ?? 0 };
}

/** Charged credits per day, one series per model, models by total descending. */
export function creditsPerDayByModel(rows: HistoryRows, indices: Uint32Array): DailySeries {
  const { days, dayOf } = dayIndexer(rows, indices);
  const perModel = new Map<number, number[]>();
  const { charged, model } = rows.columns;
  for (const index of indices) {
    const code = model[index];
    let series = perModel.get(code);
    if (!series) {
      series = new Array<number>(days.length).fill(0);
      perModel.set(code, series);
    }
    series[dayOf(index)] += charged[index] ?? 0;
  }
  const sum = (values: number[]) => values.reduce((total, value) => total + value, 0);
  const ordered = [...perModel.entries()].sort((a, b) => sum(b[1]) - sum(a[1]));
  return { days, names: ordered.map(([code]) => rows.models[code] ?? '?'), values: ordered.map(([, values]) => values) };
}

/** Tokens per day by part: input (incl. cache writes), cached (cache reads), output. */
export function tokensPerDay(rows: HistoryRows, indices: Uint32Array): DailySeries {
  const { days, dayOf } = dayIndexer(rows, indices);
  const values = [0, 1, 2].map(() => new Array<number>(days.length).fill(0));
  const { inputTokens, cachedTokens, outputTokens } = rows.columns;
  for (const index of indices) {
    const day = dayOf(index);
    values[0][day] += inputTokens[index];
    values[1][day] += cachedTokens[index];
    values[2][day] += outputTokens[index];
  }
  return { days, names: [chartText.input, chartText.cached, chartText.output], values };
}

/** Running sums from the last series up, for a stacked chart: `stacked[s][d]` = Σ values[k][d] for k ≥ s. */
export function stack(values: number[][]): number[][] {
  const stacked = values.map((series) => [...series]);
  for (let s = stacked.length - 2; s >= 0; s--) {
    for (let d = 0; d < stacked[s].length; d++) {
      stacked[s][d] += stacked[s + 1][d];
    }
  }
  return stacked;
}

export interface EstimateSeries {
  readonly times: number[];
  readonly estimated: (number | null)[];
  readonly charged: (number | null)[];
}

/** Estimated and charged credits of the last `limit` requests in time order (a chart of every one of 100k would be noise). */
export function estimateVsCharged(rows: HistoryRows, indices: Uint32Array, limit: number): EstimateSeries {
  const { startedAt, estimated, charged } = rows.columns;
  const ordered = Array.from(indices).sort((a, b) => startedAt[a] - startedAt[b] || a - b).slice(-limit);
  return {
    times: ordered.map((index) => startedAt[index]),
    estimated: ordered.map((index) => estimated[index]),
    charged: ordered.map((index) => charged[index]),
  };
}

/** The summary's note on what its sums leave out of the ledger; empty when nothing is left out. */
export function ledgerNoteLines(notes: LedgerNotes): string[] {
  const lines: string[] = [];
  if (notes.damaged > 0) {
    lines.push(l10n.t('{0} unreadable ledger line(s) skipped, not counted', formatTokens(notes.damaged)));
  }
  if (notes.newerSchema > 0) {
    lines.push(l10n.t('{0} record(s) from a newer Credit Meter, not counted', formatTokens(notes.newerSchema)));
  }
  if (notes.quarantined > 0) {
    lines.push(l10n.t('{0} unreadable line(s) set aside in quarantine.jsonl, not counted', formatTokens(notes.quarantined)));
  }
  if (notes.indexRebuilt !== null) {
    lines.push(l10n.t('Index rebuilt from the ledger files: {0}', notes.indexRebuilt));
  }
  return lines;
}

/**
 * Task rows: the rounds of an assistant's task through the gateway are shown under one row that sums
 * them, collapsed until opened. An order entry at or above `TASK_ROW` stands for task `entry - TASK_ROW`.
 */
export const TASK_ROW = 0x80000000;

export function isTaskRow(entry: number): boolean {
  return entry >= TASK_ROW;
}

export interface TaskSummary {
  readonly code: number;
  /** Rows of the task in the selection, by round, then attempt, then time. */
  readonly members: readonly number[];
  /** Distinct rounds among them. */
  readonly rounds: number;
  readonly firstAt: number;
  readonly lastAt: number;
  readonly inputTokens: number;
  readonly cachedTokens: number;
  readonly outputTokens: number;
  /** Sums; null when a member has none. */
  readonly estimated: number | null;
  readonly charged: number | null;
  readonly latencyMs: number;
  /** The latest request's row (its status is the task's). */
  readonly latest: number;
}

export interface TaskGroups {
  /** Record indices and task rows, in the order shown. */
  readonly order: Uint32Array;
  readonly summaries: ReadonlyMap<number, TaskSummary>;
}

function summarize(rows: HistoryRows, code: number, members: number[]): TaskSummary {
  const c = rows.columns;
  members.sort((a, b) => c.round[a] - c.round[b] || c.retries[a] - c.retries[b] || c.startedAt[a] - c.startedAt[b] || a - b);
  let estimated: number | null = 0;
  let charged: number | null = 0;
  let inputTokens = 0;
  let cachedTokens = 0;
  let outputTokens = 0;
  let latencyMs = 0;
  let firstAt = Infinity;
  let lastAt = -Infinity;
  let latest = members[0];
  const rounds = new Set<number>();
  for (const index of members) {
    rounds.add(c.round[index]);
    inputTokens += c.inputTokens[index];
    cachedTokens += c.cachedTokens[index];
    outputTokens += c.outputTokens[index];
    latencyMs += c.latencyMs[index];
    estimated = estimated === null || c.estimated[index] === null ? null : estimated + (c.estimated[index] as number);
    charged = charged === null || c.charged[index] === null ? null : charged + (c.charged[index] as number);
    firstAt = Math.min(firstAt, c.startedAt[index]);
    if (c.startedAt[index] >= lastAt) {
      lastAt = c.startedAt[index];
      latest = index;
    }
  }
  return { code, members, rounds: rounds.size, firstAt, lastAt, inputTokens, cachedTokens, outputTokens, estimated, charged, latencyMs, latest };
}

/**
 * Groups a sorted order by task: each task of two or more requests becomes one task row, placed
 * where its first request falls in the sort, followed by its requests when `expanded` holds its id.
 * Requests outside a task, and tasks of one request, stay as they are.
 */
export function groupByTask(rows: HistoryRows, order: Uint32Array, expanded: ReadonlySet<string>): TaskGroups {
  const membersOf = new Map<number, number[]>();
  for (const index of order) {
    const code = rows.taskAt(index);
    if (code !== null) {
      let members = membersOf.get(code);
      if (!members) {
        members = [];
        membersOf.set(code, members);
      }
      members.push(index);
    }
  }
  const summaries = new Map<number, TaskSummary>();
  for (const [code, members] of membersOf) {
    if (members.length > 1) {
      summaries.set(code, summarize(rows, code, members));
    }
  }
  if (summaries.size === 0) {
    return { order, summaries };
  }
  const out: number[] = [];
  const placed = new Set<number>();
  for (const index of order) {
    const code = rows.taskAt(index);
    const summary = code === null ? undefined : summaries.get(code);
    if (!summary) {
      out.push(index);
      continue;
    }
    if (placed.has(summary.code)) {
      continue;
    }
    placed.add(summary.code);
    out.push(TASK_ROW + summary.code);
    if (expanded.has(rows.tasks[summary.code]?.id ?? '')) {
      out.push(...summary.members);
    }
  }
  return { order: Uint32Array.from(out), summaries };
}
