// Compose as a conversation, in the workbench: a follow-up in a thread against a local server that
// caches prompts as Anthropic does, the cache note in the estimate ("cached until …"), the thread with
// what it cost so far, and a code block of the answer applied as a diff, then accepted.
// Screenshots: test-results/screenshots/compose-thread-*.png.
import { strict as assert } from 'node:assert';
import type { Frame } from 'playwright-core';
import { type CachingUpstream, startCachingUpstream } from '../support/cachingUpstream';
import { until, Workbench } from './support/workbench';

const STATUS_ITEM = 'creditMeter.status';
const MODEL = 'claude-sonnet-4-5';
/** About 4,000 tokens of code: above the model's 1,024-token minimum for caching. */
const PRICING = Array.from({ length: 120 }, (_, line) =>
  `export function lineTotal${line}(price: number, quantity: number): number {\n  return Math.round(price * quantity * ${100 + line}) / 100; // rounding ${line}\n}`).join('\n') + '\n';
const ANSWER = 'Add the rate as a named constant next to the totals:\n\n```ts\nexport const TAX_RATE = 0.2;\n```\n\nThen multiply each line total by `1 + TAX_RATE`.';

describe('e2e: a Compose thread with the prompt cache', () => {
  let server: CachingUpstream;
  let workbench: Workbench;
  let compose: Frame;

  before(async () => {
    server = await startCachingUpstream({ answer: () => ANSWER });
    workbench = await Workbench.open({
      trust: 'trusted',
      files: {
        'src/pricing.ts': PRICING,
        '.vscode/settings.json': JSON.stringify({
          'creditMeter.providers': [{ id: 'local', kind: 'anthropic', baseUrl: server.url, models: [MODEL] }],
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

  async function openPricing(): Promise<void> {
    await workbench.openFile('pricing.ts');
    await workbench.page.locator('.monaco-editor .view-lines', { hasText: 'export function lineTotal0' }).first().click();
  }

  it('sends the first message with the file and shows the thread it started', async () => {
    await openPricing();
    await workbench.page.keyboard.press('Control+A');
    await compose.locator('.chip.selection', { hasText: 'src/pricing.ts:1-' }).waitFor({ timeout: 60_000 });
    await compose.locator('textarea.prompt').fill('Explain how the line totals are rounded.');
    await compose.locator('textarea.prompt').press('Control+Enter');
    await compose.locator('.answer .charge', { hasText: /charged [\d.]+ cr/ }).waitFor({ timeout: 60_000 });
    await compose.locator('.thread-cost', { hasText: /^1 message · [\d.]+ cr/ }).waitFor({ timeout: 30_000 });
    assert.equal(server.usage.length, 1);
    assert.ok(server.usage[0].cacheWriteTokens > 1024, 'the first message wrote the file to the cache');
  });

  it('shows what the follow-up reads from the cache, and until when, in Compose and the status bar', async () => {
    // The file was sent with the first message: the follow-up does not attach it again.
    await compose.locator('.chip.selection .remove').click();
    await compose.locator('.chip.selection').waitFor({ state: 'detached' });
    await compose.locator('textarea.prompt').fill('Now add a tax rate as a named constant.');
    // The estimate of this prompt (its wording asks for new code), not the one left from the first message.
    await until('the estimate of the follow-up', async () => (await compose.locator('.estimate-summary .kind-used').innerText()) === 'generate', 60_000);
    const note = compose.locator('.cache-note', { hasText: /cached until \d{1,2}:\d{2}/ });
    await note.waitFor({ timeout: 60_000 });
    await note.scrollIntoViewIfNeeded();
    assert.match(await note.innerText(), /[\d.]+k cached · [\d.]+k? written · [\d.]+k? fresh/);
    await compose.locator('.estimate tr.history', { hasText: /resent history \(1 earlier turn\)/ }).waitFor();
    await workbench.screenshot('compose-thread-cache-note');

    await workbench.waitForStatusBarText(STATUS_ITEM, /≈ [\d.]+ cr$/, 60_000);
    await workbench.statusBarItem(STATUS_ITEM).hover();
    const hover = workbench.page.locator('.monaco-hover', { hasText: 'Prompt cache:' });
    await hover.waitFor({ timeout: 30_000 });
    const tooltip = await hover.innerText();
    assert.match(tooltip, /Thread "Explain how the line totals are rounded\." · 1 message\(s\) so far/);
    assert.match(tooltip, /cached until \d{1,2}:\d{2}/);
    await workbench.screenshot('compose-thread-cache-tooltip');
    await workbench.page.keyboard.press('Escape');
    await workbench.page.mouse.move(700, 8);
    await hover.waitFor({ state: 'hidden' });
  });

  it('sends the follow-up, which reads the cache, and shows the thread with its cost', async () => {
    await compose.locator('textarea.prompt').press('Control+Enter');
    await compose.locator('.thread-cost', { hasText: /^2 messages · [\d.]+ cr/ }).waitFor({ timeout: 60_000 });
    await compose.locator('.answer .charge', { hasText: /charged [\d.]+ cr/ }).waitFor({ timeout: 60_000 });
    await until('the follow-up to be answered', () => server.usage.length === 2);
    assert.ok(server.usage[1].cacheReadTokens > 1024, `the follow-up read the cache (${server.usage[1].cacheReadTokens} tokens)`);
    await compose.locator('.conversation .past-turn', { hasText: 'Explain how the line totals are rounded.' }).waitFor();
    assert.match(await compose.locator('select.thread-select').innerText(), /Explain how the line totals are rounded\. · 2 msg · [\d.]+ cr/);
    await compose.locator('.answer .past-prompt', { hasText: 'Now add a tax rate as a named constant.' }).waitFor();
    await compose.locator('.threads').scrollIntoViewIfNeeded();
    await workbench.screenshot('compose-thread-cost');
  });

  it('applies a code block of the answer as a diff, and accepts it', async () => {
    await openPricing();
    await workbench.page.keyboard.press('Control+Home');
    await compose.locator('.answer .code-block button.apply.diff').click();
    const diff = workbench.page.locator('.monaco-diff-editor');
    await diff.first().waitFor({ state: 'visible', timeout: 30_000 });
    await workbench.page.locator('.monaco-diff-editor .view-lines', { hasText: 'export const TAX_RATE = 0.2;' }).first().waitFor();
    await workbench.screenshot('compose-thread-diff');
    await workbench.runCommand('Credit Meter: Accept Proposed Change');
    await diff.first().waitFor({ state: 'detached', timeout: 30_000 });
    // On a line of its own: a block put at the start of a line ends with a line break.
    await workbench.page.locator('.monaco-editor .view-line', { hasText: 'export const TAX_RATE = 0.2;', hasNotText: 'lineTotal0' }).first().waitFor({ timeout: 30_000 });
    await compose.locator('.answer .code-block button.apply.diff').waitFor();
  });
});
