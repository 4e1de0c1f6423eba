/**
 * The history view and "Export Usage" as a person uses them, in the real workbench (VS Code server +
 * Chromium): a ledger of a few thousand records written by the core's own writer, the view opened from
 * the command palette, screenshots in the dark, light and high-contrast themes, a model filter that changes the
 * table and the totals, and an export from the command palette whose file is then found on disk.
 * Run with the other e2e suites: `npm run test:e2e`. Screenshots: test-results/screenshots/history-*.png.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Frame, Page } from 'playwright-core';
import { Ledger } from '../../src/core/ledger/ledger';
import { makeRecords } from '../support/ledgerFixtures';
import { until, waitFor, WEBVIEW_LOAD_TIMEOUT_MS, Workbench } from './support/workbench';

const RECORDS = 3000;
/** Spread over the last 20 days, so the view's default range (last 30 days) shows every one. */
/** Record text that would run or format if it were ever parsed as HTML. */
const HOSTILE_PROMPT = 'Why does <img src=x onerror="document.body.dataset.injected=1"> break? <b>bold?</b>';
const HOSTILE_LABEL = 'src/<script>alert(1)</script>/label-only-here.ts:1-2';
/** The newest record is the hostile one, on the model the tests below filter by. */
const records = makeRecords(RECORDS, { seed: 2026, days: 20, startDate: new Date(Date.now() - 20 * 86_400_000) }).map((record, index) => (index === RECORDS - 1
  ? { ...record, modelRequested: 'gpt-4.1', modelServed: 'gpt-4.1', prompt: HOSTILE_PROMPT, contexts: [{ kind: 'file', label: HOSTILE_LABEL, tokens: 12, bytes: 48 }] }
  : record));

/** Every ledger folder Credit Meter created in the server's workspace storage (one per workspace opened). */
function ledgerDirs(root: string, depth = 0): string[] {
  if (depth > 8 || !fs.existsSync(root)) {
    return [];
  }
  return fs.readdirSync(root, { withFileTypes: true }).filter((entry) => entry.isDirectory()).flatMap((entry) => {
    const full = path.join(root, entry.name);
    return entry.name === 'ledger' && path.basename(root) === 'credit-meter.credit-meter' ? [full] : ledgerDirs(full, depth + 1);
  });
}

/**
 * Picks the quick-pick row labelled `label` (or accepts as is with none), once the pick titled `step`
 * is up: between two steps the widget of the previous one can still look visible, and a key pressed
 * then lands nowhere.
 */
