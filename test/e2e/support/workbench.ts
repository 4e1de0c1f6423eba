// The real VS Code workbench in Chromium, driven as a person would: open a folder (trusted or in
// Restricted Mode), run commands from the palette, read the status bar, reach webviews, save
// screenshots. One VS Code server per trust state and one browser are shared by all suites of a
// mocha run (stopped by the root hook in hooks.ts, or at process exit); every Workbench gets a
// fresh browser context (so fresh user data and trust decisions) and a fresh workspace folder.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Browser, BrowserContext, Frame, Locator, Page } from 'playwright-core';
import { launchBrowser } from '../../../scripts/harness/browser';
import { pseudoLocaleInitScript } from '../../../scripts/harness/pseudoLocale';
import { repoRoot, startVscodeServer, type TrustState, type VscodeServer } from '../../../scripts/harness/vscodeServer';
import { createWorkspace } from '../../../scripts/harness/workspace';
import { STATE_TIMEOUT_MS, until, waitFor, WEBVIEW_LOAD_TIMEOUT_MS } from '../../support/waitFor';

export { STATE_TIMEOUT_MS, until, waitFor, WEBVIEW_LOAD_TIMEOUT_MS } from '../../support/waitFor';

export const extensionId = 'credit-meter.credit-meter';
export const screenshotDir = path.join(repoRoot, 'test-results', 'screenshots');

const servers = new Map<TrustState, Promise<VscodeServer>>();
let browser: Promise<Browser> | undefined;

function sharedServer(trust: TrustState): Promise<VscodeServer> {
  let server = servers.get(trust);
  if (!server) {
    server = startVscodeServer({ trust });
    servers.set(trust, server);
  }
  return server;
}

function sharedBrowser(): Promise<Browser> {
  browser ??= launchBrowser();
  return browser;
}

/** Stops the shared browser and servers (the e2e root hook calls this after all suites). */
export async function stopSharedProcesses(): Promise<void> {
  const pending = browser;
  browser = undefined;
  await pending?.then((b) => b.close(), () => undefined);
  const started = [...servers.values()];
  servers.clear();
  await Promise.all(started.map((server) => server.then((s) => s.stop(), () => undefined)));
}

/** Waits until `file` exists and is not empty; returns its path. */
export async function waitForFile(file: string, timeoutMs = STATE_TIMEOUT_MS): Promise<string> {
  return until(`file ${file}`, () => fs.existsSync(file) && fs.statSync(file).size > 0 && file, timeoutMs);
}

export interface OpenWorkbenchOptions {
  /** 'trusted' (default) or 'restricted' (Restricted Mode: the startup trust prompt is answered "No"). */
  trust?: TrustState;
  /** Files of the fresh workspace folder (relative path -> content); ignored when `folder` is given. */
  files?: Record<string, string>;
  /** Open this existing folder instead of a fresh one (it is not deleted on close). */
  folder?: string;
  viewport?: { width: number; height: number };
  /** A server of the suite's own (started with other machine settings), instead of the shared one of its trust state; the suite stops it. */
  server?: VscodeServer;
  /**
   * The workbench's display language (the pseudo-locale `qps-ploc`), set in the page before the
   * workbench loads (scripts/harness/pseudoLocale.ts); the suite writes the translations first.
   */
  locale?: string;
}

export class Workbench {
  private constructor(
    readonly page: Page,
    readonly context: BrowserContext,
    readonly server: VscodeServer,
    readonly folder: string,
    readonly trust: TrustState,
    private readonly disposeFolder: () => void,
  ) {}

  /** Opens the workbench on a folder with Credit Meter under development loaded. */
  static async open(options: OpenWorkbenchOptions = {}): Promise<Workbench> {
    const trust = options.server?.trust ?? options.trust ?? 'trusted';
    const [server, shared] = await Promise.all([options.server ?? sharedServer(trust), sharedBrowser()]);
    const workspace = options.folder ? { folder: options.folder, dispose: () => undefined } : createWorkspace(options.files);
    const context = await shared.newContext({ viewport: options.viewport ?? { width: 1400, height: 900 } });
    // Every Playwright wait (locator.waitFor, click, fill) gets the same generous deadline as `until`.
    context.setDefaultTimeout(STATE_TIMEOUT_MS);
    try {
      if (options.locale) {
        await context.addInitScript(pseudoLocaleInitScript, options.locale);
      }
      const page = await context.newPage();
      await page.goto(server.workbenchUrl({ folder: workspace.folder }), { timeout: 60_000 });
      await page.locator('.monaco-workbench .part.statusbar').waitFor({ state: 'visible', timeout: 60_000 });
      const workbench = new Workbench(page, context, server, workspace.folder, trust, () => workspace.dispose());
      if (trust === 'restricted') {
        await workbench.answerTrustPrompt(false);
      }
      return workbench;
    } catch (error) {
      await context.close();
      workspace.dispose();
      throw error;
    }
  }

