// Reaches Credit Meter's exported API and waits on its state, for the extension suites.
import { randomUUID } from 'node:crypto';
import * as vscode from 'vscode';
import { SCHEMA_VERSION, type UsageRecord } from '../../../src/core/ledger/usageRecord';
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

/** An `ok` record started now, charged `credits` as the provider reported them. */
export function chargedRecord(credits: number): UsageRecord {
  const now = new Date().toISOString();
  return {
    schemaVersion: SCHEMA_VERSION,
    id: randomUUID(),
    turnId: randomUUID(), round: 0, attempt: 0,
    startedAt: now, firstTokenAt: now, finishedAt: now,
    source: 'compose', client: null, threadId: null,
    provider: 'openai', baseUrlHost: 'api.example.test', modelRequested: 'gpt-4.1', modelServed: 'gpt-4.1', kind: 'explain', region: null,
    tokens: { input: 100, cacheRead: 0, cacheWrite: 0, output: 10, reasoning: 0, system: 0, tools: 0 },
    usageSource: 'provider',
    contexts: [], contextTokens: 0, contextBytes: 0,
    tools: { names: [], calls: 0, externalCalls: 0 },
    cost: { usd: credits * 0.04, credits, chargeSource: 'provider', profileVersion: '1' },
    estimate: null,
    outcome: { status: 'ok', latencyMs: 5, retries: 0 },
  };
}

/** Empties and hides the Compose view (Ask About Selection leaves its question there), so the status bar goes idle. */
export async function clearCompose(): Promise<void> {
  await vscode.commands.executeCommand('creditMeter.compose.setPrompt', '');
  await vscode.commands.executeCommand('workbench.action.closeSidebar');
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
}
