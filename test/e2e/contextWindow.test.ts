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

    const warning = compose.locator('.window-warning');
    await warning.waitFor({ timeout: 60_000 });
    const text = await warning.innerText();
    assert.match(text, /^\d+k tokens: over claude-sonnet-4-5's 200k window/);
    assert.match(text, /pick a model with a larger context window/);

    // The status bar warns too (its warning colour), and its tooltip says how to make it fit.
    const item = workbench.page.locator(`[id="credit-meter.credit-meter.${STATUS_ITEM}"]`);
    await until('the status bar to warn', async () => /warning/.test((await item.getAttribute('class')) ?? '') || /warning/.test(await item.evaluate((element) => element.innerHTML)));
    await workbench.screenshot('context-window-compose');
    await item.hover();
    const hover = workbench.page.locator('.monaco-hover', { hasText: "over claude-sonnet-4-5's 200k window" });
    await hover.waitFor({ timeout: 30_000 });
    assert.match(await hover.innerText(), /Remove or narrow/);
    await workbench.screenshot('context-window-tooltip');
  });
});
