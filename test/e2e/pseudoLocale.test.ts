// Credit Meter in another display language, as a user of a translation would see it: the workbench
// in the pseudo-locale (qps-ploc), the extension's texts pseudo-translated (generated for this suite
// by scripts/harness/pseudoLocale.ts). The command palette lists Credit Meter's commands, and a
// picker the extension opens has its title, in the pseudo-locale. It reuses the shared trusted server.
// Screenshots: test-results/screenshots/pseudo-locale-*.png.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import { PSEUDO_LOCALE, writePseudoLocaleFiles, type PseudoLocaleFiles } from '../../scripts/harness/pseudoLocale';
import { until, Workbench } from './support/workbench';

const STATUS_ITEM = 'creditMeter.status';

describe('e2e: Credit Meter in the pseudo-locale (qps-ploc)', () => {
  let pseudo: PseudoLocaleFiles;
  let workbench: Workbench;
  let manifest: Record<string, string>;
  let bundle: Record<string, string>;

  /** "Category: Title" of a Credit Meter command, as the palette shows it in the pseudo-locale. */
  const commandLabel = (id: string) => `${manifest['command.category']}: ${manifest[`command.${id}.title`]}`;

  before(async () => {
    pseudo = writePseudoLocaleFiles();
    manifest = JSON.parse(fs.readFileSync(pseudo.manifest, 'utf8')) as Record<string, string>;
    bundle = JSON.parse(fs.readFileSync(pseudo.bundle, 'utf8')) as Record<string, string>;
    workbench = await Workbench.open({ trust: 'trusted', locale: PSEUDO_LOCALE, files: { 'notes.md': '# Notes\n\nRefactor the ledger module.\n' } });
  });

  after(async () => {
    await workbench?.close();
    pseudo?.dispose();
  });

  it('lists Credit Meter\'s commands in the command palette in the pseudo-locale, beside its status bar entry', async () => {
    await workbench.statusBarText(STATUS_ITEM, 60_000);
    const page = workbench.page;
    const input = page.locator('.quick-input-widget .quick-input-box input.input');
    const rows = page.locator('.quick-input-widget .quick-input-list .monaco-list-row');
    // The palette renders the rows in view only: these sort first under the pseudo-translated category.
    const expected = ['askAboutSelection', 'connectAssistant', 'exportUsage', 'openWalkthrough', 'openCompose'].map(commandLabel);
    assert.notEqual(manifest['command.category'], 'Credit Meter');
    await until('the palette to list Credit Meter\'s commands in the pseudo-locale', async () => {
      if (!(await input.isVisible())) {
        await page.keyboard.press('F1');
        await input.waitFor({ state: 'visible', timeout: 3_000 });
      }
      if ((await input.inputValue()) !== `>${manifest['command.category']}`) {
        await input.fill(`>${manifest['command.category']}`, { timeout: 3_000 });
      }
      const labels = await rows.evaluateAll((items) => items.map((item) => item.getAttribute('aria-label') ?? ''));
      const missing = expected.filter((label) => !labels.some((shown) => shown.startsWith(label)));
      assert.deepEqual(missing, [], `shown: ${labels.join(' | ')}`);
      return true;
    });
    await workbench.screenshot('pseudo-locale-command-palette');
    await page.keyboard.press('Escape');
  });

  it('titles the picker a Credit Meter command opens in the pseudo-locale', async () => {
    await workbench.runCommand(commandLabel('exportUsage'));
    const title = workbench.page.locator('.quick-input-widget .quick-input-title');
    const expected = bundle['Export Usage (1/6): format'];
    assert.ok(expected && expected !== 'Export Usage (1/6): format');
    await until('the Export Usage picker\'s title in the pseudo-locale', async () => {
      assert.equal((await title.innerText({ timeout: 1_000 })).trim(), expected);
      return true;
    });
    await workbench.screenshot('pseudo-locale-export-usage');
    await workbench.page.keyboard.press('Escape');
  });
});
