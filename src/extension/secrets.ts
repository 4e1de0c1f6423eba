/**
 * API keys live in VS Code's SecretStorage only, one per provider id, each bound to the origin of the
 * provider it was set for (`{"key", "origin"}`). They are never written to settings, logs, the ledger
 * or an error message, and never sent to another origin without a modal question naming the host
 * (`core/keys/keyOrigin.ts` decides; this file stores, asks and remembers the answers).
 */
import * as vscode from 'vscode';
import { decideKeyUse, keyOrigin, originHost, parseStoredKey, serializeStoredKey, type OriginAnswers, type StoredKey } from '../core/keys/keyOrigin';
import type { ProviderConfig } from '../core/settings/settings';
import { Disposable } from './lifecycle';

const KEY_PREFIX = 'creditMeter.apiKey.';
/** Global state: provider id -> origin -> the user's remembered answer. */
const ANSWERS_KEY = 'creditMeter.keyOrigins';

/** The question asked before a key goes to an origin it was not stored for. */
export interface KeyOriginQuestion {
  readonly providerId: string;
  /** `host[:port]` the request is about to go to. */
  readonly host: string;
  readonly origin: string;
  /** `host[:port]` the key was stored for; undefined for a key stored before keys were bound. */
  readonly storedForHost: string | undefined;
}

/** `allow` and `deny` are remembered for the origin; undefined means "not this time". */
export type KeyOriginAnswer = 'allow' | 'deny' | undefined;
export type ConfirmKeyOrigin = (question: KeyOriginQuestion) => Thenable<KeyOriginAnswer>;

export type KeyLookup =
  | { readonly kind: 'key'; readonly key: string }
  /** No key is stored for this provider id. */
  | { readonly kind: 'none' }
  /** A key is stored, but the user did not allow it to go to this origin (`remembered`: they said never). */
  | { readonly kind: 'declined'; readonly host: string; readonly storedForHost: string | undefined; readonly remembered: boolean };

export interface KeyForOptions {
  /** Asked when the key would go to an origin it was not stored for; `askBeforeSendingKey` shows the modal. */
  readonly confirm: ConfirmKeyOrigin;
}

export class ApiKeys extends Disposable {
  private readonly changed = this._register(new vscode.EventEmitter<string>());
  /** Fires with the provider id whose key was set or removed. */
  readonly onDidChange = this.changed.event;
  /** One question at a time per key and origin, however many requests are waiting for it. */
  private readonly asking = new Map<string, Thenable<KeyOriginAnswer>>();

  /**
   * @param userProviders the providers as the user's own settings configure them (never a
   *   workspace's): an unbound key is bound to the origin its provider id has there.
   */
  constructor(
    private readonly storage: vscode.SecretStorage,
    private readonly state: vscode.Memento,
    private readonly userProviders: () => readonly ProviderConfig[],
  ) {
    super();
    this._register(storage.onDidChange((event) => {
      if (event.key.startsWith(KEY_PREFIX)) {
        this.changed.fire(event.key.slice(KEY_PREFIX.length));
      }
    }));
  }

  /** The stored key and the origin it is bound to (null for a key stored before binding existed). */
  async stored(providerId: string): Promise<StoredKey | undefined> {
    const text = await this.storage.get(KEY_PREFIX + providerId);
    return text === undefined ? undefined : parseStoredKey(text);
  }

  /** Stores a key bound to `baseUrl`'s origin, and forgets every answer given for the previous key. */
  async set(providerId: string, key: string, baseUrl: string | undefined): Promise<void> {
    await this.storage.store(KEY_PREFIX + providerId, serializeStoredKey({ key, origin: baseUrl ? keyOrigin(baseUrl) ?? null : null }));
    await this.setAnswers(providerId, {});
  }

  async delete(providerId: string): Promise<void> {
    await this.storage.delete(KEY_PREFIX + providerId);
    await this.setAnswers(providerId, {});
  }

  /**
   * The key only when it is already bound to `baseUrl`'s origin; never asks. For background requests
   * (model lists) that must neither send a key elsewhere nor interrupt the user.
   */
  async boundKeyFor(providerId: string, baseUrl: string): Promise<string | undefined> {
    const stored = await this.stored(providerId);
    const target = keyOrigin(baseUrl);
    return stored && target && stored.origin === target ? stored.key : undefined;
  }

  /**
   * The key for a request to `baseUrl`, if it may go there: directly when the key is bound to that
   * origin, else after `confirm` (or a remembered answer). The one way any sender (Compose, the
   * gateway) gets a key.
   */
  async keyFor(providerId: string, baseUrl: string, options: KeyForOptions): Promise<KeyLookup> {
    const stored = await this.stored(providerId);
    if (!stored) {
      return { kind: 'none' };
    }
    const target = keyOrigin(baseUrl);
    const host = target ? originHost(target) : baseUrl;
    if (!target) {
      return { kind: 'declined', host, storedForHost: stored.origin ? originHost(stored.origin) : undefined, remembered: false };
    }
    const userConfig = this.userProviders().find((provider) => provider.id === providerId);
    const userOrigin = userConfig?.baseUrl ? keyOrigin(userConfig.baseUrl) : undefined;
    const decision = decideKeyUse({ stored, target, userOrigin, answers: this.answers(providerId) });
    if ('bindTo' in decision && decision.bindTo !== undefined) {
      await this.storage.store(KEY_PREFIX + providerId, serializeStoredKey({ key: stored.key, origin: decision.bindTo }));
    }
    const storedForHost = decision.kind === 'send' || decision.storedFor === null ? undefined : originHost(decision.storedFor);
    switch (decision.kind) {
      case 'send':
        return { kind: 'key', key: stored.key };
      case 'refuse':
        return { kind: 'declined', host, storedForHost, remembered: true };
      case 'ask': {
        const answer = await this.ask(`${providerId}\u0000${target}`, () => options.confirm({ providerId, host, origin: target, storedForHost }));
        if (answer === undefined) {
          return { kind: 'declined', host, storedForHost, remembered: false };
        }
        if (answer === 'allow' && decision.storedFor === null) {
          // A key that belonged nowhere now belongs where the user sent it.
          await this.storage.store(KEY_PREFIX + providerId, serializeStoredKey({ key: stored.key, origin: target }));
        } else {
          await this.setAnswers(providerId, { ...this.answers(providerId), [target]: answer });
        }
        return answer === 'allow' ? { kind: 'key', key: stored.key } : { kind: 'declined', host, storedForHost, remembered: true };
      }
    }
  }

