/**
 * `credit-meter export`: the records of a ledger folder as CSV, JSON or JSON Lines, to a file
 * (written atomically) or to stdout. Prompts stay out unless `--include-prompts`.
 */
import * as path from 'node:path';
import { Writable } from 'node:stream';
import { EmptyExportError, EXPORT_FORMATS, type ExportFormat, exportToFile, writeExport } from '../core/export';
import { OUTCOME_STATUSES, REQUEST_KINDS } from '../core/ledger';
import { CliError, type CliIo } from './io';
import { parseOptions } from './cliOptions';
import { ledgerFilterFrom, openLedger } from './ledgerOptions';

const HELP = `Usage: credit-meter export --ledger DIR --format csv|json|jsonl [options]
       credit-meter export --ledger DIR --otlp [URL] [--otlp-protocol http/protobuf|http/json] [--since DATE]

Exports the usage records of a Credit Meter ledger folder (columns: src/core/export/README.md).

Options:
  --ledger DIR         the ledger folder
  --format F           csv, json or jsonl (default: from the -o file extension)
  -o, --output FILE    write FILE (atomically) instead of stdout
  --since DATE         first day (YYYY-MM-DD) or instant (ISO-8601), included
  --until DATE         last day (YYYY-MM-DD) included, or an ISO-8601 instant, excluded
  --model M            only this model, requested or served (repeatable)
  --kind K             only this request kind: ${REQUEST_KINDS.join(', ')} (repeatable)
  --status S           only this outcome: ${OUTCOME_STATUSES.join(', ')} (repeatable)
  --include-prompts    include prompt and system text (left out by default)
  --allow-empty        write the file even when no record matches
  --otlp [URL]         send to an OpenTelemetry Collector instead (see --otlp --help)
  -h, --help           show this help
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
  const format = formatFrom(values.format, values.output);
  const filters = ledgerFilterFrom(values);
  const includePrompts = values['include-prompts'] ?? false;
  const { ledger } = await openLedger(io, values.ledger);
  try {
    const selection = await ledger.select(filters);
    const options = { format, filters, includePrompts, summary: selection };
    if (values.output === undefined) {
      await writeExport(selection.records(), options, stdoutSink(io));
      return 0;
    }
    const file = path.resolve(io.cwd, values.output);
    try {
      const result = await exportToFile(file, selection.records(), { ...options, allowEmpty: values['allow-empty'] });
      io.out(`Exported ${result.rows} record(s), ${result.totalCredits} credits, to ${result.path}\n`);
    } catch (error) {
      if (error instanceof EmptyExportError) {
        throw new CliError(`${error.message} (nothing written; --allow-empty writes it anyway)`, 1);
      }
      const code = (error as NodeJS.ErrnoException).code;
      if (code) {
        throw new CliError(`cannot write ${file}: ${code}`, 1);
      }
      throw error;
    }
  } finally {
    await ledger.close();
  }
  return 0;
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

/** Stdout as a stream, through the verb's io so tests can capture it. */
function stdoutSink(io: CliIo): Writable {
  return new Writable({
    write(chunk: Buffer | string, _encoding, callback) {
      io.out(typeof chunk === 'string' ? chunk : chunk.toString('utf8'));
      callback();
    },
  });
}
