// Reaches Credit Meter's exported API and waits on its state, for the extension suites.
import { randomUUID } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import * as vscode from 'vscode';
import { SCHEMA_VERSION, type UsageRecord } from '../../../src/core/ledger/usageRecord';
import type { CreditMeterApiV1, CreditMeterExports } from '../../../src/extension/extension';
import { until } from '../../support/waitFor';
import { activeExtension } from '../support/extension';

export { until, waitFor } from '../../support/waitFor';

export type CreditMeterApi = CreditMeterApiV1;

export async function creditMeter(): Promise<CreditMeterApi> {
  const extension = await activeExtension();
  const exported = extension.exports as CreditMeterExports | undefined;
  if (!exported || typeof exported.getApi !== 'function') {
    throw new Error('Credit Meter did not export getApi() from activate()');
  }
  const api = exported.getApi(1);
  await api.ready();
  return api;
}

/**
 * Sets a user-level (not workspace) Credit Meter setting and waits until the extension has re-read
 * its settings with the new value in place (it has when its change event fires after VS Code holds it).
 */
export async function setUserSetting(api: CreditMeterApi, key: string, value: unknown): Promise<void> {
  const holds = () => {
    const current = vscode.workspace.getConfiguration('creditMeter').inspect(key)?.globalValue;
    // Writing null or undefined may leave either behind: both mean "no user value".
    return value === null || value === undefined ? current === null || current === undefined : isDeepStrictEqual(current, value);
  };
  if (holds()) {
    return;
  }
  let read = false;
  const subscription = api.config.onDidChange(() => {
    read ||= holds();
  });
  try {
    await vscode.workspace.getConfiguration('creditMeter').update(key, value, vscode.ConfigurationTarget.Global);
    await until(`Credit Meter to read creditMeter.${key} = ${JSON.stringify(value)}`, () => read);
  } finally {
    subscription.dispose();
  }
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
