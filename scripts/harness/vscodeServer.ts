// Starts VS Code's own server (from the cached code-server package) on a free port with fresh,
// throw-away server data and extensions folders, and builds workbench URLs that load Credit Meter
// under development, optionally running test modules inside its extension host.
import type { ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ensureTestDependencies } from './installVscodeServer';
import { spawnGroup, stopGroup } from './processes';
import { makeScratchDir, removeScratchDir } from './scratchDirs';

export type TrustState = 'trusted' | 'restricted';

export interface VscodeServerOptions {
  /** 'trusted' starts the server with workspace trust disabled, so every folder is trusted;
   *  'restricted' keeps trust on, and a fresh browser profile then opens folders in Restricted Mode. */
  trust: TrustState;
  /** Extra environment for the server and the extension hosts it forks. */
  env?: Record<string, string>;
  /**
   * Settings written to the server's machine settings (they apply to the remote extension host), on
   * top of `QUIET_MACHINE_SETTINGS`.
   */
  machineSettings?: Record<string, unknown>;
  /** Print the server's output as it arrives (always kept in `output()`). */
  echo?: boolean;
}

export interface WorkbenchUrlOptions {
  /** Absolute folder to open, on this machine. */
  folder: string;
  /** Absolute folder of the extension under development; defaults to this repository. */
  extensionDevelopmentPath?: string;
  /** Absolute path of a module exporting `run()` to execute inside the extension host. */
  extensionTestsPath?: string;
}

export interface VscodeServer {
  readonly port: number;
  readonly origin: string;
  readonly trust: TrustState;
  /** Temporary root holding server data, extensions and logs; removed by stop(). */
  readonly dataRoot: string;
  workbenchUrl(options: WorkbenchUrlOptions): string;
  /** Everything the server printed so far. */
  output(): string;
  /** Resolves with the exit code if the server process ends. */
  readonly exited: Promise<number | null>;
  stop(): Promise<void>;
}

export const repoRoot = path.resolve(__dirname, '..', '..');

/**
 * Every server starts with these: walkthroughs are not opened on install (VS Code's own setting,
 * which Credit Meter honours on its first start), so a suite begins on the workbench it expects and
 * no walkthrough takes the focus mid-test. The walkthrough's own suite turns it back on.
 */
export const QUIET_MACHINE_SETTINGS: Readonly<Record<string, unknown>> = {
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
};

/** Workbench URL: folder plus the development payload VS Code reads on startup. */
export function buildWorkbenchUrl(origin: string, options: WorkbenchUrlOptions): string {
  const remote = (file: string) => `vscode-remote://${new URL(origin).host}${path.resolve(file)}`;
  const payload: [string, string][] = [
    ['extensionDevelopmentPath', remote(options.extensionDevelopmentPath ?? repoRoot)],
    ['skipWelcome', 'true'],
  ];
  if (options.extensionTestsPath) {
    payload.push(['extensionTestsPath', remote(options.extensionTestsPath)]);
  }
  return `${origin}/?folder=${encodeURIComponent(path.resolve(options.folder))}&payload=${encodeURIComponent(JSON.stringify(payload))}`;
}

function waitForPort(child: ChildProcess, output: () => string, timeoutMs: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => fail(new Error(`VS Code server did not start within ${timeoutMs} ms:\n${output()}`)), timeoutMs);
    const onData = () => {
      const match = /Extension host agent listening on (\d+)/.exec(output());
      if (match) {
        cleanup();
        resolve(Number(match[1]));
      }
    };
    const onExit = (code: number | null) => fail(new Error(`VS Code server exited (${code}) before listening:\n${output()}`));
    const cleanup = () => {
      clearTimeout(timer);
      child.stdout?.off('data', onData);
      child.off('exit', onExit);
    };
    const fail = (error: Error) => {
      cleanup();
      reject(error);
    };
    child.stdout?.on('data', onData);
    child.once('exit', onExit);
  });
}

/** Installs what is missing, then starts a server; always pair with `stop()` in a finally block. */
export async function startVscodeServer(options: VscodeServerOptions): Promise<VscodeServer> {
  const serverDir = await ensureTestDependencies();
  const dataRoot = makeScratchDir(`credit-meter-vscode-${options.trust}-`);
  const serverDataDir = path.join(dataRoot, 'server-data');
  const extensionsDir = path.join(dataRoot, 'extensions');
  fs.mkdirSync(path.join(serverDataDir, 'data', 'Machine'), { recursive: true });
  fs.mkdirSync(extensionsDir, { recursive: true });
  fs.writeFileSync(path.join(serverDataDir, 'data', 'Machine', 'settings.json'), JSON.stringify({ ...QUIET_MACHINE_SETTINGS, ...options.machineSettings }, null, 2));

  const args = [
    path.join(serverDir, 'out', 'server-main.js'),
    '--host', '127.0.0.1',
    // Port 0: the kernel picks a free port, which the server then prints.
    '--port', '0',
    '--without-connection-token',
    '--accept-server-license-terms',
    '--disable-telemetry',
    '--server-data-dir', serverDataDir,
    '--extensions-dir', extensionsDir,
  ];
  if (options.trust === 'trusted') {
    args.push('--disable-workspace-trust');
  }
  const child = spawnGroup(process.execPath, args, {
    cwd: dataRoot,
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  const collect = (chunk: Buffer) => {
    log += chunk.toString();
    if (options.echo) {
      process.stdout.write(chunk);
    }
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

  const stop = async () => {
    await stopGroup(child);
    removeScratchDir(dataRoot);
  };
  let port: number;
  try {
    port = await waitForPort(child, () => log, 60_000);
  } catch (error) {
    await stop();
    throw error;
  }
  const origin = `http://127.0.0.1:${port}`;
  return {
    port,
    origin,
    trust: options.trust,
    dataRoot,
    workbenchUrl: (urlOptions) => buildWorkbenchUrl(origin, urlOptions),
    output: () => log,
    exited,
    stop,
  };
}
