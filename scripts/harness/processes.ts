// Child processes the harness starts (VS Code server, browser helpers). Each runs in its own process
// group so stopping it also stops what it spawned (the extension host, file watchers, pty host), and
// every one still running is stopped when this process exits or is interrupted.
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';

const running = new Set<ChildProcess>();
let handlersInstalled = false;

/** Sends `signal` to the whole process group of `child`; ignores groups that are already gone. */
function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) {
    return;
  }
  try {
    process.kill(-child.pid, signal);
  } catch (_error) {
    // The group has already exited.
  }
}

function installExitHandlers(): void {
  if (handlersInstalled) {
    return;
  }
  handlersInstalled = true;
  // Synchronous last resort: 'exit' handlers cannot wait, so the groups get SIGKILL.
  process.on('exit', () => {
    for (const child of running) {
      signalGroup(child, 'SIGKILL');
    }
  });
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(signal, () => {
      for (const child of running) {
        signalGroup(child, 'SIGKILL');
      }
      process.exit(128 + (signal === 'SIGINT' ? 2 : signal === 'SIGTERM' ? 15 : 1));
    });
  }
}

/** Starts `command` as the leader of a new process group, tracked until it exits. */
export function spawnGroup(command: string, args: string[], options: SpawnOptions = {}): ChildProcess {
  installExitHandlers();
  const child = spawn(command, args, { ...options, detached: true });
  running.add(child);
  child.once('exit', () => running.delete(child));
  return child;
}

/** Stops a process group: SIGTERM, then SIGKILL after `graceMs` if the leader is still alive. */
export async function stopGroup(child: ChildProcess, graceMs = 3000): Promise<void> {
  if (child.exitCode === null && child.signalCode === null) {
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    signalGroup(child, 'SIGTERM');
    const timer = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), graceMs).unref());
    if ((await Promise.race([exited, timer])) === 'timeout') {
      signalGroup(child, 'SIGKILL');
      await exited;
    }
  }
  // Members of the group may outlive the leader (a forked extension host); make sure they go too.
  signalGroup(child, 'SIGKILL');
  running.delete(child);
}

/** Runs a command to completion, inheriting output; rejects naming the command when it fails. */
export function runCommand(command: string, args: string[], options: SpawnOptions = {}): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawnGroup(command, args, { stdio: 'inherit', ...options });
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      if (code === 0) {
        resolve();
      } else {
        reject(new Error(`${command} ${args.join(' ')} failed with ${signal ?? `exit code ${code}`}`));
      }
    });
  });
}
