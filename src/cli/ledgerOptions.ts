/** The ledger folder and record filters that `credit-meter report` and `credit-meter export` share. */
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import {
  Ledger, type LedgerFilter, type LedgerScanReport, OUTCOME_STATUSES, type OutcomeStatus, QUARANTINE_FILE, REQUEST_KINDS, type RequestKind,
} from '../core/ledger';
import { CliError, type CliIo } from './io';

export interface FilterOptions {
  since?: string;
  until?: string;
  model?: string[];
  kind?: string[];
  status?: string[];
}

export function ledgerFilterFrom(values: FilterOptions): LedgerFilter {
  const kinds = (values.kind ?? []).map((kind) => {
    if (!(REQUEST_KINDS as readonly string[]).includes(kind)) {
      throw new CliError(`--kind must be one of ${REQUEST_KINDS.join(', ')}, not '${kind}'`);
    }
    return kind as RequestKind;
  });
  const statuses = (values.status ?? []).map((status) => {
    if (!(OUTCOME_STATUSES as readonly string[]).includes(status)) {
      throw new CliError(`--status must be one of ${OUTCOME_STATUSES.join(', ')}, not '${status}'`);
    }
    return status as OutcomeStatus;
  });
  const since = values.since === undefined ? undefined : parseDate('--since', values.since, false);
  const until = values.until === undefined ? undefined : parseDate('--until', values.until, true);
  if (since && until && since >= until) {
    throw new CliError(`--since (${values.since}) must be before --until (${values.until})`);
  }
  return { since, until, models: values.model ?? [], kinds, statuses };
}

/** A bare day means its UTC midnight; for `--until` the midnight after it (the day is included). */
export function parseDate(option: string, text: string, endOfDay: boolean): Date {
  const day = /^(\d{4})-?(\d{2})-?(\d{2})$/.exec(text.trim());
  if (day) {
    const ms = Date.UTC(Number(day[1]), Number(day[2]) - 1, Number(day[3]) + (endOfDay ? 1 : 0));
    const check = new Date(Date.UTC(Number(day[1]), Number(day[2]) - 1, Number(day[3])));
    if (check.getUTCDate() === Number(day[3]) && check.getUTCMonth() === Number(day[2]) - 1) {
      return new Date(ms);
    }
  } else if (/^\d{4}-\d{2}-\d{2}T/.test(text.trim()) && !Number.isNaN(Date.parse(text))) {
    return new Date(Date.parse(text));
  }
  throw new CliError(`${option}: not a date: '${text}' (use YYYY-MM-DD or an ISO-8601 time)`);
}

/** Opens the ledger in `dir` (relative to the working folder); a missing folder is an error, an empty one is not. */
export async function openLedger(io: CliIo, dir: string | undefined): Promise<{ ledger: Ledger; report: LedgerScanReport }> {
  if (!dir?.trim()) {
    throw new CliError('--ledger DIR is required (try --help)');
  }
  const folder = path.resolve(io.cwd, dir);
  const stat = await fsp.stat(folder).catch(() => undefined);
  if (!stat) {
    throw new CliError(`ledger folder not found: ${folder}`);
  }
  if (!stat.isDirectory()) {
    throw new CliError(`--ledger must be a folder: ${folder}`);
  }
  return Ledger.open(folder, { create: false });
}

/** Lines in the quarantine file plus unreadable lines still waiting in a running writer's segment. */
export async function unreadableLines(dir: string, report: LedgerScanReport): Promise<number> {
  const text = await fsp.readFile(path.join(dir, QUARANTINE_FILE), 'utf8').catch(() => '');
  return text.split('\n').filter((line) => line.trim() !== '').length + report.pending;
}
