// A request too large for its model's context window: selecting a 1 MB file on claude-sonnet-4-5
// (200k window) makes Compose and the status bar warn, with the fix in the tooltip. Screenshots:
// test-results/screenshots/context-window-*.png.
import { strict as assert } from 'node:assert';
import { until, Workbench } from './support/workbench';

const STATUS_ITEM = 'creditMeter.status';
const BIG = Array.from({ length: 20_000 }, (_, line) => `export const value${line} = computeSomething(${line}, 'label ${line % 97}');`).join('\n') + '\n';

describe('e2e: context window', () => {
  let workbench: Workbench;

  before(async () => {
    workbench = await Workbench.open({
      trust: 'trusted',
      files: {
        'src/big.ts': BIG,
        '.vscode/settings.json': JSON.stringify({ 'creditMeter.defaultModel': 'anthropic:claude-sonnet-4-5' }, null, 2),
      },
    });
    await workbench.statusBarText(STATUS_ITEM, 60_000);
  });

  after(async () => {
    await workbench?.close();
  });

  it('warns in Compose and the status bar when the selection does not fit the model\'s window', async () => {
    await workbench.runCommand('Credit Meter: Open Compose');
    const compose = await workbench.webviewFrame('textarea.prompt');
    await workbench.page.keyboard.press('Control+P');
    const input = workbench.page.locator('.quick-input-widget .quick-input-box input.input');
    await input.waitFor({ state: 'visible' });
    await input.fill('big.ts');
    await workbench.page.locator('.quick-input-list .monaco-list-row', { hasText: 'big.ts' }).first().waitFor();
    await workbench.page.keyboard.press('Enter');
    await workbench.page.locator('.monaco-editor .view-lines', { hasText: 'export const value0' }).first().click();
    await workbench.page.keyboard.press('Control+A');
    await compose.locator('.chip.selection', { hasText: 'src/big.ts:1-' }).waitFor({ timeout: 60_000 });
    await compose.locator('textarea.prompt').fill('Explain what these values are for.');

    // The estimate of the whole draft: the typed prompt is counted (its row is not 0 any more).
    await until('the prompt to be counted with the selection', async () => {
      const text = await compose.locator('.estimate').innerText().catch(() => '');
      return /\bprompt\s+[1-9]/.test(text) && /over claude-sonnet-4-5/.test(text);
    }, 60_000);
    const warning = compose.locator('.window-warning');
    const text = await warning.innerText();
    assert.match(text, /^\d+k tokens: over claude-sonnet-4-5's 200k window/);
    assert.match(text, /pick a model with a larger context window/);

    // The status bar shows the same draft and warns too (its warning colour); its tooltip says how to make it fit.
    await workbench.waitForStatusBarText(STATUS_ITEM, /^(?!.*sel).*≈ [\d.]+ cr$/, 60_000);
    const item = workbench.page.locator(`[id="credit-meter.credit-meter.${STATUS_ITEM}"]`);
    await until('the status bar to warn', async () => /warning/.test((await item.getAttribute('class')) ?? '') || /warning/.test(await item.evaluate((element) => element.innerHTML)));
    await workbench.screenshot('context-window-compose');
    await item.hover();
    const hover = workbench.page.locator('.monaco-hover', { hasText: 'Draft · claude-sonnet-4-5' }).filter({ hasText: "over claude-sonnet-4-5's 200k window" });
    await hover.waitFor({ timeout: 30_000 });
    assert.match(await hover.innerText(), /Remove or narrow/);
    await workbench.screenshot('context-window-tooltip');
  });

  it('asks before sending a request that cannot fit, and sends nothing when declined', async () => {
    const compose = await workbench.webviewFrame('textarea.prompt');
    await compose.locator('textarea.prompt').press('Control+Enter');
    const dialog = workbench.page.locator('.monaco-dialog-box', { hasText: "over claude-sonnet-4-5's 200k window" });
    await dialog.waitFor({ state: 'visible', timeout: 60_000 });
    assert.match(await dialog.innerText(), /Send Anyway/);
    await workbench.screenshot('context-window-send');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await compose.locator('.answer', { hasText: "Not sent: it does not fit the model's context window." }).waitFor({ timeout: 30_000 });
  });
});