async function quickPick(page: Page, step: string, label?: string): Promise<void> {
  const widget = page.locator('.quick-input-widget');
  await widget.locator('.quick-input-title', { hasText: `Export Usage (${step})` }).waitFor({ state: 'visible' });
  await widget.locator('.quick-input-list .monaco-list-row').first().waitFor({ state: 'visible' });
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

async function historyFrame(workbench: Workbench): Promise<Frame> {
  return workbench.webviewFrame('body[data-painted="true"] .table-viewport', WEBVIEW_LOAD_TIMEOUT_MS);
}

interface ViewState {
  readonly rows: number;
  readonly scrollTop: number;
  readonly selected: string | null;
  readonly models: string;
}

/** What a person would notice of the view's state: its rows, where it is scrolled, the selected row, the model filter. */
async function viewState(frame: Frame): Promise<ViewState> {
  return {
    rows: statusCount(await frame.locator('[data-testid=status-line]').textContent() ?? ''),
    scrollTop: await frame.locator('.table-viewport').evaluate((element) => element.scrollTop),
    selected: await frame.locator('.table-row.selected').first().getAttribute('data-index', { timeout: 2_000 }).catch(() => null),
    models: (await frame.locator('[data-testid=filter-models] summary').textContent() ?? '').trim(),
  };
}

/** Scrolls the table down and selects a row there, then waits for the view to have saved that state. */
async function scrollAndSelect(frame: Frame): Promise<ViewState> {
  const viewport = frame.locator('.table-viewport');
  await viewport.evaluate((element) => {
    element.scrollTop = 24 * 40;
  });
  await frame.locator('.table-row[aria-rowindex="46"]').waitFor({ state: 'visible' });
  await frame.locator('.table-row[aria-rowindex="46"] .cell').first().click();
  const state = await waitFor('the table scrolled down with a row selected', () => viewState(frame), (current) => current.scrollTop >= 24 * 39 && current.selected !== null);
  // The view saves its scroll position on the next animation frame, through a message to the
  // workbench that nothing on the page shows: give it a moment before the view goes away.
  await frame.waitForTimeout(1_000);
  return state;
}

/** Waits until the (new) view shows the same rows, filter, scroll position and selected row. */
async function expectRestored(frame: Frame, before: ViewState): Promise<void> {
  let last: ViewState | undefined;
  await until(`the view restored to ${JSON.stringify(before)}`, async () => {
    last = await viewState(frame);
    return last.rows === before.rows && last.models === before.models && last.selected === before.selected && Math.abs(last.scrollTop - before.scrollTop) <= 24;
  }).catch((error: Error) => Promise.reject(new Error(`${error.message}; it shows ${JSON.stringify(last)}`)));
}

/** The number of requests the view's status line says it shows. */
async function shownCount(frame: Frame): Promise<number> {
  return statusCount(await frame.locator('[data-testid=status-line]').textContent({ timeout: 1_000 }) ?? '');
}

function statusCount(text: string): number {
  const match = /^([\d,.\s\u202f]+) of/.exec(text.trim());
  assert.ok(match, `status line "${text}"`);
  return Number(match[1].replace(/[^\d]/g, ''));
}

describe('e2e: usage history and Export Usage', function () {
  this.timeout(300_000);
  let workbench: Workbench;
  let page: Page;

  before(async () => {
    // The server is shared by the e2e suites: this workspace's ledger is the one created after it opened.
    const openedAt = Date.now() - 1000;
    workbench = await Workbench.open({ trust: 'trusted', viewport: { width: 1600, height: 1000 } });
    page = workbench.page;
    // The extension opens its ledger on activation; add records to it the way another window would.
    const ledgerDir = await until('the extension to create its ledger',
      () => ledgerDirs(workbench.server.dataRoot).find((dir) => fs.statSync(dir).birthtimeMs >= openedAt), 60_000);
    const { ledger } = await Ledger.open(ledgerDir, { writerId: 'e2e' });
    for (const record of records) {
      await ledger.append(record);
    }
    await ledger.close();
    // A segment an older window left (its writer has exited): one record of a newer schema and one torn line.
    fs.writeFileSync(path.join(ledgerDir, 'segments', '20260101T000000000Z-999999999-older.jsonl'),
      `${JSON.stringify({ ...makeRecords(1, { seed: 7 })[0], schemaVersion: 99 })}\n{"schemaVersion":3,"id":"torn\n`);
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed' && workbench) {
      await workbench.screenshot(`history-failed-${this.currentTest.title.replace(/\W+/g, '-')}`).catch(() => undefined);
    }
  });

  after(async () => {
    await workbench?.close();
  });

  it('opens the history view with every record, in the dark, light and high-contrast themes', async () => {
    await workbench.runCommand('Credit Meter: Show Usage History');
    const frame = await historyFrame(workbench);
    await waitFor(`all ${RECORDS} records in the view`, () => shownCount(frame), (count) => count === RECORDS);
    await waitFor('only the visible rows in the DOM', () => frame.locator('.table-spacer .table-row:not([hidden])').count(), (rows) => rows > 5 && rows < 120);
    await frame.locator('.chart canvas').first().waitFor({ state: 'visible' });
    // Whichever theme the workbench starts in, shoot it, then switch to the other kind and shoot again.
    const startsDark = /vscode-dark/.test(await frame.locator('body').getAttribute('class') ?? '');
    await workbench.screenshot(`history-${startsDark ? 'dark' : 'light'}`);
    const other = startsDark ? { theme: 'Light Modern', kind: 'light' } : { theme: 'Dark Modern', kind: 'dark' };
    await workbench.runCommand('Preferences: Color Theme');
    await page.locator('.quick-input-widget input.input').fill(other.theme);
    await page.locator('.quick-input-list .monaco-list-row', { hasText: other.theme }).first().click();
    await until(`the view to follow the ${other.kind} theme`, async () => new RegExp(`vscode-${other.kind}`).test(await frame.locator('body').getAttribute('class') ?? ''));
    await page.waitForTimeout(500);
    await workbench.screenshot(`history-${other.kind}`);

    await workbench.runCommand('Preferences: Color Theme');
    await page.locator('.quick-input-widget input.input').fill('Dark High Contrast');
    await page.locator('.quick-input-list .monaco-list-row', { hasText: 'Dark High Contrast' }).first().click();
    await until('the view to follow the high-contrast theme', async () => /vscode-high-contrast/.test(await frame.locator('body').getAttribute('class') ?? ''));
    await page.waitForTimeout(500);
    await workbench.screenshot('history-high-contrast');
  });

  it('says in its summary which ledger lines the totals leave out', async () => {
    const frame = await historyFrame(workbench);
    const note = frame.locator('[data-testid=summary-ledger-note]');
    await until('the note on lines left out', async () => {
      const text = await note.textContent({ timeout: 1_000 }).catch(() => '');
      return /1 record\(s\) from a newer Credit Meter, not counted/.test(text ?? '') && /1 unreadable line\(s\) set aside in quarantine/.test(text ?? '');
    }, 60_000);
    assert.equal(statusCount(await frame.locator('[data-testid=status-line]').textContent() ?? ''), RECORDS, 'neither line is a row');
  });

  it('filters by a model: the table and the totals change to that model', async () => {
    const frame = await historyFrame(workbench);
    const totalBefore = await frame.locator('[data-testid=summary-filtered] .card-value').first().textContent();
    await frame.locator('[data-testid=filter-models] summary').click();
    await frame.locator('[data-testid=filter-models] input[value="gpt-4.1"]').check();
    const expected = records.filter((record) => record.modelRequested === 'gpt-4.1' || record.modelServed === 'gpt-4.1');
    await waitFor('the table to count only gpt-4.1', () => shownCount(frame), (count) => count === expected.length);
    await waitFor('only gpt-4.1 rows in the table', () => frame.locator('.table-spacer .table-row:not([hidden]) .cell:nth-child(3)').allTextContents(),
      (models) => models.length > 0 && models.every((model) => model === 'gpt-4.1'));
    await waitFor('the filtered total to change', () => frame.locator('[data-testid=summary-filtered] .card-value').first().textContent(), (total) => total !== totalBefore);
    await frame.locator('[data-testid=filter-models] summary').click();
    await workbench.screenshot('history-filtered');

    // Text search over prompts, on top of the model filter; clearing it brings the model's rows back.
    const paginate = expected.filter((record) => record.prompt?.includes('paginate'));
    assert.ok(paginate.length > 0);
    await frame.locator('[data-testid=filter-search]').fill('paginate');
    await waitFor('the search to narrow the table', () => shownCount(frame), (count) => count === paginate.length);
    await frame.locator('[data-testid=filter-search]').fill('');
    await waitFor('the search to clear', () => shownCount(frame), (count) => count === expected.length);
  });

  it('moves through rows with the keyboard and opens the whole record in the drawer', async () => {
    const frame = await historyFrame(workbench);
    await frame.locator('.table-viewport').focus();
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    // Two presses move the selection to the second row (a wait for any selected row could see the first).
    await frame.locator('.table-row.selected[aria-rowindex="2"]').waitFor({ state: 'visible' });
    await page.keyboard.press('Enter');
    const drawer = frame.locator('aside.drawer');
    await drawer.locator('pre').first().waitFor({ state: 'visible' });
    await until('the whole record in the drawer', async () => {
      const text = await drawer.textContent() ?? '';
      assert.match(text, /Charge source/);
      assert.match(text, /Usage source/);
      assert.ok(records.some((record) => record.prompt !== undefined && text.includes(record.prompt)), 'the prompt is shown as text');
      return true;
    });
    await workbench.screenshot('history-details');
    await page.keyboard.press('Escape');
    await drawer.waitFor({ state: 'hidden' });
  });

  it('finds a request by its prompt or a context label, and shows its text as text, never as HTML', async () => {
    const frame = await historyFrame(workbench);
    const search = frame.locator('[data-testid=filter-search]');
    const all = await shownCount(frame);
    for (const text of ['ONERROR="document', 'label-only-here']) {
      await search.fill(text);
      await waitFor(`the search for ${text} to find the one request`, () => shownCount(frame), (count) => count === 1);
    }
    await frame.locator('.table-spacer .table-row:not([hidden])').first().dblclick();
    const drawer = frame.locator('aside.drawer');
    await waitFor('the hostile prompt in the drawer, as text', () => drawer.locator('pre').first().textContent(), (text) => text === HOSTILE_PROMPT);
    await waitFor('the context label as written', () => drawer.textContent(), (text) => (text ?? '').includes(HOSTILE_LABEL));
    assert.equal(await drawer.locator('img, b, script').count(), 0, 'no element made from record text');
    assert.equal(await frame.locator('body').getAttribute('data-injected'), null);
    await workbench.screenshot('history-details-text');
    await page.keyboard.press('Escape');
    await drawer.waitFor({ state: 'hidden' });
    await search.fill('');
    await waitFor('the search to clear', () => shownCount(frame), (count) => count === all);
  });

  it('exports what the view shows with its Export button', async () => {
    const frame = await historyFrame(workbench);
    const shown = await shownCount(frame);
    const credits = await frame.locator('[data-testid=summary-filtered] .card-value').first().textContent();
    const target = path.join(workbench.folder, 'usage-from-view.json');
    await frame.locator('[data-testid=export]').click();
    await quickPick(page, '1/6', 'JSON');
    await quickPick(page, '6/6', 'Leave prompts out');
    await saveAs(page, target);
    const text = await until('the exported file', () => (fs.existsSync(target) ? fs.readFileSync(target, 'utf8') : undefined));
    const exported = JSON.parse(text) as { rowCount: number; totals: { credits: number }; records: { modelRequested: string }[] };
    assert.equal(exported.rowCount, shown);
    assert.equal(exported.records.length, shown);
    assert.ok(exported.records.every((record) => record.modelRequested === 'gpt-4.1'));
    assert.equal(Number((credits ?? '').replace(/[^\d.]/g, '')).toFixed(3), exported.totals.credits.toFixed(3));
    // The message reads the same count and credits as the view, and offers to open or reveal the file.
    const toast = page.locator('.notifications-toasts .notification-toast', { hasText: `Exported ${shown.toLocaleString('en-US')} requests (${(credits ?? '').trim()} credits)` });
    await toast.waitFor({ state: 'visible' });
    await toast.getByRole('button', { name: 'Open' }).waitFor({ state: 'visible' });
    await toast.getByRole('button', { name: 'Reveal' }).waitFor({ state: 'visible' });
  });

  it('keeps its filter, scroll position and selected row when hidden and shown again', async () => {
    const before = await scrollAndSelect(await historyFrame(workbench));
    assert.match(before.models, /gpt-4\.1/);
    await workbench.runCommand('File: New Untitled Text File');
    // A hidden webview is destroyed (no retained context): what comes back is rebuilt from its saved state.
    await until('the view to be hidden', async () => (await workbench.webviewFrame('body[data-painted="true"] .table-viewport', 2_000).catch(() => undefined)) === undefined);
    await page.locator('.tabs-container .tab', { hasText: 'Credit Usage' }).first().click();
    await expectRestored(await historyFrame(workbench), before);
  });

  it('comes back after a reload with its filter, scroll position and selected row', async () => {
    const state = await scrollAndSelect(await historyFrame(workbench));
    const before = state.rows;
    // Reload the way a user does: the workbench shuts down properly and saves the view's state first.
    const navigated = page.waitForEvent('framenavigated', { predicate: (frame) => frame === page.mainFrame(), timeout: 60_000 });
    await workbench.runCommand('Developer: Reload Window');
    await navigated;
    await page.locator('.monaco-workbench').waitFor({ state: 'visible', timeout: 60_000 });
    const frame = await historyFrame(workbench);
    await waitFor('the restored filter', () => shownCount(frame), (count) => count === before);
    assert.match(await frame.locator('[data-testid=filter-models] summary').textContent() ?? '', /gpt-4\.1/);
    await expectRestored(frame, state);
  });

  it('exports from the command palette and the file is on disk', async () => {
    const target = path.join(workbench.folder, 'usage-e2e.csv');
    await workbench.runCommand('Credit Meter: Export Usage');
    const step = async (name: string, pick: () => Promise<void>) => {
      await pick();
      await page.waitForTimeout(300);
      await workbench.screenshot(`history-export-${name}`);
    };
    await step('format', () => quickPick(page, '1/6', 'CSV'));
    await step('range', () => quickPick(page, '2/6', 'All time'));
    await step('models', () => quickPick(page, '3/6')); // none picked = all
    await step('kinds', () => quickPick(page, '4/6'));
    await step('statuses', () => quickPick(page, '5/6'));
    await step('prompts', () => quickPick(page, '6/6', 'Leave prompts out'));
    await saveAs(page, target);
    const text = await until('the exported file', () => (fs.existsSync(target) ? fs.readFileSync(target, 'utf8') : undefined));
    const lines = text.trim().split('\r\n');
    assert.ok(lines.length - 1 >= RECORDS, `${lines.length - 1} rows`);
    await page.locator('.notifications-toasts', { hasText: 'Exported' }).waitFor({ state: 'visible' });
    await workbench.screenshot('history-exported');
  });
});
