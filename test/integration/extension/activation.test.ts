import { strict as assert } from 'node:assert';
import * as vscode from 'vscode';
import { activeExtension, requestedTrust } from '../support/extension';
import { creditMeter, setUserSetting, until } from './creditMeterApi';

const OWN_COMMANDS = [
  'creditMeter.askAboutSelection',
  'creditMeter.openCompose',
  'creditMeter.setApiKey',
  'creditMeter.clearApiKey',
  'creditMeter.selectModel',
  'creditMeter.stopRequest',
  'creditMeter.showLog',
];

describe('extension: activation', () => {
  it('activates in this trust state and exports its API', async () => {
    const api = await creditMeter();
    assert.equal(vscode.workspace.isTrusted, requestedTrust() === 'trusted');
    assert.equal(api.config.trusted, vscode.workspace.isTrusted);
    assert.ok(api.ledgerDir().endsWith('ledger'), api.ledgerDir());
  });

  it('exports a versioned API, not its internals', async () => {
    const api = await creditMeter();
    const extension = await activeExtension();
    assert.deepEqual(Object.keys(extension.exports as object), ['getApi']);
    assert.equal(api.version, 1);
    assert.equal((api as unknown as { services?: unknown }).services, undefined, 'no internals');
    assert.throws(() => (extension.exports as { getApi(version: number): unknown }).getApi(2), /no API version 2/);
  });

  it('registers the test-only snapshot command in this (test) build', async () => {
    await creditMeter();
    const commands = new Set(await vscode.commands.getCommands(true));
    // The production bundle leaves it out: test/system/package asserts the packaged bundle has no such command.
    assert.ok(commands.has('creditMeter.compose.snapshot'));
  });

  it('registers its commands', async () => {
    await creditMeter();
    const commands = new Set(await vscode.commands.getCommands(true));
    assert.deepEqual(OWN_COMMANDS.filter((id) => !commands.has(id)), []);
  });

  it("shows today's spend in the status bar when nothing is selected", async () => {
    const api = await creditMeter();
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await until("today's spend in the status bar", () => {
      const view = api.statusBar();
      assert.equal(view.mode, 'idle', `status bar ${JSON.stringify(view)}, draft ${JSON.stringify(api.liveEstimate.currentDraft)}`);
      assert.match(view.text, / cr today$/);
      assert.match(view.tooltip, /Today: \*\*/);
      return view;
    });
  });

  it('opens the ledger in the workspace storage folder', async () => {
    const api = await creditMeter();
    const ledger = await api.ledger();
    assert.equal(ledger.dir, api.ledgerDir());
    const storage = api.storage.storageUri;
    assert.ok(storage, 'a folder is open, so there is workspace storage');
    assert.ok(api.ledgerDir().startsWith(storage.fsPath), `${api.ledgerDir()} is under ${storage.fsPath}`);
  });
});

describe('extension: API keys and model choice', () => {
  it('stores an API key in secret storage under the provider id, bound to its origin, and removes it', async () => {
    const api = await creditMeter();
    const stored = await vscode.commands.executeCommand<boolean>('creditMeter.setApiKey', 'openai', 'sk-activation-0123456789abcdef');
    assert.equal(stored, true);
    const baseUrl = api.config.settings.providers.find((provider) => provider.id === 'openai')?.baseUrl ?? '';
    assert.deepEqual(await api.apiKeys.stored('openai'), { key: 'sk-activation-0123456789abcdef', origin: new URL(baseUrl).origin });
    assert.equal(vscode.workspace.getConfiguration('creditMeter').inspect('providers')?.globalValue === undefined
      || !JSON.stringify(vscode.workspace.getConfiguration('creditMeter').inspect('providers')?.globalValue).includes('sk-activation'), true, 'never in settings');
    assert.equal(await vscode.commands.executeCommand<boolean>('creditMeter.clearApiKey', 'openai'), true);
    assert.equal(await api.apiKeys.stored('openai'), undefined);
  });

  it('refuses a key for a provider that is not configured', async () => {
    assert.equal(await vscode.commands.executeCommand<boolean>('creditMeter.setApiKey', 'nobody', 'sk-x-0123456789abcdef'), false);
  });

  it('Select Model with a model reference updates creditMeter.defaultModel', async () => {
    const api = await creditMeter();
    const before = api.config.settings.defaultModel;
    try {
      await vscode.commands.executeCommand('creditMeter.selectModel', 'openai:gpt-4.1-mini');
      await until('the setting and the extension to hold the new default model', () => {
        assert.equal(vscode.workspace.getConfiguration('creditMeter').get('defaultModel'), 'openai:gpt-4.1-mini');
        assert.equal(api.config.settings.defaultModel, 'openai:gpt-4.1-mini');
        return true;
      });
    } finally {
      await setUserSetting(api, 'defaultModel', before === 'anthropic:claude-sonnet-5' ? undefined : before);
    }
  });
});
