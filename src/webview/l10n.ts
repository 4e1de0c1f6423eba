/**
 * Configures `@vscode/l10n` in a webview from the bundle the extension wrote into the page. Each
 * webview entry calls it first: every string is looked up when it is rendered, after this.
 */
import * as l10n from '@vscode/l10n';
import { L10N_ELEMENT_ID, parseL10nBundle } from '../protocol/l10nBundle';

export function configureL10n(doc: Document = document): void {
  l10n.config({ contents: parseL10nBundle(doc.getElementById(L10N_ELEMENT_ID)?.textContent) });
}

