/**
 * How the extension hands its localisation bundle (`vscode.l10n.bundle`) to a webview: JSON in a
 * `<script type="application/json" id="l10n">` element of the page. A JSON script never runs, so the
 * strict CSP needs no exception; every `<`, `>` and `&` is written as a `\u` escape, so no translation
 * can close the element or open markup. The webview reads it back before it renders a word.
 */
import { z } from 'zod';

/** The id of the element that carries the bundle. */
export const L10N_ELEMENT_ID = 'l10n';

/** A bundle as `vscode.l10n.bundle` holds it: message (the English text) to translation. */
export type L10nBundle = Readonly<Record<string, string>>;

const BundleJson = z.record(z.string(), z.union([z.string(), z.object({ message: z.string() })]));

/** JSON that can sit inside a `<script>` element: no `<`, `>` or `&`, and no line separators that old parsers choke on. */
export function scriptSafeJson(value: unknown): string {
  return JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/**
 * The element the page carries: the bundle (empty for English) as script-safe JSON. It carries the
 * page's nonce like every script element of the page, though a JSON script never runs.
 */
export function l10nBundleElement(bundle: L10nBundle | undefined, nonce: string): string {
  return `<script type="application/json" id="${L10N_ELEMENT_ID}" nonce="${nonce}">${scriptSafeJson(bundle ?? {})}</script>`;
}

/**
 * The bundle from the element's text, as `@vscode/l10n`'s `config({ contents })` takes it. Anything
 * missing or malformed gives an empty bundle: the view then speaks English rather than nothing.
 */
export function parseL10nBundle(text: string | null | undefined): Record<string, string> {
  if (!text) {
    return {};
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return {};
  }
  const parsed = BundleJson.safeParse(json);
  if (!parsed.success) {
    return {};
  }
  return Object.fromEntries(Object.entries(parsed.data).map(([key, value]) => [key, typeof value === 'string' ? value : value.message]));
}
