/**
 * `credit-meter` command line: the same core as the extension, for headless use and CI.
 * Each verb lives in its own module; this file only dispatches and turns errors into one line.
 */
import { CliError, type CliIo, isClosedOutput, nodeIo, watchStdout } from './io';

type Verb = (args: string[], io: CliIo) => Promise<number>;

const verbs: Record<string, { summary: string; load: () => Promise<Verb> }> = {
  count: { summary: 'Count the tokens of files or stdin as a model would read them', load: async () => (await import('./countCommand')).run },
  estimate: { summary: 'Estimate the credits a request would cost before sending it', load: async () => (await import('./estimateCommand')).run },
  report: { summary: 'Sum recorded usage per day, model or kind', load: async () => (await import('./reportCommand')).run },
  export: { summary: 'Export recorded usage as CSV, JSON or JSON Lines', load: async () => (await import('./exportCommand')).run },
  gateway: { summary: 'Run the local metering gateway assistants can point their base URL at', load: async () => (await import('./gatewayCommand')).run },
};

function usage(): string {
  const lines = ['Usage: credit-meter <command> [options]', '', 'Commands:'];
  for (const [name, verb] of Object.entries(verbs)) {
    lines.push(`  ${name.padEnd(10)}${verb.summary}`);
  }
  lines.push('', 'Run `credit-meter <command> --help` for the options of a command.');
  return lines.join('\n');
}

export async function main(argv: string[], io: CliIo): Promise<number> {
  const [name, ...rest] = argv;
  try {
    if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
      io.out(usage() + '\n');
      return name === undefined ? 2 : 0;
    }
    const verb = verbs[name];
    if (!verb) {
      io.err(`credit-meter: unknown command '${name}' (try --help)\n`);
      return 2;
    }
    return await (await verb.load())(rest, io);
  } catch (error) {
    if (isClosedOutput(error)) {
      // The reader of stdout has gone (`| head -1`): it asked for no more, so stop quietly.
      return 0;
    }
    if (error instanceof CliError) {
      io.err(`credit-meter ${name}: ${error.message}\n`);
      return error.exitCode;
    }
    throw error;
  }
}

if (require.main === module) {
  watchStdout();
  main(process.argv.slice(2), nodeIo).then(
    (code) => { process.exitCode = code; },
    (error: unknown) => {
      process.stderr.write(`credit-meter: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
