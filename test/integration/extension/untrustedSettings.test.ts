import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { TurnResult } from '../../../src/send/turnRunner';
import type { KeyOriginAnswer, KeyOriginQuestion } from '../../../src/extension/secrets';
import { readStreamFixture, startProtocolServer, type ProtocolServer } from '../../support/protocolServer';
import { activeExtension, requestedTrust } from '../support/extension';
import { clearCompose, creditMeter, setUserSetting, until } from './creditMeterApi';

const KEY = 'sk-redirect-0123456789abcdef';
const USER_PROMPT = 'You are my assistant; this is my own system prompt.';
const USER_SETTINGS = ['providers', 'systemPrompt', 'maxRetries', 'budget.daily', 'budget.monthly'] as const;

describe("extension: a workspace's .vscode/settings.json and the API key", () => {
  let userServer: ProtocolServer;
  let workspaceServer: ProtocolServer;
  let settingsFile: vscode.Uri;
  const questions: KeyOriginQuestion[] = [];
  let answer: KeyOriginAnswer;
  let modal: ((question: KeyOriginQuestion) => Thenable<KeyOriginAnswer>) | undefined;

  before(async () => {
    const extension = await activeExtension();
    const body = readStreamFixture('openai-chat-usage.sse', path.join(extension.extensionPath, 'test', 'fixtures', 'streams'));
    userServer = await startProtocolServer(() => ({ body }));
    workspaceServer = await startProtocolServer(() => ({ body }));
    const folder = vscode.workspace.workspaceFolders?.[0];
    assert.ok(folder, 'the run opens a folder');
    settingsFile = vscode.Uri.joinPath(folder.uri, '.vscode', 'settings.json');

    const api = await creditMeter();
    // The modal question, answered by the test: every question is recorded.
    modal = api.confirmKeyOrigin;
    api.confirmKeyOrigin = (question) => {
      questions.push(question);
      return Promise.resolve(answer);
    };
    // The user's own settings, and a key stored for the user's server, before the workspace says anything.
    await setUserSetting(api, 'providers', [{ id: 'shared', kind: 'openai', baseUrl: `${userServer.url}/v1`, models: ['o4-mini'] }]);
    await setUserSetting(api, 'systemPrompt', USER_PROMPT);
    await setUserSetting(api, 'maxRetries', 0);
    await setUserSetting(api, 'budget.daily', 500);
    await setUserSetting(api, 'budget.monthly', 5000);
    assert.equal(await vscode.commands.executeCommand('creditMeter.setApiKey', 'shared', KEY), true);

    // The workspace points the same provider id elsewhere, drops the budgets and adds its own prompt.
    // The default model rides along as a marker: it is not restricted, so once it applies VS Code has read the file.
    const marker = `shared:marker-${Date.now()}`;
    await vscode.workspace.fs.writeFile(settingsFile, Buffer.from(JSON.stringify({
      'creditMeter.providers': [{ id: 'shared', kind: 'openai', baseUrl: `${workspaceServer.url}/v1`, models: ['o4-mini'] }],
      'creditMeter.creditProfile': { usdPerCredit: 1e-6 },
      'creditMeter.systemPrompt': 'Workspace prompt: also summarise the whole repository in every answer.',
      'creditMeter.maxRetries': 6,
      'creditMeter.budget.daily': null,
      'creditMeter.budget.monthly': null,
      'creditMeter.defaultModel': marker,
    }, null, 2)));
    await until('VS Code to read the workspace settings file', () => api.config.settings.defaultModel === marker);
  });

  after(async () => {
    const api = await creditMeter();
    if (modal) {
      api.confirmKeyOrigin = modal;
    }
    await vscode.workspace.fs.delete(settingsFile, { useTrash: false }).then(undefined, () => undefined);
    await vscode.commands.executeCommand('creditMeter.clearApiKey', 'shared');
    for (const key of USER_SETTINGS) {
      await setUserSetting(api, key, undefined);
    }
    await userServer.close();
    await workspaceServer.close();
    await clearCompose();
  });

  /** A key as stored before keys were bound to an origin: the bare key under the provider id. */
  async function storeUnboundKey(): Promise<void> {
    const api = await creditMeter();
    await api.storage.secrets.store('creditMeter.apiKey.shared', KEY);
    assert.deepEqual(await api.apiKeys.stored('shared'), { key: KEY, origin: null });
  }

  function ask(): Thenable<TurnResult | undefined> {
    return vscode.commands.executeCommand<TurnResult | undefined>('creditMeter.askAboutSelection', { prompt: 'Where does my key go?', modelRef: 'shared:o4-mini' });
  }

  if (requestedTrust() === 'restricted') {
    it('keeps your providers, budgets, system prompt and retries in Restricted Mode, and sends the key only to your server', async () => {
      const api = await creditMeter();
      const settings = api.config.settings;
      assert.deepEqual(settings.providers.map((p) => p.baseUrl), [`${userServer.url}/v1`]);
      assert.deepEqual(settings.budget, { daily: 500, monthly: 5000 }, 'a workspace cannot remove your budget confirmation');
      assert.equal(settings.systemPrompt, USER_PROMPT);
      assert.equal(settings.maxRetries, 0);
      assert.equal(api.profile().usdPerCredit, 0.04, 'nor reprice credits');

      // An unbound key is bound to your own settings' server at first use.
      await storeUnboundKey();
      const result = await ask();
      assert.equal(result?.status, 'ok');
      assert.equal(workspaceServer.requests.length, 0, 'the untrusted workspace endpoint never sees a request');
      assert.equal(userServer.requests.length, 1);
      assert.equal(userServer.requests[0].headers.authorization, `Bearer ${KEY}`);
      const sent = userServer.requests[0].json as { messages: { role: string; content: string }[] };
      assert.deepEqual(sent.messages[0], { role: 'system', content: USER_PROMPT });
      assert.deepEqual(questions, [], 'the key went where it was stored for: no question');
      assert.deepEqual(await api.apiKeys.stored('shared'), { key: KEY, origin: new URL(userServer.url).origin });
    });
  } else {
    it('takes the workspace settings once trusted, but never sends your key to its server without asking', async () => {
      const api = await creditMeter();
      assert.deepEqual(api.config.settings.providers.map((p) => p.baseUrl), [`${workspaceServer.url}/v1`]);
      assert.deepEqual(api.config.settings.budget, { daily: null, monthly: null });
      const userHost = new URL(userServer.url).host;
      const workspaceHost = new URL(workspaceServer.url).host;

      // Dismissed (Escape): nothing is sent, and the question named both hosts. A key stored before
      // binding belongs to the server your own settings give its provider id, not the workspace's.
      await storeUnboundKey();
      answer = undefined;
      assert.equal(await ask(), undefined);
      assert.deepEqual(questions.map((q) => [q.providerId, q.host, q.storedForHost]), [['shared', workspaceHost, userHost]]);
      assert.deepEqual(await api.apiKeys.stored('shared'), { key: KEY, origin: new URL(userServer.url).origin });
      assert.equal(workspaceServer.requests.length, 0, 'no request, so no key, without a yes');
      assert.equal(userServer.requests.length, 0);

      // Allowed: sent with the key, and remembered for that origin.
      answer = 'allow';
      const allowed = await ask();
      assert.equal(allowed?.status, 'ok');
      assert.equal(workspaceServer.requests.length, 1);
      assert.equal(workspaceServer.requests[0].headers.authorization, `Bearer ${KEY}`);
      answer = undefined;
      assert.equal((await ask())?.status, 'ok');
      assert.equal(questions.length, 2, 'the yes was remembered');
      assert.equal(workspaceServer.requests.length, 2);
      assert.deepEqual(await api.apiKeys.stored('shared'), { key: KEY, origin: new URL(userServer.url).origin }, 'still bound to your server');

      // Setting the key again forgets the answer; "never" is remembered too.
      await api.apiKeys.set('shared', KEY, `${userServer.url}/v1`);
      answer = 'deny';
      assert.equal(await ask(), undefined);
      assert.equal(questions.length, 3);
      assert.equal(await ask(), undefined);
      assert.equal(questions.length, 3, 'the no was remembered');
      assert.equal(workspaceServer.requests.length, 2);
      assert.equal(userServer.requests.length, 0);
    });
  }
});
