/**
 * `credit-meter export`: the records of a ledger folder as CSV, JSON or JSON Lines, to a file
 * (written atomically) or to stdout. Prompts stay out unless `--include-prompts`; every free-text
 * field is redacted. Lines the export cannot include (damaged, newer schema, quarantined) are
 * counted on stderr and in the JSON header.
 */
import * as path from 'node:path';
import { Writable } from 'node:stream';
import { csvColumns, EmptyExportError, EXPORT_FORMATS, type ExportFormat, type ExportOptions, exportToFile, skippedLines, writeExport } from '../core/export';
import { type Ledger, LedgerChangedError, OUTCOME_STATUSES, REQUEST_KINDS } from '../core/ledger';
import { CliError, type CliIo } from './io';
import { parseOptions } from './cliOptions';
import { healthNotes, ledgerFilterFrom, openLedger } from './ledgerOptions';

const HELP = `Usage: credit-meter export --ledger DIR --format csv|json|jsonl [options]
       credit-meter export --ledger DIR --otlp [URL] [--otlp-protocol http/protobuf|http/json] [--since DATE]

Exports the usage records of a Credit Meter ledger folder, oldest first. The folder is only read.

Options:
  --ledger DIR         the ledger folder: the "ledger" folder in the extension's workspace storage
  --format F           csv, json or jsonl (default: from the -o file extension)
  -o, --output FILE    write FILE (atomically) instead of stdout
  --since DATE         first day (YYYY-MM-DD) or instant (ISO-8601), included
  --until DATE         last day (YYYY-MM-DD) included, or an ISO-8601 instant, excluded
  --model M            only this model, requested or served (repeatable)
  --kind K             only this request kind: ${REQUEST_KINDS.join(', ')} (repeatable)
  --status S           only this outcome: ${OUTCOME_STATUSES.join(', ')} (repeatable)
  --include-prompts    include prompt and system text (left out by default)
  --allow-empty        write the file even when no record matches
  --columns            list the CSV columns with what each one holds, and exit
  --otlp [URL]         send to an OpenTelemetry Collector instead (see --otlp --help)
  -h, --help           show this help

Formats:
  csv    RFC 4180 with a header row and CRLF line ends; one row per request, fixed columns
         (--columns lists them; new columns are only ever added at the end, before prompt and
         system). Text that a spreadsheet would run as a formula gets a leading '.
  json   one object: schemaVersion, generatedAt, filters, includePrompts, skipped (lines left
         out: damaged, newerSchema, quarantined), rowCount, totals, then "records": the usage
         records as stored, each with appliedBlocks (code blocks of its answer applied to the
         editor; null where unknown, e.g. through the gateway).
  jsonl  one usage record per line (with appliedBlocks), nothing else.
Keys and other credentials in any text field are replaced by [REDACTED]. Lines the export
cannot include are counted on stderr.
`;

const OPTIONS = {
  ledger: { type: 'string' },
  format: { type: 'string' },
  output: { type: 'string', short: 'o' },
  since: { type: 'string' },
  until: { type: 'string' },
  model: { type: 'string', multiple: true },
  kind: { type: 'string', multiple: true },
  status: { type: 'string', multiple: true },
  'include-prompts': { type: 'boolean' },
  'allow-empty': { type: 'boolean' },
  columns: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

export async function run(args: string[], io: CliIo): Promise<number> {
  if (args.some((arg) => arg === '--otlp' || arg.startsWith('--otlp='))) {
    return (await import('./otlpExport')).runOtlpExport(args, io);
  }
  const { values } = parseOptions(args, OPTIONS);
  if (values.help) {
    io.out(HELP);
    return 0;
  }
  if (values.columns) {
    io.out(columnsText());
    return 0;
  }
  const format = formatFrom(values.format, values.output);
  const filters = ledgerFilterFrom(values);
  const includePrompts = values['include-prompts'] ?? false;
  const { ledger } = await openLedger(io, values.ledger);
  try {
    // A segment changed under the export is found and the index rebuilt: the export runs once more.
    for (let attempt = 0; ; attempt++) {
      try {
        await exportOnce(io, ledger, values.output, { format, filters, includePrompts }, values['allow-empty'] ?? false);
        break;
      } catch (error) {
        if (!(error instanceof LedgerChangedError) || attempt > 0 || (error as { written?: boolean }).written) {
          throw error instanceof LedgerChangedError ? new CliError(error.message, 1) : error;
        }
      }
    }
    for (const note of healthNotes(await ledger.health())) {
      io.err(`credit-meter export: ${note}\n`);
    }
  } finally {
    await ledger.close();
  }
  return 0;
}

async function exportOnce(io: CliIo, ledger: Ledger, output: string | undefined, base: Omit<ExportOptions, 'summary'>, allowEmpty: boolean): Promise<void> {
  const selection = await ledger.select(base.filters);
  const options: ExportOptions = { ...base, summary: selection, skipped: skippedLines(await ledger.health()) };
  if (output === undefined) {
    const sink = stdoutSink(io);
    try {
      await writeExport(selection.records(), options, sink.stream);
    } catch (error) {
      // Once bytes are out, a second run would print them twice: only a clean start is retried.
      if (error instanceof LedgerChangedError && sink.written()) {
        Object.assign(error, { written: true });
      }
      throw error;
    }
    return;
  }
  const file = path.resolve(io.cwd, output);
  try {
    const result = await exportToFile(file, selection.records(), { ...options, allowEmpty });
    io.out(`Exported ${result.rows} record(s), ${result.totalCredits} credits, to ${result.path}\n`);
  } catch (error) {
    if (error instanceof EmptyExportError) {
      throw new CliError(`${error.message} (nothing written; --allow-empty writes it anyway)`, 1);
    }
    const code = (error as NodeJS.ErrnoException).code;
    if (code && !(error instanceof LedgerChangedError)) {
      throw new CliError(`cannot write ${file}: ${code}`, 1);
    }
    throw error;
  }
}

function formatFrom(format: string | undefined, output: string | undefined): ExportFormat {
  const chosen = format ?? (output ? path.extname(output).slice(1).toLowerCase() : undefined);
  if (chosen === undefined || chosen === '') {
    throw new CliError(`--format is required: ${EXPORT_FORMATS.join(', ')}`);
  }
  if (!(EXPORT_FORMATS as readonly string[]).includes(chosen)) {
    throw new CliError(`--format must be one of ${EXPORT_FORMATS.join(', ')}, not '${chosen}'`);
  }
  return chosen as ExportFormat;
}

/** The CSV columns, numbered, with their type and meaning (the same table as the export README). */
function columnsText(): string {
  const columns = csvColumns(true);
  const width = Math.max(...columns.map((column) => column.name.length));
  const lines = columns.map((column, i) => {
    const type = column.kind === 'plain' ? 'text' : column.kind;
    return `${String(i + 1).padStart(2)}  ${column.name.padEnd(width)}  ${type.padEnd(6)}  ${column.description.replace(/`/g, '')}`;
  });
  return ['CSV columns, in order (prompt and system only with --include-prompts):', ...lines].join('\n') + '\n';
}

/** Stdout as a stream, through the verb's io so tests can capture it. */
function stdoutSink(io: CliIo): { stream: Writable; written: () => boolean } {
  let written = false;
  const stream = new Writable({
    write(chunk: Buffer | string, _encoding, callback) {
      try {
        io.out(typeof chunk === 'string' ? chunk : chunk.toString('utf8'));
        written = true;
        callback();
      } catch (error) {
        callback(error as Error);
      }
    },
  });
  return { stream, written: () => written };
}
