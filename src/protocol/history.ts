/**
 * Messages between the usage history webview and the extension, both ways, as zod schemas.
 *
 * The ledger stays in the extension. The view gets the table once as compact columns (one array per
 * field; models, kinds and statuses as small integer codes), then only the rows appended since. Which
 * rows a filter selects, and their totals, come from the extension (the core's filter, the same one
 * "Export Usage" uses) as a bitset. The whole record travels only when the details drawer asks for it.
 * Nothing the view sends is a path or URL.
 */
import * as z from 'zod';
import { UsageRecord } from '../core/ledger/usageRecord';
import { HistoryFilter } from './historyFilter';

export const HISTORY_VIEW_TYPE = 'creditMeter.history';

/** zod 4 numbers are finite: NaN and Infinity are rejected. */
const finite = z.number();
const code = z.number().int().nonnegative();
/**
 * One loop per column instead of a zod check per element: a 100k-row snapshot is 1.5M numbers, and
 * element-wise schemas took most of the view's first-paint budget. Same rule: finite numbers only.
 */
function isColumn(values: unknown, options: { nullable?: boolean; code?: boolean }): boolean {
  if (!Array.isArray(values)) {
    return false;
  }
  const list = values as unknown[];
  const nullable = options.nullable === true;
  const code = options.code === true;
  for (let i = 0; i < list.length; i++) {
    const value = list[i];
    if (typeof value === 'number') {
      if (value - value !== 0 || (code && (value < 0 || value % 1 !== 0))) {
        // NaN and ±Infinity fail `value - value === 0`.
        return false;
      }
    } else if (!(value === null && nullable)) {
      return false;
    }
  }
  return true;
}
const column = z.custom<number[]>((values) => isColumn(values, {}), 'an array of finite numbers');
const nullableColumn = z.custom<(number | null)[]>((values) => isColumn(values, { nullable: true }), 'an array of finite numbers or nulls');
const codeColumn = z.custom<number[]>((values) => isColumn(values, { code: true }), 'an array of non-negative integers');

/**
 * Rows of the table, column by column; every array has the same length. Kinds index `REQUEST_KINDS`,
 * statuses `OUTCOME_STATUSES`, models the message's `models` list. Null credits: unknown charge or no estimate.
 */
export const HistoryColumns = z.object({
  startedAt: column,
  model: codeColumn,
  kind: codeColumn,
  status: codeColumn,
  /** Input billed at the input price: uncached input plus cache writes. */
  inputTokens: column,
  /** Input read from the prompt cache. */
  cachedTokens: column,
  outputTokens: column,
  estimated: nullableColumn,
  estimateLow: nullableColumn,
  estimateHigh: nullableColumn,
  charged: nullableColumn,
  usd: nullableColumn,
  latencyMs: column,
  retries: column,
  round: column,
  /**
   * The task a row belongs to, as an index into the message's `tasks` (requests through the metering
   * gateway); null for requests that are not part of one (Compose). Absent from older senders.
   */
  task: nullableColumn.optional(),
}).refine((columns) => {
  const lengths = Object.values(columns).map((values) => values.length);
  return lengths.every((length) => length === lengths[0]);
}, 'every column has the same length');
export type HistoryColumns = z.infer<typeof HistoryColumns>;
export type ColumnName = keyof HistoryColumns;

/** A task of an assistant through the metering gateway: its turn id and the client's name. */
export const TaskRef = z.object({ id: z.string().min(1).max(128), client: z.string().max(128) });
export type TaskRef = z.infer<typeof TaskRef>;

export const Budget = z.object({ daily: finite.nonnegative().nullable(), monthly: finite.nonnegative().nullable() });
export type Budget = z.infer<typeof Budget>;

const requestId = z.string().min(1).max(64);
/** Bumped when the extension reloads the rows; indexes of an older generation are stale. */
const generation = z.number().int().nonnegative();

/** Sums over the selected rows, as the core's `Ledger.totals` computes them (and exports report them). */
export const SelectionTotals = z.object({
  requests: code,
  credits: finite,
  usd: finite,
  /** Requests without a known charge (not in the sums). */
  unpricedRequests: code,
  inputTokens: finite,
  cacheReadTokens: finite,
  outputTokens: finite,
  accuracy: z.object({
    samples: code,
    /** Median |expected − charged| / charged, in percent. */
    medianAbsPctError: finite.nullable(),
    /** 0..1 share of charges inside the estimated low–high range. */
    withinRangeShare: finite.nullable(),
  }),
});
export type SelectionTotals = z.infer<typeof SelectionTotals>;

export const PeriodTotals = z.object({ today: SelectionTotals, week: SelectionTotals, month: SelectionTotals });
export type PeriodTotals = z.infer<typeof PeriodTotals>;

/** Rows `[0, rowCount)` a filter selects, one bit per row (bit i of byte i>>3), base64. */
export const Selection = z.object({
  generation,
  rowCount: code,
  matches: z.string().max(2_000_000).regex(/^[A-Za-z0-9+/]*={0,2}$/, 'base64'),
  totals: SelectionTotals,
  periods: PeriodTotals,
});
export type Selection = z.infer<typeof Selection>;

