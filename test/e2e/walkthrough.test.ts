/**
 * The Getting Started walkthrough as a new user meets it: it opens by itself on the first start, and
 * each step is ticked by what really happens (a model picked, a key stored, the history opened, an
 * estimate shown, a request answered, a budget set, an assistant's request metered), never by a click
 * on the step's button. The empty History and Compose views link to it.
 * Its own VS Code server, with VS Code's "open walkthroughs on install" left on (the shared servers
 * turn it off so other suites start on a quiet workbench).
 * Screenshots: test-results/screenshots/walkthrough*.png.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import OpenAI from 'openai';
import type { Frame } from 'playwright-core';
import { startVscodeServer, type VscodeServer } from '../../scripts/harness/vscodeServer';
import { readStreamFixture, startProtocolServer, type ProtocolServer } from '../support/protocolServer';
import { checkedSteps, waitForWalkthrough, walkthroughPage, WALKTHROUGH_STEPS, type WalkthroughStep } from './support/walkthrough';
import { until, waitFor, Workbench } from './support/workbench';

const CART = `export interface Line { price: number; quantity: number }

export function total(lines: Line[]): number {
  return lines.reduce((sum, line) => sum + line.price * line.quantity, 0);
}
`;

describe('e2e: the Getting Started walkthrough', function () {
  this.timeout(600_000);
  let server: VscodeServer;
  let upstream: ProtocolServer;
  let workbench: Workbench;

  /** Waits until VS Code shows exactly these steps as done (the walkthrough brought to the front first). */
  async function expectChecked(steps: readonly WalkthroughStep[]): Promise<void> {
    const expected = WALKTHROUGH_STEPS.filter((step) => steps.includes(step));
    if (!(await walkthroughPage(workbench).isVisible())) {
      await workbench.runCommand('Credit Meter: Get Started');
    }
    await waitForWalkthrough(workbench);
    await waitFor(`steps ${expected.join(', ')} ticked`, () => checkedSteps(workbench), (checked) => JSON.stringify(checked) === JSON.stringify(expected));
  }

  function quickInputRow(label: string) {
    return workbench.page.locator('.quick-input-widget .quick-input-list .monaco-list-row', { hasText: label }).first();
  }

  before(async () => {
    // Compose's send streams an answer; the SDK's request (through the gateway) gets a whole one; model lists are not offered.
    upstream = await startProtocolServer((request) => {
      if (request.path.endsWith('/models')) {
        return { status: 404, body: '{"error":{"message":"not here"}}' };
      }
      return (request.json as { stream?: boolean } | undefined)?.stream
        ? { body: readStreamFixture('openai-chat-usage.sse') }
        : { body: readStreamFixture('openai-chat-completion.json'), headers: { 'content-type': 'application/json' } };
    });
    server = await startVscodeServer({ trust: 'trusted', machineSettings: { 'workbench.welcomePage.walkthroughs.openOnInstall': true } });
    workbench = await Workbench.open({
      server,
      files: {
        'src/cart.ts': CART,
        '.vscode/settings.json': JSON.stringify({
          'creditMeter.providers': [{ id: 'local', kind: 'openai', baseUrl: `${upstream.url}/v1`, models: ['gpt-4.1', 'gpt-4.1-mini'] }],
          'creditMeter.defaultModel': 'local:gpt-4.1',
        }, null, 2),
      },
    });
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed' && workbench) {
      await workbench.screenshot(`walkthrough-failed-${this.currentTest.title.replace(/\W+/g, '-')}`).catch(() => undefined);
    }
  });

  after(async () => {
    await workbench?.close();
    await server?.stop();
    await upstream?.close();
  });

  it('opens by itself on the first start, with every step still to do', async () => {
    await waitForWalkthrough(workbench, 90_000);
    assert.deepEqual(await checkedSteps(workbench), []);
    // The first step is open, with its button.
    await walkthroughPage(workbench).getByRole('button', { name: 'Set API Key', exact: true }).waitFor({ state: 'visible' });
    await workbench.screenshot('walkthrough');
  });

  it('ticks "Pick a model" when a model is picked, and not "Set an API key" for a click on its button that stored nothing', async () => {
    // The step's button runs Set API Key; cancelling it stores no key.
    await walkthroughPage(workbench).getByRole('button', { name: 'Set API Key', exact: true }).click();
    await quickInputRow('local').waitFor({ state: 'visible' });
    await workbench.page.keyboard.press('Escape');
    await workbench.page.locator('.quick-input-widget').waitFor({ state: 'hidden' });

    await workbench.runCommand('Credit Meter: Select Model');
    await quickInputRow('gpt-4.1-mini').click();
    // The model step is ticked after the cancelled key step ran, so a tick from that click would show by now.
    await expectChecked(['pickModel']);
  });

  it('ticks "Set an API key" once a key is stored', async () => {
    await workbench.runCommand('Credit Meter: Set API Key');
    await quickInputRow('local').click();
    const input = workbench.page.locator('.quick-input-widget input.input');
    await workbench.page.locator('.quick-input-widget .quick-input-title', { hasText: 'API key for local' }).waitFor({ state: 'visible' });
    await input.fill('sk-walkthrough-0123456789abcdef');
    await input.press('Enter');
    await expectChecked(['setApiKey', 'pickModel']);
  });

  it('links the empty history to the walkthrough, and ticks "Open the history"', async () => {
    await workbench.runCommand('View: Close All Editors');
    await walkthroughPage(workbench).waitFor({ state: 'detached' });
    await workbench.runCommand('Credit Meter: Show Usage History');
    const history = await workbench.webviewFrame('body[data-painted="true"] [data-testid=history-empty]:not([hidden])');
    await workbench.screenshot('walkthrough-history-empty');
    await history.locator('[data-testid=history-empty] a', { hasText: 'Get started' }).click();
    await waitForWalkthrough(workbench);
    await expectChecked(['setApiKey', 'pickModel', 'history']);
  });

  it('links the empty Compose view to the walkthrough, ticks "See your first estimate" while typing and "Send it" once answered', async () => {
    await workbench.runCommand('View: Close All Editors');
    await walkthroughPage(workbench).waitFor({ state: 'detached' });
    await workbench.runCommand('Credit Meter: Open Compose');
    const compose: Frame = await workbench.webviewFrame('textarea.prompt');
    const getStarted = compose.locator('.getting-started a', { hasText: 'Get started' });
    await getStarted.waitFor({ state: 'visible' });
    await workbench.screenshot('walkthrough-compose-empty');
    await getStarted.click();
    await waitForWalkthrough(workbench);

    await compose.locator('textarea.prompt').fill('Explain what total() returns.');
    await waitFor('the estimate in Compose', () => compose.locator('.estimate').innerText({ timeout: 1_000 }).catch(() => ''), (text) => /[\d.]+ cr/.test(text));
    await expectChecked(['setApiKey', 'pickModel', 'firstEstimate', 'history']);

    await compose.locator('textarea.prompt').press('Control+Enter');
    await waitFor('what was charged next to the estimate', () => compose.locator('.answer .charge').first().innerText({ timeout: 1_000 }).catch(() => '(no charge line)'),
      (text) => /charged [\d.]+ cr/.test(text), 60_000);
    await until('the getting-started line to give way to the answer', async () => !(await compose.locator('.getting-started').isVisible()));
    await expectChecked(['setApiKey', 'pickModel', 'firstEstimate', 'send', 'history']);
  });

  it('ticks "Set a budget" when a budget setting changes', async () => {
    const settingsFile = path.join(workbench.folder, '.vscode', 'settings.json');
    const settings = JSON.parse(fs.readFileSync(settingsFile, 'utf8')) as Record<string, unknown>;
    fs.writeFileSync(settingsFile, JSON.stringify({ ...settings, 'creditMeter.budget.daily': 20 }, null, 2));
    await expectChecked(['setApiKey', 'pickModel', 'firstEstimate', 'send', 'history', 'budget']);
  });

  it('ticks "Connect another assistant" with the first request an assistant sends through the gateway', async () => {
    const page = workbench.page;
    await workbench.runCommand('Credit Meter: Connect an Assistant');
    await quickInputRow('Any OpenAI SDK').click();
    const dialog = page.locator('.monaco-dialog-box');
    await dialog.waitFor({ state: 'visible' });
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    const lines = page.locator('.editor-instance .view-lines', { hasText: 'new OpenAI' }).first();
    const text = await until('the instructions in an editor', async () => (await lines.count()) > 0 && await lines.innerText());
    const baseURL = /baseURL:\s*"(http:\/\/127\.0\.0\.1:\d+\/local)"/.exec(text)?.[1];
    const apiKey = /apiKey:\s*"(cmg_[A-Za-z0-9_-]+)"/.exec(text)?.[1];
    assert.ok(baseURL && apiKey, `a base URL and a token in:\n${text}`);
    // Connecting alone ticks nothing: the assistant has not sent anything yet.
    await expectChecked(['setApiKey', 'pickModel', 'firstEstimate', 'send', 'history', 'budget']);

    const openai = new OpenAI({ baseURL, apiKey, maxRetries: 0 });
    await openai.chat.completions.create({ model: 'gpt-4.1', messages: [{ role: 'user', content: 'Add an alias for total()' }] });
    await expectChecked([...WALKTHROUGH_STEPS]);
    await workbench.screenshot('walkthrough-done');
  });
});
