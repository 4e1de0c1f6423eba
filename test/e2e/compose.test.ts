// Composing a request as a person does: open Compose from the palette, type a prompt into the
// webview, and watch the status-bar estimate follow the draft. Screenshots:
// test-results/screenshots/compose-*.png.
import { strict as assert } from 'node:assert';
import type { Frame } from 'playwright-core';
import { until, Workbench } from './support/workbench';

const STATUS_ITEM = 'creditMeter.status';

interface Figures {
  readonly headline: string;
  readonly promptTokens: number;
}

/** The headline estimate ("≈ 0.3 cr") and the prompt's token count as the Compose view shows them. */
async function composeFigures(frame: Frame): Promise<Figures | undefined> {
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

  /** Waits until the Compose view's figures pass `accept` and the status bar shows the same headline. */
  async function sameEstimate(frame: Frame, accept: (figures: Figures) => boolean): Promise<Figures & { status: string }> {
    let last: unknown;
    return until(() => `the Compose view and the status bar to show the same estimate (last: ${JSON.stringify(last)})`, async () => {
      const figures = await composeFigures(frame);
      const status = (await workbench.statusBarItem(STATUS_ITEM).innerText({ timeout: 1_000 })).trim();
      last = { figures, status };
      return figures && accept(figures) && status.replace(/\s+/g, ' ').includes(figures.headline.replace(/\s+/g, ' ')) ? { ...figures, status } : undefined;
    });
  }

  it('shows the live estimate of the typed prompt in the status bar, and follows further typing', async () => {
    const idle = await workbench.waitForStatusBarText(STATUS_ITEM, /cr today$/, 60_000);
    await workbench.runCommand('Credit Meter: Open Compose');
    const frame = await workbench.webviewFrame('textarea.prompt');
    await workbench.focusInWebview(frame, 'textarea.prompt');
    await workbench.page.keyboard.type('Refactor the ledger module so that segments are written atomically.');

    // The view and the status bar show the same estimate, once both have caught up with the typing.
    const first = await sameEstimate(frame, (figures) => figures.promptTokens > 0);
    assert.notEqual(first.status, idle, "the status bar shows the draft, not today's spend");
    await workbench.screenshot('compose-typing');

    await workbench.page.keyboard.type(' Keep the public API, add tests for a crash between the write and the rename, and explain the design in a short note.');
    await sameEstimate(frame, (figures) => figures.promptTokens > first.promptTokens);
    await workbench.screenshot('compose-longer');
  });
});
