/**
 * History view with 100,000 records: the real bundle (dist/webview/history.js) and stylesheets in
 * headless Chromium under the same CSP as in VS Code, with a stand-in for `acquireVsCodeApi`.
 *
 * First paint = from the moment the snapshot message (columns + selection, as the extension sends it)
 * reaches the view's handler to the animation frame that draws the first table rows: reading the
 * message data (deserialisation), zod check, bitset decode,
 * sort, summary and the visible rows. Also shown from `postMessage` itself, which adds the browser's
 * clone of the 7 MB message. Charts are drawn after that frame and are not included.
 * Also measured: the extension's side (a real 100k-record ledger read into columns, the default
 * filter's selection and totals), the message size, rows in the DOM, and scrolling frame times.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { Ledger } from '../src/core/ledger/ledger';
import { SEGMENTS_DIR } from '../src/core/ledger/segmentFiles';
import { HistoryModel } from '../src/views/historyModel';
import type { ToWebview } from '../src/protocol/history';
import { DEFAULT_FILTER } from '../src/protocol/historyFilter';
import { generateRecords } from '../test/support/ledgerFixtures';
import { percentile, type BenchRow } from './table';

const ROWS = 100_000;
const RUNS = 3;
const ORIGIN = 'http://history.bench';
const root = path.resolve(__dirname, '..');

function chromiumPath(): string | undefined {
  for (const candidate of [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser']) {
    if (candidate && fs.existsSync(candidate)) {
      return candidate;
    }
  }
  return undefined;
}

function page(): string {
  const nonce = 'bench-nonce';
  const csp = `default-src 'none'; style-src ${ORIGIN}; img-src ${ORIGIN} data:; font-src ${ORIGIN}; script-src 'nonce-${nonce}'`;
  const styles = ['vendor/codicon.css', 'vendor/uPlot.min.css', 'webview.css', 'history.css'].map((name) => `<link rel="stylesheet" href="${ORIGIN}/media/${name}">`).join('');
  return `<!DOCTYPE html><html><head><meta charset="UTF-8"><meta http-equiv="Content-Security-Policy" content="${csp}">${styles}</head>
<body class="vscode-dark"><script nonce="${nonce}" src="${ORIGIN}/shim.js"></script><script nonce="${nonce}" src="${ORIGIN}/dist/webview/history.js"></script></body></html>`;
}

/** What the webview sees as `acquireVsCodeApi()`: posts are kept for the bench to read. */
const SHIM = 'window.__posted = []; let state; window.acquireVsCodeApi = () => ({ postMessage: (m) => window.__posted.push(m), getState: () => state, setState: (s) => { state = s; } });';

/** 100k records written straight into a ledger segment (as the ledger bench does), then opened for real. */
async function openLedger(dir: string): Promise<Ledger> {
  const segments = path.join(dir, SEGMENTS_DIR);
  fs.mkdirSync(segments, { recursive: true });
  const file = fs.openSync(path.join(segments, '20260101T000000000Z-999999990-bench.jsonl'), 'w');
  let batch: string[] = [];
  for (const record of generateRecords(ROWS, { seed: 11, days: 29, startDate: new Date(Date.now() - 29 * 86_400_000) })) {
    batch.push(JSON.stringify(record));
    if (batch.length === 1000) {
      fs.writeSync(file, batch.join('\n') + '\n');
      batch = [];
    }
  }
  fs.writeSync(file, batch.length > 0 ? batch.join('\n') + '\n' : '');
  fs.closeSync(file);
  return (await Ledger.open(dir)).ledger;
}

/** What the extension does when the view says `ready`: read the ledger into columns, select by the filter. */
async function snapshot(ledger: Ledger): Promise<{ message: ToWebview; loadMs: number; selectMs: number; searchMs: number }> {
  const started = performance.now();
  const { model, columns } = await HistoryModel.load(ledger, 0);
  const loaded = performance.now();
  const selection = await model.select(DEFAULT_FILTER, Date.now());
  const selected = performance.now();
  // A text search, as typed into the view: answered from the model's search index, not by re-reading records.
  const searchRuns: number[] = [];
  for (const search of ['paginate', 'src/billing', 'no such text anywhere']) {
    const before = performance.now();
    await model.select({ ...DEFAULT_FILTER, search }, Date.now());
    searchRuns.push(performance.now() - before);
  }
  const message: ToWebview = { type: 'snapshot', generation: 0, models: [...model.models], columns, selection, budget: { daily: 50, monthly: 1000 }, ledger: { quarantined: 0, damaged: 0, newerSchema: 0, indexRebuilt: null } };
  return { message, loadMs: loaded - started, selectMs: selected - loaded, searchMs: percentile(searchRuns, 50) };
}

