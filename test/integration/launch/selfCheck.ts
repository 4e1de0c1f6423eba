// Proves the server launcher cannot report a failing run as a pass: runs it on the deliberately
// failing self-test suite and requires a non-zero exit that names the intended failure.
import { spawn } from 'node:child_process';
import * as path from 'node:path';

const launcher = path.join(__dirname, 'runOnServer.ts');

async function main(): Promise<number> {
  const started = Date.now();
  const child = spawn(process.execPath, ['--import', 'tsx', launcher, '--trust', 'trusted', '--self-test'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('exit', (exitCode) => resolve(exitCode)));
  const problems = [
    code === 0 ? 'the launcher exited 0 although a test failed' : undefined,
    /✗ .*fails on purpose/.test(output) ? undefined : 'the intended failure is not in the report',
    /✓ .*passes a real check against the host/.test(output) ? undefined : 'the passing self-test did not run, so the host never ran the suite',
    /FAIL: 1 test\(s\) failed/.test(output) ? undefined : 'the verdict does not name exactly one failed test',
  ].filter((problem): problem is string => problem !== undefined);
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  if (problems.length > 0) {
    console.error(`Integration launcher self-check FAILED (${seconds} s):\n  ${problems.join('\n  ')}\n--- launcher output ---\n${output}`);
    return 1;
  }
  console.log(`Integration launcher self-check: a deliberately failing suite makes it exit ${code} (${seconds} s)`);
  return 0;
}

main().then((code) => process.exit(code), (error: unknown) => {
  console.error(error);
  process.exit(1);
});
