import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';

/** A fresh, unguessable nonce per render; the CSP only runs scripts that carry it. */
export function createNonce(): string {
  return randomBytes(18).toString('base64');
}

/** Folders a webview may load from: the bundles and the media, nothing else. */
export function webviewResourceRoots(extensionUri: vscode.Uri): vscode.Uri[] {
  return [vscode.Uri.joinPath(extensionUri, 'dist', 'webview'), vscode.Uri.joinPath(extensionUri, 'media')];
}

/**
 * The only commands a webview may run from a `command:` link (`enableCommandUris`): the Getting
 * Started walkthrough, which the empty Compose and History views point to.
 */
export const WEBVIEW_COMMAND_LINKS: readonly string[] = ['creditMeter.openWalkthrough'];

export interface WebviewPage {
  readonly title: string;
  /** Bundle under dist/webview, e.g. `history.js`. */
  readonly script: string;
  /** Stylesheets under media/, e.g. `['webview.css', 'history.css']`. */
  readonly styles: readonly string[];
  /** Static markup for the body; the script builds the rest. Must not contain inline scripts or styles. */
  readonly body?: string;
}

/**
 * The HTML shell of every Credit Meter webview, with the strict CSP of the official samples:
 * nothing loads unless it comes from the extension's own roots, and only the nonce'd bundle runs.
 */
export function renderWebviewHtml(webview: vscode.Webview, extensionUri: vscode.Uri, page: WebviewPage): string {
  const nonce = createNonce();
  const asset = (...segments: string[]) => webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, ...segments)).toString();
  const csp = [
    "default-src 'none'",
    `style-src ${webview.cspSource}`,
    `img-src ${webview.cspSource} data:`,
    `font-src ${webview.cspSource}`,
    `script-src 'nonce-${nonce}'`,
  ].join('; ');
  const styles = page.styles.map((name) => `<link rel="stylesheet" href="${asset('media', name)}">`).join('\n    ');
  return `<!DOCTYPE html>
<html lang="en">
  <head>
    <meta charset="UTF-8">
    <meta http-equiv="Content-Security-Policy" content="${csp}">
    <meta name="viewport" content="width=device-width, initial-scale=1.0">
    ${styles}
    <title>${escapeHtml(page.title)}</title>
  </head>
  <body>
    ${page.body ?? ''}
    <script nonce="${nonce}" src="${asset('dist', 'webview', page.script)}"></script>
  </body>
</html>`;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}
