import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Ledger } from '../../../src/core/ledger/ledger';
import type { UsageRecord } from '../../../src/core/ledger/usageRecord';
import { creditsFor, DEFAULT_PROFILE, quoteCredits } from '../../../src/core/pricing';
import { TurnRunner } from '../../../src/send/turnRunner';
import type { Draft, SendTimeEstimate } from '../../../src/send/turnTypes';
import { createAnthropicProvider, createOpenAiCompatibleProvider } from '../../../src/providers';
import { readStreamFixture, startProtocolServer, type ProtocolServer, type ScriptedResponse } from '../../support/protocolServer';

const API_KEY = 'sk-test-0123456789abcdefghijklmnop';
const SECRET_CONTEXT = 'const internalOnly = "context text never lands in the ledger";';

const draft: Draft = {
  prompt: 'Why does this loop never end?',
  contexts: [{ kind: 'selection', label: 'src/loop.ts:3-9', text: SECRET_CONTEXT }],
  modelRef: 'local:o4-mini',
  kind: 'explain',
  source: 'compose',
};

const estimate: SendTimeEstimate = {
  record: { low: 0.1, expected: 0.2, high: 0.5, inputTokens: 1500, outputTokens: 300, cacheReadTokens: 0, cacheWriteTokens: 0 },
  counts: { systemTokens: 12, toolsTokens: 0, contextTokens: [17], inputTokens: 1500 },
};

const fastRetry = { retry: { baseDelayMs: 1, maxDelayMs: 5 } };

