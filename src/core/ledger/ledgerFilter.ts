/**
 * Which records a query, aggregate or export covers.
 *
 * - `since` is inclusive and `until` exclusive, both compared with `startedAt`. They take a `Date`
 *   or an ISO-8601 string; a bare date (`2026-03-01`) means midnight UTC of that day.
 * - `models` matches the served or the requested model, case-insensitively.
 * - `text` is a case-insensitive substring search over ids, models, kind, status, error, context
 *   labels, tool names and the local prompt.
 * Empty lists mean "no restriction".
 */
import { type RecordSummary, summarize } from './recordSummary';
import type { OutcomeStatus, RequestKind, UsageRecord } from './usageRecord';

export interface LedgerFilter {
  readonly since?: string | Date;
  readonly until?: string | Date;
  readonly models?: readonly string[];
  readonly kinds?: readonly RequestKind[];
  readonly statuses?: readonly OutcomeStatus[];
  readonly turnId?: string;
  readonly text?: string;
}

/** A filter turned into plain values once, so matching 100k records stays cheap. */
export interface CompiledFilter {
  readonly sinceMs: number;
  readonly untilMs: number;
  /** Lower-cased search text, when the filter has one: only a full record can answer it. */
  readonly text: string | undefined;
  /** Every part of the filter except `text`. */
  matchesSummary(record: RecordSummary): boolean;
  /** The `text` part (true without one). */
  matchesText(record: UsageRecord): boolean;
  /** The whole filter, for a full record (`startedMs` saves parsing `startedAt` again). */
  matches(record: UsageRecord, startedMs?: number): boolean;
}

export function toEpochMs(value: string | Date, field: string): number {
  const ms = value instanceof Date ? value.getTime() : Date.parse(value);
  if (Number.isNaN(ms)) {
    throw new RangeError(`${field}: not a date or ISO-8601 time: ${String(value)}`);
  }
  return ms;
}

export function compileFilter(filter: LedgerFilter = {}): CompiledFilter {
  const sinceMs = filter.since === undefined ? -Infinity : toEpochMs(filter.since, 'since');
  const untilMs = filter.until === undefined ? Infinity : toEpochMs(filter.until, 'until');
  const models = filter.models && filter.models.length > 0 ? new Set(filter.models.map((model) => model.toLowerCase())) : undefined;
  const kinds = filter.kinds && filter.kinds.length > 0 ? new Set<string>(filter.kinds) : undefined;
  const statuses = filter.statuses && filter.statuses.length > 0 ? new Set<string>(filter.statuses) : undefined;
  const text = filter.text?.trim().toLowerCase() || undefined;
  const turnId = filter.turnId;
  const compiled: CompiledFilter = {
    sinceMs,
    untilMs,
    text,
    matchesSummary(record) {
      if (record.startedMs < sinceMs || record.startedMs >= untilMs) {
        return false;
      }
      if (models && !models.has(record.modelRequested.toLowerCase()) && !(record.modelServed !== null && models.has(record.modelServed.toLowerCase()))) {
        return false;
      }
      if (kinds && !kinds.has(record.kind)) {
        return false;
      }
      if (statuses && !statuses.has(record.status)) {
        return false;
      }
      return turnId === undefined || record.turnId === turnId;
    },
    matchesText(record) {
      return text === undefined || searchableText(record).includes(text);
    },
    matches(record, startedMs) {
      const summary = summarize(record);
      return compiled.matchesSummary(startedMs === undefined ? summary : { ...summary, startedMs }) && compiled.matchesText(record);
    },
  };
  return compiled;
}

function searchableText(record: UsageRecord): string {
  return [
    record.id, record.turnId, record.modelRequested, record.modelServed ?? '', record.kind, record.provider,
    record.outcome.status, record.outcome.errorClass ?? '', record.outcome.errorMessage ?? '',
    ...record.contexts.map((item) => item.label), ...record.tools.names, record.prompt ?? '',
  ].join('\n').toLowerCase();
}

/** Filters as plain JSON (for export headers): dates as ISO strings, empty parts left out. */
export function describeFilter(filter: LedgerFilter = {}): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (filter.since !== undefined) {
    out.since = new Date(toEpochMs(filter.since, 'since')).toISOString();
  }
  if (filter.until !== undefined) {
    out.until = new Date(toEpochMs(filter.until, 'until')).toISOString();
  }
  for (const key of ['models', 'kinds', 'statuses'] as const) {
    const list = filter[key];
    if (list && list.length > 0) {
      out[key] = [...list];
    }
  }
  if (filter.turnId !== undefined) {
    out.turnId = filter.turnId;
  }
  if (filter.text) {
    out.text = filter.text;
  }
  return out;
}
