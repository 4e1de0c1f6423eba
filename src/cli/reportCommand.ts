/**
 * `credit-meter report`: usage from a ledger folder, grouped per day / model / kind, like
 * `ccusage daily`: requests, tokens, credits, USD and how close the estimates were.
 * The ledger options and filters here are shared with `credit-meter export`.
 */
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import {
  type AggregateRow, type GroupBy, Ledger, type LedgerFilter, type LedgerScanReport, OUTCOME_STATUSES, type OutcomeStatus,
  QUARANTINE_FILE, REQUEST_KINDS, type RequestKind, type Totals,
} from '../core/ledger';
import { CliError, type CliIo } from './io';

const HELP = `Usage: credit-meter report --ledger DIR [options]

Sums the usage recorded in a Credit Meter ledger folder, one row per day (UTC), model or kind.

Options:
  --ledger DIR       the ledger folder (the extension's workspace storage "ledger" folder)
  --since DATE       first day (YYYY-MM-DD, YYYYMMDD) or first instant (ISO-8601), included
  --until DATE       last day included (YYYY-MM-DD, YYYYMMDD), or an ISO-8601 instant, excluded
  --model M          only this model, requested or served (repeatable)
  --kind K           only this request kind: ${REQUEST_KINDS.join(', ')} (repeatable)
  --status S         only this outcome: ${OUTCOME_STATUSES.join(', ')} (repeatable)
  --by day|model|kind|status   grouping (default: day)
  --json             print {"rows":[...],"totals":{...},"quarantined":N}
  -h, --help         show this help

"quarantined" counts ledger lines that could not be read (see quarantine.jsonl in the folder).
`;

const OPTIONS = {
  ledger: { type: 'string' },
  since: { type: 'string' },
  until: { type: 'string' },
  model: { type: 'string', multiple: true },
  kind: { type: 'string', multiple: true },
  status: { type: 'string', multiple: true },
  by: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

const GROUPINGS: readonly GroupBy[] = ['day', 'model', 'kind', 'status'];

export async function run(args: string[], io: CliIo): Promise<number> {
  const values = parseOptions(args, OPTIONS);
  if (values.help) {
    io.out(HELP);
    return 0;
  }
  const by = (values.by ?? 'day') as GroupBy;
  if (!GROUPINGS.includes(by)) {
    throw new CliError(`--by must be one of ${GROUPINGS.join(', ')}, not '${values.by}'`);
  }
  const filter = ledgerFilterFrom(values);
  const { ledger, report } = await openLedger(io, values.ledger);
  try {
    const rows = await ledger.aggregate(filter, by);
    const totals = await ledger.totals(filter);
    const quarantined = await unreadableLines(ledger.dir, report);
    if (values.json) {
      io.out(JSON.stringify(toJson(by, rows, totals, quarantined)) + '\n');
    } else {
      io.out(formatTable(by, rows, totals, quarantined));
    }
  } finally {
    await ledger.close();
  }
  return 0;
}

// ---- shared with `credit-meter export` ----

/** parseArgs with its errors turned into one-line CLI errors. */
export function parseOptions<T extends NonNullable<ParseArgsConfig['options']>>(args: string[], options: T) {
  try {
    const { values, positionals } = parseArgs({ args, options, strict: true, allowPositionals: true });
    if (positionals.length > 0) {
      throw new Error(`unexpected argument '${positionals[0]}'`);
    }
    return values;
  } catch (error) {
    throw new CliError(`${(error instanceof Error ? error.message : String(error)).split('\n')[0]} (try --help)`);
  }
}

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
  return Ledger.open(folder);
}

/** Lines in the quarantine file plus unreadable lines still waiting in a running writer's segment. */
export async function unreadableLines(dir: string, report: LedgerScanReport): Promise<number> {
  const text = await fsp.readFile(path.join(dir, QUARANTINE_FILE), 'utf8').catch(() => '');
  return text.split('\n').filter((line) => line.trim() !== '').length + report.pending;
}

// ---- output ----

function toJson(by: GroupBy, rows: readonly AggregateRow[], totals: Totals, quarantined: number): unknown {
  return {
    rows: rows.map(({ key, ...row }) => ({ [by]: key, ...row })),
    totals: { requests: totals.requests, credits: totals.credits, usd: totals.usd, inputTokens: totals.inputTokens, outputTokens: totals.outputTokens },
    quarantined,
  };
}

const integer = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const credits = new Intl.NumberFormat('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });

function usd(value: number): string {
  // Cents, except for sums too small to show any.
  return `$${value > 0 && value < 0.01 ? value.toFixed(4) : credits.format(value)}`;
}

function accuracy(totals: Totals): string {
  const { medianAbsPctError, withinRangeShare, samples } = totals.accuracy;
  if (samples === 0 || medianAbsPctError === null || withinRangeShare === null) {
    return '-';
  }
  return `±${medianAbsPctError.toFixed(0)}%, ${(withinRangeShare * 100).toFixed(0)}% in range`;
}

const TITLES: Record<GroupBy, string> = { day: 'Date (UTC)', model: 'Model', kind: 'Kind', status: 'Status' };

function formatTable(by: GroupBy, rows: readonly AggregateRow[], totals: Totals, quarantined: number): string {
  const header = [TITLES[by], 'Requests', 'Input', 'Output', 'Credits', 'USD', 'Estimate accuracy'];
  const line = (key: string, t: Totals) => [key, integer.format(t.requests), integer.format(t.inputTokens), integer.format(t.outputTokens), credits.format(t.credits), usd(t.usd), accuracy(t)];
  const body = rows.map((row) => line(row.key, row));
  const total = line('Total', totals);
  const all = [header, ...body, total];
  const widths = header.map((_title, column) => Math.max(...all.map((cells) => [...cells[column]].length)));
  const pad = (cells: string[]) => '│ ' + cells.map((cell, column) => (column === 0 || column === 6 ? padEnd(cell, widths[column]) : padStart(cell, widths[column]))).join(' │ ') + ' │';
  const rule = (left: string, middle: string, right: string) => left + widths.map((width) => '─'.repeat(width + 2)).join(middle) + right;
  const lines = [rule('┌', '┬', '┐'), pad(header), rule('├', '┼', '┤'), ...body.map(pad)];
  if (body.length > 0) {
    lines.push(rule('├', '┼', '┤'));
  }
  lines.push(pad(total), rule('└', '┴', '┘'));
  if (rows.length === 0) {
    lines.push('No usage recorded for these filters.');
  }
  if (totals.unpricedRequests > 0) {
    lines.push(`${totals.unpricedRequests} request(s) had no known charge and count as 0 credits.`);
  }
  if (quarantined > 0) {
    lines.push(`${quarantined} ledger line(s) could not be read; see ${QUARANTINE_FILE} in the ledger folder.`);
  }
  return lines.join('\n') + '\n';
}

function padEnd(text: string, width: number): string {
  return text + ' '.repeat(Math.max(0, width - [...text].length));
}

function padStart(text: string, width: number): string {
  return ' '.repeat(Math.max(0, width - [...text].length)) + text;
}
