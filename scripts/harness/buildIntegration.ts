// Bundles the in-host test runner and every `test/integration/**/*.test.ts` suite for the extension
// host: CommonJS for Node, `vscode` provided by the host, mocha loaded from node_modules.
import * as esbuild from 'esbuild';
import * as fs from 'node:fs';
import * as path from 'node:path';

const repoRoot = path.resolve(__dirname, '..', '..');
const sourceDir = path.join(repoRoot, 'test', 'integration');
export const integrationBundleDir = path.join(repoRoot, 'out', 'integration');
/** The module VS Code loads as extensionTestsPath. */
export const integrationRunnerPath = path.join(integrationBundleDir, 'runner', 'index.js');

function findSuites(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    return entry.isDirectory() ? findSuites(full) : entry.name.endsWith('.test.ts') ? [full] : [];
  });
}

export async function buildIntegrationSuites(): Promise<string[]> {
  const suites = findSuites(sourceDir);
  fs.rmSync(integrationBundleDir, { recursive: true, force: true });
  await esbuild.build({
    entryPoints: [path.join(sourceDir, 'runner', 'index.ts'), ...suites],
    outbase: sourceDir,
    outdir: integrationBundleDir,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    sourcemap: 'inline',
    sourcesContent: false,
    external: ['vscode', 'mocha'],
    logLevel: 'warning',
  });
  return suites.map((file) => path.relative(repoRoot, file));
}

if (require.main === module) {
  buildIntegrationSuites().then((suites) => console.log(`Bundled ${suites.length} integration suite file(s) into ${path.relative(repoRoot, integrationBundleDir)}`), (error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
