/** Runs the real CLI entry in-process, capturing what it prints. */
import type { CliIo } from '../../../src/cli/io';
import { main } from '../../../src/cli/main';

export interface CliRun {
  code: number;
  out: string;
  err: string;
}

export async function runCli(args: string[], cwd: string, stdin = ''): Promise<CliRun> {
  let out = '';
  let err = '';
  const io: CliIo = { out: (text) => { out += text; }, err: (text) => { err += text; }, readStdin: async () => stdin, cwd };
  const code = await main(args, io);
  return { code, out, err };
}
