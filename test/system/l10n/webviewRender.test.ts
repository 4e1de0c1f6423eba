/**
 * The real webview bundles in headless Chromium, under the CSP the extension writes, with the bundle
 * element as `renderWebviewHtml` writes it: the entries configure `@vscode/l10n` from the page before
 * they render, so Compose and History come up pseudo-localised; with no bundle they speak English; a
 * hostile translation is shown as text and runs nothing.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as esbuild from 'esbuild';
import { chromium, type Browser, type Page } from 'playwright-core';
import { l10nBundleElement, type L10nBundle } from '../../../src/protocol/l10nBundle';
import { pseudoBundle } from '../../support/pseudoBundle';

const ORIGIN = 'http://webview.test';
const NONCE = 'test-nonce';
const root = path.resolve(__dirname, '..', '..', '..');

function chromiumPath(): string {
  const found = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'].find((candidate) => candidate && fs.existsSync(candidate));
  if (!found) {
    throw new Error('No Chromium found: install Debian chromium or set CHROMIUM_PATH');
  }
  return found;
}

/** The entry bundled as esbuild.js bundles it for the webview (browser, iife). */
async function bundle(name: 'compose' | 'history'): Promise<string> {
  const result = await esbuild.build({ entryPoints: [path.join(root, 'src', 'webview', name, 'main.ts')], bundle: true, platform: 'browser', format: 'iife', target: 'es2022', write: false, logLevel: 'silent' });
  return result.outputFiles[0].text;
}

/** What the webview sees as `acquireVsCodeApi()`. */
const SHIM = 'window.__posted = []; let state; window.acquireVsCodeApi = () => ({ postMessage: (m) => window.__posted.push(m), getState: () => state, setState: (s) => { state = s; } });';

function html(script: string, l10n: L10nBundle, body = ''): string {
  const csp = `default-src 'none'; style-src ${ORIGIN}; img-src ${ORIGIN} data:; font-src ${ORIGIN}; script-src 'nonce-${NONCE}'`;
  return `<!DOCTYPE html><html lang="qps-ploc"><head><meta charset="UTF-8"><meta http-equiv="Content-Security-Policy" content="${csp}"></head>
<body>${l10nBundleElement(l10n, NONCE)}${body}<script nonce="${NONCE}" src="${ORIGIN}/shim.js"></script><script nonce="${NONCE}" src="${ORIGIN}/${script}"></script></body></html>`;
}

describe('localisation: the webviews in Chromium', function () {
  let browser: Browser;
  let scripts: Record<'compose' | 'history', string>;
  let pseudo: Record<string, string>;

  before(async () => {
    [scripts, pseudo] = await Promise.all([
      Promise.all([bundle('compose'), bundle('history')]).then(([compose, history]) => ({ compose, history })),
      pseudoBundle(),
    ]);
    browser = await chromium.launch({ executablePath: chromiumPath(), args: ['--no-sandbox'] });
  });

  after(async () => {
    await browser?.close();
  });

  async function open(name: 'compose' | 'history', l10n: L10nBundle): Promise<{ page: Page; errors: string[] }> {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    page.on('console', (entry) => {
      if (entry.type() === 'error') {
        errors.push(entry.text());
      }
    });
    const body = name === 'compose' ? '<main id="compose"></main>' : '';
    await page.route(`${ORIGIN}/**`, (route) => {
      const url = new URL(route.request().url());
      if (url.pathname === '/index.html') {
        return route.fulfill({ contentType: 'text/html', body: html(`${name}.js`, l10n, body) });
      }
      if (url.pathname === '/shim.js') {
        return route.fulfill({ contentType: 'text/javascript', body: SHIM });
      }
      if (url.pathname === `/${name}.js`) {
        return route.fulfill({ contentType: 'text/javascript', body: scripts[name] });
      }
      return route.fulfill({ status: 404, body: '' });
    });
    await page.goto(`${ORIGIN}/index.html`);
    await page.waitForFunction('window.__posted.some((m) => m.type === "ready")', undefined, { timeout: 60_000 });
    return { page, errors };
  }

  it('renders Compose pseudo-localised from the bundle in the page', async () => {
    const { page, errors } = await open('compose', pseudo);
    assert.equal(await page.locator('button.send').innerText(), pseudo.Send);
    assert.equal(await page.locator('textarea.prompt').getAttribute('placeholder'), pseudo['Ask about your code. Ctrl+Enter sends.']);
    assert.equal(await page.locator('select.kind option[value="refactor"]').innerText(), pseudo.Refactor);
    assert.equal(await page.locator('.getting-started a').innerText(), pseudo['Get started']);
    const [before, after] = pseudo['New to Credit Meter? {0}: set an API key, pick a model, see an estimate, send.'].split('{0}');
    assert.equal(await page.locator('.getting-started').innerText(), `${before}${pseudo['Get started']}${after}`);
    assert.deepEqual(errors, []);
    await page.close();
  });

  it('renders History pseudo-localised from the bundle in the page', async () => {
    const { page, errors } = await open('history', pseudo);
    assert.equal(await page.locator('[data-testid=status-line]').innerText(), pseudo['Loading usage…']);
    assert.equal(await page.locator('[data-testid=filter-range]').getAttribute('aria-label'), pseudo['Date range']);
    assert.equal(await page.locator('[data-testid=filter-range] option[value="last7"]').innerText(), pseudo['Last 7 days']);
    assert.equal((await page.locator('.table-head button[data-column="time"]').innerText()).trim(), pseudo.Time);
    assert.equal(await page.locator('figcaption').first().innerText(), pseudo['Credits per day, by model']);
    assert.deepEqual(errors, []);
    await page.close();
  });

  it('speaks English with an empty bundle', async () => {
    const { page } = await open('compose', {});
    assert.equal(await page.locator('button.send').innerText(), 'Send');
    assert.equal(await page.locator('.getting-started').innerText(), 'New to Credit Meter? Get started: set an API key, pick a model, see an estimate, send.');
    await page.close();
  });

  it('shows a hostile translation as text: no markup, nothing runs', async () => {
    const hostile = '</script><img src=x onerror="window.__pwned = 1"><script>window.__pwned = 2</script>';
    const { page } = await open('compose', { Send: hostile, 'Get started': '<b id="injected">bold</b>' });
    assert.equal(await page.locator('button.send').innerText(), hostile);
    assert.equal(await page.locator('.getting-started a').innerText(), '<b id="injected">bold</b>');
    assert.equal(await page.locator('img, #injected').count(), 0);
    assert.equal(await page.evaluate('window.__pwned'), undefined);
    assert.equal(await page.locator('script').count(), 3, 'the bundle element, the shim and the entry: nothing added');
    await page.close();
  });
});
