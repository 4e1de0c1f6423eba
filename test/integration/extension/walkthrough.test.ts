import { strict as assert } from 'node:assert';
import * as vscode from 'vscode';
import type { Ledger } from '../../../src/core/ledger/ledger';
import type { UsageRecord } from '../../../src/core/ledger/usageRecord';
import { providersNeedingKey } from '../../../src/extension/secrets';
import { milestoneOf, openOnFirstRun, WALKTHROUGH_OFFERED_KEY, WalkthroughProgress } from '../../../src/extension/walkthrough';
import { chargedRecord, clearCompose, creditMeter, until } from './creditMeterApi';

/** A memento in memory: the first start after install, every time. */
/** Where a tracker made by a test logs: nowhere (the extension's own tracker logs to its channel). */
const testLog = { warn: (): void => undefined };

function freshState(): Pick<vscode.Memento, 'get' | 'update'> & { readonly values: Map<string, unknown> } {
  const values = new Map<string, unknown>();
  return {
    values,
    get: <T>(key: string, fallback?: T) => (values.has(key) ? values.get(key) as T : fallback),
    update: (key: string, value: unknown) => {
      values.set(key, value);
      return Promise.resolve();
    },
  } as Pick<vscode.Memento, 'get' | 'update'> & { readonly values: Map<string, unknown> };
}

/** A ledger that holds `earlier` and lets the test append records once someone listens. */
function ledgerWith(earlier: UsageRecord[]): { ledger: Ledger; listening(): boolean; append(record: UsageRecord): void } {
  const listeners = new Set<(record: UsageRecord) => void>();
  const ledger = {
    onDidAppend: (listener: (record: UsageRecord) => void) => {
      listeners.add(listener);
      return { dispose: () => listeners.delete(listener) };
    },
    query: () => Promise.resolve([...earlier].reverse()),
  } as unknown as Ledger;
  return { ledger, listening: () => listeners.size > 0, append: (record) => listeners.forEach((listener) => listener(record)) };
}

function record(source: UsageRecord['source'], status: UsageRecord['outcome']['status']): UsageRecord {
  const base = chargedRecord(0.1);
  return { ...base, source, client: source === 'gateway' ? 'openai-node' : null, outcome: { ...base.outcome, status } };
}

describe('extension: the Getting Started walkthrough', () => {
  const progresses: WalkthroughProgress[] = [];

  after(async () => {
    progresses.forEach((progress) => progress.dispose());
    await clearCompose();
  });

  it('is offered once, on the first start, and not when VS Code is told not to open walkthroughs on install', async () => {
    const state = freshState();
    let opened = 0;
    const host = { state, openOnInstall: () => true, open: () => Promise.resolve(++opened) };
    assert.equal(await openOnFirstRun(host), true);
    assert.equal(await openOnFirstRun(host), false, 'the second start');
    assert.equal(opened, 1);
    assert.equal(state.values.get(WALKTHROUGH_OFFERED_KEY), true);

    const quiet = freshState();
    assert.equal(await openOnFirstRun({ state: quiet, openOnInstall: () => false, open: () => Promise.resolve(++opened) }), false);
    assert.equal(opened, 1);
    assert.equal(quiet.values.get(WALKTHROUGH_OFFERED_KEY), true, 'that first start is over too');
  });

  it('counts an answered request from Compose or Ask About Selection, and any request through the gateway', () => {
    assert.equal(milestoneOf(record('compose', 'ok')), 'requestSent');
    assert.equal(milestoneOf(record('inputBox', 'ok')), 'requestSent');
    assert.equal(milestoneOf(record(null, 'ok')), 'requestSent', 'a record from before sources were kept came from Compose');
    assert.equal(milestoneOf(record('compose', 'error')), undefined);
    assert.equal(milestoneOf(record('compose', 'cancelled')), undefined);
    assert.equal(milestoneOf(record('gateway', 'ok')), 'assistantConnected');
    assert.equal(milestoneOf(record('gateway', 'blocked')), 'assistantConnected', 'a refused request still came from a connected assistant');
  });

  it('follows stored API keys: one set, then removed', async () => {
    const api = await creditMeter();
    const providers = providersNeedingKey(api.config.settings.providers).map((provider) => provider.id);
    assert.ok(providers.includes('openai'), providers.join(', '));
    for (const id of providers) {
      await vscode.commands.executeCommand('creditMeter.clearApiKey', id);
    }
    const progress = new WalkthroughProgress({ ...api, log: testLog });
    progresses.push(progress);
    progress.start(api.ledger());
    await until('no key stored', () => progress.progress.apiKeyStored === false && api.walkthrough().apiKeyStored === false);

    assert.equal(await vscode.commands.executeCommand<boolean>('creditMeter.setApiKey', 'openai', 'sk-walkthrough-0123456789abcdef'), true);
    await until('a key stored, in this tracker and the extension\'s', () => progress.progress.apiKeyStored && api.walkthrough().apiKeyStored);

    assert.equal(await vscode.commands.executeCommand<boolean>('creditMeter.clearApiKey', 'openai'), true);
    await until('the key gone again', () => progress.progress.apiKeyStored === false && api.walkthrough().apiKeyStored === false);
  });

  it('notes the first estimate of a prompt someone typed', async () => {
    const api = await creditMeter();
    const progress = new WalkthroughProgress({ ...api, log: testLog });
    progresses.push(progress);
    assert.equal(progress.progress.estimateShown, false);
    api.liveEstimate.update({ source: 'compose', prompt: 'Explain what total() returns.' });
    await until('the estimate noted', () => progress.progress.estimateShown && api.walkthrough().estimateShown);
    api.liveEstimate.clear('compose');
  });

  it('reaches "sent" and "connected" from the requests already recorded and from those that arrive', async () => {
    const api = await creditMeter();
    const earlier = new WalkthroughProgress({ ...api, log: testLog });
    progresses.push(earlier);
    earlier.start(Promise.resolve(ledgerWith([record('compose', 'ok'), record('gateway', 'ok')]).ledger));
    await until('both noted from the ledger', () => earlier.progress.requestSent && earlier.progress.assistantConnected);

    const later = new WalkthroughProgress({ ...api, log: testLog });
    progresses.push(later);
    const { ledger, listening, append } = ledgerWith([record('compose', 'error')]);
    later.start(Promise.resolve(ledger));
    await until('the tracker to follow the ledger', listening);
    // A failed request is recorded but is not the step: nothing yet, until one is answered.
    append(record('compose', 'timeout'));
    append(record('inputBox', 'ok'));
    await until('an answered request noted', () => later.progress.requestSent);
    assert.equal(later.progress.assistantConnected, false);
    append(record('gateway', 'ok'));
    await until('the gateway request noted', () => later.progress.assistantConnected);
  });
});
