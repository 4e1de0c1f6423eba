// The workbench as a person first meets Credit Meter: it loads with the extension, the status-bar
// entry is there, a "Credit Meter: …" command runs from the palette; in a trusted folder and in
// Restricted Mode. Screenshots: test-results/screenshots/workbench-*.png.
import { strict as assert } from 'node:assert';
import { extensionId, Workbench } from './support/workbench';

const STATUS_ITEM = 'creditMeter.status';

describe('e2e: workbench with Credit Meter (trusted folder)', () => {
  let workbench: Workbench;

  before(async () => {
    workbench = await Workbench.open({ trust: 'trusted', files: { 'notes.md': '# Notes\n\nRefactor the ledger module.\n' } });
  });

  after(async () => {
    await workbench?.close();
  });

  it('loads the workbench on the folder, with the Credit Meter status-bar entry', async () => {
    const text = await workbench.statusBarText(STATUS_ITEM, 60_000);
    assert.ok(text.length > 0, 'the entry shows text');
    const ids = await workbench.statusBarIds();
    assert.ok(ids.includes(`${extensionId}.${STATUS_ITEM}`), ids.join(', '));
    // No Restricted Mode indicator: the folder is trusted.
    assert.equal(await workbench.page.locator('.statusbar-item[id="status.workspaceTrust"]').count(), 0);
    await workbench.screenshot('workbench-trusted');
  });

  it('runs "Credit Meter: Show Log" from the command palette and shows the log', async () => {
    await workbench.runCommand('Credit Meter: Show Log');
    const output = workbench.page.locator('.part.panel .output-view, .part.panel [id="workbench.panel.output"]').first();
    await output.waitFor({ state: 'visible', timeout: 30_000 });
    await workbench.page.locator('.part.panel .view-lines', { hasText: 'Credit Meter activated' }).first().waitFor({ state: 'visible', timeout: 30_000 });
    await workbench.screenshot('workbench-show-log');
  });
});

describe('e2e: workbench with Credit Meter (Restricted Mode)', () => {
  let workbench: Workbench;

  before(async () => {
    workbench = await Workbench.open({ trust: 'restricted' });
  });

  after(async () => {
    await workbench?.close();
  });

  it('opens the folder in Restricted Mode and still shows the Credit Meter entry', async () => {
    await workbench.page.locator('.statusbar-item[id="status.workspaceTrust"]').waitFor({ state: 'visible', timeout: 30_000 });
    const text = await workbench.statusBarText(STATUS_ITEM, 60_000);
    assert.ok(text.length > 0, 'the entry shows text');
    await workbench.screenshot('workbench-restricted');
  });
});
