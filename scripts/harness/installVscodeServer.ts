// Installs what the integration and end-to-end tests need, from the npm registry and Debian only:
// Chromium and ripgrep (apt, when running as root) and the VS Code server bundled in code-server,
// cached in the git-ignored .vscode-test/ folder. A marker file written last makes a complete
// install reusable and a half-done one (interrupted, failed) redone from scratch.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { runCommand } from './processes';

export const codeServerVersion = '4.99.4';
const repoRoot = path.resolve(__dirname, '..', '..');
/** Git-ignored cache; CREDIT_METER_TEST_CACHE points elsewhere (a CI cache, a cold-cache timing). */
export const cacheDir = path.resolve(process.env.CREDIT_METER_TEST_CACHE ?? path.join(repoRoot, '.vscode-test'));
const installDir = path.join(cacheDir, `code-server-${codeServerVersion}`);
const markerFile = path.join(installDir, '.install-complete.json');

/** Where VS Code's own server lives inside the code-server package. */
export const vscodeServerDir = path.join(installDir, 'node_modules', 'code-server', 'lib', 'vscode');

/** Absolute path of `command` on PATH, or undefined. */
export function which(command: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    const candidate = path.join(dir, command);
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      return candidate;
    } catch (_error) {
      // Not in this directory.
    }
  }
  return undefined;
}

/** Installs Chromium and ripgrep from Debian when they are missing (root only). */
export async function ensureDebianPackages(): Promise<void> {
  const missing = [['chromium', 'chromium'], ['rg', 'ripgrep']].filter(([binary]) => !which(binary));
  if (missing.length === 0) {
    return;
  }
  const packages = missing.map(([, pkg]) => pkg);
  if (process.getuid?.() !== 0) {
    throw new Error(`The tests need ${packages.join(' and ')}: run \`sudo apt-get install -y ${packages.join(' ')}\` once.`);
  }
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  await runCommand('apt-get', ['update'], { env });
  await runCommand('apt-get', ['install', '-y', '--no-install-recommends', ...packages], { env });
}

function isComplete(): boolean {
  try {
    const marker = JSON.parse(fs.readFileSync(markerFile, 'utf8')) as { version?: string };
    return marker.version === codeServerVersion && fs.existsSync(path.join(vscodeServerDir, 'out', 'server-main.js'));
  } catch (_error) {
    return false;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (_error) {
    return false;
  }
}

/** Runs `work` holding an exclusive lock, so two test runs never install into the same folder at once. */
async function withInstallLock<T>(work: () => Promise<T>): Promise<T> {
  const lock = path.join(cacheDir, 'install.lock');
  fs.mkdirSync(cacheDir, { recursive: true });
  for (;;) {
    try {
      fs.mkdirSync(lock);
      fs.writeFileSync(path.join(lock, 'pid'), String(process.pid));
      break;
    } catch (_error) {
      const owner = Number(fs.existsSync(path.join(lock, 'pid')) ? fs.readFileSync(path.join(lock, 'pid'), 'utf8') : NaN);
      if (Number.isInteger(owner) && !isAlive(owner)) {
        fs.rmSync(lock, { recursive: true, force: true });
        continue;
      }
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
  try {
    return await work();
  } finally {
    fs.rmSync(lock, { recursive: true, force: true });
  }
}

/** Installs the VS Code server once; returns its directory. Needs `rg` on PATH (see ensureDebianPackages). */
export async function ensureVscodeServer(): Promise<string> {
  if (isComplete()) {
    return vscodeServerDir;
  }
  return withInstallLock(async () => (isComplete() ? vscodeServerDir : installVscodeServer()));
}

async function installVscodeServer(): Promise<string> {
  fs.rmSync(installDir, { recursive: true, force: true });
  fs.mkdirSync(installDir, { recursive: true });
  fs.writeFileSync(path.join(installDir, 'package.json'), JSON.stringify({ name: 'vscode-server-cache', private: true }) + '\n');
  const npm = { stdio: 'inherit' as const };
  const quiet = ['--no-audit', '--no-fund', '--loglevel=error'];
  // code-server's postinstall refuses root and downloads ripgrep from GitHub: skip it and finish by hand.
  await runCommand('npm', ['install', '--ignore-scripts', ...quiet, `code-server@${codeServerVersion}`], { ...npm, cwd: installDir });
  await runCommand('npm', ['install', '--omit=dev', '--ignore-scripts', ...quiet], { ...npm, cwd: vscodeServerDir });
  const rg = which('rg');
  if (!rg) {
    throw new Error('ripgrep (rg) is not on PATH: install the Debian package ripgrep.');
  }
  const rgTarget = path.join(vscodeServerDir, 'node_modules', '@vscode', 'ripgrep', 'bin', 'rg');
  fs.mkdirSync(path.dirname(rgTarget), { recursive: true });
  fs.rmSync(rgTarget, { force: true });
  fs.symlinkSync(fs.realpathSync(rg), rgTarget);
  await runCommand('npm', ['rebuild', ...quiet, '@vscode/spdlog', 'native-watchdog', '@parcel/watcher'], { ...npm, cwd: vscodeServerDir });
  const asarLink = path.join(vscodeServerDir, 'node_modules.asar');
  fs.rmSync(asarLink, { force: true });
  fs.symlinkSync('node_modules', asarLink);
  await runCommand('npm', ['install', '--omit=dev', '--ignore-scripts', ...quiet], { ...npm, cwd: path.join(vscodeServerDir, 'extensions') });
  const product = JSON.parse(fs.readFileSync(path.join(vscodeServerDir, 'package.json'), 'utf8')) as { version: string };
  fs.writeFileSync(markerFile, JSON.stringify({ version: codeServerVersion, vscode: product.version, node: process.version }) + '\n');
  return vscodeServerDir;
}

/** Everything the real-VS-Code tests need, installed or reused. */
export async function ensureTestDependencies(): Promise<string> {
  await ensureDebianPackages();
  return ensureVscodeServer();
}

/** Absolute path of Debian's Chromium, for Playwright's executablePath. */
export function chromiumPath(): string {
  const found = process.env.CREDIT_METER_CHROMIUM ?? which('chromium');
  if (!found) {
    throw new Error('chromium is not on PATH: install the Debian package chromium (or set CREDIT_METER_CHROMIUM).');
  }
  return found;
}

if (require.main === module) {
  const started = Date.now();
  ensureTestDependencies().then((dir) => {
    const version = execFileSync(process.execPath, ['-p', 'require("./package.json").version'], { cwd: dir, encoding: 'utf8' }).trim();
    console.log(`VS Code server ${version} ready in ${dir} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  }, (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