  private ask(id: string, question: () => Thenable<KeyOriginAnswer>): Thenable<KeyOriginAnswer> {
    let pending = this.asking.get(id);
    if (!pending) {
      pending = Promise.resolve(question()).finally(() => this.asking.delete(id));
      this.asking.set(id, pending);
    }
    return pending;
  }

  private answers(providerId: string): OriginAnswers {
    const all = this.state.get<Record<string, OriginAnswers>>(ANSWERS_KEY, {});
    const mine = Object.hasOwn(all, providerId) ? all[providerId] : undefined;
    return mine && typeof mine === 'object' ? mine : {};
  }

  private async setAnswers(providerId: string, answers: OriginAnswers): Promise<void> {
    const all = { ...this.state.get<Record<string, OriginAnswers>>(ANSWERS_KEY, {}) };
    if (Object.keys(answers).length === 0) {
      if (!Object.hasOwn(all, providerId)) {
        return;
      }
      delete all[providerId];
    } else {
      all[providerId] = answers;
    }
    await this.state.update(ANSWERS_KEY, all);
  }
}

/** The modal question: names the host, offers "send" and "never", and Escape means "not this time". */
export const askBeforeSendingKey: ConfirmKeyOrigin = async (question) => {
  const send = vscode.l10n.t('Send to {0}', question.host);
  const never = vscode.l10n.t('Never send to {0}', question.host);
  const detail = question.storedForHost
    ? vscode.l10n.t("The key was stored for {0}, but provider \"{1}\" now points at {2} (through your settings or this workspace's). Send it only if you trust {2} with your key. Your answer is remembered for {2} until you set the key again.", question.storedForHost, question.providerId, question.host)
    : vscode.l10n.t('The key was stored before Credit Meter bound keys to a server, and your user settings do not configure "{0}". Send it only if {1} is where it belongs; it will then be bound to {1}.', question.providerId, question.host);
  const picked = await vscode.window.showWarningMessage(vscode.l10n.t('Send your API key for "{0}" to {1}?', question.providerId, question.host), { modal: true, detail }, send, never);
  return picked === send ? 'allow' : picked === never ? 'deny' : undefined;
};

/** Providers that send a key: everything but VS Code's own language models. */
export function providersNeedingKey(providers: readonly ProviderConfig[]): ProviderConfig[] {
  return providers.filter((provider) => provider.kind !== 'vscode-lm');
}

async function pickProvider(providers: readonly ProviderConfig[], placeHolder: string, given?: string): Promise<ProviderConfig | undefined> {
  if (given !== undefined) {
    return providers.find((provider) => provider.id === given);
  }
  if (providers.length === 0) {
    void vscode.window.showInformationMessage(vscode.l10n.t('No provider needs an API key: add one under the setting "creditMeter.providers".'));
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
  const provider = await pickProvider(providersNeedingKey(providers), vscode.l10n.t('Set the API key of which provider?'), providerId);
  if (!provider) {
    return false;
  }
  const origin = provider.baseUrl ? keyOrigin(provider.baseUrl) : undefined;
  const value = key ?? await vscode.window.showInputBox({
    title: vscode.l10n.t('API key for {0}', provider.id),
    prompt: vscode.l10n.t("Stored in VS Code's secret storage and sent only to {0} (anywhere else only if you allow it).", origin ? originHost(origin) : provider.kind),
    password: true,
    ignoreFocusOut: true,
    validateInput: (text) => (text.trim().length === 0 ? vscode.l10n.t('Enter the key, or press Escape to cancel.') : undefined),
  });
  if (!value?.trim()) {
    return false;
  }
  await keys.set(provider.id, value.trim(), provider.baseUrl);
  if (key === undefined) {
    void vscode.window.showInformationMessage(vscode.l10n.t('API key for {0} saved, for {1}.', provider.id, origin ? originHost(origin) : provider.id));
  }
  return true;
}

/** "Credit Meter: Remove API Key". */
export async function clearApiKey(keys: ApiKeys, providers: readonly ProviderConfig[], providerId?: string): Promise<boolean> {
  const provider = await pickProvider(providersNeedingKey(providers), vscode.l10n.t('Remove the API key of which provider?'), providerId);
  if (!provider) {
    return false;
  }
  await keys.delete(provider.id);
  if (providerId === undefined) {
    void vscode.window.showInformationMessage(vscode.l10n.t('API key for {0} removed.', provider.id));
  }
  return true;
}
