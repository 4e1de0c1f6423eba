/**
 * The options object "Export Usage" accepts from keybindings, tests and the history view, and how it
 * is completed with defaults when no dialog is shown. Pure (no vscode).
 */
import * as l10n from '@vscode/l10n';
import * as path from 'node:path';
import { z } from 'zod';
import { EXPORT_FORMATS, type ExportFormat } from '../core/export/writeExport';
import type { LedgerFilter } from '../core/ledger/ledgerFilter';
import { OUTCOME_STATUSES, REQUEST_KINDS } from '../core/ledger/usageRecord';
import { formatLocalDay, HistoryFilter, IsoDay, RANGE_PRESETS, toLedgerFilter } from '../protocol/historyFilter';

export { EXPORT_FORMATS, type ExportFormat };

export const ExportUsageOptions = z.object({
  format: z.enum(EXPORT_FORMATS).optional(),
  /** A preset; `since` / `until` without a range mean `custom`. */
  range: z.enum(RANGE_PRESETS).optional(),
  since: IsoDay.optional(),
  until: IsoDay.optional(),
  models: z.array(z.string().min(1).max(256)).optional(),
  kinds: z.array(z.enum(REQUEST_KINDS)).optional(),
  statuses: z.array(z.enum(OUTCOME_STATUSES)).optional(),
  search: z.string().max(500).optional(),
  /** One task (turn id) only. */
  task: z.string().min(1).max(128).optional(),
  includePrompts: z.boolean().optional(),
  /** Absolute file to write; when given, no dialog is shown and missing options take their defaults. */
  targetPath: z.string().min(1).refine((file) => path.isAbsolute(file), 'an absolute file path').optional(),
}).strict();
export type ExportUsageOptions = z.infer<typeof ExportUsageOptions>;

/** What an export reports back (the success message shows the same numbers). */
export interface ExportUsageResult {
  readonly rows: number;
  readonly totalCredits: number;
  /** Absent when nothing matched and nothing was written. */
  readonly path?: string;
}

/** The options, or an error naming the field that is wrong. */
export function parseExportOptions(raw: unknown): ExportUsageOptions {
  const result = ExportUsageOptions.safeParse(raw ?? {});
  if (!result.success) {
    const issue = result.error.issues[0];
    const field = issue.path.length > 0 ? issue.path.join('.') : 'options';
    throw new RangeError(`Export Usage: ${field}: ${issue.message}`);
  }
  return result.data;
}

/** The view filter the options describe (missing parts select everything). */
export function filterOf(options: ExportUsageOptions): HistoryFilter {
  const range = options.range ?? (options.since || options.until ? 'custom' : 'all');
  const filter = HistoryFilter.safeParse({
    range,
    ...(options.since ? { since: options.since } : {}),
    ...(options.until ? { until: options.until } : {}),
    models: options.models ?? [],
    kinds: options.kinds ?? [],
    statuses: options.statuses ?? [],
    search: options.search ?? '',
    ...(options.task ? { task: options.task } : {}),
  });
  if (!filter.success) {
    throw new RangeError(`Export Usage: ${filter.error.issues[0].path.join('.') || 'filter'}: ${filter.error.issues[0].message}`);
  }
  return filter.data;
}

export function ledgerFilterOf(options: ExportUsageOptions, nowMs: number): LedgerFilter {
  return toLedgerFilter(filterOf(options), nowMs);
}

/** `.csv` -> csv and so on; csv for anything else. */
export function formatOfPath(file: string): ExportFormat {
  const extension = path.extname(file).slice(1).toLowerCase();
  return (EXPORT_FORMATS as readonly string[]).includes(extension) ? (extension as ExportFormat) : 'csv';
}

/** `credit-usage-2026-03-18.csv`: today's local date. */
export function defaultFileName(format: ExportFormat, nowMs: number): string {
  return `credit-usage-${formatLocalDay(nowMs)}.${format}`;
}

/** A write failure in words a user can act on. */
export function describeWriteError(error: unknown, file: string): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const where = path.basename(file);
  switch (code) {
    case 'EACCES':
    case 'EPERM':
    case 'EROFS':
      return l10n.t('Could not write {0}: the folder is read-only or you do not have permission to write there. Choose another folder.', where);
    case 'ENOSPC':
    case 'EDQUOT':
      return l10n.t('Could not write {0}: the disk is full. Free some space or choose another drive.', where);
    case 'ENOENT':
    case 'ENOTDIR':
      return l10n.t('Could not write {0}: the folder {1} does not exist.', where, path.dirname(file));
    case 'EISDIR':
      return l10n.t('Could not write {0}: a folder with that name already exists.', where);
    default:
      return l10n.t('Could not write {0}: {1}', where, error instanceof Error ? error.message : String(error));
  }
}
