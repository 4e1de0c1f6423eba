import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { UsageRecord } from '../../../src/core/ledger/usageRecord';
import type { TurnResult } from '../../../src/send/turnRunner';
import { readStreamFixture, startProtocolServer, type ProtocolServer } from '../../support/protocolServer';
import { activeExtension } from '../support/extension';
import { clearCompose, creditMeter, setUserSetting, until } from './creditMeterApi';

const KEY = 'sk-integration-0123456789abcdef';

async function fixture(name: string): Promise<Buffer> {
  const extension = await activeExtension();
  return readStreamFixture(name, path.join(extension.extensionPath, 'test', 'fixtures', 'streams'));
}

async function recordsOf(turnId: string): Promise<UsageRecord[]> {
  const api = await creditMeter();
  const ledger = await api.ledger();
  return (await ledger.query({ turnId })).sort((a, b) => a.attempt - b.attempt);
}

async function ask(modelRef: string, prompt = 'Why does this loop never end?'): Promise<TurnResult> {
  const result = await vscode.commands.executeCommand<TurnResult | undefined>('creditMeter.askAboutSelection', { prompt, modelRef });
  assert.ok(result, 'the command returns the turn');
  return result;
}

describe('extension: requests through each HTTP adapter land in the ledger', () => {
  let server: ProtocolServer | undefined;

  async function useServer(responses: Parameters<typeof startProtocolServer>[0]): Promise<ProtocolServer> {
    const api = await creditMeter();
    server = await startProtocolServer(responses);
    await setUserSetting(api, 'providers', [
      { id: 'local-openai', kind: 'openai', baseUrl: `${server.url}/v1`, models: ['o4-mini'] },
      { id: 'local-anthropic', kind: 'anthropic', baseUrl: server.url, models: ['claude-sonnet-4-5'] },
    ]);
    await vscode.commands.executeCommand('creditMeter.setApiKey', 'local-openai', KEY);
    await vscode.commands.executeCommand('creditMeter.setApiKey', 'local-anthropic', KEY);
    return server;
  }

  afterEach(async () => {
    await server?.close();
    server = undefined;
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  after(clearCompose);

  it('OpenAI-compatible: usage, computed credits and status ok', async () => {
    const served = await useServer([{ body: await fixture('openai-chat-usage.sse') }]);
    const result = await ask('local-openai:o4-mini');
    assert.equal(result.status, 'ok');
    assert.equal(served.requests[0].path, '/v1/chat/completions');
    assert.equal(served.requests[0].headers.authorization, `Bearer ${KEY}`);
    const [record, ...rest] = await recordsOf(result.turnId);
    assert.equal(rest.length, 0);
    assert.equal(record.outcome.status, 'ok');
    assert.deepEqual([record.tokens.input, record.tokens.cacheRead, record.tokens.output, record.tokens.reasoning], [250, 1280, 160, 128]);
    assert.equal(record.usageSource, 'provider');
    assert.equal(record.cost.chargeSource, 'computed');
    assert.ok((record.cost.credits ?? 0) > 0);
    assert.equal(record.cost.credits, result.credits);
    assert.ok(record.estimate && record.estimate.high >= record.estimate.low, 'the estimate made at send time is kept');
  });

  it('Anthropic Messages: cache reads and writes apart, status ok', async () => {
    const served = await useServer([{ body: await fixture('anthropic-messages-usage.sse') }]);
    const result = await ask('local-anthropic:claude-sonnet-4-5');
    assert.equal(result.status, 'ok');
    assert.equal(served.requests[0].headers['x-api-key'], KEY);
    const [record] = await recordsOf(result.turnId);
    assert.equal(record.provider, 'anthropic');
    assert.deepEqual([record.tokens.input, record.tokens.cacheRead, record.tokens.cacheWrite, record.tokens.output], [25, 3000, 1200, 15]);
    assert.ok((record.cost.credits ?? 0) > 0);
  });

  it('records each retry under one turn', async () => {
    await useServer([
      { status: 429, headers: { 'retry-after': '0', 'content-type': 'application/json' }, body: JSON.stringify({ error: { message: 'Rate limit reached', type: 'rate_limit_exceeded' } }) },
      { body: await fixture('openai-chat-usage.sse') },
    ]);
    const result = await ask('local-openai:o4-mini');
    const records = await recordsOf(result.turnId);
    assert.deepEqual(records.map((r) => [r.attempt, r.outcome.status, r.outcome.httpStatus]), [[0, 'error', 429], [1, 'ok', 200]]);
  });

  it('Stop Request aborts the HTTP request and records it as cancelled', async () => {
    const body = (await fixture('openai-chat-usage.sse')).toString('utf8');
    const served = await useServer([{ body: body.split('\n\n').slice(0, 2).join('\n\n') + '\n\n', holdOpen: true }]);
    const pending = ask('local-openai:o4-mini');
    await until('the request to arrive', () => served.requests.length === 1);
    const api = await creditMeter();
    await until('the turn to be running', () => api.requestRunning());
    await vscode.commands.executeCommand('creditMeter.stopRequest');
    const result = await pending;
    assert.equal(result.status, 'cancelled');
    await served.clientClosed(0);
    const [record] = await recordsOf(result.turnId);
    assert.equal(record.outcome.status, 'cancelled');
  });

  it('records a stream cut before its usage as aborted', async () => {
    const body = await fixture('openai-chat-usage.sse');
    await useServer(() => ({ body, disconnectAfterBytes: 900 }));
    const result = await ask('local-openai:o4-mini');
    const records = await recordsOf(result.turnId);
    assert.ok(records.length >= 1);
    assert.ok(records.every((r) => r.outcome.status === 'aborted' && r.usageSource === 'estimated'));
  });

  it('records a refused key as an error without storing the key', async () => {
    await useServer([{ status: 401, body: JSON.stringify({ error: { message: `Incorrect API key provided: ${KEY}`, code: 'invalid_api_key' } }) }]);
    const result = await ask('local-openai:o4-mini');
    assert.equal(result.status, 'error');
    const [record] = await recordsOf(result.turnId);
    assert.equal(record.outcome.errorClass, 'auth');
    assert.ok(!JSON.stringify(record).includes(KEY));
  });
});
