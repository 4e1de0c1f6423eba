/**
 * The packages as they ship. `npm run package` builds the production bundles and writes the .vsix
 * and the command line's npm tarball without a single warning. The .vsix holds exactly what the
 * extension runs (no source maps, no CLI, no sources), under 3.5 MB, with a 128 px icon, a user
 * README whose every link points inside the package or to a URL we mean, and a manifest Open VSX
 * accepts. The tarball holds the CLI alone, which runs from it. Every runtime dependency is in a bundle.
 */
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as os from 'node:os';
import * as path from 'node:path';
import * as esbuild from 'esbuild';
import { pngSize, readTarGz, readZip } from '../../support/archives';

const root = path.resolve(__dirname, '..', '..', '..');
const load = createRequire(__filename);
const manifest = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as Manifest;

interface Manifest {
  readonly name: string;
  readonly publisher: string;
  readonly version: string;
  readonly displayName: string;
  readonly description: string;
  readonly license: string;
  readonly icon: string;
  readonly main: string;
  readonly bin: Record<string, string>;
  readonly categories: string[];
  readonly keywords: string[];
  readonly engines: Record<string, string>;
  readonly galleryBanner: { color: string; theme: string };
  readonly repository: { url: string };
  readonly bugs: { url: string };
  readonly homepage: string;
  readonly dependencies: Record<string, string>;
  readonly scripts: Record<string, string>;
  readonly contributes: {
    viewsContainers: { activitybar: { icon: string }[] };
    views: Record<string, { icon?: string }[]>;
    walkthroughs: { steps: { media: { markdown?: string; image?: string; svg?: string } }[] }[];
    jsonValidation: { url: string }[];
  };
}

/** The .vsix, file by file: exactly what the extension needs at run time (vsce adds the first two and renames README, CHANGELOG and LICENSE). */
const EXPECTED_VSIX = [
  '[Content_Types].xml',
  'extension.vsixmanifest',
  'extension/package.json',
  'extension/package.nls.json',
  'extension/l10n/bundle.l10n.json',
  'extension/readme.md',
  'extension/changelog.md',
  'extension/LICENSE.txt',
  'extension/dist/extension.js',
  'extension/dist/webview/compose.js',
  'extension/dist/webview/history.js',
  'extension/dist/ranks/o200k_base.bin',
  'extension/dist/ranks/cl100k_base.bin',
  'extension/media/icon.png',
  'extension/media/credit-meter.svg',
  'extension/media/credit-profile.schema.json',
  'extension/media/webview.css',
  'extension/media/compose.css',
  'extension/media/history.css',
  'extension/media/vendor/codicon.css',
  'extension/media/vendor/codicon.ttf',
  'extension/media/vendor/uPlot.min.css',
  ...['apiKey', 'model', 'estimate', 'send', 'history', 'budget', 'connect'].map((step) => `extension/media/walkthrough/${step}.md`),
].sort();

/** The command line's npm package (npm puts it under `package/`). */
const EXPECTED_TARBALL = ['LICENSE', 'README.md', 'package.json', 'dist/cli.js', 'dist/ranks/o200k_base.bin', 'dist/ranks/cl100k_base.bin'].map((file) => `package/${file}`).sort();

const MAX_VSIX_BYTES = 3.5 * 1024 * 1024;

/** Where the repository's files are on the web once it is published (what vsce rewrites relative links to). */
const REPOSITORY = 'https://github.com/credit-meter/credit-meter';
/** External links the user README and changelog may hold: only these. */
const INTENDED_EXTERNAL_LINKS = new Set([`${REPOSITORY}/issues`]);

/** Links of a markdown text: link and image targets, autolinks, HTML src/href, and bare URLs outside code. */
function linksOf(markdown: string): { target: string; image: boolean }[] {
  const prose = markdown.replace(/```[\s\S]*?```/g, '').replace(/`[^`\n]*`/g, '');
  const links: { target: string; image: boolean }[] = [];
  for (const match of prose.matchAll(/(!?)\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)) {
    links.push({ target: match[2], image: match[1] === '!' });
  }
  for (const match of prose.matchAll(/<(img|a)\b[^>]*?\b(?:src|href)=["']([^"']+)["']/gi)) {
    links.push({ target: match[2], image: match[1].toLowerCase() === 'img' });
  }
  for (const match of prose.matchAll(/<(https?:\/\/[^>\s]+)>/g)) {
    links.push({ target: match[1], image: false });
  }
  const withoutLinks = prose.replace(/\]\([^)]*\)/g, ']').replace(/<[^>]*>/g, '');
  for (const match of withoutLinks.matchAll(/\bhttps?:\/\/[^\s)>\]"'`]+/g)) {
    links.push({ target: match[0].replace(/[.,;:]$/, ''), image: false });
  }
  return links;
}

