import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { estimateRawRequest } from '../../../src/core/estimate/rawRequest';
import { type CliRun, runCli } from './runCli';

describe('credit-meter estimate --request', () => {
  let dir: string;
  const chat = {
    model: 'gpt-4o',
    max_tokens: 300,
    messages: [{ role: 'system', content: 'Be terse.' }, { role: 'user', content: 'Explain what a monad is.' }],
  };
  const messages = {
    model: 'claude-sonnet-4-5',
    max_tokens: 1024,
    system: 'Be terse.',
    messages: [{ role: 'user', content: 'Explain what a monad is.' }],
  };

  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cm-estimate-request-'));
    fs.writeFileSync(path.join(dir, 'chat.json'), JSON.stringify(chat));
    fs.writeFileSync(path.join(dir, 'messages.json'), JSON.stringify(messages));
    fs.writeFileSync(path.join(dir, 'broken.json'), '{"model": ');
    fs.writeFileSync(path.join(dir, 'nomodel.json'), JSON.stringify({ messages: [] }));
  });
  after(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const run = (...args: string[]): Promise<CliRun> => runCli(['estimate', ...args], dir);

  it('prints the same JSON shape as a draft estimate, with the core estimator numbers', async () => {
    const fromRequest = await run('--request', 'chat.json', '--json');
    assert.equal(fromRequest.code, 0, fromRequest.err);
    const fromDraft = await run('--model', 'gpt-4o', '--prompt', 'Explain what a monad is.', '--json');
    const json = JSON.parse(fromRequest.out) as Record<string, unknown> & { inputTokens: number; outputTokens: { p90: number }; parts: unknown[] };
    assert.deepEqual(Object.keys(json).sort(), Object.keys(JSON.parse(fromDraft.out) as object).sort());
    const core = estimateRawRequest(chat);
    assert.equal(json.inputTokens, core.inputTokens);
    assert.ok(json.outputTokens.p90 <= 300, 'max_tokens bounds the output');
    assert.equal(json.parts.length, core.parts.length);
  });

  it('detects an Anthropic body and reads stdin with -', async () => {
    const result = await runCli(['estimate', '--request', '-', '--json'], dir, JSON.stringify(messages));
    assert.equal(result.code, 0, result.err);
    const json = JSON.parse(result.out) as { model: string; provider: string; exact: boolean };
    assert.equal(json.model, 'claude-sonnet-4-5');
    assert.equal(json.provider, 'anthropic');
    assert.equal(json.exact, false);
  });

  it('takes --format and --model over the body', async () => {
    const result = await run('--request', 'messages.json', '--format', 'anthropic', '--model', 'claude-haiku-4-5', '--json');
    assert.equal(result.code, 0, result.err);
    assert.equal((JSON.parse(result.out) as { model: string }).model, 'claude-haiku-4-5');
  });

  it('prints a readable breakdown', async () => {
    const result = await run('--request', 'chat.json');
    assert.equal(result.code, 0, result.err);
    assert.match(result.out, /^last message\s+\d+( +largest)?$/m);
    assert.match(result.out, /^message overhead\s+\d+$/m);
  });

  it('fails in one line on bad input', async () => {
    const cases: [string[], RegExp][] = [
      [['--request', 'broken.json'], /'broken\.json' is not JSON/],
      [['--request', 'nomodel.json'], /nomodel\.json: model: a model id/],
      [['--request', 'missing.json'], /cannot read request file 'missing\.json': no such file/],
      [['--request', 'chat.json', '--format', 'gemini'], /--format must be one of openai, anthropic, responses/],
      [['--format', 'openai'], /--format needs --request/],
      [['--request', 'chat.json', '--prompt', 'x'], /--prompt describes a draft/],
    ];
    for (const [args, message] of cases) {
      const result = await run(...args);
      assert.notEqual(result.code, 0, args.join(' '));
      assert.match(result.err, message);
      assert.equal(result.err.trim().split('\n').length, 1, 'one line');
    }
  });
});
