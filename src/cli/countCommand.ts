/**
 * `credit-meter count`: how many input tokens a model would read for some files or stdin.
 * OpenAI models are counted exactly on their own encoding; other models get the o200k_base count
 * times their family's calibration factor, and the output says so.
 */
import { checkModel, unknownModelMessage } from '../core/estimate/modelCheck';
import { DEFAULT_PROFILE } from '../core/pricing';
import { loadCounter, tokenizerForModel, type ModelTokenizer } from '../core/tokens';
import { parseOptions, readInputFile } from './cliOptions';
import { CliError, type CliIo } from './io';

const HELP = `Usage: credit-meter count --model M [FILE ...] [--json]

Counts the tokens of the files (or of stdin when no file is given) as the model would read them.
OpenAI models are exact; other models are an o200k_base count times a calibration factor.
A model id the price catalogue does not know (and no open-weights family matches) is refused with
the closest known ids, as \`estimate\` refuses it.

Options:
  --model M     model id, e.g. gpt-4o, claude-sonnet-4-5, openai/gpt-4.1
  --json        print {"model","encoding","tokens","exact"} (+ "files" when several)
  -h, --help    show this help
`;

const OPTIONS = {
  model: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

interface Counted {
  readonly file: string;
  /** Tokens as the provider will count them (calibrated when not exact). */
  readonly tokens: number;
  /** Tokens on our encoding before calibration. */
  readonly countedTokens: number;
}

export async function run(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseOptions(args, OPTIONS, true);
  if (values.help) {
    io.out(HELP);
    return 0;
  }
  const model = values.model?.trim();
  if (!model) {
    throw new CliError('--model is required (try --help)');
  }
  const check = checkModel(model, DEFAULT_PROFILE);
  if (!check.known) {
    throw new CliError(unknownModelMessage(model, check.suggestions));
  }
  const tokenizer = tokenizerForModel(model);
  const inputs = positionals.length === 0
    ? [{ file: '-', text: await io.readStdin() }]
    : await Promise.all(positionals.map(async (file) => ({ file, text: await readInputFile(io, file) })));
  const counter = loadCounter(tokenizer.encoding);
  const counted: Counted[] = inputs.map(({ file, text }) => {
    const countedTokens = counter.count(text);
    return { file, countedTokens, tokens: tokenizer.exact ? countedTokens : Math.round(countedTokens * tokenizer.calibration) };
  });
  io.out(values.json ? JSON.stringify(toJson(tokenizer, counted)) + '\n' : formatText(tokenizer, counted));
  return 0;
}

function toJson(tokenizer: ModelTokenizer, counted: readonly Counted[]): unknown {
  const calibration = tokenizer.exact ? {} : { family: tokenizer.family, calibration: tokenizer.calibration, countedTokens: sum(counted, 'countedTokens') };
  return {
    model: tokenizer.modelId,
    encoding: tokenizer.encoding,
    tokens: sum(counted, 'tokens'),
    exact: tokenizer.exact,
    ...calibration,
    ...(counted.length > 1 ? { files: counted.map(({ file, tokens }) => ({ file, tokens })) } : {}),
  };
}

function formatText(tokenizer: ModelTokenizer, counted: readonly Counted[]): string {
  const total = sum(counted, 'tokens');
  const how = tokenizer.exact
    ? `${tokenizer.modelId}: exact, ${tokenizer.encoding}`
    : `${tokenizer.modelId}: calibrated, ${sum(counted, 'countedTokens')} ${tokenizer.encoding} tokens × ${tokenizer.calibration.toFixed(2)} (${tokenizer.family})`;
  if (counted.length === 1) {
    return `${total} tokens (${how})\n`;
  }
  const width = String(total).length;
  const lines = counted.map(({ file, tokens }) => `${String(tokens).padStart(width)}  ${file}`);
  lines.push(`${String(total).padStart(width)}  total (${how})`);
  return lines.join('\n') + '\n';
}

function sum(counted: readonly Counted[], field: 'tokens' | 'countedTokens'): number {
  return counted.reduce((total, entry) => total + entry[field], 0);
}
