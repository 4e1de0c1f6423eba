/** What a CLI verb may touch of the outside world, so tests can run verbs in-process. */
export interface CliIo {
  /** Writes to stdout; throws `OutputClosedError` once the reader has gone (e.g. `| head -1`). */
  out(text: string): void;
  err(text: string): void;
  readStdin(): Promise<string>;
  cwd: string;
}

/** A user error: printed as one line, exits non-zero, no stack trace. */
export class CliError extends Error {
  constructor(message: string, readonly exitCode = 2) {
    super(message);
    this.name = 'CliError';
  }
}

/**
 * Stdout was closed by its reader (`credit-meter export … | head -1`): not a failure of ours. The
 * verb stops where it is and the command exits quietly with 0, as the reader asked for no more.
 */
export class OutputClosedError extends Error {
  constructor() {
    super('stdout was closed by its reader');
    this.name = 'OutputClosedError';
  }
}

let stdoutClosed = false;

/** True for the errors a write to a pipe or socket whose reader has gone fails with. */
export function isClosedOutput(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return error instanceof OutputClosedError || code === 'EPIPE' || code === 'ERR_STREAM_DESTROYED';
}

/**
 * Turns a closed stdout into `OutputClosedError` on the next write instead of an unhandled
 * `EPIPE` 'error' event (which Node prints with a stack trace). Called once by the CLI entry.
 */
export function watchStdout(): void {
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (!isClosedOutput(error)) {
      throw error;
    }
    stdoutClosed = true;
  });
}

export const nodeIo: CliIo = {
  out: (text) => {
    if (stdoutClosed || process.stdout.destroyed) {
      throw new OutputClosedError();
    }
    process.stdout.write(text);
  },
  err: (text) => { process.stderr.write(text); },
  readStdin: async () => {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) {
      chunks.push(chunk as Buffer);
    }
    return Buffer.concat(chunks).toString('utf8');
  },
  cwd: process.cwd(),
};
