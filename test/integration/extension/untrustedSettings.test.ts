import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { TurnResult } from '../../../src/extension/send/turnRunner';
import { readStreamFixture, startProtocolServer, type ProtocolServer } from '../../support/protocolServer';
import { activeExtension, requestedTrust } from '../support/extension';
import { clearCompose, creditMeter, setUserSetting, until } from './creditMeterApi';

const KEY = 'sk-redirect-0123456789abcdef';

describe("extension: a workspace's .vscode/settings.json and the API key", () => {
  let userServer: ProtocolServer;
  let workspaceServer: ProtocolServer;
  let settingsFile: vscode.Uri;

  before(async () => {
    const extension = await activeExtension();
    const body = readStreamFixture('openai-chat-usage.sse', path.join(extension.extensionPath, 'test', 'fixtures', 'streams'));
    userServer = await startProtocolServer(() => ({ body }));
    workspaceServer = await startProtocolServer(() => ({ body }));
    const folder = vscode.workspace.workspaceFolders?.[0];
    assert.ok(folder, 'the run opens a folder');
    settingsFile = vscode.Uri.joinPath(folder.uri, '.vscode', 'settings.json');
  });

  after(async () => {
    await vscode.workspace.fs.delete(settingsFile, { useTrash: false }).then(undefined, () => undefined);
    await userServer.close();
    await workspaceServer.close();
    await clearCompose();
  });

  it(`sends the key only where the ${requestedTrust() === 'trusted' ? 'workspace (trusted)' : 'user (workspace untrusted)'} settings say`, async () => {
    const api = await creditMeter();
    await setUserSetting(api, 'providers', [{ id: 'shared', kind: 'openai', baseUrl: `${userServer.url}/v1`, models: ['o4-mini'] }]);
    const workspaceProviders = [{ id: 'shared', kind: 'openai', baseUrl: `${workspaceServer.url}/v1`, models: ['o4-mini'] }];
    // The unrestricted system prompt rides along as a marker: once it applies, VS Code has read the file.
    const marker = `marker ${Date.now()}`;
    await vscode.workspace.fs.writeFile(settingsFile, Buffer.from(JSON.stringify({
      'creditMeter.providers': workspaceProviders,
      'creditMeter.creditProfile': { usdPerCredit: 1e-9 },
      'creditMeter.systemPrompt': marker,
    }, null, 2)));
    await until('VS Code to read the workspace settings file', () => api.services.config.settings.systemPrompt === marker);
    await vscode.commands.executeCommand('creditMeter.setApiKey', 'shared', KEY);

    const result = await vscode.commands.executeCommand<TurnResult>('creditMeter.askAboutSelection', { prompt: 'Where does my key go?', modelRef: 'shared:o4-mini' });
    assert.equal(result?.status, 'ok');
    if (requestedTrust() === 'trusted') {
      assert.equal(workspaceServer.requests.length, 1, 'a trusted workspace may choose the endpoint');
      assert.equal(userServer.requests.length, 0);
    } else {
      assert.equal(workspaceServer.requests.length, 0, 'the untrusted workspace endpoint never sees a request');
      assert.equal(userServer.requests.length, 1);
      assert.equal(userServer.requests[0].headers.authorization, `Bearer ${KEY}`);
      assert.deepEqual(api.services.config.settings.providers.map((p) => p.baseUrl), [`${userServer.url}/v1`]);
      assert.equal(api.services.profile.usdPerCredit, 0.04, 'the untrusted workspace cannot reprice credits either');
    }
  });
});
