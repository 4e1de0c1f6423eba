/**
 * `credit-meter report`: usage from a ledger folder, grouped per day / model / kind, like
 * `ccusage daily`: requests, tokens, credits, USD and how close the estimates were.
 */
import { type AggregateRow, type GroupBy, type LedgerHealth, OUTCOME_STATUSES, REQUEST_KINDS, type Totals } from '../core/ledger';
import { parseOptions } from './cliOptions';
import { CliError, type CliIo } from './io';
import { healthNotes, ledgerFilterFrom, openLedger } from './ledgerOptions';

const GROUPINGS: readonly GroupBy[] = ['day', 'model', 'kind', 'status'];

const HELP = `Usage: credit-meter report --ledger DIR [options]

Sums the usage recorded in a Credit Meter ledger folder, one row per day (UTC), model, kind or
outcome status. The folder is only read, never changed (a read-only copy works).

Options:
  --ledger DIR       the ledger folder: the "ledger" folder in the extension's workspace storage
  --since DATE       first day (YYYY-MM-DD, YYYYMMDD) or first instant (ISO-8601), included
  --until DATE       last day included (YYYY-MM-DD, YYYYMMDD), or an ISO-8601 instant, excluded
  --model M          only this model, requested or served (repeatable)
  --kind K           only this request kind: ${REQUEST_KINDS.join(', ')} (repeatable)
  --status S         only this outcome: ${OUTCOME_STATUSES.join(', ')} (repeatable)
  --by G             one row per ${GROUPINGS.join(', ')} (default: day); by model, rows are the
                     model asked for, and "Served as" lists the model names the responses gave
  --json             print {"rows":[...],"totals":{...},"quarantined":N,"skipped":{...},"indexRebuilt":...}
  -h, --help         show this help

Lines the sums leave out are counted below the table (and in --json): "quarantined" lines were
set aside in quarantine.jsonl in the folder; "skipped.damaged" lines could not be read and were
left in place; "skipped.newerSchema" records were written by a newer Credit Meter. "indexRebuilt"
says why the index was rebuilt from the segments (a damaged index.bin, a segment edited in place).
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

export async function run(args: string[], io: CliIo): Promise<number> {
  const { values } = parseOptions(args, OPTIONS);
  if (values.help) {
    io.out(HELP);
    return 0;
  }
  const by = (values.by ?? 'day') as GroupBy;
  if (!GROUPINGS.includes(by)) {
    throw new CliError(`--by must be one of ${GROUPINGS.join(', ')}, not '${values.by}'`);
  }
  const filter = ledgerFilterFrom(values);
  const { ledger } = await openLedger(io, values.ledger);
  try {
    const rows = await ledger.aggregate(filter, by);
    const totals = await ledger.totals(filter);
    const health = await ledger.health();
    if (values.json) {
      io.out(JSON.stringify(toJson(by, rows, totals, health)) + '\n');
    } else {
      io.out(formatTable(by, rows, totals, health));
    }
  } finally {
    await ledger.close();
  }
  return 0;
}

// ---- output ----

function toJson(by: GroupBy, rows: readonly AggregateRow[], totals: Totals, health: LedgerHealth): unknown {
  return {
    rows: rows.map(({ key, ...row }) => ({ [by]: key, ...row })),
    totals: { requests: totals.requests, credits: totals.credits, usd: totals.usd, inputTokens: totals.inputTokens, outputTokens: totals.outputTokens },
    quarantined: health.quarantined,
    skipped: { damaged: health.damaged, newerSchema: health.newer },
    indexRebuilt: health.rebuilt ?? null,
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

function formatTable(by: GroupBy, rows: readonly AggregateRow[], totals: Totals, health: LedgerHealth): string {
  const served = by === 'model';
  const header = [TITLES[by], 'Requests', 'Input', 'Output', 'Credits', 'USD', 'Estimate accuracy', ...(served ? ['Served as'] : [])];
  const line = (key: string, t: Totals, names?: readonly string[]) => [
    key, integer.format(t.requests), integer.format(t.inputTokens), integer.format(t.outputTokens), credits.format(t.credits), usd(t.usd), accuracy(t),
    ...(served ? [names === undefined ? '' : names.length === 0 ? '-' : names.join(', ')] : []),
  ];
  const body = rows.map((row) => line(row.key, row, row.served));
  const total = line('Total', totals);
  const all = [header, ...body, total];
  const widths = header.map((_title, column) => Math.max(...all.map((cells) => [...cells[column]].length)));
  const pad = (cells: string[]) => '│ ' + cells.map((cell, column) => (column === 0 || column >= 6 ? padEnd(cell, widths[column]) : padStart(cell, widths[column]))).join(' │ ') + ' │';
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
  lines.push(...healthNotes(health));
  return lines.join('\n') + '\n';
}

function padEnd(text: string, width: number): string {
  return text + ' '.repeat(Math.max(0, width - [...text].length));
}

function padStart(text: string, width: number): string {
  return ' '.repeat(Math.max(0, width - [...text].length)) + text;
}
