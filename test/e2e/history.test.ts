/**
 * The history view and "Export Usage" as a person uses them, in the real workbench (VS Code server +
 * Chromium): a ledger of a few thousand records written by the core's own writer, the view opened from
 * the command palette, screenshots in the dark, light and high-contrast themes, a model filter that changes the
 * table and the totals, and an export from the command palette whose file is then found on disk.
 *   npx mocha --no-config --node-option import=tsx --timeout 300000 test/e2e/history.test.ts
 * Screenshots: test-results/e2e/history-*.png (git-ignored).
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Browser, Frame, Page } from 'playwright-core';
import { Ledger } from '../../src/core/ledger/ledger';
import { launchBrowser } from '../../scripts/harness/browser';
import { startVscodeServer, type VscodeServer } from '../../scripts/harness/vscodeServer';
import { createWorkspace, type TempWorkspace } from '../../scripts/harness/workspace';
import { makeRecords } from '../support/ledgerFixtures';

const screenshots = path.resolve(__dirname, '..', '..', 'test-results', 'e2e');
const RECORDS = 3000;
/** Spread over the last 20 days, so the view's default range (last 30 days) shows every one. */
const records = makeRecords(RECORDS, { seed: 2026, days: 20, startDate: new Date(Date.now() - 20 * 86_400_000) });

