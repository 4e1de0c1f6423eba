import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { get_encoding } from 'tiktoken';
import { MESSAGE_FORMATS, sentRequest } from '../../../src/core/estimate';
import { DEFAULT_MODEL_REF, DEFAULT_SYSTEM_PROMPT } from '../../../src/core/settings/settings';
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
    fs.writeFileSync(path.join(dir, 'settings.json'), [
      '{',
      '  // the editor\'s settings, comments and trailing commas included',
      '  "editor.fontSize": 14,',
      '  "creditMeter.defaultModel": "openai:gpt-4.1",',
      '  "creditMeter.systemPrompt": "Answer in one sentence.",',
      '  "creditMeter.creditProfile": { "usdPerCredit": 0.01, },',
      '}',
    ].join('\n'));
    fs.writeFileSync(path.join(dir, 'broken-settings.json'), '{ "creditMeter.defaultModel": "openai:gpt-4.1" "x": 1 }');
    fs.writeFileSync(path.join(dir, 'invalid-settings.json'), '{ "creditMeter.maxRetries": 99, "creditMeter.defaultModel": "no colon" }');
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
      assert.equal(context?.exact, true);
      assert.equal(json.parts.find((part) => part.label === 'system')?.tokens, encoding.encode('You are a terse assistant.').length);
      // Exactly the request the extension would send: the system message, the labelled block and the prompt, framed.
      const sent = sentRequest({ system: ['You are a terse assistant.'], prompt: 'Explain what add does.', contexts: [{ kind: 'file', label: 'src/add.ts', text: source }] });
      const format = MESSAGE_FORMATS.openai;
      const exact = 2 * (format.perMessage + format.perRole) + format.replyPriming + encoding.encode(sent.system ?? '').length + encoding.encode(sent.messages[0].content).length;
      assert.equal(json.inputTokens, exact);
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
    ['an unknown model', ['--model', 'my-local-model', '--prompt', 'x'], /unknown model 'my-local-model': not in the price catalogue/],
    ['a typo in a model id', ['--model', 'gpt4o', '--prompt', 'x'], /unknown model 'gpt4o' \(did you mean gpt-4o, /],
    ['an open-weights model without a price', ['--model', 'llama3.3:70b', '--prompt', 'x'], /no price for model 'llama3\.3:70b'/],
    ['an unknown provider', ['--model', 'gpt-4o', '--prompt', 'x', '--provider', 'nosuchprovider'], /unknown provider 'nosuchprovider': the price catalogue has no such provider/],
    ['too many rounds', ['--model', 'gpt-4o', '--prompt', 'x', '--rounds', '101'], /--rounds must be a whole number from 1 to 100, got '101'/],
    ['a line range outside the file', ['--model', 'gpt-4o', '--prompt', 'x', '--context', 'src/add.ts:100-500'], /lines 100-500 are not in 'src\/add\.ts' \(it has 120 lines\)/],
    ['a settings file that is not JSON', ['--prompt', 'x', '--settings', 'broken-settings.json'], /settings file broken-settings\.json:1:48: CommaExpected/],
    ['invalid settings values', ['--prompt', 'x', '--settings', 'invalid-settings.json'], /creditMeter\.defaultModel: expected "<provider id>:<model id>"; creditMeter\.maxRetries/],
    ['no prompt', ['--model', 'gpt-4o'], /--prompt or --prompt-file is required/],
    ['a bad kind', ['--model', 'gpt-4o', '--prompt', 'x', '--kind', 'poem'], /--kind must be one of explain, edit, fix/],
    ['bad rounds', ['--model', 'gpt-4o', '--prompt', 'x', '--rounds', '0'], /--rounds must be a whole number from 1 to 100/],
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

  it('uses the extension\'s defaults: its default model, system prompt and credit profile', async () => {
    const result = await run('--prompt', 'Explain what add does.', '--json');
    assert.equal(result.code, 0, result.err);
    const json = JSON.parse(result.out) as { model: string; parts: { kind: string; tokens: number }[]; format: string };
    assert.equal(`anthropic:${json.model}`, DEFAULT_MODEL_REF);
    assert.equal(json.format, 'anthropic');
    const withSystem = await run('--prompt', 'Explain what add does.', '--json', '--system', 'default-system.txt');
    assert.notEqual(withSystem.code, 0, 'no such file yet');
    fs.writeFileSync(path.join(dir, 'default-system.txt'), DEFAULT_SYSTEM_PROMPT);
    const explicit = await run('--prompt', 'Explain what add does.', '--json', '--system', 'default-system.txt');
    assert.deepEqual(JSON.parse(explicit.out), json, 'no --system is the extension\'s default system prompt');
  });

  it('reads the creditMeter settings of a VS Code settings.json', async () => {
    const result = await run('--prompt', 'Explain what add does.', '--settings', 'settings.json', '--json');
    assert.equal(result.code, 0, result.err);
    const json = JSON.parse(result.out) as { model: string; parts: { kind: string; tokens: number }[]; credits: { expected: number }; usd: { expected: number } };
    assert.equal(json.model, 'gpt-4.1');
    const encoding = get_encoding('o200k_base');
    try {
      assert.equal(json.parts.find((part) => part.kind === 'system')?.tokens, encoding.encode('Answer in one sentence.').length);
    } finally {
      encoding.free();
    }
    assert.ok(Math.abs(json.credits.expected - Math.max(0.1, Math.round(json.usd.expected / 0.01 * 10) / 10)) < 1e-9, 'priced with the settings\' usdPerCredit');
  });

  it('labels a line range as Compose labels a selection, and sends just those lines', async () => {
    const result = await run('--model', 'gpt-4.1', '--prompt', 'Explain this.', '--context', `${path.join(dir, 'src', 'add.ts')}:4-6`, '--json');
    assert.equal(result.code, 0, result.err);
    const json = JSON.parse(result.out) as { inputTokens: number; parts: { kind: string; label: string; tokens: number }[] };
    assert.deepEqual(json.parts.filter((part) => part.kind === 'context').map((part) => part.label), ['src/add.ts:4-6']);
    const lines = source.split('\n').slice(3, 6).join('\n');
    const sent = sentRequest({ system: [DEFAULT_SYSTEM_PROMPT], prompt: 'Explain this.', contexts: [{ kind: 'selection', label: 'src/add.ts:4-6', text: lines }] });
    const encoding = get_encoding('o200k_base');
    try {
      const format = MESSAGE_FORMATS.openai;
      assert.equal(json.inputTokens, 2 * (format.perMessage + format.perRole) + format.replyPriming + encoding.encode(sent.system ?? '').length + encoding.encode(sent.messages[0].content).length);
    } finally {
      encoding.free();
    }
  });

  it('shows its options with --help', async () => {
    const result = await run('--help');
    assert.equal(result.code, 0);
    assert.match(result.out, /--prompt-file F/);
  });
});
