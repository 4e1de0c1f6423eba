// The localisation bundle of the extension: every `vscode.l10n.t(...)` and `l10n.t(...)` (from
// @vscode/l10n) message under src/, exported by @vscode/l10n-dev (the same extraction as
// `npx @vscode/l10n-dev export -o l10n src`) into l10n/bundle.l10n.json, which ships with the
// extension ("l10n": "./l10n" in package.json). Translations are bundle.l10n.<language>.json beside it,
// and package.nls.<language>.json beside package.nls.json for the manifest's texts.
//   node scripts/l10n.js            rewrite l10n/bundle.l10n.json when the sources say otherwise (npm run l10n)
//   node scripts/l10n.js --pseudo D write the qps-ploc pseudo-translation of both files into folder D
// esbuild.js calls exportBundle() on every build; test/unit/package/l10nBundle.test.ts fails on a stale bundle.
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const BUNDLE_FILE = path.join(root, 'l10n', 'bundle.l10n.json');
const MANIFEST_NLS_FILE = path.join(root, 'package.nls.json');
/** The pseudo-locale VS Code knows (its "Pseudo Language" pack uses it): every text visibly altered, still readable. */
const PSEUDO_LOCALE = 'qps-ploc';

function sourceFiles(dir) {
  return fs.readdirSync(dir, { withFileTypes: true })
    .flatMap((entry) => {
      const full = path.join(dir, entry.name);
      return entry.isDirectory() ? sourceFiles(full) : /\.(ts|tsx|js|jsx)$/.test(entry.name) ? [full] : [];
    })
    .sort();
}

/** The messages of every source file under src/, as @vscode/l10n-dev extracts them. */
async function extractMessages() {
  const { getL10nJson } = require('@vscode/l10n-dev');
  const files = sourceFiles(path.join(root, 'src')).map((file) => ({ extension: path.extname(file), contents: fs.readFileSync(file, 'utf8') }));
  return getL10nJson(files);
}

/** The bundle file's text for these messages (the layout @vscode/l10n-dev's export writes). */
function bundleText(messages) {
  return JSON.stringify(messages, undefined, 2);
}

/** Rewrites l10n/bundle.l10n.json when the sources changed its messages; true when it did. */
async function exportBundle(file = BUNDLE_FILE) {
  const text = bundleText(await extractMessages());
  if (fs.existsSync(file) && fs.readFileSync(file, 'utf8') === text) {
    return false;
  }
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
  return true;
}

/**
 * Writes `bundle.l10n.qps-ploc.json` and `package.nls.qps-ploc.json` (the committed English files,
 * pseudo-translated by @vscode/l10n-dev) into `dir`, and returns their paths. Generated for tests only.
 */
function writePseudoLocale(dir) {
  const { getL10nPseudoLocalized } = require('@vscode/l10n-dev');
  const written = {
    bundle: path.join(dir, `bundle.l10n.${PSEUDO_LOCALE}.json`),
    manifest: path.join(dir, `package.nls.${PSEUDO_LOCALE}.json`),
  };
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(written.bundle, JSON.stringify(getL10nPseudoLocalized(JSON.parse(fs.readFileSync(BUNDLE_FILE, 'utf8'))), undefined, 2));
  fs.writeFileSync(written.manifest, JSON.stringify(getL10nPseudoLocalized(JSON.parse(fs.readFileSync(MANIFEST_NLS_FILE, 'utf8'))), undefined, 2));
  return written;
}

module.exports = { BUNDLE_FILE, MANIFEST_NLS_FILE, PSEUDO_LOCALE, extractMessages, bundleText, exportBundle, writePseudoLocale };

if (require.main === module) {
  const pseudo = process.argv.indexOf('--pseudo');
  const run = pseudo >= 0
    ? Promise.resolve(writePseudoLocale(path.resolve(process.argv[pseudo + 1] ?? '.'))).then((written) => console.log(`wrote ${Object.values(written).join(' and ')}`))
    : exportBundle().then((changed) => console.log(changed ? `wrote ${path.relative(process.cwd(), BUNDLE_FILE)}` : `${path.relative(process.cwd(), BUNDLE_FILE)} is up to date`));
  run.catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