async function measure(browser: Browser, message: ToWebview): Promise<{ paintMs: number; postMs: number; domRows: number; frameMs: number[]; cspErrors: string[] }> {
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  const tab = await context.newPage();
  const cspErrors: string[] = [];
  tab.on('console', (entry) => {
    if (/Content Security Policy|Refused to/i.test(entry.text())) {
      cspErrors.push(entry.text());
    }
  });
  await tab.route(`${ORIGIN}/**`, async (route) => {
    const url = new URL(route.request().url());
    if (url.pathname === '/' || url.pathname === '/index.html') {
      return route.fulfill({ contentType: 'text/html', body: page() });
    }
    if (url.pathname === '/shim.js') {
      return route.fulfill({ contentType: 'text/javascript', body: SHIM });
    }
    const file = path.join(root, decodeURIComponent(url.pathname));
    if (!file.startsWith(root) || !fs.existsSync(file)) {
      return route.fulfill({ status: 404, body: '' });
    }
    const type = file.endsWith('.css') ? 'text/css' : file.endsWith('.js') ? 'text/javascript' : 'application/octet-stream';
    return route.fulfill({ contentType: type, body: fs.readFileSync(file) });
  });
  await tab.goto(`${ORIGIN}/index.html`);
  await tab.waitForFunction('window.__posted.some((m) => m.type === "ready")');
  // Hand the data over first (not timed), then time postMessage -> painted rows inside the page.
  await tab.evaluate((data) => {
    (globalThis as unknown as { __snapshot: unknown }).__snapshot = data;
  }, message);
  // Two clocks: from the view's own mark when the message event reaches it (the data is deserialised
  // on first read, inside the timed part), and from postMessage (adds the browser's clone of the data).
  const timing = await tab.evaluate<{ fromPost: number; fromArrival: number }>(`new Promise((resolve) => {
    const started = performance.now();
    new MutationObserver(() => {
      if (document.body.dataset.painted === 'true') {
        const painted = performance.getEntriesByName('history:painted')[0].startTime;
        const arrived = performance.getEntriesByName('history:message')[0].startTime;
        resolve({ fromPost: painted - started, fromArrival: painted - arrived });
      }
    }).observe(document.body, { attributes: true, attributeFilter: ['data-painted'] });
    window.postMessage(window.__snapshot, '*');
  })`);
  const domRows = await tab.evaluate<number>('document.querySelectorAll(".table-spacer .table-row:not([hidden])").length');
  // Scroll through the table in big steps; each step is one frame to render.
  const frameMs = await tab.evaluate<number[]>(`(async () => {
    const viewport = document.querySelector('.table-viewport');
    const frame = () => new Promise((resolve) => requestAnimationFrame((time) => resolve(time)));
    const times = [];
    let previous = await frame();
    for (let step = 1; step <= 60; step++) {
      viewport.scrollTop = (viewport.scrollHeight * step) / 61;
      const now = await frame();
      times.push(now - previous);
      previous = now;
    }
    return times;
  })()`);
  await context.close();
  return { paintMs: timing.fromArrival, postMs: timing.fromPost, domRows, frameMs, cspErrors };
}

export async function run(): Promise<BenchRow[]> {
  const area = 'webview';
  const executablePath = chromiumPath();
  if (!fs.existsSync(path.join(root, 'dist', 'webview', 'history.js')) || !executablePath) {
    return [{ area, metric: 'history first paint, 100k rows', value: 'skipped (needs npm run build and chromium)' }];
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cm-bench-history-'));
  const ledger = await openLedger(dir);
  const { message, loadMs, selectMs, searchMs } = await snapshot(ledger).finally(() => ledger.close());
  fs.rmSync(dir, { recursive: true, force: true });
  assert.equal(message.type === 'snapshot' && message.selection.totals.requests, ROWS, 'the default filter selects every generated row');
  const bytes = Buffer.byteLength(JSON.stringify(message));
  const browser = await chromium.launch({ executablePath, headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'] });
  try {
    const runs = [];
    for (let i = 0; i < RUNS; i++) {
      runs.push(await measure(browser, message));
    }
    const paint = percentile(runs.map((r) => r.paintMs), 50);
    const fromPost = percentile(runs.map((r) => r.postMs), 50);
    const frames = runs.flatMap((r) => r.frameMs);
    const cspErrors = runs.flatMap((r) => r.cspErrors);
    return [
      { area, metric: 'history ledger read into columns (extension), 100k rows', value: `${loadMs.toFixed(0)} ms` },
      { area, metric: 'history filter selection + totals (extension), 100k rows', value: `${selectMs.toFixed(0)} ms` },
      { area, metric: 'history text search selection + totals (extension), 100k rows, median of 3', value: `${searchMs.toFixed(0)} ms`, target: '< 250 ms', ok: searchMs < 250 },
      { area, metric: 'history snapshot message, 100k rows', value: `${(bytes / (1024 * 1024)).toFixed(1)} MB as JSON` },
      { area, metric: `history first paint after the data arrives, 100k rows (median of ${RUNS})`, value: `${paint.toFixed(0)} ms`, target: '< 300 ms', ok: paint < 300 },
      { area, metric: 'history first paint incl. postMessage clone, 100k rows', value: `${fromPost.toFixed(0)} ms` },
      { area, metric: 'history table rows in the DOM, 100k rows', value: String(runs[0].domRows), target: '< 100', ok: runs[0].domRows < 100 },
      { area, metric: 'history scroll frame p50 / p95', value: `${percentile(frames, 50).toFixed(0)} / ${percentile(frames, 95).toFixed(0)} ms`, target: 'p95 < 50 ms', ok: percentile(frames, 95) < 50 },
      { area, metric: 'history CSP violations', value: String(cspErrors.length), target: '0', ok: cspErrors.length === 0 },
    ];
  } finally {
    await browser.close();
  }
}
