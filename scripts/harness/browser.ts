// Debian's Chromium driven by playwright-core: headless, no sandbox (CI runs as root), no network
// chatter. Playwright owns the browser process and closes it with `browser.close()`.
import { chromium, type Browser } from 'playwright-core';
import { chromiumPath } from './installVscodeServer';

export const chromiumArgs = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
  '--disable-dev-shm-usage',
];

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: chromiumPath(), headless: true, args: chromiumArgs });
}
