import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { get_encoding } from 'tiktoken';
import { type CliRun, runCli } from './runCli';

describe('credit-meter estimate', () => {
  let dir: string;
  const source = 'export function add(a: number, b: number): number {\n  return a + b;\n}\n'.repeat(40);

  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cm-estimate-'));
    fs.mkdirSync(path.join(dir, 'src'));
    fs.writeFileSync(path.join(dir, 'src', 'add.ts'), source);
    fs.writeFileSync(path.join(dir, 'system.txt'), 'You are a terse assistant.');
    fs.writeFileSync(path.join(dir, 'prompt.txt'), 'Explain what add does.');
    fs.writeFileSync(path.join(dir, 'local.json'), JSON.stringify({ models: [{ model: 'my-local-*', prices: { input: 0, output: 0 } }] }));
    fs.writeFileSync(path.join(dir, 'bad.json'), JSON.stringify({ usdPerCredit: -1 }));
  });
  after(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const run = (...args: string[]): Promise<CliRun> => runCli(['estimate', ...args], dir);

  it('prints the JSON shape with exact OpenAI counts', async () => {
    const result = await run('--model', 'gpt-4o', '--prompt', 'Explain what add does.', '--context', 'src/add.ts', '--system', 'system.txt', '--json');
    assert.equal(result.code, 0, result.err);
    const json = JSON.parse(result.out) as {
      model: string;
      inputTokens: number;
      outputTokens: { p50: number; p90: number };
      credits: { low: number; expected: number; high: number };
      usd: { expected: number };
      parts: { label: string; tokens: number; exact: boolean }[];
      kind: string;
    };
    assert.equal(json.model, 'gpt-4o');
    assert.equal(json.kind, 'explain');
    assert.ok(json.outputTokens.p50 > 0 && json.outputTokens.p90 > json.outputTokens.p50);
    assert.ok(json.credits.low <= json.credits.expected && json.credits.expected <= json.credits.high);
    assert.ok(json.usd.expected > 0);
    const encoding = get_encoding('o200k_base');
    try {
      const context = json.parts.find((part) => part.label === 'src/add.ts');
      assert.equal(context?.tokens, encoding.encode(source).length);
      assert.equal(context?.exact, true);
      assert.equal(json.parts.find((part) => part.label === 'system')?.tokens, encoding.encode('You are a terse assistant.').length);
    } finally {
      encoding.free();
    }
    assert.equal(json.inputTokens, json.parts.reduce((sum, part) => sum + part.tokens, 0));
  });

  it('prints a readable breakdown by default', async () => {
    const result = await run('--model', 'anthropic/claude-sonnet-4-5', '--prompt-file', 'prompt.txt', '--context', 'src/add.ts', '--rounds', '3', '--kind', 'refactor');
    assert.equal(result.code, 0, result.err);
    assert.match(result.out, /^Model {3}anthropic\/claude-sonnet-4-5 \(priced as anthropic\/claude-sonnet-4-5\); tokens o200k_base × 1\.\d\d, calibrated$/m);
    assert.match(result.out, /^Kind {4}refactor; rounds 3 \(high end assumes 5\)$/m);
    assert.match(result.out, /^src\/add\.ts +[\d,]+ {2}~ largest$/m);
    assert.match(result.out, /^Credits {2}low [\d.]+ {2}expected [\d.]+ {2}high [\d.]+$/m);
    assert.match(result.out, /^USD {6}low \$/m);
  });

  it('prices a model only a profile prices', async () => {
    const result = await run('--model', 'my-local-model', '--prompt', 'hi', '--profile', 'local.json', '--json');
    assert.equal(result.code, 0, result.err);
    assert.deepEqual((JSON.parse(result.out) as { credits: unknown }).credits, { low: 0.1, expected: 0.1, high: 0.1 });
  });

  const failures: [string, string[], RegExp][] = [
    ['an unknown flag', ['--model', 'gpt-4o', '--prompt', 'x', '--fast'], /Unknown option '--fast'/],
    ['a stray argument', ['--model', 'gpt-4o', '--prompt', 'x', 'src/add.ts'], /unexpected argument 'src\/add\.ts'/],
    ['a missing context file', ['--model', 'gpt-4o', '--prompt', 'x', '--context', 'nope.ts'], /cannot read context file 'nope\.ts': no such file/],
    ['a missing prompt file', ['--model', 'gpt-4o', '--prompt-file', 'nope.txt'], /cannot read prompt file 'nope\.txt'/],
    ['an unknown model without a price', ['--model', 'my-local-model', '--prompt', 'x'], /no price for model 'my-local-model'/],
    ['no model', ['--prompt', 'x'], /--model is required/],
    ['no prompt', ['--model', 'gpt-4o'], /--prompt or --prompt-file is required/],
    ['a bad kind', ['--model', 'gpt-4o', '--prompt', 'x', '--kind', 'poem'], /--kind must be one of explain, edit, fix/],
    ['bad rounds', ['--model', 'gpt-4o', '--prompt', 'x', '--rounds', '0'], /--rounds must be a whole number >= 1/],
    ['an invalid profile', ['--model', 'gpt-4o', '--prompt', 'x', '--profile', 'bad.json'], /credit profile .*bad\.json: usdPerCredit: expected a positive number/],
  ];
  for (const [what, args, message] of failures) {
    it(`fails in one line on ${what}`, async () => {
      const result = await run(...args);
      assert.notEqual(result.code, 0);
      assert.equal(result.out, '');
      assert.match(result.err, message);
      assert.match(result.err, /^credit-meter estimate: [^\n]+\n$/);
    });
  }

  it('shows its options with --help', async () => {
    const result = await run('--help');
    assert.equal(result.code, 0);
    assert.match(result.out, /--prompt-file F/);
  });
});
