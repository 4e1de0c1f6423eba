// Composing a request as a person does: open Compose from the palette, type a prompt into the
// webview, and watch the status-bar estimate follow the draft. Screenshots:
// test-results/screenshots/compose-*.png.
import { strict as assert } from 'node:assert';
import type { Frame } from 'playwright-core';
import { until, Workbench } from './support/workbench';

const STATUS_ITEM = 'creditMeter.status';

/** The headline estimate ("≈ 0.3 cr") and the prompt's token count as the Compose view shows them. */
async function composeFigures(frame: Frame): Promise<{ headline: string; promptTokens: number } | undefined> {
  const text = await frame.locator('body').innerText();
  const headline = /≈\s*[\d.,]+\s*cr/.exec(text)?.[0];
  const promptTokens = /\bprompt\s+([\d,]+)\b/.exec(text)?.[1];
  return headline && promptTokens ? { headline, promptTokens: Number(promptTokens.replace(/,/g, '')) } : undefined;
}

describe('e2e: Compose drives the status-bar estimate', () => {
  let workbench: Workbench;

  before(async () => {
    workbench = await Workbench.open({ trust: 'trusted' });
  });

  after(async () => {
    await workbench?.close();
  });

  it('shows the live estimate of the typed prompt in the status bar, and follows further typing', async () => {
    const idle = await workbench.statusBarText(STATUS_ITEM, 60_000);
    assert.match(idle, /cr today$/);
    await workbench.runCommand('Credit Meter: Open Compose');
    const frame = await workbench.webviewFrame('textarea.prompt');
    await workbench.focusInWebview(frame, 'textarea.prompt');
    await workbench.page.keyboard.type('Refactor the ledger module so that segments are written atomically.');

    const first = await until('the Compose view to estimate the prompt', () => composeFigures(frame));
    // The status bar shows the same estimate as the view, not today's spend any more.
    const status = await workbench.waitForStatusBarText(STATUS_ITEM, new RegExp(first.headline.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
    assert.notEqual(status, idle);
    await workbench.screenshot('compose-typing');

    await workbench.page.keyboard.type(' Keep the public API, add tests for a crash between the write and the rename, and explain the design in a short note.');
    const longer = await until('the prompt estimate to grow', async () => {
      const figures = await composeFigures(frame);
      return figures && figures.promptTokens > first.promptTokens ? figures : undefined;
    });
    await workbench.waitForStatusBarText(STATUS_ITEM, new RegExp(longer.headline.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
    await workbench.screenshot('compose-longer');
  });
});
