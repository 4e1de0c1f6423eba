// The Compose view from prompt to charge: a tip for a vague prompt, the editor selection attached as
// a chip, Send (Ctrl+Enter) to a local OpenAI-compatible server, the streamed answer with a copyable
// code block, and what was charged next to what was estimated.
// Screenshots: test-results/screenshots/compose-*.png.
import { strict as assert } from 'node:assert';
import type { Frame } from 'playwright-core';
import { startProtocolServer, type ProtocolServer } from '../support/protocolServer';
import { until, waitFor, Workbench } from './support/workbench';

const STATUS_ITEM = 'creditMeter.status';
const MODEL = 'gpt-4.1';

const CART = `export interface Line { price: number; quantity: number }

export function total(lines: Line[]): number {
  return lines.reduce((sum, line) => sum + line.price * line.quantity, 0);
}
`;

/** A streamed Chat Completions answer with a code block, then the usage chunk, as OpenAI sends it. */
function answerStream(): string {
  const base = { id: 'chatcmpl-e2e', object: 'chat.completion.chunk', created: 1748700000, model: `${MODEL}-2025-04-14` };
  const chunk = (delta: object, finish: string | null = null) =>
    `data: ${JSON.stringify({ ...base, choices: [{ index: 0, delta, finish_reason: finish }], usage: null })}\n\n`;
  const pieces = ['`total` multiplies', ' each line\'s price by its quantity.\n\n', '```ts\nconst sum = total([{ price: 2, quantity: 3 }]); // 6\n```\n'];
  const usage = `data: ${JSON.stringify({
    ...base,
    choices: [],
    usage: { prompt_tokens: 900, completion_tokens: 120, total_tokens: 1020, prompt_tokens_details: { cached_tokens: 0 }, completion_tokens_details: { reasoning_tokens: 0 } },
  })}\n\n`;
  return [chunk({ role: 'assistant', content: '' }), ...pieces.map((content) => chunk({ content })), chunk({}, 'stop'), usage, 'data: [DONE]\n\n'].join('');
}

const credits = (text: string): number => Number(/≈ ([\d.]+) cr/.exec(text)?.[1]);