/** GitHub's anchor of a heading. */
function anchorOf(heading: string): string {
  return heading.trim().toLowerCase().replace(/[^\p{L}\p{N}\s-]/gu, '').replace(/\s/g, '-');
}

function run(command: string, args: string[]): { status: number | null; output: string } {
  const result = spawnSync(command, args, { cwd: root, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' }, maxBuffer: 64 * 1024 * 1024 });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

describe('system: the packages as they ship', function () {
  let packaging: { status: number | null; output: string };
  let vsix: Map<string, Buffer>;
  let vsixBytes: number;
  let tarball: Map<string, Buffer>;
  let tarballFile: string;

  before(function () {
    this.timeout(600_000);
    for (const stale of ['credit-meter.vsix', `credit-meter-${manifest.version}.tgz`]) {
      fs.rmSync(path.join(root, stale), { force: true });
    }
    packaging = run('npm', ['run', 'package']);
    assert.equal(packaging.status, 0, packaging.output);
    const vsixFile = path.join(root, 'credit-meter.vsix');
    vsixBytes = fs.statSync(vsixFile).size;
    vsix = readZip(fs.readFileSync(vsixFile));
    tarballFile = path.join(root, `credit-meter-${manifest.version}.tgz`);
    tarball = readTarGz(fs.readFileSync(tarballFile));
  });

  it('are built by npm run package without a warning, the bundles in production mode first', () => {
    const warnings = packaging.output.split('\n').filter((line) => /\bwarn(ing)?\b/i.test(line));
    assert.deepEqual(warnings, [], packaging.output);
    assert.equal(manifest.scripts['vscode:prepublish'], 'node esbuild.js --production');
    assert.match(packaging.output, /vscode:prepublish/);
  });

  it('the .vsix holds exactly the files the extension needs', () => {
    assert.deepEqual([...vsix.keys()].sort(), EXPECTED_VSIX);
  });

  it(`the .vsix is under ${MAX_VSIX_BYTES / 1024 / 1024} MB, with minified bundles, no source map and no command line`, () => {
    assert.ok(vsixBytes < MAX_VSIX_BYTES, `${vsixBytes} bytes`);
    const names = [...vsix.keys()];
    assert.deepEqual(names.filter((name) => /\.map$|\.ts$|cli\.js$|node_modules|\/src\/|\/test\//.test(name)), []);
    for (const bundle of names.filter((name) => name.endsWith('.js'))) {
      const code = vsix.get(bundle)?.toString('utf8') ?? '';
      assert.doesNotMatch(code, /sourceMappingURL/, bundle);
      assert.ok(code.length / code.split('\n').length > 300, `${bundle} is minified`);
    }
  });

  it('the production bundle registers no test-only command', () => {
    const code = vsix.get('extension/dist/extension.js')?.toString('utf8') ?? '';
    assert.ok(code.includes('creditMeter.compose.send'), 'the bundle is the extension (its own commands are in it)');
    assert.ok(!code.includes('creditMeter.compose.snapshot'), 'the snapshot command is for tests only');
  });

  it('the .vsix icon is a 128 px PNG, and every file the manifest names is in it', () => {
    const packaged = JSON.parse(vsix.get('extension/package.json')?.toString('utf8') ?? '{}') as Manifest;
    assert.equal(packaged.icon, 'media/icon.png');
    assert.deepEqual(pngSize(vsix.get(`extension/${packaged.icon}`) ?? Buffer.alloc(0)), { width: 128, height: 128 });
    const named = [
      packaged.main,
      packaged.icon,
      ...packaged.contributes.viewsContainers.activitybar.map((container) => container.icon),
      ...Object.values(packaged.contributes.views).flat().flatMap((view) => (view.icon ? [view.icon] : [])),
      ...packaged.contributes.walkthroughs.flatMap((walkthrough) => walkthrough.steps.flatMap((step) => Object.values(step.media).filter((value) => /\.(md|svg|png)$/.test(value)))),
      ...packaged.contributes.jsonValidation.map((validation) => validation.url),
    ];
    assert.ok(named.length >= 10);
    for (const file of named) {
      assert.ok(vsix.has(`extension/${path.posix.normalize(file)}`), `${file} is named by the manifest but not packaged`);
    }
    // The webviews' stylesheets and vendor assets, as the extension loads them.
    for (const css of ['webview.css', 'compose.css', 'history.css', 'vendor/codicon.css', 'vendor/uPlot.min.css']) {
      assert.ok(vsix.has(`extension/media/${css}`), css);
    }
  });

  it('the packaged README is the user one, and every link in it and in the changelog points inside the package or to a URL we mean', () => {
    const readme = vsix.get('extension/readme.md')?.toString('utf8') ?? '';
    assert.match(readme, /^# Credit Meter/);
    assert.match(readme, /## Privacy: what is stored, and where/);
    assert.doesNotMatch(readme, /npm test|npm install|test\/integration|src\//, 'no contributor instructions or source paths');
    const tracked = new Set(run('git', ['ls-files']).output.split('\n'));
    /** A repository file vsce rewrote a link to: the package's own copy, or a screenshot the repository holds. */
    const packagedAs = (repoPath: string): string | undefined => ({ 'CHANGELOG.md': 'changelog.md', LICENSE: 'LICENSE.txt', 'MARKETPLACE.md': 'readme.md' } as Record<string, string>)[repoPath] ?? repoPath;
    let images = 0;
    let links = 0;
    for (const [document, text] of [['readme.md', readme], ['changelog.md', vsix.get('extension/changelog.md')?.toString('utf8') ?? '']] as const) {
      const anchors = new Set([...text.matchAll(/^#+\s+(.+)$/gm)].map((match) => anchorOf(match[1])));
      for (const { target, image } of linksOf(text)) {
        images += image ? 1 : 0;
        links += image ? 0 : 1;
        const where = `${document}: ${image ? 'image' : 'link'} ${target}`;
        if (target.startsWith('#')) {
          assert.ok(anchors.has(target.slice(1)), `${where} names no heading`);
          continue;
        }
        assert.match(target, /^https:\/\//, `${where} is not an https URL (a relative link vsce did not rewrite?)`);
        const inRepository = /^https:\/\/github\.com\/credit-meter\/credit-meter\/(blob|raw)\/HEAD\/(.+)$/.exec(target);
        if (inRepository) {
          const repoPath = decodeURIComponent(inRepository[2]);
          assert.equal(inRepository[1] === 'raw', image, `${where}: images come from raw/, links from blob/`);
          const screenshot = /^media\/screenshots\/[\w-]+\.png$/.test(repoPath) && tracked.has(repoPath) && fs.existsSync(path.join(root, repoPath));
          assert.ok(screenshot || vsix.has(`extension/${packagedAs(repoPath)}`), `${where} is neither in the package nor a screenshot in the repository`);
          if (image) {
            assert.ok(pngSize(fs.readFileSync(path.join(root, repoPath))).width >= 800, `${where} is a full-size screenshot`);
          }
          continue;
        }
        assert.ok(INTENDED_EXTERNAL_LINKS.has(target), `${where} is not a link we mean`);
      }
    }
    assert.ok(images >= 4 && links >= 3, `${images} images and ${links} links found`);
  });

  it('finds every kind of link a README can hold (the check above relies on it)', () => {
    const sample = [
      '![shot](https://x.test/a.png "title") and [doc](https://x.test/b) and <https://x.test/c>,',
      'see https://x.test/d. <img src="https://x.test/e.png"> <a href="#top">up</a>',
      '`https://x.test/code` and', '```sh', 'curl https://x.test/block', '```',
    ].join('\n');
    assert.deepEqual(linksOf(sample).map((link) => `${link.image ? 'image' : 'link'} ${link.target}`).sort(), [
      'image https://x.test/a.png', 'image https://x.test/e.png', 'link #top', 'link https://x.test/b', 'link https://x.test/c', 'link https://x.test/d',
    ]);
  });

  it('the .vsix manifest is one Open VSX accepts: ovsx\'s own checks and the registry\'s rules', async () => {
    const vsixFile = path.join(root, 'credit-meter.vsix');
    const ovsxZip = load('ovsx/lib/zip') as { readVSIXPackage(file: string): Promise<Manifest> };
    const ovsxUtil = load('ovsx/lib/util') as { validateManifest(manifest: Manifest): void };
    const ovsxLicense = load('ovsx/lib/check-license') as { isLicenseOk(packagePath: string, manifest: Manifest): Promise<boolean> };
    const packaged = await ovsxZip.readVSIXPackage(vsixFile);
    ovsxUtil.validateManifest(packaged);
    assert.equal(await ovsxLicense.isLicenseOk(root, packaged), true);

    // The registry's rules (open-vsx server, ExtensionValidator): names, semantic version, field sizes, URLs, gallery banner.
    const name = /^[\w\-+$~]+$/;
    assert.match(packaged.publisher, name);
    assert.match(packaged.name, name);
    assert.match(packaged.version, /^\d+\.\d+\.\d+(-[\w.-]+)?$/);
    const noControl = (field: string, value: string, limit: number) => {
      assert.ok(value.length <= limit, `${field} is over ${limit} characters`);
      assert.doesNotMatch(value, /[\p{Cc}\p{Cf}\p{Co}\p{Cn}\u2028\u2029]/u, `${field} holds a control or format character`);
    };
    noControl('displayName', packaged.displayName, 255);
    noControl('description', packaged.description, 2048);
    noControl('license', packaged.license, 255);
    for (const value of [...packaged.categories, ...packaged.keywords]) {
      noControl('categories/keywords', value, 255);
    }
    for (const [field, url] of [['homepage', packaged.homepage], ['repository', packaged.repository.url], ['bugs', packaged.bugs.url]] as const) {
      const parsed = new URL(url.replace(/^git\+/, ''));
      assert.ok(parsed.protocol === 'https:' && parsed.host.length > 0 && url.length <= 255, `${field}: ${url}`);
    }
    assert.ok(packaged.galleryBanner.color.length <= 16);
    assert.ok(['dark', 'light'].includes(packaged.galleryBanner.theme));
    assert.match(packaged.engines.vscode, /^\^\d+\.\d+\.\d+$/);
    const vsixManifest = vsix.get('extension.vsixmanifest')?.toString('utf8') ?? '';
    assert.match(vsixManifest, /Microsoft\.VisualStudio\.Code\.Manifest" Path="extension\/package\.json"/);
    assert.match(vsixManifest, /Microsoft\.VisualStudio\.Services\.Content\.License" Path="extension\/LICENSE\.txt"/);
  });

  it('the npm tarball is the command line alone, and it runs from there', () => {
    assert.deepEqual([...tarball.keys()].sort(), EXPECTED_TARBALL);
    const packed = JSON.parse(tarball.get('package/package.json')?.toString('utf8') ?? '{}') as Manifest;
    assert.deepEqual(packed.bin, { 'credit-meter': 'dist/cli.js' });
    const cli = tarball.get('package/dist/cli.js')?.toString('utf8') ?? '';
    assert.match(cli, /^#!\/usr\/bin\/env node\n/);
    assert.doesNotMatch(cli, /sourceMappingURL/);

    const installed = fs.mkdtempSync(path.join(os.tmpdir(), 'credit-meter-npm-'));
    try {
      for (const [file, contents] of tarball) {
        fs.mkdirSync(path.dirname(path.join(installed, file)), { recursive: true });
        fs.writeFileSync(path.join(installed, file), contents);
      }
      const counted = spawnSync(process.execPath, [path.join(installed, 'package', 'dist', 'cli.js'), 'count', '--model', 'gpt-4o', '--json'], {
        input: 'Hello, world!', encoding: 'utf8', cwd: installed,
      });
      assert.equal(counted.status, 0, counted.stderr);
      assert.match(counted.stdout, /"tokens":\s*4\b/, counted.stdout);
    } finally {
      fs.rmSync(installed, { recursive: true, force: true });
    }
  });

  it('ships no runtime dependency that no bundle uses', async function () {
    this.timeout(300_000);
    const { builds, vendorAssets } = load(path.join(root, 'esbuild.js')) as { builds: esbuild.BuildOptions[]; vendorAssets: string[] };
    const used = new Set<string>();
    const packageOf = (file: string) => /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(file)?.[1];
    for (const options of builds) {
      const result = await esbuild.build({ ...options, absWorkingDir: root, write: false, metafile: true, minify: false, sourcemap: false, logLevel: 'silent' });
      for (const input of Object.keys(result.metafile.inputs)) {
        const owner = packageOf(input);
        if (owner) {
          used.add(owner);
        }
      }
    }
    for (const asset of vendorAssets) {
      used.add(asset.startsWith('@') ? asset.split('/').slice(0, 2).join('/') : asset.split('/')[0]);
    }
    assert.deepEqual(Object.keys(manifest.dependencies).filter((dependency) => !used.has(dependency)), []);
    assert.equal(manifest.dependencies['js-tiktoken'], undefined, 'js-tiktoken is for the build and tests only');
  });
});
