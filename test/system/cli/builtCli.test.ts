/**
 * The CLI as it ships: the production build's dist/cli.js run as its own process, reading stdin
 * and files, with the rank tables the build writes beside it.
 */
import { strict as assert } from 'node:assert';
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { get_encoding } from 'tiktoken';

const ROOT = path.resolve(__dirname, '..', '..', '..');

describe('credit-meter count through the built dist/cli.js', () => {
  const prose = 'Credit Meter shows what a request will cost before it is sent. <|endoftext|> 中文 😀\n';
  let dir: string;

  before(() => {
    execFileSync(process.execPath, ['esbuild.js'], { cwd: ROOT, stdio: 'pipe' });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cm-built-cli-'));
  });
  after(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('counts stdin and files through the bundled CLI', () => {
    const reference = get_encoding('o200k_base');
    const expected = reference.encode_ordinary(prose).length;
    reference.free();
    const cli = path.join(ROOT, 'dist', 'cli.js');
    const fromStdin = spawnSync(process.execPath, [cli, 'count', '--model', 'gpt-4o', '--json'], { input: prose, encoding: 'utf8' });
    assert.equal(fromStdin.status, 0, fromStdin.stderr);
    assert.deepEqual(JSON.parse(fromStdin.stdout), { model: 'gpt-4o', encoding: 'o200k_base', tokens: expected, exact: true });

    const missing = spawnSync(process.execPath, [cli, 'count', '--model', 'gpt-4o', path.join(dir, 'missing.ts')], { encoding: 'utf8' });
    assert.notEqual(missing.status, 0);
    assert.match(missing.stderr, /^credit-meter count: cannot read '.*missing\.ts': no such file\n$/);
    assert.ok(fs.existsSync(path.join(ROOT, 'dist', 'ranks', 'o200k_base.bin')), 'the build writes the rank tables');
  });
});
