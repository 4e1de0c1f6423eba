// Builds every bundle of Credit Meter: the extension host bundle, the CLI and the webviews.
// `--production` minifies and drops source maps; `--watch` rebuilds on change and says when a build
// starts and ends, with errors in a form the `watch` task's problem matcher reads (.vscode/tasks.json).
const esbuild = require('esbuild');
const fs = require('node:fs');
const path = require('node:path');

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

const common = {
  bundle: true,
  // `__TEST__` is false in the production bundles, so code for tests only (e.g. commands that read a
  // view's state back) is dropped from what ships.
  define: { __TEST__: production ? 'false' : 'true' },
  minify: production,
  sourcemap: !production,
  sourcesContent: false,
  logLevel: 'warning',
  legalComments: 'none',
};

/**
 * Node bundles prefer a package's ES module build: the OpenTelemetry packages ship both, and only the
 * ES modules let esbuild drop what is unused (about half of their size, e.g. the semantic-conventions
 * constants). Packages with an `exports` map are unaffected.
 */
const nodeMainFields = ['module', 'main'];

/** Webview entry points: one bundle each, only those that exist yet. */
const webviewEntries = ['compose', 'history']
  .map((name) => ({ name, file: path.join('src', 'webview', name, 'main.ts') }))
  .filter((entry) => fs.existsSync(entry.file));

const builds = [
  {
    ...common,
    entryPoints: ['src/extension/extension.ts'],
    outfile: 'dist/extension.js',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['vscode'],
    mainFields: nodeMainFields,
  },
  {
    ...common,
    entryPoints: ['src/cli/main.ts'],
    outfile: 'dist/cli.js',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    mainFields: nodeMainFields,
    banner: { js: '#!/usr/bin/env node' },
  },
  ...webviewEntries.map((entry) => ({
    ...common,
    entryPoints: [entry.file],
    outfile: `dist/webview/${entry.name}.js`,
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
  })),
];

/** Third-party webview assets (codicon font, uPlot styles), copied to git-ignored media/vendor so webviews can load them. */
const vendorAssets = ['@vscode/codicons/dist/codicon.css', '@vscode/codicons/dist/codicon.ttf', 'uplot/dist/uPlot.min.css'];

function copyVendorAssets() {
  const assets = vendorAssets;
  fs.mkdirSync(path.join(__dirname, 'media', 'vendor'), { recursive: true });
  for (const asset of assets) {
    fs.copyFileSync(require.resolve(asset), path.join(__dirname, 'media', 'vendor', path.basename(asset)));
  }
}

/** A production build must not ship the source maps an earlier development build left in dist/. */
function removeSourceMaps(dir) {
  if (!fs.existsSync(dir)) {
    return;
  }
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      removeSourceMaps(full);
    } else if (entry.name.endsWith('.map')) {
      fs.rmSync(full);
    }
  }
}

/**
 * In watch mode: one line when a rebuild starts and one when every bundle is done, each error and
 * warning as `✘ [ERROR] message` (`▲ [WARNING] message`) then `    file:line:column:`, which the
 * `watch` task's problem matcher reads. F5 waits for the first "build finished".
 */
function watchReporter(bundles) {
  // Every bundle's first build is under way once the contexts start watching.
  let active = bundles;
  console.log('[watch] build started');
  return {
    name: 'watch-reporter',
    setup(build) {
      let first = true;
      build.onStart(() => {
        if (first) {
          first = false;
        } else if (active++ === 0) {
          console.log('[watch] build started');
        }
      });
      build.onEnd((result) => {
        const messages = [...result.errors.map((message) => ['✘ [ERROR]', message]), ...result.warnings.map((message) => ['▲ [WARNING]', message])];
        for (const [label, { text, location }] of messages) {
          console.error(`${label} ${text}`);
          if (location) {
            console.error(`    ${location.file}:${location.line}:${location.column}:`);
          }
        }
        if (--active === 0) {
          console.log('[watch] build finished');
        }
      });
    },
  };
}

async function main() {
  if (production) {
    removeSourceMaps(path.join(__dirname, 'dist'));
  }
  copyVendorAssets();
  // The pre-tokenizer's Unicode classes come from a pinned Unicode database (scripts/buildUnicodeClasses.js);
  // the generated source is committed, and rewritten here only if the pinned data says otherwise.
  if (await require('./scripts/buildUnicodeClasses.js').buildUnicodeClasses()) {
    console.log('rewrote src/core/tokens/unicodeClassData.ts from the pinned Unicode database');
  }
  // The localisation bundle follows the sources' vscode.l10n.t / l10n.t messages (scripts/l10n.js).
  if (await require('./scripts/l10n.js').exportBundle()) {
    console.log('rewrote l10n/bundle.l10n.json from the messages in src/');
  }
  // The tokenizer's rank tables are generated once into dist/ranks (see scripts/buildRanks.js).
  require('./scripts/buildRanks.js').buildRanks(path.join(__dirname, 'dist', 'ranks'));
  if (watch) {
    const reporter = watchReporter(builds.length);
    for (const options of builds) {
      const context = await esbuild.context({ ...options, logLevel: 'silent', plugins: [reporter] });
      await context.watch();
    }
    return;
  }
  await Promise.all(builds.map((options) => esbuild.build(options)));
  fs.chmodSync('dist/cli.js', 0o755);
}

/** The bundles' options and the copied assets, for tools that inspect them (test/system/package checks what they contain). */
module.exports = { builds, vendorAssets };

if (require.main === module) {
  main().catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
