/**
 * `credit-meter estimate`: what a request would cost before it is sent, part by part.
 */
import * as path from 'node:path';
import {
  type ContextItem,
  type Estimate,
  REQUEST_KINDS,
  type RequestKind,
  estimateRequest,
  isRequestKind,
} from '../core/estimate';
import { type CreditProfile, DEFAULT_PROFILE, ProfileError, loadProfile } from '../core/pricing';
import { parseOptions, readInputFile } from './cliOptions';
import { estimateRequestFile } from './estimateRequestFile';
import { CliError, type CliIo } from './io';

const HELP = `Usage: credit-meter estimate --model M (--prompt TEXT | --prompt-file F) [options]
       credit-meter estimate --request FILE [--format openai|anthropic|responses] [options]

Estimates the credits a request would cost before it is sent.

Options:
  --model M          model id, e.g. claude-sonnet-4-5, gpt-4o, anthropic/claude-sonnet-4-5
  --prompt TEXT      the prompt
  --prompt-file F    read the prompt from a file
  --context FILE     a file sent as context (repeatable)
  --system FILE      a system message read from a file (repeatable)
  --kind K           request kind: ${REQUEST_KINDS.join(', ')} (default: from the prompt's wording)
  --rounds N         rounds (agent iterations) expected, default 1
  --profile FILE     credit profile JSON merged over the defaults
  --provider ID      price catalogue provider hint, e.g. anthropic, openai, openrouter
  --request FILE     a raw request body (Chat Completions, Responses or Messages JSON; - for stdin)
  --format F         the body's API: openai, anthropic or responses (default: from its shape)
  --json             print JSON instead of a table
  -h, --help         show this help
`;