/** Polls `probe` until it returns something, or fails naming what it waited for. */
async function until<T>(what: string, probe: () => Promise<T | undefined | null | false>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined && value !== null && value !== false) {
      return value;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting for ${what}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** The ledger folder the extension created in its workspace storage on activation. */
function findLedgerDir(root: string, depth = 0): string | undefined {
  if (depth > 8 || !fs.existsSync(root)) {
    return undefined;
  }
  for (const entry of fs.readdirSync(root, { withFileTypes: true })) {
    if (!entry.isDirectory()) {
      continue;
    }
    const full = path.join(root, entry.name);
    if (entry.name === 'ledger' && path.basename(root) === 'credit-meter.credit-meter') {
      return full;
    }
    const found = findLedgerDir(full, depth + 1);
    if (found) {
      return found;
    }
  }
  return undefined;
}

async function runCommand(page: Page, title: string): Promise<void> {
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input.input');
  await input.waitFor({ state: 'visible' });
  await input.fill(`>${title}`);
  // Click the command itself: Enter would run whichever similar command ranks first.
  await page.locator(`.quick-input-list .monaco-list-row[aria-label^="${title}"]`).first().click();
}

/** Picks the quick-pick row labelled `label` (or accepts as is with none). */
async function quickPick(page: Page, label?: string): Promise<void> {
  const widget = page.locator('.quick-input-widget');
  await widget.waitFor({ state: 'visible' });
  if (label !== undefined) {
    await page.locator('.quick-input-list .monaco-list-row', { hasText: label }).first().click();
  } else {
    await page.keyboard.press('Enter');
  }
}

/** The save dialog of a remote workbench is VS Code's own: a quick input holding the proposed path. */
async function saveAs(page: Page, target: string): Promise<void> {
  const input = page.locator('.quick-input-widget input.input');
  await until('the save dialog', async () => (await input.inputValue()).startsWith('/') && (await input.inputValue()).includes('credit-usage-'));
  await input.fill(target);
  await page.keyboard.press('Enter');
}

async function historyFrame(page: Page): Promise<Frame> {
  return until('the history webview to paint its rows', async () => {
    for (const frame of page.frames()) {
      if (await frame.$('body[data-painted="true"] .table-viewport').catch(() => null)) {
        return frame;
      }
    }
    return undefined;
  }, 60_000);
}

function statusCount(text: string): number {
  const match = /^([\d,.\s\u202f]+) of/.exec(text.trim());
  assert.ok(match, `status line "${text}"`);
  return Number(match[1].replace(/[^\d]/g, ''));
}

describe('e2e: usage history and Export Usage', function () {
  this.timeout(300_000);
  let server: VscodeServer;
  let browser: Browser;
  let workspace: TempWorkspace;
  let page: Page;

  before(async () => {
    fs.mkdirSync(screenshots, { recursive: true });
    workspace = createWorkspace();
    server = await startVscodeServer({ trust: 'trusted' });
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
    await page.goto(server.workbenchUrl({ folder: workspace.folder }));
    await page.locator('.monaco-workbench').waitFor({ state: 'visible', timeout: 60_000 });
    // The extension opens its ledger on activation; add records to it the way another window would.
    const ledgerDir = await until('the extension to create its ledger', async () => findLedgerDir(server.dataRoot), 60_000);
    const { ledger } = await Ledger.open(ledgerDir, { writerId: 'e2e' });
    for (const record of records) {
      await ledger.append(record);
    }
    await ledger.close();
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed' && page) {
      await page.screenshot({ path: path.join(screenshots, `failed-${this.currentTest.title.replace(/\W+/g, '-')}.png`) }).catch(() => undefined);
    }
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
    workspace?.dispose();
  });

  it('opens the history view with every record, in the dark, light and high-contrast themes', async () => {
    await runCommand(page, 'Credit Meter: Show Usage History');
    const frame = await historyFrame(page);
    const status = await frame.locator('[data-testid=status-line]').textContent();
    assert.equal(statusCount(status ?? ''), RECORDS);
    const domRows = await frame.locator('.table-spacer .table-row:not([hidden])').count();
    assert.ok(domRows > 5 && domRows < 120, `only the visible rows are in the DOM (${domRows})`);
    await frame.locator('.chart canvas').first().waitFor({ state: 'visible' });
    // Whichever theme the workbench starts in, shoot it, then switch to the other kind and shoot again.
    const startsDark = /vscode-dark/.test(await frame.locator('body').getAttribute('class') ?? '');
    await page.screenshot({ path: path.join(screenshots, `history-${startsDark ? 'dark' : 'light'}.png`) });
    const other = startsDark ? { theme: 'Light Modern', kind: 'light' } : { theme: 'Dark Modern', kind: 'dark' };
    await runCommand(page, 'Preferences: Color Theme');
    await page.locator('.quick-input-widget input.input').fill(other.theme);
    await page.locator('.quick-input-list .monaco-list-row', { hasText: other.theme }).first().waitFor({ state: 'visible' });
    await page.keyboard.press('Enter');
    await until(`the view to follow the ${other.kind} theme`, async () => new RegExp(`vscode-${other.kind}`).test(await frame.locator('body').getAttribute('class') ?? ''));
    await page.waitForTimeout(500);
    await page.screenshot({ path: path.join(screenshots, `history-${other.kind}.png`) });

    await runCommand(page, 'Preferences: Color Theme');
    await page.locator('.quick-input-widget input.input').fill('Dark High Contrast');
    await page.locator('.quick-input-list .monaco-list-row', { hasText: 'Dark High Contrast' }).first().waitFor({ state: 'visible' });
    await page.keyboard.press('Enter');
    await until('the view to follow the high-contrast theme', async () => /vscode-high-contrast/.test(await frame.locator('body').getAttribute('class') ?? ''));
    await page.waitForTimeout(500);
    await page.screenshot({ path: path.join(screenshots, 'history-high-contrast.png') });
  });

  it('filters by a model: the table and the totals change to that model', async () => {
    const frame = await historyFrame(page);
    const totalBefore = await frame.locator('[data-testid=summary-filtered] .card-value').first().textContent();
    await frame.locator('[data-testid=filter-models] summary').click();
    await frame.locator('[data-testid=filter-models] input[value="gpt-4.1"]').check();
    const expected = records.filter((record) => record.modelRequested === 'gpt-4.1' || record.modelServed === 'gpt-4.1');
    await until('the table to show only gpt-4.1', async () => statusCount(await frame.locator('[data-testid=status-line]').textContent() ?? '') === expected.length);
    const models = await frame.locator('.table-spacer .table-row:not([hidden]) .cell:nth-child(3)').allTextContents();
    assert.ok(models.length > 0 && models.every((model) => model === 'gpt-4.1'), models.join(','));
    const totalAfter = await frame.locator('[data-testid=summary-filtered] .card-value').first().textContent();
    assert.notEqual(totalAfter, totalBefore);
    await frame.locator('[data-testid=filter-models] summary').click();
    await page.screenshot({ path: path.join(screenshots, 'history-filtered.png') });

    // Text search over prompts, on top of the model filter; clearing it brings the model's rows back.
    const paginate = expected.filter((record) => record.prompt?.includes('paginate'));
    assert.ok(paginate.length > 0);
    await frame.locator('[data-testid=filter-search]').fill('paginate');
    await until('the search to narrow the table', async () => statusCount(await frame.locator('[data-testid=status-line]').textContent() ?? '') === paginate.length);
    await frame.locator('[data-testid=filter-search]').fill('');
    await until('the search to clear', async () => statusCount(await frame.locator('[data-testid=status-line]').textContent() ?? '') === expected.length);
  });

  it('moves through rows with the keyboard and opens the whole record in the drawer', async () => {
    const frame = await historyFrame(page);
    await frame.locator('.table-viewport').focus();
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    const selected = frame.locator('.table-row.selected');
    await selected.waitFor({ state: 'visible' });
    assert.equal(await selected.getAttribute('aria-rowindex'), '2');
    await page.keyboard.press('Enter');
    const drawer = frame.locator('aside.drawer');
    await drawer.locator('pre').first().waitFor({ state: 'visible' });
    const text = await drawer.textContent() ?? '';
    assert.match(text, /Charge source/);
    assert.match(text, /Usage source/);
    assert.ok(records.some((record) => record.prompt !== undefined && text.includes(record.prompt)), 'the prompt is shown as text');
    await page.screenshot({ path: path.join(screenshots, 'history-details.png') });
    await page.keyboard.press('Escape');
    await drawer.waitFor({ state: 'hidden' });
  });

  it('exports what the view shows with its Export button', async () => {
    const frame = await historyFrame(page);
    const shown = statusCount(await frame.locator('[data-testid=status-line]').textContent() ?? '');
    const credits = await frame.locator('[data-testid=summary-filtered] .card-value').first().textContent();
    const target = path.join(workspace.folder, 'usage-from-view.json');
    await frame.locator('[data-testid=export]').click();
    await quickPick(page, 'JSON');
    await quickPick(page, 'Leave prompts out');
    await saveAs(page, target);
    const text = await until('the exported file', async () => (fs.existsSync(target) ? fs.readFileSync(target, 'utf8') : undefined), 30_000);
    const exported = JSON.parse(text) as { rowCount: number; totals: { credits: number }; records: { modelRequested: string }[] };
    assert.equal(exported.rowCount, shown);
    assert.equal(exported.records.length, shown);
    assert.ok(exported.records.every((record) => record.modelRequested === 'gpt-4.1'));
    assert.equal(Number((credits ?? '').replace(/[^\d.]/g, '')).toFixed(3), exported.totals.credits.toFixed(3));
    const toast = page.locator('.notifications-toasts', { hasText: `Exported ${shown.toLocaleString('en-US')} requests` });
    await toast.waitFor({ state: 'visible', timeout: 15_000 });
  });

  it('comes back after a reload with its filter', async () => {
    const before = statusCount(await (await historyFrame(page)).locator('[data-testid=status-line]').textContent() ?? '');
    // Reload the way a user does: the workbench shuts down properly and saves the view's state first.
    const navigated = page.waitForEvent('framenavigated', { predicate: (frame) => frame === page.mainFrame(), timeout: 60_000 });
    await runCommand(page, 'Developer: Reload Window');
    await navigated;
    await page.locator('.monaco-workbench').waitFor({ state: 'visible', timeout: 60_000 });
    const frame = await historyFrame(page);
    await until('the restored filter', async () => statusCount(await frame.locator('[data-testid=status-line]').textContent() ?? '') === before);
    assert.match(await frame.locator('[data-testid=filter-models] summary').textContent() ?? '', /gpt-4\.1/);
  });

  it('exports from the command palette and the file is on disk', async () => {
    const target = path.join(workspace.folder, 'usage-e2e.csv');
    await runCommand(page, 'Credit Meter: Export Usage');
    const step = async (name: string, pick: () => Promise<void>) => {
      await pick();
      await page.waitForTimeout(300);
      await page.screenshot({ path: path.join(screenshots, `export-step-${name}.png`) });
    };
    await step('format', () => quickPick(page, 'CSV'));
    await step('range', () => quickPick(page, 'All time'));
    await step('models', () => quickPick(page)); // none picked = all
    await step('kinds', () => quickPick(page));
    await step('statuses', () => quickPick(page));
    await step('prompts', () => quickPick(page, 'Leave prompts out'));
    await saveAs(page, target);
    const text = await until('the exported file', async () => (fs.existsSync(target) ? fs.readFileSync(target, 'utf8') : undefined), 30_000);
    const lines = text.trim().split('\r\n');
    assert.ok(lines.length - 1 >= RECORDS, `${lines.length - 1} rows`);
    await page.locator('.notifications-toasts', { hasText: 'Exported' }).waitFor({ state: 'visible', timeout: 15_000 });
    await page.screenshot({ path: path.join(screenshots, 'history-exported.png') });
  });
});
