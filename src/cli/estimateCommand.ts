/**
 * `credit-meter estimate`: what a request would cost before it is sent, part by part.
 */
import * as path from 'node:path';
import {
  type ContextItem,
  type Estimate,
  MAX_ROUNDS,
  REQUEST_KINDS,
  type RequestKind,
  estimateRequest,
  isRequestKind,
} from '../core/estimate';
import type { RawRequestEstimate } from '../core/estimate/rawRequest';
import { checkModel, isCatalogueProvider, unknownModelMessage } from '../core/estimate/modelCheck';
import { contextWindowFix, contextWindowWarning, estimateSummary, longContextNote } from '../core/format/statusView';
import { type CreditProfile, ProfileError } from '../core/pricing';
import { parseModelRef } from '../core/settings/modelRef';
import { type Settings, parseSettings } from '../core/settings/settings';
import { SettingsFileError, settingsFromJsonc } from '../core/settings/settingsFile';
import { profileFromSettings } from '../core/settings/settingsProfile';
import { parseOptions, readInputFile } from './cliOptions';
import { estimateRequestFile } from './estimateRequestFile';
import { CliError, type CliIo } from './io';

const HELP = `Usage: credit-meter estimate (--prompt TEXT | --prompt-file F) [options]
       credit-meter estimate --request FILE [--format openai|anthropic|responses] [options]

Estimates the credits a request would cost before it is sent, counting what the extension sends:
its system prompt, each context in a labelled block, the prompt and the message framing. Without
--settings the extension's defaults apply (model, system prompt, credit profile).

Options:
  --model M          model id, e.g. claude-sonnet-5, gpt-4.1, anthropic/claude-sonnet-4-5
                     (default: the settings' creditMeter.defaultModel)
  --prompt TEXT      the prompt
  --prompt-file F    read the prompt from a file
  --context F[:A-B]  a file sent as context, or lines A to B of it as a selection, labelled
                     as Compose labels them (path relative to this folder) (repeatable)
  --system FILE      a system message read from a file, instead of the settings' system
                     prompt (repeatable; the texts are sent as one system message)
  --settings FILE    read the creditMeter.* values of a VS Code settings.json (comments and
                     trailing commas allowed): default model, system prompt, credit profile
  --kind K           request kind: ${REQUEST_KINDS.join(', ')} (default: from the prompt's wording)
  --rounds N         rounds (agent iterations) expected, 1 to ${MAX_ROUNDS} (default: from the kind)
  --profile FILE     credit profile JSON merged over the defaults (instead of the settings'
                     creditMeter.creditProfilePath)
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
  settings: { type: 'string' },
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
  const settings = await readSettings(io, values.settings);
  if (values.request !== undefined || values.format !== undefined) {
    const profile = values.profile !== undefined
      ? await settingsProfile(io, { ...settings, creditProfilePath: values.profile }, undefined)
      : await settingsProfile(io, settings, values.settings);
    const estimate = await estimateRequestFile(io, values, profile);
    io.out(values.json ? JSON.stringify(toJson(estimate)) + '\n' : formatTable(estimate));
    return 0;
  }
  const model = values.model !== undefined ? values.model.trim() : parseModelRef(settings.defaultModel)?.model ?? settings.defaultModel;
  if (!model) {
    throw new CliError('--model must name a model (try --help)');
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
  if (values.provider !== undefined && !isCatalogueProvider(values.provider)) {
    throw new CliError(`unknown provider '${values.provider}': the price catalogue has no such provider (e.g. anthropic, openai, google, openrouter)`);
  }
  const system = values.system !== undefined
    ? await Promise.all(values.system.map((file) => readInputFile(io, file, 'system file')))
    : [settings.systemPrompt];
  const context = await Promise.all((values.context ?? []).map((spec) => readContext(io, spec)));
  const profile = values.profile !== undefined
    ? await settingsProfile(io, { ...settings, creditProfilePath: values.profile }, undefined)
    : await settingsProfile(io, settings, values.settings);
  const hints = values.provider ? { providerId: values.provider } : undefined;
  const check = checkModel(model, profile, { ...(hints ? { hints } : {}), extraModels: settings.providers.flatMap((provider) => provider.models) });
  if (!check.known) {
    throw new CliError(unknownModelMessage(model, check.suggestions));
  }

  const estimate = estimateRequest(
    { model, prompt, system, context, ...(rounds !== undefined ? { rounds } : {}), ...(kind ? { kind } : {}) },
    { profile, ...(hints ? { providerHints: hints } : {}) },
  );
  if (estimate.cost.kind === 'noPrice') {
    throw new CliError(`${estimate.cost.reason} (or pass --provider, or --profile with a price for it)`);
  }
  io.out(values.json ? JSON.stringify(toJson(estimate)) + '\n' : formatTable(estimate));
  return 0;
}

function toJson(estimate: Estimate | RawRequestEstimate): unknown {
  const cost = estimate.cost.kind === 'priced' ? estimate.cost : undefined;
  return {
    model: estimate.model,
    pricedModel: cost?.pricedModel,
    provider: cost?.provider,
    encoding: estimate.encoding,
    calibration: estimate.calibration,
    exact: estimate.exact,
    format: estimate.format,
    kind: estimate.kind,
    rounds: estimate.rounds,
    roundsSource: estimate.roundsSource,
    inputTokens: estimate.inputTokens,
    codeTokens: estimate.codeTokens,
    contextWindow: estimate.contextWindow ?? null,
    exceedsContextWindow: estimate.exceedsContextWindow,
    longContextTier: estimate.longContextTier ?? null,
    outputTokens: estimate.outputTokens,
    credits: cost?.credits,
    usd: cost?.usd,
    dominant: estimate.dominant?.label,
    parts: estimate.parts.map((part) => ({ label: part.label, kind: part.kind, tokens: part.tokens, exact: part.exact })),
  };
}

function formatTable(estimate: Estimate | RawRequestEstimate): string {
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
  lines.push(`Kind    ${estimate.kind}${estimate.kindSource === 'classified' ? ' (from the wording)' : ''}; rounds ${estimate.rounds}${estimate.roundsSource === 'history' ? ' (from similar requests)' : ''}${estimate.highRounds > estimate.rounds ? ` (high end assumes ${estimate.highRounds})` : ''}`);
  if (estimate.contextWindow !== undefined) {
    lines.push(`Window  ${tokens(estimate.contextWindow)} tokens (${estimate.contextWindowSource === 'family' ? 'model family' : estimate.contextWindowSource})`);
  }
  const summary = estimateSummary(estimate);
  const over = contextWindowWarning(summary);
  if (over) {
    lines.push('', `WARNING ${over}: the provider will refuse it as it is. ${contextWindowFix(summary)}`);
  }
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
  const tier = longContextNote(summary);
  if (tier) {
    lines.push(tier);
  }
  if (!estimate.exact) {
    lines.push('', '~ approximate: a calibrated proxy count, or tool schemas in a provider-specific format');
  }
  return lines.join('\n') + '\n';
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

function parseRounds(value: string | undefined): number | undefined {
  if (value === undefined) {
    return undefined;
  }
  const rounds = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isInteger(rounds) || rounds < 1 || rounds > MAX_ROUNDS) {
    throw new CliError(`--rounds must be a whole number from 1 to ${MAX_ROUNDS}, got '${value}'`);
  }
  return rounds;
}

/** The settings of a VS Code settings.json, or the extension's defaults; an invalid value is an error naming its field. */
/** A credit profile named on the command line (merged over the defaults, as the extension loads one); the built-in one without. */
export function readProfile(io: CliIo, file: string | undefined): Promise<CreditProfile> {
  const defaults = parseSettings({}).settings;
  return settingsProfile(io, file === undefined ? defaults : { ...defaults, creditProfilePath: file }, undefined);
}

async function readSettings(io: CliIo, file: string | undefined): Promise<Settings> {
  if (file === undefined) {
    return parseSettings({}).settings;
  }
  const text = await readInputFile(io, file, 'settings file');
  try {
    const { settings, problems } = settingsFromJsonc(text, file);
    if (problems.length > 0) {
      throw new CliError(`settings file '${file}': ${problems.map((problem) => `${problem.field}: ${problem.message}`).join('; ')}`);
    }
    return settings;
  } catch (error) {
    if (error instanceof SettingsFileError) {
      throw new CliError(`settings file ${error.message}`);
    }
    throw error;
  }
}

async function settingsProfile(io: CliIo, settings: Settings, settingsFile: string | undefined): Promise<CreditProfile> {
  try {
    return await profileFromSettings(settings, settingsFile ? path.dirname(path.resolve(io.cwd, settingsFile)) : io.cwd);
  } catch (error) {
    if (error instanceof ProfileError) {
      throw new CliError(error.message);
    }
    throw error;
  }
}

/**
 * `FILE` as a whole file, or `FILE:START-END` as lines START to END (1-based, inclusive) of it, as a
 * selection: labelled as Compose labels them, the path relative to this folder.
 */
async function readContext(io: CliIo, spec: string): Promise<ContextItem> {
  const range = /^(.+):(\d+)-(\d+)$/.exec(spec);
  if (!range) {
    return { kind: 'file', label: displayPath(io, spec), text: await readInputFile(io, spec, 'context file') };
  }
  const [, file, startText, endText] = range;
  const start = Number(startText);
  const end = Number(endText);
  const text = await readInputFile(io, file, 'context file');
  const lines = text.split(/(?<=\n)/);
  if (start < 1 || end < start || end > lines.length) {
    throw new CliError(`--context ${spec}: lines ${start}-${end} are not in '${file}' (it has ${lines.length} lines)`);
  }
  // The selected lines without the line break after the last one, as selecting them in an editor gives.
  const selected = lines.slice(start - 1, end).join('').replace(/\r?\n$/, '');
  return { kind: 'selection', label: `${displayPath(io, file)}:${start}-${end}`, text: selected };
}

function displayPath(io: CliIo, file: string): string {
  const relative = path.relative(io.cwd, path.resolve(io.cwd, file));
  return relative.startsWith('..') || path.isAbsolute(relative) ? file : relative.split(path.sep).join('/');
}
