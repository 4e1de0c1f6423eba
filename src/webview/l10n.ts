/**
 * Configures `@vscode/l10n` in a webview from the bundle the extension wrote into the page. Each
 * webview entry calls it first: every string is looked up when it is rendered, after this.
 */
import * as l10n from '@vscode/l10n';
import { L10N_ELEMENT_ID, parseL10nBundle } from '../protocol/l10nBundle';

export function configureL10n(doc: Document = document): void {
  l10n.config({ contents: parseL10nBundle(doc.getElementById(L10N_ELEMENT_ID)?.textContent) });
}

/**
 * A translated message with elements in it: `{0}`, `{1}`, … of `template` (a message looked up without
 * arguments, so its placeholders are still there) become `parts[0]`, `parts[1]`, …, and the text
 * between them stays text. Translators may move the placeholders; the elements follow them.
 */
export function withParts(template: string, ...parts: (Node | string)[]): (Node | string)[] {
  const out: (Node | string)[] = [];
  let last = 0;
  for (const match of template.matchAll(/\{(\d+)\}/g)) {
    const part = parts[Number(match[1])];
    if (part === undefined) {
      continue;
    }
    if (match.index > last) {
      out.push(template.slice(last, match.index));
    }
    out.push(part);
    last = match.index + match[0].length;
  }
  if (last < template.length) {
    out.push(template.slice(last));
  }
  return out;
}
