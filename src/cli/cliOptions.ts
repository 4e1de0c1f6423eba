/** Reading a verb's command line and input files, with every failure turned into a one-line `CliError`. */
import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { CliError, type CliIo } from './io';

type Options = NonNullable<ParseArgsConfig['options']>;

/** Strict parseArgs: an unknown flag, a missing value or (unless allowed) a stray argument is a CliError. */
export function parseOptions<T extends Options>(args: string[], options: T, allowPositionals = false) {
  try {
    const { values, positionals } = parseArgs({ args, options, strict: true, allowPositionals: true });
    if (!allowPositionals && positionals.length > 0) {
      throw new Error(`unexpected argument '${positionals[0]}'`);
    }
    return { values, positionals };
  } catch (error) {
    throw new CliError(`${optionProblem(error)} (try --help)`);
  }
}

/**
 * One short line for a command-line mistake. Node's own text for an unknown option goes on about
 * positional arguments and leaves a quote open (`as in '-- "--x"`): we name the option instead.
 */
function optionProblem(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  const message = firstLine(error);
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
    const option = /^Unknown option '([^']*)'/.exec(message)?.[1];
    return option === undefined ? 'Unknown option' : `Unknown option '${option}'`;
  }
  return message;
}

/** A UTF-8 file named on the command line (relative to the working folder); `what` names it in errors. */
export async function readInputFile(io: CliIo, file: string, what?: string): Promise<string> {
  try {
    return await readFile(path.resolve(io.cwd, file), 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new CliError(`cannot read ${what ? `${what} ` : ''}'${file}': ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : (code ?? firstLine(error))}`);
  }
}

export function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0];
}
