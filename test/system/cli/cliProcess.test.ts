/**
 * The CLI as a real process: what a shell pipe and file permissions do to it cannot be seen
 * in-process. Each case starts `node --import tsx src/cli/main.ts` (about a second each).
 */
import { strict as assert } from 'node:assert';
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { SEGMENTS_DIR } from '../../../src/core/ledger';
import { makeRecords, writeLedger } from '../../support/ledgerFixtures';

const root = path.resolve(__dirname, '..', '..', '..');
const cli = path.join(root, 'src', 'cli', 'main.ts');
const NOBODY = 65534;

interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs the CLI; with `closeStdout` the reading end of its stdout is closed early: right away, or
 * after the first chunk (as `| head -1` does). With `asNobody` it runs as an unprivileged user.
 */
function runCli(args: string[], options: { closeStdout?: 'at once' | 'after first chunk'; asNobody?: boolean; shellCheck?: string } = {}): Promise<Exit> {
  const node = [process.execPath, '--import', 'tsx', cli, ...args];
  const command = options.asNobody
    ? ['setpriv', `--reuid=${NOBODY}`, `--regid=${NOBODY}`, '--clear-groups', 'sh', '-c', `${options.shellCheck ?? 'true'} && exec "$@"`, 'sh', ...node]
    : node;
  const child = spawn(command[0], command.slice(1), { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
  if (options.closeStdout === 'at once') {
    child.stdout.destroy();
  } else {
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      if (options.closeStdout === 'after first chunk') {
        child.stdout.destroy();
      }
    });
  }
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

describe('credit-meter as a process', function () {
  let dir: string;
  let ledger: string;
  const records = makeRecords(600, { seed: 81 });

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cm-cli-process-'));
    ledger = path.join(dir, 'ledger');
    await writeLedger(ledger, records);
  });
  after(() => {
    spawnSync('chmod', ['-R', 'u+w', dir]);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('export | head -1: the pipe closes after the first chunk, the export stops quietly with exit 0', async () => {
    const run = await runCli(['export', '--ledger', ledger, '--format', 'csv'], { closeStdout: 'after first chunk' });
    assert.equal(run.stderr, '', 'no EPIPE stack trace');
    assert.equal(run.code, 0);
    assert.match(run.stdout, /^schema_version,id,/);
  });

  const verbs: Array<[string, string[]]> = [
    ['report', ['report', '--ledger', 'LEDGER']],
    ['export', ['export', '--ledger', 'LEDGER', '--format', 'jsonl']],
    ['count', ['count', '--model', 'gpt-4o', 'package.json']],
    ['estimate', ['estimate', '--model', 'gpt-4o', '--prompt', 'Explain this function']],
    ['--help', ['--help']],
  ];
  for (const [verb, args] of verbs) {
    it(`${verb} into a pipe already closed: no stack trace, exit 0`, async () => {
      const run = await runCli(args.map((arg) => (arg === 'LEDGER' ? ledger : arg)), { closeStdout: 'at once' });
      assert.equal(run.stderr, '', run.stderr);
      assert.equal(run.code, 0);
    });
  }

  describe('a read-only ledger with one torn line', () => {
    let readOnly: string;
    const asNobody = process.getuid?.() === 0;

    before(async function () {
      if (asNobody && spawnSync('setpriv', ['--version']).status !== 0) {
        // Without a way to drop root, permissions would not apply: there is nothing honest to test.
        this.skip();
      }
      readOnly = path.join(dir, 'read-only');
      const good = makeRecords(199, { seed: 82 });
      const file = path.join(readOnly, SEGMENTS_DIR, '20260101T000000000Z-999999999-gone.jsonl');
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, good.map((record) => JSON.stringify(record)).join('\n') + '\n' + JSON.stringify(records[0]).slice(0, 60));
      // Everyone may read and enter; nobody (not even the owner) may write.
      fs.chmodSync(dir, 0o755);
      fs.chmodSync(file, 0o444);
      fs.chmodSync(path.dirname(file), 0o555);
      fs.chmodSync(readOnly, 0o555);
    });

    // Root ignores permissions: as root the CLI runs as `nobody` (setpriv), after checking that it really cannot write there.
    const check = (folder: string) => `! test -w '${folder}' && ! test -w '${folder}/${SEGMENTS_DIR}'`;

    it('report reads all 199 records and reports the torn line, writing nothing', async () => {
      const before = fs.readdirSync(readOnly).sort();
      const run = await runCli(['report', '--ledger', readOnly, '--json'], { asNobody, shellCheck: check(readOnly) });
      assert.equal(run.code, 0, run.stderr);
      const body = JSON.parse(run.stdout) as { totals: { requests: number }; skipped: { damaged: number }; quarantined: number };
      assert.equal(body.totals.requests, 199);
      assert.equal(body.skipped.damaged, 1);
      assert.equal(body.quarantined, 0);
      assert.deepEqual(fs.readdirSync(readOnly).sort(), before);
    });

    it('export writes the 199 records and says one line was skipped', async () => {
      const run = await runCli(['export', '--ledger', readOnly, '--format', 'jsonl'], { asNobody, shellCheck: check(readOnly) });
      assert.equal(run.code, 0, run.stderr);
      assert.equal(run.stdout.trimEnd().split('\n').length, 199);
      assert.match(run.stderr, /1 unreadable ledger line\(s\) were skipped/);
      assert.doesNotMatch(run.stderr, /EACCES|EPERM|EROFS/);
    });
  });
});
