/**
 * `credit-meter export --ledger DIR --otlp [URL]`: sends the ledger's records to an OpenTelemetry
 * Collector as GenAI spans (and metrics), with the same span ids the extension sends, so a backfill
 * never doubles what the backend already has. The endpoint's cursor beside the ledger (shared with
 * the extension) skips what the endpoint acknowledged before, unless `--resend`. The standard
 * `OTEL_EXPORTER_OTLP_*` variables apply: endpoint (when `--otlp` has no URL), protocol, headers.
 */
import { version } from '../../package.json';
import { OtlpConfigError, resolveOtlpTarget, type OtlpTarget } from '../core/telemetry';
import { ExportLockedError, LedgerExporter } from '../telemetry';
import { firstLine, parseOptions } from './cliOptions';
import { CliError, type CliIo } from './io';
import { ledgerFilterFrom, openLedger } from './ledgerOptions';

const HELP = `Usage: credit-meter export --ledger DIR --otlp [URL] [options]

Sends the usage records of a ledger folder to an OpenTelemetry Collector (OTLP over HTTP) as
GenAI spans and metrics, with the span ids the extension uses: sending twice never doubles spans.
Records this endpoint acknowledged before are skipped (the cursor beside the ledger says which).

Options:
  --ledger DIR             the ledger folder
  --otlp [URL]             the Collector's OTLP/HTTP base endpoint, e.g. http://localhost:4318
                           (without URL: OTEL_EXPORTER_OTLP_ENDPOINT / _TRACES_ENDPOINT)
  --otlp-protocol P        http/protobuf (default) or http/json (else OTEL_EXPORTER_OTLP_PROTOCOL)
  --since DATE             first day (YYYY-MM-DD) or instant (ISO-8601), included
  --until DATE             last day (YYYY-MM-DD) included, or an ISO-8601 instant, excluded
  --include-prompts        also send prompt and system text (left out by default)
  --resend                 send records this endpoint acknowledged before too (same ids)
  -h, --help               show this help

Headers (e.g. an API key for a hosted backend) come from OTEL_EXPORTER_OTLP_HEADERS or
OTEL_EXPORTER_OTLP_TRACES_HEADERS, as "name=value,name2=value2".
`;

const OPTIONS = {
  ledger: { type: 'string' },
  otlp: { type: 'string' },
  'otlp-protocol': { type: 'string' },
  since: { type: 'string' },
  until: { type: 'string' },
  'include-prompts': { type: 'boolean' },
  resend: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** A bare `--otlp` (last, or followed by another option) means "the endpoint from the environment". */
function withBareOtlp(args: readonly string[]): string[] {
  return args.map((arg, i) => (arg === '--otlp' && (i + 1 >= args.length || args[i + 1].startsWith('-')) ? '--otlp=' : arg));
}

export async function runOtlpExport(args: string[], io: CliIo, env: Readonly<Record<string, string | undefined>> = process.env): Promise<number> {
  const { values } = parseOptions(withBareOtlp(args), OPTIONS);
  if (values.help) {
    io.out(HELP);
    return 0;
  }
  let target: OtlpTarget;
  try {
    target = resolveOtlpTarget({
      ...(values.otlp ? { endpoint: values.otlp } : {}),
      ...(values['otlp-protocol'] !== undefined ? { protocol: values['otlp-protocol'] } : {}),
      env,
    });
  } catch (error) {
    if (error instanceof OtlpConfigError) {
      throw new CliError(error.message);
    }
    throw error;
  }
  const filter = ledgerFilterFrom(values);
  const { ledger } = await openLedger(io, values.ledger);
  let exporter: LedgerExporter | undefined;
  try {
    exporter = await LedgerExporter.start({
      ledger, target, environment: 'use', includeContent: values['include-prompts'] ?? false, version,
      follow: false, filter, resend: values.resend ?? false, maxAttempts: 3, backoff: { initialMs: 500, maxMs: 2000 }, timeoutMillis: 5000,
    });
    const stats = await exporter.whenIdle();
    const metricsProblem = await exporter.flushMetrics().then(() => undefined, (error: unknown) => firstLine(error));
    const where = `${target.traces.url} (${target.traces.protocol})`;
    if (stats.state === 'failed') {
      throw new CliError(`${where} did not take the export: ${stats.lastError ?? 'failed'}; sent ${stats.sent} record(s), ${stats.pending} left (run again to resume; nothing is sent twice)`, 1);
    }
    const tasks = stats.taskSpans > 0 ? `, ${stats.taskSpans} task span(s)` : '';
    const resent = stats.resent > 0 ? ` (${stats.resent} of them sent before)` : '';
    io.out(`Sent ${stats.sent} record(s) as spans${resent}${tasks} to ${where}; ${stats.metered} counted in the metrics.\n`);
    if (metricsProblem !== undefined) {
      io.err(`credit-meter export: metrics not delivered (${metricsProblem}); the spans are.\n`);
    }
    return 0;
  } catch (error) {
    if (error instanceof ExportLockedError) {
      throw new CliError(`${error.message} (VS Code with telemetry on sends these records itself; try again once it stops)`, 1);
    }
    throw error;
  } finally {
    await exporter?.stop();
    await ledger.close();
  }
}
