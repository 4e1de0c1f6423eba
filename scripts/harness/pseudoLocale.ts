// The pseudo-locale (qps-ploc) for the localisation tests: the extension's two English files
// (package.nls.json, l10n/bundle.l10n.json) pseudo-translated by @vscode/l10n-dev beside them, where
// VS Code looks for a language's translations, for the length of one run; and the workbench started
// in that display language.
//
// VS Code's server picks a web client's display language from a language pack: without one for
// qps-ploc (none ships, and none can be downloaded here) the workbench's own texts stay English, and
// it tells the extension host the language the page's NLS script set. A language pack's script sets
// `globalThis._VSCODE_NLS_LANGUAGE` before the workbench loads; `pseudoLocaleInitScript` does the
// same, so the workbench, the manifest scan and the extension host all run in qps-ploc, as with a pack.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { repoRoot } from './vscodeServer';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const l10nScript = require('../l10n.js') as { PSEUDO_LOCALE: string; writePseudoLocale(dir: string): { bundle: string; manifest: string } };

export const PSEUDO_LOCALE = l10nScript.PSEUDO_LOCALE;

/** The pseudo-translations of the extension's files, written where VS Code reads them. */
export interface PseudoLocaleFiles {
  /** l10n/bundle.l10n.qps-ploc.json */
  readonly bundle: string;
  /** package.nls.qps-ploc.json */
  readonly manifest: string;
  /** Removes both (they are git-ignored and never packaged, but not left behind either). */
  dispose(): void;
}

/** Writes the pseudo-translations into `extensionRoot` (this repository by default). */
export function writePseudoLocaleFiles(extensionRoot = repoRoot): PseudoLocaleFiles {
  const written = l10nScript.writePseudoLocale(path.join(extensionRoot, 'l10n'));
  // package.nls.<language>.json lives beside package.json, not in l10n/.
  const manifest = path.join(extensionRoot, path.basename(written.manifest));
  fs.renameSync(written.manifest, manifest);
  return {
    bundle: written.bundle,
    manifest,
    dispose: () => {
      fs.rmSync(written.bundle, { force: true });
      fs.rmSync(manifest, { force: true });
    },
  };
}

/** For Playwright's `addInitScript`: runs in every page before the workbench's scripts. */
export function pseudoLocaleInitScript(locale: string): void {
  (globalThis as { _VSCODE_NLS_LANGUAGE?: string })._VSCODE_NLS_LANGUAGE = locale;
}
