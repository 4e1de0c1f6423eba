/**
 * `credit-meter gateway` as a real process: its start line, requests from the official clients
 * through it, SIGTERM with a request in flight, and a ledger closed cleanly with every record.
 */
import { strict as assert } from 'node:assert';
import { type ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import Anthropic from '@anthropic-ai/sdk';
import { buildSync } from 'esbuild';
import OpenAI from 'openai';
import { Ledger, SNAPSHOT_FILE } from '../../../src/core/ledger';
import { REAL_KEY } from '../../support/gatewayHarness';
import { type ProtocolServer, readStreamFixture, startProtocolServer } from '../../support/protocolServer';
import { runCli } from './runCli';

const root = path.resolve(__dirname, '..', '..', '..');
const cli = path.join(root, 'out', 'gateway-test', 'cli.js');

interface Started {
  readonly child: ChildProcess;
  readonly url: string;
  readonly token: string;
  readonly stderr: () => string;
  readonly exited: Promise<number | null>;
}

function startGateway(args: string[], env: NodeJS.ProcessEnv): Promise<Started> {
  const child = spawn(process.execPath, [cli, 'gateway', ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (data: string) => { stderr += data; });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no start line within 20 s; stderr: ${stderr}`)), 20_000);
    child.stdout!.setEncoding('utf8').on('data', (data: string) => {
      stdout += data;
      const line = stdout.split('\n')[0];
      if (stdout.includes('\n')) {
        clearTimeout(timer);
        const started = JSON.parse(line) as { url: string; token: string };
        resolve({ child, url: started.url, token: started.token, stderr: () => stderr, exited });
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`exited with ${code} before starting: ${stderr}`));
    });
  });
}

describe('credit-meter gateway', () => {
  let dir: string;
  let upstream: ProtocolServer | undefined;
  let started: Started | undefined;

  before(function () {
    this.timeout(60_000);
    buildSync({ entryPoints: [path.join(root, 'src', 'cli', 'main.ts')], outfile: cli, bundle: true, platform: 'node', format: 'cjs', target: 'node20', logLevel: 'error' });
  });

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cm-cli-gateway-'));
  });

  afterEach(async () => {
    if (started && started.child.exitCode === null) {
      started.child.kill('SIGKILL');
      await started.exited;
    }
    started = undefined;
    await upstream?.close();
    upstream = undefined;
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('prints its URL and token, meters requests, and on SIGTERM finishes the one in flight and closes the ledger', async function () {
    this.timeout(60_000);
    upstream = await startProtocolServer([
      { body: readStreamFixture('openai-chat-tool-calls.sse') },
      { body: readStreamFixture('anthropic-message.json'), headers: { 'content-type': 'application/json' } },
      // Slow to answer: SIGTERM arrives while it is in flight.
      { body: readStreamFixture('anthropic-message.json'), headers: { 'content-type': 'application/json' }, headerDelayMs: 800 },
    ]);
    fs.writeFileSync(path.join(dir, 'providers.json'), JSON.stringify([
      { id: 'openai', kind: 'openai', baseUrl: `${upstream.url}/v1` },
      { id: 'claude', kind: 'anthropic', baseUrl: upstream.url },
    ]));
    const ledgerDir = path.join(dir, 'ledger');
    started = await startGateway(['--ledger', ledgerDir, '--providers', path.join(dir, 'providers.json'), '--port', '0'], {
      CREDIT_METER_KEY_OPENAI: REAL_KEY,
      CREDIT_METER_KEY_CLAUDE: REAL_KEY,
    });
    assert.match(started.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.match(started.token, /^cmg_/);

    const openai = new OpenAI({ baseURL: `${started.url}/openai`, apiKey: started.token, maxRetries: 0 });
    let calls = 0;
    for await (const chunk of await openai.chat.completions.create({ model: 'gpt-4.1', stream: true, messages: [{ role: 'user', content: 'Read the parser' }] })) {
      calls += chunk.choices[0]?.delta.tool_calls?.filter((call) => call.id).length ?? 0;
    }
    assert.equal(calls, 2);
    const anthropic = new Anthropic({ baseURL: `${started.url}/claude`, apiKey: started.token, maxRetries: 0 });
    const message = await anthropic.messages.create({ model: 'claude-sonnet-4-6', max_tokens: 256, messages: [{ role: 'user', content: 'Why?' }] });
    assert.equal(message.id, 'msg_01Bq7dXk3Vn9sLpT2wRyMc4H');
    assert.equal(upstream.requests[0].headers.authorization, `Bearer ${REAL_KEY}`);
    assert.equal(upstream.requests[1].headers['x-api-key'], REAL_KEY);

    const inFlight = anthropic.messages.create({ model: 'claude-sonnet-4-6', max_tokens: 256, messages: [{ role: 'user', content: 'And now?' }] });
    const deadline = Date.now() + 10_000;
    while (upstream.requests.length < 3 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    started.child.kill('SIGTERM');
    assert.equal((await inFlight).id, 'msg_01Bq7dXk3Vn9sLpT2wRyMc4H', 'the request in flight finished');
    assert.equal(await started.exited, 0);

    assert.ok(fs.existsSync(path.join(ledgerDir, SNAPSHOT_FILE)), 'the ledger was closed (its index saved)');
    const { ledger, report } = await Ledger.open(ledgerDir, { create: false });
    assert.equal(report.quarantined + report.damaged, 0);
    const records = await ledger.query({});
    assert.deepEqual(records.map((record) => [record.source, record.client, record.provider, record.outcome.status]), [
      ['gateway', 'openai-node', 'openai', 'ok'],
      ['gateway', 'anthropic-sdk-js', 'anthropic', 'ok'],
      ['gateway', 'anthropic-sdk-js', 'anthropic', 'ok'],
    ]);
    assert.deepEqual([records[0].tokens.input, records[0].tokens.cacheRead, records[0].tools.calls], [284, 1536, 2]);
    assert.ok(!started.stderr().includes(REAL_KEY), 'the key is never printed');
    await ledger.close();
  });

  it('refuses bad options in one line', async () => {
    fs.writeFileSync(path.join(dir, 'bad.json'), JSON.stringify([{ id: 'x', kind: 'openai' }]));
    fs.writeFileSync(path.join(dir, 'lm.json'), JSON.stringify([{ id: 'lm', kind: 'vscode-lm' }]));
    fs.writeFileSync(path.join(dir, 'ok.json'), JSON.stringify({ 'creditMeter.providers': [{ id: 'o', kind: 'openai', baseUrl: 'https://api.openai.com/v1' }] }));
    const cases: [string[], RegExp][] = [
      [['--providers', 'ok.json'], /--ledger DIR is required/],
      [['--ledger', 'l'], /--providers FILE is required/],
      [['--ledger', 'l', '--providers', 'missing.json'], /cannot read providers file 'missing\.json': no such file/],
      [['--ledger', 'l', '--providers', 'bad.json'], /providers file 'bad\.json': providers\[0\]\.baseUrl: required for kind "openai"/],
      [['--ledger', 'l', '--providers', 'lm.json'], /lists no openai or anthropic provider/],
      [['--ledger', 'l', '--providers', 'ok.json', '--port', '99999'], /--port must be a whole number from 0 to 65535/],
      [['--ledger', 'l', '--providers', 'ok.json', '--enforce-budget'], /--enforce-budget needs at least one of/],
      [['--ledger', 'l', '--providers', 'ok.json', '--budget-daily=-1'], /--budget-daily must be a number of credits >= 0/],
    ];
    for (const [args, message] of cases) {
      const result = await runCli(['gateway', ...args], dir);
      assert.equal(result.code, 2, args.join(' '));
      assert.match(result.err, message);
      assert.equal(result.err.trim().split('\n').length, 1);
    }
    assert.equal(fs.existsSync(path.join(dir, 'l')), false, 'nothing was created');
  });
});