  /** Answers the "Do you trust the authors…" startup dialog; fails if it never shows. */
  async answerTrustPrompt(trust: boolean): Promise<void> {
    const dialog = this.page.locator('.monaco-dialog-box');
    await dialog.waitFor({ state: 'visible' });
    const label = trust ? /Yes, I trust the authors/ : /No, I don't trust the authors/;
    await dialog.getByRole('button', { name: label }).click();
    await dialog.waitFor({ state: 'hidden' });
  }

  /**
   * Opens a quick input with `key` (F1: the command palette, Control+P: Quick Open), types `text`
   * and clicks the row whose label starts with `rowLabel`. A webview that finishes loading takes the
   * focus, and a quick input closes when it loses the focus; a key pressed meanwhile lands nowhere
   * (or in the webview). So the whole step is retried until the row is really clicked.
   */
  async pick(key: 'F1' | 'Control+P', text: string, rowLabel: string): Promise<void> {
    const input = this.page.locator('.quick-input-widget .quick-input-box input.input');
    const row = this.page.locator(`.quick-input-widget .quick-input-list .monaco-list-row[aria-label^="${rowLabel.replace(/["\\]/g, '\\$&')}" i]`).first();
    await until(`"${rowLabel}" picked from the quick input (${key}, "${text}")`, async () => {
      if (!(await input.isVisible()) || (key === 'F1') !== (await input.inputValue()).startsWith('>')) {
        await this.page.keyboard.press('Escape');
        await this.page.keyboard.press(key);
        await input.waitFor({ state: 'visible', timeout: 3_000 });
      }
      if ((await input.inputValue()) !== text) {
        await input.fill(text, { timeout: 3_000 });
      }
      await row.click({ timeout: 3_000 });
      return true;
    });
  }

  /** Runs a command from the command palette by its title, as a person does (F1, type, pick). */
  async runCommand(title: string): Promise<void> {
    await this.pick('F1', `>${title}`, title);
  }

  /** Opens a workspace file by name through Quick Open (Control+P). */
  async openFile(name: string): Promise<void> {
    await this.pick('Control+P', name, name);
  }

  /** The status-bar entry Credit Meter created with `createStatusBarItem(itemId, …)`. */
  statusBarItem(itemId: string): Locator {
    return this.page.locator(`.statusbar-item[id="${extensionId}.${itemId}"]`);
  }

  /** Ids of every status-bar entry shown (`publisher.name.itemId` for extension entries). */
  async statusBarIds(): Promise<string[]> {
    return this.page.locator('.statusbar-item').evaluateAll((items) => items.map((item) => item.id).filter((id) => id.length > 0));
  }

  /** Visible text of a Credit Meter status-bar entry, once it shows (whatever it says then). */
  async statusBarText(itemId: string, timeoutMs = STATE_TIMEOUT_MS): Promise<string> {
    const item = this.statusBarItem(itemId);
    await item.waitFor({ state: 'visible', timeout: timeoutMs });
    return (await item.innerText()).trim();
  }

  /** Waits until a status-bar entry's text matches `pattern`; returns the text (a failure shows the last text). */
  async waitForStatusBarText(itemId: string, pattern: RegExp, timeoutMs = STATE_TIMEOUT_MS): Promise<string> {
    return waitFor(`status bar ${itemId} to match ${pattern}`, () => this.statusBarItem(itemId).innerText({ timeout: 1_000 }).then((text) => text.trim(), () => '(not shown)'),
      (text) => pattern.test(text), timeoutMs);
  }

  /**
   * The content frame of a Credit Meter webview. Webviews are nested iframes: an outer frame whose
   * URL names the extension, holding the frame with the extension's HTML. `match` narrows by the
   * content (for example a selector only that view has).
   */
  async webviewFrame(contentSelector: string, timeoutMs = WEBVIEW_LOAD_TIMEOUT_MS): Promise<Frame> {
    return until(`a Credit Meter webview showing ${contentSelector}`, async () => {
      for (const outer of this.page.frames()) {
        if (!outer.url().includes(`extensionId=${extensionId}`)) {
          continue;
        }
        for (const inner of outer.childFrames()) {
          if (await inner.locator(contentSelector).count().catch(() => 0) > 0) {
            return inner;
          }
        }
      }
      return undefined;
    }, timeoutMs);
  }

  /** Clicks into a webview element so keyboard input goes there. */
  async focusInWebview(frame: Frame, selector: string): Promise<void> {
    await frame.locator(selector).click();
  }

  /** Saves a full-window screenshot as test-results/screenshots/<name>.png; returns its path. */
  async screenshot(name: string): Promise<string> {
    fs.mkdirSync(screenshotDir, { recursive: true });
    const file = path.join(screenshotDir, `${name}.png`);
    await this.page.screenshot({ path: file });
    return file;
  }

  /** Closes this browser context and removes the fresh folder (shared processes keep running). */
  async close(): Promise<void> {
    await this.context.close().catch(() => undefined);
    this.disposeFolder();
  }
}
