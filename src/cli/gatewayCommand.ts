/**
 * `credit-meter gateway`: the local metering gateway without VS Code. Assistants point their base URL
 * at it; every request is estimated, forwarded, recorded in the ledger folder and (optionally)
 * refused when it would cross a budget. Prints one JSON line `{"url","token"}` on stdout, logs to
 * stderr, and runs until SIGINT or SIGTERM, then lets requests in flight finish (5 s at most),
 * writes their records and closes the ledger.
 */
import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { SpendTracker } from '../core/budget/spendTracker';
import { Ledger } from '../core/ledger';
import { parseSettings } from '../core/settings/settings';
import { Gateway, type GatewayProvider, gatewayProvidersFrom, newGatewayToken } from '../gateway';
import { firstLine, parseOptions } from './cliOptions';
import { readProfile } from './estimateCommand';
import { CliError, type CliIo } from './io';

const HELP = `Usage: credit-meter gateway --ledger DIR --providers FILE [options]

Runs the local metering gateway on 127.0.0.1. Point an assistant's base URL at
  <url>/<provider id>        e.g. http://127.0.0.1:4319/openai, http://127.0.0.1:4319/anthropic
and use the printed token as its API key. Prints {"url","token"} as one JSON line, then runs
until SIGINT or SIGTERM.

Options:
  --ledger DIR          ledger folder the usage records are appended to (created when missing)
  --providers FILE      JSON list of providers, shaped like the creditMeter.providers setting
                        (or a settings.json holding "creditMeter.providers")
  --port N              port (default: any free port)
  --enforce-budget      refuse requests whose high estimate would cross a budget
  --budget-daily X      credits per day (local time)
  --budget-monthly X    credits per calendar month
  --budget-per-task X   credits per task (all rounds of one agent task)
  --profile FILE        credit profile JSON merged over the defaults
  --no-prompts          do not keep prompt and system text in the records
  -h, --help            show this help

Environment:
  CREDIT_METER_KEY_<ID>         the API key of provider <id> (upper-cased, other characters as _),
                                e.g. CREDIT_METER_KEY_OPENAI; sent to that provider's base URL only
  CREDIT_METER_GATEWAY_TOKEN    use this token instead of a new random one
`;