/** Ledger lines the view's sums leave out, and why the index was last rebuilt (shown as a note in the summary). */
export const LedgerNotes = z.object({
  /** Lines set aside in the quarantine file. */
  quarantined: code,
  /** Unreadable lines skipped in place. */
  damaged: code,
  /** Records written by a newer Credit Meter. */
  newerSchema: code,
  /** Why the index was rebuilt from the segments (a damaged snapshot, a segment edited in place); null when it was not. */
  indexRebuilt: z.string().max(1024).nullable(),
});
export type LedgerNotes = z.infer<typeof LedgerNotes>;

export const ToWebview = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('snapshot'),
    generation,
    /** Model ids, indexed by the `model` column. */
    models: z.array(z.string()),
    /** Tasks, indexed by the `task` column. */
    tasks: z.array(TaskRef).optional(),
    columns: HistoryColumns,
    selection: Selection,
    budget: Budget,
    /** What the sums leave out of the ledger. */
    ledger: LedgerNotes,
  }),
  z.object({
    type: z.literal('append'),
    generation,
    /** Index of the first appended row; the view drops a batch that does not continue its rows. */
    startIndex: code,
    models: z.array(z.string()),
    tasks: z.array(TaskRef).optional(),
    columns: HistoryColumns,
  }),
  /** The rows of the view's filter; `requestId` echoes the query it answers, absent after an append. */
  z.object({ type: z.literal('selection'), requestId: requestId.optional(), selection: Selection.optional(), error: z.string().optional() }),
  z.object({ type: z.literal('budget'), budget: Budget }),
  z.object({
    type: z.literal('record'),
    requestId,
    record: UsageRecord.optional(),
    error: z.string().optional(),
    /** The Compose thread the request belongs to, named by the extension. */
    thread: z.object({ label: z.string().max(500) }).optional(),
    /** Code blocks of its answer applied to the editor, from the ledger's notes; null where nobody can know (the gateway). */
    appliedBlocks: z.number().int().nonnegative().nullable().optional(),
  }),
]);
export type ToWebview = z.infer<typeof ToWebview>;

export const FromWebview = z.discriminatedUnion('type', [
  /** The view is listening; `filter` is the one it restored, answered with a snapshot selected by it. */
  z.object({ type: z.literal('ready'), filter: HistoryFilter }).strict(),
  z.object({ type: z.literal('query'), requestId, filter: HistoryFilter }).strict(),
  z.object({ type: z.literal('getRecord'), requestId, generation, index: code }).strict(),
  /** Export the rows of this filter; format and file are asked by the extension. */
  z.object({ type: z.literal('export'), filter: HistoryFilter }).strict(),
  z.object({ type: z.literal('openBudgetSettings') }).strict(),
  /** The table is on screen with this many rows (after the snapshot and after each selection). */
  z.object({ type: z.literal('rendered'), generation, rows: code }).strict(),
]);
export type FromWebview = z.infer<typeof FromWebview>;

/** The parsed message, or a one-line reason naming the field that is wrong. */
export function parseFromWebview(raw: unknown): { ok: true; message: FromWebview } | { ok: false; reason: string } {
  const result = FromWebview.safeParse(raw);
  if (result.success) {
    return { ok: true, message: result.data };
  }
  const issue = result.error.issues[0];
  const where = issue && issue.path.length > 0 ? issue.path.join('.') : 'message';
  return { ok: false, reason: `${where}: ${issue?.message ?? 'invalid'}` };
}

/** UI state the webview keeps with `setState`, restored after hide/show and reload. */
export const HistoryViewState = z.object({
  filter: HistoryFilter,
  sort: z.object({ column: z.string().max(32), descending: z.boolean() }),
  scrollTop: z.number().nonnegative(),
  /** Ledger row index of the selected row. */
  selected: z.number().int().nonnegative().nullable(),
  detailsOpen: z.boolean(),
  /** Turn ids of the task rows shown open. */
  expanded: z.array(z.string().max(128)).max(1000).optional(),
});
export type HistoryViewState = z.infer<typeof HistoryViewState>;

/** Packs row flags (true or non-zero) into base64, bit i of byte i >> 3. */
export function encodeBits(flags: ArrayLike<boolean | number>): string {
  const bytes = new Uint8Array(Math.ceil(flags.length / 8));
  for (let index = 0; index < flags.length; index++) {
    if (flags[index]) {
      bytes[index >> 3] |= 1 << (index & 7);
    }
  }
  let binary = '';
  for (let offset = 0; offset < bytes.length; offset += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(offset, offset + 0x8000));
  }
  return btoa(binary);
}

/** Indexes of the set bits among the first `count` rows. */
export function decodeBits(base64: string, count: number): Uint32Array {
  const binary = atob(base64);
  const out = new Uint32Array(count);
  let found = 0;
  for (let index = 0; index < count; index++) {
    const byte = index >> 3 < binary.length ? binary.charCodeAt(index >> 3) : 0;
    if (byte & (1 << (index & 7))) {
      out[found++] = index;
    }
  }
  return out.slice(0, found);
}
