// Reaches Credit Meter's exported API and waits on its state, for the extension suites.
import * as vscode from 'vscode';
import type { CreditMeterApi } from '../../../src/extension/extension';
import { activeExtension } from '../support/extension';

export async function creditMeter(): Promise<CreditMeterApi> {
  const extension = await activeExtension();
  const api = extension.exports as CreditMeterApi | undefined;
  if (!api || typeof api.ledgerDir !== 'function') {
    throw new Error('Credit Meter did not export its API from activate()');
  }
  await api.ready();
  return api;
}

/** Polls until `probe` returns a value (not undefined / false), or fails with what it saw last. */
export async function until<T>(what: string | (() => string), probe: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) {
      return value;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting for ${typeof what === 'string' ? what : what()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Sets a user-level (not workspace) Credit Meter setting and waits until the extension has read it. */
export async function setUserSetting(api: CreditMeterApi, key: string, value: unknown): Promise<void> {
  const changed = new Promise<void>((resolve) => {
    const subscription = api.services.config.onDidChange(() => {
      subscription.dispose();
      resolve();
    });
  });
  await vscode.workspace.getConfiguration('creditMeter').update(key, value, vscode.ConfigurationTarget.Global);
  await Promise.race([changed, new Promise((resolve) => setTimeout(resolve, 2000))]);
}