const OPTIONS = {
  ledger: { type: 'string' },
  providers: { type: 'string' },
  port: { type: 'string' },
  'enforce-budget': { type: 'boolean' },
  'budget-daily': { type: 'string' },
  'budget-monthly': { type: 'string' },
  'budget-per-task': { type: 'string' },
  profile: { type: 'string' },
  'no-prompts': { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** `CREDIT_METER_KEY_<ID>`: the id upper-cased, every other character an underscore. */
export function keyVariable(providerId: string): string {
  return `CREDIT_METER_KEY_${providerId.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`;
}

export async function run(args: string[], io: CliIo): Promise<number> {
  return runGateway(args, io, untilSignal());
}

function untilSignal(): Promise<string> {
  return new Promise((resolve) => {
    const stop = (signal: string) => {
      process.off('SIGINT', onInt);
      process.off('SIGTERM', onTerm);
      resolve(signal);
    };
    const onInt = () => stop('SIGINT');
    const onTerm = () => stop('SIGTERM');
    process.once('SIGINT', onInt);
    process.once('SIGTERM', onTerm);
  });
}

/** The verb with its stop signal injected, so tests can run it in-process. */
export async function runGateway(args: string[], io: CliIo, stop: Promise<string>, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const { values } = parseOptions(args, OPTIONS);
  if (values.help) {
    io.out(HELP);
    return 0;
  }
  if (!values.ledger?.trim()) {
    throw new CliError('--ledger DIR is required (try --help)');
  }
  if (!values.providers?.trim()) {
    throw new CliError('--providers FILE is required (try --help)');
  }
  const providers = await readProviders(io, values.providers);
  const port = values.port === undefined ? 0 : parseCount('--port', values.port, 65535);
  const limits = {
    daily: optionalCredits('--budget-daily', values['budget-daily']),
    monthly: optionalCredits('--budget-monthly', values['budget-monthly']),
    perTask: optionalCredits('--budget-per-task', values['budget-per-task']),
  };
  const enforce = values['enforce-budget'] === true;
  if (enforce && limits.daily === null && limits.monthly === null && limits.perTask === null) {
    throw new CliError('--enforce-budget needs at least one of --budget-daily, --budget-monthly, --budget-per-task');
  }
  const profile = await readProfile(io, values.profile);
  const { ledger } = await Ledger.open(path.resolve(io.cwd, values.ledger), { writerId: 'gateway' });
  const spend = await SpendTracker.start(ledger);
  const log = {
    info: (message: string) => io.err(`${message}\n`),
    warn: (message: string) => io.err(`warning: ${message}\n`),
    error: (message: string, error?: unknown) => io.err(`error: ${message}${error instanceof Error ? `: ${error.message}` : ''}\n`),
  };
  const token = env.CREDIT_METER_GATEWAY_TOKEN?.trim() || newGatewayToken();
  let gateway: Gateway;
  try {
    gateway = await Gateway.start({
      token,
      port,
      host: {
        providers: () => providers,
        apiKey: async (providerId) => env[keyVariable(providerId)]?.trim() || undefined,
        append: (record) => ledger.append(record),
        profile: () => profile,
        budget: () => ({ enforce, limits }),
        spend: () => spend.spend(),
        storePrompts: () => values['no-prompts'] !== true,
        log,
      },
    });
  } catch (error) {
    spend.dispose();
    await ledger.close();
    const code = (error as NodeJS.ErrnoException).code;
    throw new CliError(code === 'EADDRINUSE' ? `port ${port} on 127.0.0.1 is in use` : `cannot listen on 127.0.0.1:${port}: ${firstLine(error)}`);
  }
  io.out(`${JSON.stringify({ url: gateway.url, token })}\n`);
  io.err(`Credit Meter gateway on ${gateway.url}: ${providers.map((provider) => `${gateway.url}/${provider.id} -> ${provider.baseUrl}${env[keyVariable(provider.id)] ? '' : ` (no ${keyVariable(provider.id)})`}`).join(', ')}; ledger ${ledger.dir}\n`);
  const signal = await stop;
  io.err(`${signal}: finishing ${gateway.inFlight} request(s) in flight\n`);
  await gateway.close();
  spend.dispose();
  await ledger.close();
  io.err('Credit Meter gateway stopped; ledger closed.\n');
  return 0;
}

async function readProviders(io: CliIo, file: string): Promise<GatewayProvider[]> {
  let text: string;
  try {
    text = await readFile(path.resolve(io.cwd, file), 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new CliError(`cannot read providers file '${file}': ${code === 'ENOENT' ? 'no such file' : (code ?? firstLine(error))}`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text) as unknown;
  } catch (error) {
    throw new CliError(`providers file '${file}' is not JSON: ${firstLine(error)}`);
  }
  if (raw && typeof raw === 'object' && !Array.isArray(raw) && 'creditMeter.providers' in raw) {
    raw = (raw as Record<string, unknown>)['creditMeter.providers'];
  }
  const { settings, problems } = parseSettings({ providers: raw });
  if (problems.length > 0) {
    throw new CliError(`providers file '${file}': ${problems.map((problem) => `${problem.field.replace(/^creditMeter\.providers/, 'providers')}: ${problem.message}`).join('; ')}`);
  }
  const usable = gatewayProvidersFrom(settings.providers);
  if (usable.length === 0) {
    throw new CliError(`providers file '${file}' lists no openai or anthropic provider`);
  }
  return usable;
}

function parseCount(option: string, value: string, max: number): number {
  const number = Number(value);
  if (!/^\d+$/.test(value.trim()) || number > max) {
    throw new CliError(`${option} must be a whole number from 0 to ${max}, got '${value}'`);
  }
  return number;
}

function optionalCredits(option: string, value: string | undefined): number | null {
  if (value === undefined) {
    return null;
  }
  const number = Number(value);
  if (value.trim() === '' || !Number.isFinite(number) || number < 0) {
    throw new CliError(`${option} must be a number of credits >= 0, got '${value}'`);
  }
  return number;
}