describe('turn runner', () => {
  let dir: string;
  let ledger: Ledger;
  let server: ProtocolServer | undefined;

  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cm-turn-'));
    ledger = (await Ledger.open(dir)).ledger;
  });

  afterEach(async () => {
    await server?.close();
    server = undefined;
    await ledger.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  async function serve(responses: readonly ScriptedResponse[]): Promise<ProtocolServer> {
    server = await startProtocolServer(responses);
    return server;
  }

  function runner(): TurnRunner {
    return new TurnRunner({ ledger, pricing: () => ({ profile: DEFAULT_PROFILE }) });
  }

  function ledgerText(): string {
    const segments = path.join(dir, 'segments');
    return fs.readdirSync(segments).map((name) => fs.readFileSync(path.join(segments, name), 'utf8')).join('');
  }

  async function reopened(): Promise<UsageRecord[]> {
    const { ledger: fresh } = await Ledger.open(dir);
    const records = await fresh.query();
    await fresh.close();
    return records;
  }

  it('streams an OpenAI-compatible answer and records its usage and computed charge', async () => {
    const { url } = await serve([{ body: readStreamFixture('openai-chat-usage.sse'), splitAt: [100, 101, 700] }]);
    const provider = createOpenAiCompatibleProvider({ baseUrl: `${url}/v1`, apiKey: API_KEY, ...fastRetry });
    const deltas: string[] = [];
    const result = await runner().run({
      provider, baseUrl: `${url}/v1`, model: 'o4-mini', draft, system: 'Be brief.', estimate, storePrompts: true,
      onText: (delta) => deltas.push(delta),
    });

    assert.equal(result.status, 'ok');
    assert.equal(deltas.join(''), result.text);
    assert.match(result.text, /Prices in €/);
    const records = await reopened();
    assert.equal(records.length, 1);
    const [record] = records;
    assert.equal(record.turnId, result.turnId);
    assert.equal(record.attempt, 0);
    assert.equal(record.outcome.status, 'ok');
    assert.deepEqual(
      { input: record.tokens.input, cacheRead: record.tokens.cacheRead, output: record.tokens.output, reasoning: record.tokens.reasoning },
      { input: 1530 - 1280, cacheRead: 1280, output: 160, reasoning: 128 },
    );
    assert.equal(record.tokens.system, 12);
    assert.equal(record.usageSource, 'provider');
    assert.equal(record.cost.chargeSource, 'computed');
    const quote = quoteCredits({ inputTokens: 250, cacheReadTokens: 1280, cacheWriteTokens: 0, outputTokens: 160, reasoningTokens: 128 }, 'o4-mini-2025-04-16', DEFAULT_PROFILE);
    assert.equal(quote.kind, 'priced');
    assert.equal(record.cost.credits, quote.credits);
    assert.equal(result.credits, quote.credits);
    assert.equal(record.modelServed, 'o4-mini-2025-04-16');
    assert.equal(record.baseUrlHost, new URL(url).host);
    assert.deepEqual(record.estimate, estimate.record);
    assert.deepEqual(record.contexts, [{ kind: 'selection', label: 'src/loop.ts:3-9', tokens: 17, bytes: Buffer.byteLength(SECRET_CONTEXT) }]);
    assert.equal(record.prompt, draft.prompt);
    assert.equal(record.system, 'Be brief.');
    assert.ok(!ledgerText().includes('internalOnly'), 'context contents are never stored');
    assert.ok(!ledgerText().includes(API_KEY));
  });

  it('takes the provider-reported cost as the charge and leaves prompts out when asked', async () => {
    const { url } = await serve([{ body: readStreamFixture('openrouter-chat-cost.sse') }]);
    const provider = createOpenAiCompatibleProvider({ baseUrl: url, apiKey: API_KEY, ...fastRetry });
    const result = await runner().run({ provider, baseUrl: url, model: 'anthropic/claude-3.5-haiku', draft, system: 'S', estimate, storePrompts: false });
    const [record] = await reopened();
    assert.equal(result.status, 'ok');
    assert.equal(record.cost.chargeSource, 'provider');
    assert.equal(record.cost.usd, 0.0008312);
    assert.equal(record.cost.credits, creditsFor(0.0008312, DEFAULT_PROFILE, 'anthropic/claude-3.5-haiku'));
    assert.equal(record.prompt, undefined);
    assert.equal(record.system, undefined);
  });

  it("takes the service's credits header over any computed charge and keeps the region", async () => {
    const { url } = await serve([{
      headers: { 'content-type': 'text/event-stream', 'x-credits-charged': '0.7', 'x-region': 'eu-west-1' },
      body: readStreamFixture('openai-chat-usage.sse'),
    }]);
    const provider = createOpenAiCompatibleProvider({ baseUrl: url, apiKey: API_KEY, chargedCreditsHeader: 'x-credits-charged', ...fastRetry });
    const result = await runner().run({ provider, baseUrl: url, model: 'o4-mini', draft, system: 'S', estimate, storePrompts: true });
    const [record] = await reopened();
    assert.equal(result.credits, 0.7);
    assert.equal(record.cost.credits, 0.7);
    assert.equal(record.cost.chargeSource, 'provider');
    assert.equal(record.cost.usd, 0.7 * DEFAULT_PROFILE.usdPerCredit);
    assert.equal(record.region, 'eu-west-1');
  });

  it('records Anthropic usage with cache reads and writes apart', async () => {
    const { url } = await serve([{ body: readStreamFixture('anthropic-messages-usage.sse'), splitAt: [37, 500] }]);
    const provider = createAnthropicProvider({ baseUrl: url, apiKey: API_KEY, ...fastRetry });
    const result = await runner().run({ provider, baseUrl: url, model: 'claude-sonnet-4-5', draft, system: 'S', estimate, storePrompts: true });
    const [record] = await reopened();
    assert.equal(result.status, 'ok');
    assert.equal(record.provider, 'anthropic');
    assert.deepEqual(
      [record.tokens.input, record.tokens.cacheRead, record.tokens.cacheWrite, record.tokens.output],
      [25, 3000, 1200, 15],
    );
    assert.ok((record.cost.credits ?? 0) > 0);
  });

  it('records a refused request as an error, without the key', async () => {
    const { url } = await serve([{
      status: 401,
      body: JSON.stringify({ error: { message: `Incorrect API key provided: ${API_KEY}`, type: 'invalid_request_error', code: 'invalid_api_key' } }),
    }]);
    const provider = createOpenAiCompatibleProvider({ baseUrl: url, apiKey: API_KEY, ...fastRetry });
    const result = await runner().run({ provider, baseUrl: url, model: 'gpt-4.1', draft, system: 'S', estimate, storePrompts: true });
    assert.equal(result.status, 'error');
    assert.equal(result.error?.errorClass, 'auth');
    const records = await reopened();
    assert.equal(records.length, 1);
    assert.equal(records[0].outcome.status, 'error');
    assert.equal(records[0].outcome.errorClass, 'auth');
    assert.equal(records[0].outcome.httpStatus, 401);
    assert.equal(records[0].cost.credits, 0);
    assert.ok(!ledgerText().includes(API_KEY), 'the key never reaches the ledger');
  });

  it('records every retry under one turn', async () => {
    const { url } = await serve([
      { status: 429, headers: { 'retry-after': '0', 'content-type': 'application/json' }, body: JSON.stringify({ error: { message: 'Rate limit reached', type: 'rate_limit_exceeded' } }) },
      { status: 503, body: JSON.stringify({ error: { message: 'upstream busy' } }) },
      { body: readStreamFixture('openai-chat-usage.sse') },
    ]);
    const provider = createOpenAiCompatibleProvider({ baseUrl: url, apiKey: API_KEY, maxAttempts: 3, ...fastRetry });
    const result = await runner().run({ provider, baseUrl: url, model: 'o4-mini', draft, system: 'S', estimate, storePrompts: true });
    assert.equal(result.status, 'ok');
    const records = (await reopened()).sort((a, b) => a.attempt - b.attempt);
    assert.deepEqual(records.map((r) => [r.turnId, r.attempt, r.outcome.retries, r.outcome.status, r.outcome.httpStatus]), [
      [result.turnId, 0, 0, 'error', 429],
      [result.turnId, 1, 1, 'error', 503],
      [result.turnId, 2, 2, 'ok', 200],
    ]);
    assert.equal(records[0].outcome.errorClass, 'rate_limited');
    assert.equal(new Set(records.map((r) => r.id)).size, 3);
  });

  it('aborts the HTTP request on stop and records the turn as cancelled', async () => {
    const body = readStreamFixture('openai-chat-usage.sse').toString('utf8');
    const firstEvents = body.split('\n\n').slice(0, 2).join('\n\n') + '\n\n';
    const served = await serve([{ body: firstEvents, holdOpen: true }]);
    const provider = createOpenAiCompatibleProvider({ baseUrl: served.url, apiKey: API_KEY, ...fastRetry });
    const turns = runner();
    const running: boolean[] = [];
    turns.onDidChangeRunning((value) => running.push(value));
    const pending = turns.run({
      provider, baseUrl: served.url, model: 'o4-mini', draft, system: 'S', estimate, storePrompts: true,
      onText: () => turns.stop(),
    });
    const result = await pending;
    await served.clientClosed(0);
    assert.equal(result.status, 'cancelled');
    assert.deepEqual(running, [true, false]);
    assert.equal(turns.isRunning, false);
    const records = await reopened();
    assert.equal(records.length, 1);
    assert.equal(records[0].outcome.status, 'cancelled');
    assert.equal(served.requests[0].outcome, 'client-closed');
  });

  it('honours an outer abort signal (a cancellation token)', async () => {
    const served = await serve([{ body: '', holdOpen: true }]);
    const provider = createOpenAiCompatibleProvider({ baseUrl: served.url, apiKey: API_KEY, ...fastRetry });
    const outer = new AbortController();
    const pending = runner().run({ provider, baseUrl: served.url, model: 'o4-mini', draft, system: 'S', estimate, storePrompts: true, signal: outer.signal });
    setTimeout(() => outer.abort(), 50);
    const result = await pending;
    assert.equal(result.status, 'cancelled');
    assert.equal((await reopened())[0].outcome.status, 'cancelled');
  });

  it('records a stream cut before its usage as aborted with estimated usage', async () => {
    const body = readStreamFixture('openai-chat-usage.sse');
    const { url } = await serve([{ body, disconnectAfterBytes: 900 }, { body, disconnectAfterBytes: 900 }, { body, disconnectAfterBytes: 900 }]);
    const provider = createOpenAiCompatibleProvider({ baseUrl: url, apiKey: API_KEY, maxAttempts: 1, ...fastRetry });
    const result = await runner().run({ provider, baseUrl: url, model: 'o4-mini', draft, system: 'S', estimate, storePrompts: true });
    assert.equal(result.status, 'aborted');
    const records = await reopened();
    assert.equal(records.length, 1);
    assert.equal(records[0].outcome.status, 'aborted');
    assert.equal(records[0].usageSource, 'estimated');
    assert.ok(records[0].tokens.input > 0, 'the estimated input is charged');
  });

  it('still returns the answer when the ledger cannot be written', async () => {
    const { url } = await serve([{ body: readStreamFixture('openai-chat-usage.sse') }]);
    const provider = createOpenAiCompatibleProvider({ baseUrl: url, apiKey: API_KEY, ...fastRetry });
    const failing = new TurnRunner({ ledger: { append: () => Promise.reject(new Error('ENOSPC: no space left on device')) }, pricing: () => ({ profile: DEFAULT_PROFILE }) });
    const result = await failing.run({ provider, baseUrl: url, model: 'o4-mini', draft, system: 'S', estimate, storePrompts: true });
    assert.equal(result.status, 'ok');
    assert.match(result.ledgerError?.message ?? '', /ENOSPC/);
  });
});