describe('e2e: Compose from prompt to charge', () => {
  let server: ProtocolServer;
  let workbench: Workbench;
  let compose: Frame;

  before(async () => {
    // A prompt asking to be stopped gets an answer that starts and never ends.
    server = await startProtocolServer((request) => (request.body.includes('keep talking')
      ? { body: answerStream().split('\n\n').slice(0, 2).join('\n\n') + '\n\n', holdOpen: true }
      : { body: answerStream() }));
    workbench = await Workbench.open({
      trust: 'trusted',
      files: {
        'src/cart.ts': CART,
        '.vscode/settings.json': JSON.stringify({
          'creditMeter.providers': [{ id: 'local', kind: 'openai', baseUrl: `${server.url}/v1`, models: [MODEL, 'gpt-4.1-mini'] }],
          'creditMeter.defaultModel': `local:${MODEL}`,
        }, null, 2),
      },
    });
    await workbench.statusBarText(STATUS_ITEM, 60_000);
    await workbench.runCommand('Credit Meter: Open Compose');
    compose = await workbench.webviewFrame('textarea.prompt');
  });

  after(async () => {
    await workbench?.close();
    await server?.close();
  });

  it('offers the configured models, with the default selected', async () => {
    // The list arrives with the view's state, a moment after the text box shows.
    await until('the configured models in the model list, the default selected', async () => {
      assert.deepEqual(await compose.locator('select.model option').allInnerTexts(), [`${MODEL} · local`, 'gpt-4.1-mini · local']);
      assert.equal(await compose.locator('select.model').inputValue(), `local:${MODEL}`);
      return true;
    });
  });

  it('prices a long pasted prompt higher in the status bar than a short typed one', async () => {
    await compose.locator('textarea.prompt').click();
    await workbench.page.keyboard.type('Explain what total() returns.', { delay: 10 });
    const short = await workbench.waitForStatusBarText(STATUS_ITEM, /≈ [\d.]+ cr/);
    await compose.locator('textarea.prompt').fill(`Explain what total() returns and why. ${'Consider rounding, currencies, discounts and taxes per line. '.repeat(600)}`);
    const long = await until('the status-bar estimate to grow', async () => {
      const text = await workbench.statusBarText(STATUS_ITEM);
      return credits(text) > credits(short) && text;
    });
    assert.ok(credits(long) > credits(short), `${long} vs ${short}`);
    await compose.locator('.tips .tip', { hasText: 'Split large tasks into steps' }).waitFor();
    await workbench.screenshot('compose-long-prompt');
  });

  it('shows a tip with its saving for a vague prompt', async () => {
    await compose.locator('textarea.prompt').fill('fix it');
    await waitFor('the "state the task" tip with its saving', () => compose.locator('.tips .tip', { hasText: 'State the task clearly' }).first().innerText({ timeout: 1_000 }).catch(() => '(no tip)'),
      (text) => /saves ≈ .*cr/.test(text));
  });

  it('keeps the draft when the view is hidden and shown again', async () => {
    await compose.locator('textarea.prompt').fill('Draft that must survive hiding the side bar');
    await workbench.runCommand('View: Close Primary Side Bar');
    await workbench.page.locator('.part.sidebar').waitFor({ state: 'hidden' });
    await workbench.runCommand('Credit Meter: Open Compose');
    compose = await workbench.webviewFrame('textarea.prompt');
    await until('the restored draft', async () => (await compose.locator('textarea.prompt').inputValue()) === 'Draft that must survive hiding the side bar');
  });

  it('attaches the editor selection as a chip labelled with its lines', async () => {
    await workbench.openFile('cart.ts');
    await workbench.page.locator('.monaco-editor .view-lines', { hasText: 'export function total' }).first().click();
    await workbench.page.keyboard.press('Control+A');
    await compose.locator('.chip.selection', { hasText: 'src/cart.ts:1-' }).waitFor();
    await workbench.screenshot('compose-selection-chip');
  });

  it('sends, streams the answer and shows what was charged next to the estimate', async () => {
    await compose.locator('textarea.prompt').fill('Explain what total() returns for the selected code.');
    await compose.locator('textarea.prompt').press('Control+Enter');
    await waitFor('what was charged next to the estimate', () => compose.locator('.answer .charge').first().innerText({ timeout: 1_000 }).catch(() => '(no charge line)'),
      (text) => /Estimated [\d.–]+ cr \(≈ [\d.]+\) · charged [\d.]+ cr/.test(text), 60_000);
    // The estimate on show is for the prompt that was sent, not a stale one from the earlier draft.
    await until('the shown estimate to be for the sent prompt', async () =>
      (await compose.locator('.estimate-summary .kind-used').innerText()) === 'explain');
    await compose.locator('.answer .code-block code', { hasText: 'const sum = total' }).waitFor();
    await waitFor('one copy button on the code block', () => compose.locator('.answer .code-block button.copy').count(), (count) => count === 1);
    const sent = JSON.stringify((server.requests.at(-1)?.json as { messages?: unknown } | undefined)?.messages ?? []);
    assert.match(sent, /src\/cart\.ts:1-/, 'the selection went with the prompt');
    await workbench.screenshot('compose-charged');
  });

  it('stops a running answer with Stop, and says so', async () => {
    await compose.locator('textarea.prompt').fill('Explain total() and keep talking.');
    await compose.locator('button.send').click();
    const stop = compose.locator('button.stop');
    await stop.waitFor({ state: 'visible' });
    await compose.locator('.answer .markdown', { hasText: 'total' }).waitFor();
    await stop.click();
    await compose.locator('.answer .status', { hasText: 'Stopped' }).waitFor();
    await stop.waitFor({ state: 'hidden' });
    await until('Send to be enabled again', () => compose.locator('button.send').isEnabled());
    await workbench.screenshot('compose-stopped');
  });
});
