import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { get_encoding } from 'tiktoken';
import { CALIBRATION_PRIORS } from '../../../src/core/tokens';
import { type CliRun, runCli } from './runCli';

const references = new Map<string, ReturnType<typeof get_encoding>>();

function referenceCount(encoding: 'o200k_base' | 'cl100k_base', text: string): number {
  let reference = references.get(encoding);
  if (reference === undefined) {
    reference = get_encoding(encoding);
    references.set(encoding, reference);
  }
  return reference.encode_ordinary(text).length;
}

describe('credit-meter count', () => {
  let dir: string;
  const code = 'export function add(a: number, b: number): number {\n  return a + b;\n}\n'.repeat(30);
  const prose = 'Credit Meter shows what a request will cost before it is sent. <|endoftext|> 中文 😀\n';

  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cm-count-'));
    fs.writeFileSync(path.join(dir, 'add.ts'), code);
    fs.writeFileSync(path.join(dir, 'notes.md'), prose);
    fs.mkdirSync(path.join(dir, 'folder'));
  });
  after(() => {
    fs.rmSync(dir, { recursive: true, force: true });
    for (const reference of references.values()) {
      reference.free();
    }
    references.clear();
  });

  const run = (args: string[], stdin = ''): Promise<CliRun> => runCli(['count', ...args], dir, stdin);

  it('counts a file exactly for an OpenAI model, as JSON', async () => {
    const result = await run(['--model', 'gpt-4o', 'add.ts', '--json']);
    assert.equal(result.code, 0, result.err);
    assert.deepEqual(JSON.parse(result.out), { model: 'gpt-4o', encoding: 'o200k_base', tokens: referenceCount('o200k_base', code), exact: true });
  });

  it('counts stdin when no file is given, on the model\'s own encoding', async () => {
    const result = await run(['--model', 'openai/gpt-3.5-turbo-0125'], prose);
    assert.equal(result.code, 0, result.err);
    assert.equal(result.out, `${referenceCount('cl100k_base', prose)} tokens (openai/gpt-3.5-turbo-0125: exact, cl100k_base)\n`);
  });

  it('prints each file and the total when several are given', async () => {
    const result = await run(['--model', 'gpt-4.1', 'add.ts', 'notes.md']);
    assert.equal(result.code, 0, result.err);
    const first = referenceCount('o200k_base', code);
    const second = referenceCount('o200k_base', prose);
    const lines = result.out.trimEnd().split('\n');
    assert.equal(lines.length, 3);
    assert.match(lines[0], new RegExp(`^\\s*${first}  add\\.ts$`));
    assert.match(lines[1], new RegExp(`^\\s*${second}  notes\\.md$`));
    assert.match(lines[2], new RegExp(`^${first + second}  total \\(gpt-4\\.1: exact, o200k_base\\)$`));

    const json = JSON.parse((await run(['--model', 'gpt-4.1', 'add.ts', 'notes.md', '--json'])).out) as { tokens: number; files: { file: string; tokens: number }[] };
    assert.equal(json.tokens, first + second);
    assert.deepEqual(json.files, [{ file: 'add.ts', tokens: first }, { file: 'notes.md', tokens: second }]);
  });

  it('prints the calibrated count for a proxy-counted model and says so', async () => {
    const counted = referenceCount('o200k_base', code);
    const expected = Math.round(counted * CALIBRATION_PRIORS.anthropic);
    const result = await run(['--model', 'anthropic/claude-sonnet-4-5', 'add.ts']);
    assert.equal(result.code, 0, result.err);
    assert.match(result.out, new RegExp(`^${expected} tokens \\(anthropic/claude-sonnet-4-5: calibrated, ${counted} o200k_base tokens × 1\\.30 \\(anthropic\\)\\)\\n$`));
    const json = JSON.parse((await run(['--model', 'claude-sonnet-4-5', 'add.ts', '--json'])).out) as Record<string, unknown>;
    assert.deepEqual(json, { model: 'claude-sonnet-4-5', encoding: 'o200k_base', tokens: expected, exact: false, family: 'anthropic', calibration: CALIBRATION_PRIORS.anthropic, countedTokens: counted });
  });

  it('fails with one line and a non-zero exit on bad input', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['add.ts'], /--model is required/],
      [['--model', 'gpt-4o', '--bogus', 'add.ts'], /--bogus/],
      [['--model', 'gpt-4o', 'missing.ts'], /cannot read 'missing\.ts': no such file/],
      [['--model', 'gpt-4o', 'folder'], /cannot read 'folder': it is a directory/],
      [['--model'], /--model/],
    ];
    for (const [args, message] of cases) {
      const result = await run(args);
      assert.notEqual(result.code, 0, args.join(' '));
      assert.equal(result.out, '');
      assert.match(result.err, message);
      assert.equal(result.err.trimEnd().split('\n').length, 1, `one line: ${result.err}`);
    }
  });
});

describe('credit-meter count: unknown models', () => {
  it('refuses a typo with the close matches, as estimate does', async () => {
    const { runCli } = await import('./runCli');
    const counted = await runCli(['count', '--model', 'gpt4o'], process.cwd(), 'hello');
    const estimated = await runCli(['estimate', '--model', 'gpt4o', '--prompt', 'hello'], process.cwd());
    assert.notEqual(counted.code, 0);
    assert.match(counted.err, /^credit-meter count: unknown model 'gpt4o' \(did you mean gpt-4o, [^)]*\?\)\n$/);
    assert.equal(counted.err.replace('count', 'estimate'), estimated.err);
  });
});