const OPTIONS = {
  model: { type: 'string' },
  prompt: { type: 'string' },
  'prompt-file': { type: 'string' },
  context: { type: 'string', multiple: true },
  system: { type: 'string', multiple: true },
  kind: { type: 'string' },
  rounds: { type: 'string' },
  profile: { type: 'string' },
  provider: { type: 'string' },
  request: { type: 'string' },
  format: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

export async function run(args: string[], io: CliIo): Promise<number> {
  const { values } = parseOptions(args, OPTIONS);
  if (values.help) {
    io.out(HELP);
    return 0;
  }
  if (values.request !== undefined || values.format !== undefined) {
    const estimate = await estimateRequestFile(io, values, await readProfile(io, values.profile));
    io.out(values.json ? JSON.stringify(toJson(estimate)) + '\n' : formatTable(estimate));
    return 0;
  }
  const model = values.model?.trim();
  if (!model) {
    throw new CliError('--model is required (try --help)');
  }
  if (values.prompt !== undefined && values['prompt-file'] !== undefined) {
    throw new CliError('give the prompt with --prompt or --prompt-file, not both');
  }
  const prompt = values['prompt-file'] !== undefined ? await readInputFile(io, values['prompt-file'], 'prompt file') : values.prompt;
  if (prompt === undefined) {
    throw new CliError('--prompt or --prompt-file is required (try --help)');
  }
  const kind = parseKind(values.kind);
  const rounds = parseRounds(values.rounds);
  const system = await Promise.all((values.system ?? []).map((file) => readInputFile(io, file, 'system file')));
  const context = await Promise.all(
    (values.context ?? []).map(async (file): Promise<ContextItem> => ({
      kind: 'file',
      label: displayPath(io, file),
      text: await readInputFile(io, file, 'context file'),
    })),
  );
  const profile = await readProfile(io, values.profile);

  const estimate = estimateRequest(
    { model, prompt, system, context, rounds, ...(kind ? { kind } : {}) },
    { profile, ...(values.provider ? { providerHints: { providerId: values.provider } } : {}) },
  );
  if (estimate.cost.kind === 'noPrice') {
    throw new CliError(`${estimate.cost.reason} (or pass --provider, or --profile with a price for it)`);
  }
  io.out(values.json ? JSON.stringify(toJson(estimate)) + '\n' : formatTable(estimate));
  return 0;
}

function toJson(estimate: Estimate): unknown {
  const cost = estimate.cost.kind === 'priced' ? estimate.cost : undefined;
  return {
    model: estimate.model,
    pricedModel: cost?.pricedModel,
    provider: cost?.provider,
    encoding: estimate.encoding,
    calibration: estimate.calibration,
    exact: estimate.exact,
    kind: estimate.kind,
    rounds: estimate.rounds,
    inputTokens: estimate.inputTokens,
    outputTokens: estimate.outputTokens,
    credits: cost?.credits,
    usd: cost?.usd,
    dominant: estimate.dominant?.label,
    parts: estimate.parts.map((part) => ({ label: part.label, kind: part.kind, tokens: part.tokens, exact: part.exact })),
  };
}

function formatTable(estimate: Estimate): string {
  const tokens = (value: number) => value.toLocaleString('en-US');
  const credits = (value: number) => String(Number(value.toFixed(2)));
  const usd = (value: number) => `$${value < 0.01 ? value.toFixed(4) : value.toFixed(2)}`;
  const counting = estimate.exact
    ? `${estimate.encoding}, exact`
    : estimate.calibration === 1
      ? `${estimate.encoding}`
      : `${estimate.encoding} × ${estimate.calibration.toFixed(2)}, calibrated`;
  const lines: string[] = [];
  const cost = estimate.cost.kind === 'priced' ? estimate.cost : undefined;
  lines.push(`Model   ${estimate.model}${cost ? ` (priced as ${cost.provider}/${cost.pricedModel})` : ''}; tokens ${counting}`);
  lines.push(`Kind    ${estimate.kind}${estimate.kindSource === 'classified' ? ' (from the wording)' : ''}; rounds ${estimate.rounds}${estimate.highRounds > estimate.rounds ? ` (high end assumes ${estimate.highRounds})` : ''}`);
  lines.push('');
  const width = Math.max(5, ...estimate.parts.map((part) => part.label.length));
  const numberWidth = Math.max(6, tokens(estimate.inputTokens).length);
  lines.push(`${'Part'.padEnd(width)}  ${'Tokens'.padStart(numberWidth)}`);
  for (const part of estimate.parts) {
    const notes = [part.exact ? '' : '~', part === estimate.dominant ? 'largest' : ''].filter(Boolean).join(' ');
    lines.push(`${part.label.padEnd(width)}  ${tokens(part.tokens).padStart(numberWidth)}${notes ? `  ${notes}` : ''}`);
  }
  lines.push(`${'Input'.padEnd(width)}  ${tokens(estimate.inputTokens).padStart(numberWidth)}`);
  lines.push('');
  const output = estimate.outputTokens;
  const learned = output.source === 'prior' ? 'prior for this kind' : `${output.source}, ${output.samples} past requests`;
  lines.push(`Output per response  p50 ${tokens(output.p50)}  p90 ${tokens(output.p90)}  (${learned})`);
  if (cost) {
    lines.push(`Credits  low ${credits(cost.credits.low)}  expected ${credits(cost.credits.expected)}  high ${credits(cost.credits.high)}`);
    lines.push(`USD      low ${usd(cost.usd.low)}  expected ${usd(cost.usd.expected)}  high ${usd(cost.usd.high)}`);
  }
  if (!estimate.exact) {
    lines.push('', '~ approximate: a calibrated proxy count, or tool schemas in a provider-specific format');
  }
  return lines.join('\n') + '\n';
}

/** A credit profile named on the command line, merged over the defaults; the built-in one without. */
export async function readProfile(io: CliIo, file: string | undefined): Promise<CreditProfile> {
  if (file === undefined) {
    return DEFAULT_PROFILE;
  }
  try {
    return await loadProfile(path.resolve(io.cwd, file));
  } catch (error) {
    if (error instanceof ProfileError) {
      throw new CliError(error.message);
    }
    throw error;
  }
}

function parseKind(value: string | undefined): RequestKind | undefined {
  if (value === undefined) {
    return undefined;
  }
  if (!isRequestKind(value)) {
    throw new CliError(`--kind must be one of ${REQUEST_KINDS.join(', ')}, got '${value}'`);
  }
  return value;
}

function parseRounds(value: string | undefined): number {
  if (value === undefined) {
    return 1;
  }
  const rounds = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isInteger(rounds) || rounds < 1) {
    throw new CliError(`--rounds must be a whole number >= 1, got '${value}'`);
  }
  return rounds;
}

function displayPath(io: CliIo, file: string): string {
  const relative = path.relative(io.cwd, path.resolve(io.cwd, file));
  return relative.startsWith('..') || path.isAbsolute(relative) ? file : relative.split(path.sep).join('/');
}
