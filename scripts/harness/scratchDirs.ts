// Temporary folders the harness creates (server data, workspaces, results). Each is removed by its
// owner when done, and any still present when the process exits (an interrupted run) goes too.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const live = new Set<string>();
let exitHookInstalled = false;

/** A new empty folder under the system temp dir, named `<prefix>XXXXXX`, real path. */
export function makeScratchDir(prefix: string): string {
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    // 'exit' also runs after the signal handlers in processes.ts call process.exit().
    process.on('exit', () => {
      for (const dir of live) {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });
  }
  const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), prefix)));
  live.add(dir);
  return dir;
}

export function removeScratchDir(dir: string): void {
  fs.rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
  live.delete(dir);
}
