/**
 * API keys live in VS Code's SecretStorage only, one per provider id. They are never written to
 * settings, logs, the ledger or an error message.
 */
import * as vscode from 'vscode';
import type { ProviderConfig } from '../core/settings/settings';
import { Disposable } from './lifecycle';

const KEY_PREFIX = 'creditMeter.apiKey.';

export class ApiKeys extends Disposable {
  private readonly changed = this._register(new vscode.EventEmitter<string>());
  /** Fires with the provider id whose key was set or removed. */
  readonly onDidChange = this.changed.event;

  constructor(private readonly storage: vscode.SecretStorage) {
    super();
    this._register(storage.onDidChange((event) => {
      if (event.key.startsWith(KEY_PREFIX)) {
        this.changed.fire(event.key.slice(KEY_PREFIX.length));
      }
    }));
  }

  get(providerId: string): Thenable<string | undefined> {
    return this.storage.get(KEY_PREFIX + providerId);
  }

  set(providerId: string, key: string): Thenable<void> {
    return this.storage.store(KEY_PREFIX + providerId, key);
  }

  delete(providerId: string): Thenable<void> {
    return this.storage.delete(KEY_PREFIX + providerId);
  }
}

/** Providers that send a key: everything but VS Code's own language models. */
export function providersNeedingKey(providers: readonly ProviderConfig[]): ProviderConfig[] {
  return providers.filter((provider) => provider.kind !== 'vscode-lm');
}

async function pickProvider(providers: readonly ProviderConfig[], placeHolder: string, given?: string): Promise<ProviderConfig | undefined> {
  if (given !== undefined) {
    return providers.find((provider) => provider.id === given);
  }
  if (providers.length === 0) {
    void vscode.window.showInformationMessage('No provider needs an API key: add one under the setting "creditMeter.providers".');
    return undefined;
  }
  const picked = await vscode.window.showQuickPick(
    providers.map((provider) => ({ label: provider.id, description: provider.baseUrl ?? provider.kind, provider })),
    { placeHolder, ignoreFocusOut: true },
  );
  return picked?.provider;
}

/** "Credit Meter: Set API Key". Arguments let tests and keybindings skip the prompts. */
export async function setApiKey(keys: ApiKeys, providers: readonly ProviderConfig[], providerId?: string, key?: string): Promise<boolean> {
  const provider = await pickProvider(providersNeedingKey(providers), 'Set the API key of which provider?', providerId);
  if (!provider) {
    return false;
  }
  const value = key ?? await vscode.window.showInputBox({
    title: `API key for ${provider.id}`,
    prompt: `Stored in VS Code's secret storage and sent only to ${provider.baseUrl ?? provider.kind}.`,
    password: true,
    ignoreFocusOut: true,
    validateInput: (text) => (text.trim().length === 0 ? 'Enter the key, or press Escape to cancel.' : undefined),
  });
  if (!value?.trim()) {
    return false;
  }
  await keys.set(provider.id, value.trim());
  if (key === undefined) {
    void vscode.window.showInformationMessage(`API key for ${provider.id} saved.`);
  }
  return true;
}

/** "Credit Meter: Remove API Key". */
export async function clearApiKey(keys: ApiKeys, providers: readonly ProviderConfig[], providerId?: string): Promise<boolean> {
  const provider = await pickProvider(providersNeedingKey(providers), 'Remove the API key of which provider?', providerId);
  if (!provider) {
    return false;
  }
  await keys.delete(provider.id);
  if (providerId === undefined) {
    void vscode.window.showInformationMessage(`API key for ${provider.id} removed.`);
  }
  return true;
}
