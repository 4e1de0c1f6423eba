/**
 * The metering gateway inside the real VS Code: turned on by "Connect an Assistant…", it starts with
 * the extension, the official openai client sends through it, the requests land in the ledger as
 * one task, the status bar shows the running task and the open history view receives the rows.
 */
import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import OpenAI from 'openai';
import * as vscode from 'vscode';
import type { UsageRecord } from '../../../src/core/ledger/usageRecord';
import type { ConnectResult } from '../../../src/extension/gateway/connectAssistant';
import type { HistoryPanel } from '../../../src/extension/history/historyPanel';
import { readStreamFixture, startProtocolServer, type ProtocolServer } from '../../support/protocolServer';
import { activeExtension, requestedTrust } from '../support/extension';
import { creditMeter, setUserSetting, until } from '../extension/creditMeterApi';

const KEY = 'sk-gateway-integration-0123456789';

async function gatewayRecords(since: string): Promise<UsageRecord[]> {
  const ledger = await (await creditMeter()).ledger();
  return (await ledger.query({ since })).filter((record) => record.source === 'gateway');
}

describe('gateway: assistants metered inside VS Code', () => {
  let upstream: ProtocolServer;
  let panel: HistoryPanel | undefined;

  before(async () => {
    const extension = await activeExtension();
    const body = readStreamFixture('openai-chat-completion.json', path.join(extension.extensionPath, 'test', 'fixtures', 'streams'));
    upstream = await startProtocolServer(() => ({ body, headers: { 'content-type': 'application/json' } }));
    const api = await creditMeter();
    await setUserSetting(api, 'providers', [{ id: 'gw-openai', kind: 'openai', baseUrl: `${upstream.url}/v1`, models: ['gpt-4.1'] }]);
    // Another suite's workspace settings may still be on their way out: wait until ours apply.
    await until('the gateway provider in the settings', () => api.config.settings.providers.some((provider) => provider.id === 'gw-openai'), 15_000);
    assert.equal(await vscode.commands.executeCommand<boolean>('creditMeter.setApiKey', 'gw-openai', KEY), true, 'the key is stored');
  });

  after(async () => {
    panel?.dispose();
    await vscode.commands.executeCommand('creditMeter.stopGateway');
    const api = await creditMeter();
    await until('the gateway to stop', () => !api.gateway.current.running, 10_000);
    for (const key of ['gateway.enabled', 'gateway.terminalEnvironment', 'providers']) {
      await setUserSetting(api, key, undefined);
      await vscode.workspace.getConfiguration('creditMeter').update(key, undefined, vscode.ConfigurationTarget.Workspace).then(undefined, () => undefined);
    }
    await upstream.close();
  });

  it('starts once connected, meters an SDK conversation as one task, and shows it in the status bar and the history view', async () => {
    const api = await creditMeter();
    const since = new Date().toISOString();
    panel = await vscode.commands.executeCommand<HistoryPanel>('creditMeter.showHistory');
    await until('the history view to render', () => panel?.stats.rendered, 30_000);
    const appendsBefore = panel.stats.appends;

    const connected = await vscode.commands.executeCommand<ConnectResult | undefined>('creditMeter.connectAssistant', { assistant: 'openai-sdk', provider: 'gw-openai', terminal: true, show: false });
    assert.ok(connected, 'the command answers with what it set up');
    await until('the gateway to run', () => api.gateway.current.running, 15_000);
    assert.equal(connected.url, api.gateway.current.url);
    assert.match(connected.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    const token = await api.gateway.token();
    assert.ok(connected.setup.copy.includes(`${connected.url}/gw-openai`) && connected.setup.copy.includes(token));
    assert.equal(await vscode.env.clipboard.readText(), connected.setup.copy, 'what to paste is on the clipboard');

    const openai = new OpenAI({ baseURL: `${connected.url}/gw-openai`, apiKey: token, maxRetries: 0 });
    const messages: OpenAI.ChatCompletionMessageParam[] = [{ role: 'user', content: 'Read a.ts and fix the bug' }];
    for (let round = 0; round < 2; round++) {
      const answer = await openai.chat.completions.create({ model: 'gpt-4.1', messages });
      messages.push(answer.choices[0].message as OpenAI.ChatCompletionMessageParam, { role: 'tool', tool_call_id: `call_${round}`, content: 'export const a = 1;' });
    }
    assert.equal(upstream.requests.at(-1)?.headers.authorization, `Bearer ${KEY}`, 'the real key goes to the provider');

    const records = await until('two gateway records in the ledger', async () => {
      const found = await gatewayRecords(since);
      return found.length >= 2 ? found : undefined;
    }, 15_000);
    assert.deepEqual(records.map((record) => [record.client, record.round, record.outcome.status]), [['openai-node', 0, 'ok'], ['openai-node', 1, 'ok']]);
    assert.equal(records[0].turnId, records[1].turnId, 'one task');
    assert.ok(records.every((record) => (record.cost.credits ?? 0) > 0 && record.estimate !== null));

    const status = await until(() => `the task in the status bar (now ${JSON.stringify(api.gatewayTask())})`, () => {
      const view = api.gatewayTask();
      return view.visible && /OpenAI SDK \(Node\) · round 2 · [\d.]+ cr$/.test(view.text) ? view : undefined;
    }, 10_000);
    assert.match(status.tooltip, /gpt-4\.1/);

    await until('both rows to reach the open history view', () => (panel?.stats.appends ?? 0) >= appendsBefore + 1, 15_000);
  });

  it(`sets the terminal variables only while the gateway runs (${requestedTrust()})`, async () => {
    const api = await creditMeter();
    await until('the terminal setting to apply', () => api.config.settings.gateway.terminalEnvironment.includes('openai-sdk'), 10_000);
    const collection = api.storage.environmentVariableCollection;
    const base = await until('OPENAI_BASE_URL in the terminal environment', () => collection.get('OPENAI_BASE_URL')?.value, 10_000);
    assert.equal(base, `${api.gateway.current.url}/gw-openai`);
    assert.equal(collection.get('OPENAI_API_KEY')?.value, await api.gateway.token());
    const rotated = await vscode.commands.executeCommand<string>('creditMeter.rotateGatewayToken', true);
    await until('the new token in the terminal environment', () => collection.get('OPENAI_API_KEY')?.value === rotated, 10_000);
    const refused = await fetch(`${api.gateway.current.url}/gw-openai/models`, { headers: { authorization: 'Bearer not-the-token' } });
    assert.equal(refused.status, 401);
  });
});
