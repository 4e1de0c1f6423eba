/**
 * An assistant's task through the metering gateway, as a person sees it in the real workbench:
 * "Connect an Assistant…" from the palette shows what to paste, the official openai client sends a
 * four-round agent conversation through the gateway, the status bar shows the running task, and the
 * history view shows it as one task row that opens onto its rounds and filters to them.
 * Screenshots: test-results/screenshots/gateway-*.png.
 */
import { strict as assert } from 'node:assert';
import OpenAI from 'openai';
import { readStreamFixture, startProtocolServer, type ProtocolServer } from '../support/protocolServer';
import { until, Workbench } from './support/workbench';

const TASK_ITEM = 'creditMeter.gatewayTask';
const ROUNDS = 4;

describe('e2e: an assistant task through the metering gateway', function () {
  this.timeout(300_000);
  let workbench: Workbench;
  let upstream: ProtocolServer;

  before(async () => {
    const answer = readStreamFixture('openai-chat-completion.json');
    upstream = await startProtocolServer(() => ({ body: answer, headers: { 'content-type': 'application/json' } }));
    // A local OpenAI-compatible server needs no key; the workspace names it.
    workbench = await Workbench.open({
      trust: 'trusted',
      viewport: { width: 1600, height: 1000 },
      files: {
        '.vscode/settings.json': JSON.stringify({ 'creditMeter.providers': [{ id: 'local', kind: 'openai', baseUrl: `${upstream.url}/v1`, models: ['gpt-4.1'] }] }, null, 2),
      },
    });
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed' && workbench) {
      await workbench.screenshot(`gateway-failed-${this.currentTest.title.replace(/\W+/g, '-')}`).catch(() => undefined);
    }
  });

  after(async () => {
    await workbench?.close();
    await upstream?.close();
  });

  it('connects an SDK, meters its rounds as one task in the status bar and the history view', async () => {
    const page = workbench.page;
    await workbench.statusBarText('creditMeter.status', 60_000);
    await workbench.runCommand('Credit Meter: Connect an Assistant');
    await page.locator('.quick-input-list .monaco-list-row', { hasText: 'Any OpenAI SDK' }).first().click();
    // It offers the terminal variables, with the billing warning; not this time.
    const dialog = page.locator('.monaco-dialog-box');
    await dialog.waitFor({ state: 'visible', timeout: 30_000 });
    assert.match(await dialog.innerText(), /API billing|billed to the API key/);
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    // The instructions open in an editor: the base URL and the token to paste.
    const lines = page.locator('.editor-instance .view-lines', { hasText: 'new OpenAI' }).first();
    const text = await until('the instructions in an editor', async () => (await lines.count()) > 0 && await lines.innerText(), 30_000);
    const baseURL = /baseURL:\s*"(http:\/\/127\.0\.0\.1:\d+\/local)"/.exec(text)?.[1];
    const apiKey = /apiKey:\s*"(cmg_[A-Za-z0-9_-]+)"/.exec(text)?.[1];
    assert.ok(baseURL && apiKey, `a base URL and a token in:\n${text}`);
    await workbench.screenshot('gateway-connect');

    const openai = new OpenAI({ baseURL, apiKey, maxRetries: 0 });
    const messages: OpenAI.ChatCompletionMessageParam[] = [{ role: 'user', content: 'Read src/a.ts and fix the failing test' }];
    for (let round = 0; round < ROUNDS; round++) {
      const reply = await openai.chat.completions.create({ model: 'gpt-4.1', messages });
      messages.push(reply.choices[0].message as OpenAI.ChatCompletionMessageParam, { role: 'tool', tool_call_id: `call_${round}`, content: `contents ${round}` });
    }
    assert.equal(upstream.requests.length, ROUNDS);

    const status = await workbench.waitForStatusBarText(TASK_ITEM, new RegExp(`OpenAI SDK \\(Node\\) · round ${ROUNDS} · [\\d.]+ cr`), 30_000);
    assert.ok(status.length > 0);
    await workbench.screenshot('gateway-task-status');

    await workbench.runCommand('Credit Meter: Show Usage History');
    const frame = await workbench.webviewFrame('body[data-painted="true"][data-tasks="1"] .task-row', 60_000);
    const taskRow = frame.locator('.table-row.task-row').first();
    await until('the task row to sum its rounds', async () => /4 rounds/.test(await taskRow.innerText()), 30_000);
    assert.match(await taskRow.innerText(), /OpenAI SDK \(Node\) · gpt-4\.1/);
    await taskRow.click();
    await until('the task to open onto its rounds', async () => (await taskRow.getAttribute('aria-expanded')) === 'true' && (await frame.locator('.table-row.task-round:not([hidden])').count()) === ROUNDS, 30_000);
    const rounds = await frame.locator('.table-row.task-round:not([hidden]) .cell:nth-child(12)').allInnerTexts();
    assert.deepEqual(rounds, ['0 / 1', '0 / 2', '0 / 3', '0 / 4']);
    await workbench.screenshot('gateway-history-task');

    // Double-clicking the task row shows only that task (and Export would write only it).
    await taskRow.dblclick();
    const chip = frame.locator('[data-testid=filter-task]');
    await chip.waitFor({ state: 'visible' });
    await until('the view to show only the task', async () => /^4 of \d+ requests · 1 assistant task/.test((await frame.locator('[data-testid=status-line]').textContent() ?? '').trim()), 30_000);
    await workbench.screenshot('gateway-history-one-task');
  });
});
