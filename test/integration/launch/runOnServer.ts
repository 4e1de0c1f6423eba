// Runs the integration suites inside a real VS Code extension host: VS Code's server (from the
// cached code-server package) serves the workbench, Debian's Chromium opens it with the suites as
// extensionTestsPath, and the verdict comes from the results file the host writes.
//   tsx test/integration/launch/runOnServer.ts [--trust trusted|restricted|both] [--locale qps-ploc] [--self-test]
// Without arguments: trusted, Restricted Mode, then the localisation suite in the pseudo-locale.
// --self-test loads only the deliberately failing suite; the launcher must then exit non-zero.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { launchBrowser } from '../../../scripts/harness/browser';
import { buildIntegrationSuites, integrationRunnerPath } from '../../../scripts/harness/buildIntegration';
import { pseudoLocaleInitScript, writePseudoLocaleFiles } from '../../../scripts/harness/pseudoLocale';
import { startVscodeServer } from '../../../scripts/harness/vscodeServer';
import { makeScratchDir, removeScratchDir } from '../../../scripts/harness/scratchDirs';
import { createWorkspace } from '../../../scripts/harness/workspace';
import { judgeResults, type Verdict } from '../runner/results';
import { parseLauncherArgs, type LauncherRun } from './launcherArgs';
import { printResults } from './report';

/** A guard against a hung host, not a performance limit. */
const runTimeoutMs = 15 * 60_000;

function readIfExists(file: string): string | undefined {
  return fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : undefined;
}

function isFinished(raw: string | undefined): boolean {
  try {
    return raw !== undefined && (JSON.parse(raw) as { status?: string }).status === 'finished';
  } catch (_error) {
    return false;
  }
}

/** One extension host run in one trust state (and display language); every process it starts is stopped before it returns. */
export async function runSuitesOnServer(run: LauncherRun, selfTest: boolean): Promise<Verdict> {
  const { trust, locale } = run;
  const label = locale ? `${trust} workspace, ${locale}` : `${trust} workspace`;
  const scratch = makeScratchDir('credit-meter-results-');
  const resultsFile = path.join(scratch, 'results.json');
  const workspace = createWorkspace();
  const pseudo = locale ? writePseudoLocaleFiles() : undefined;
  const started = Date.now();
  const server = await startVscodeServer({
    trust,
    env: {
      CREDIT_METER_RESULTS_FILE: resultsFile,
      CREDIT_METER_TRUST: trust,
      CREDIT_METER_LOCALE: locale ?? '',
      CREDIT_METER_INTEGRATION_SELF_TEST: selfTest ? 'fail' : '',
    },
  }).catch((error: unknown) => {
    pseudo?.dispose();
    throw error;
  });
  const browser = await launchBrowser().catch(async (error: unknown) => {
    await server.stop();
    pseudo?.dispose();
    throw error;
  });
  try {
    const page = await browser.newPage();
    if (locale) {
      await page.addInitScript(pseudoLocaleInitScript, locale);
    }
    // What the workbench and its webviews went through, printed when the run fails: a webview that
    // never says `ready` shows up here as a failed or very slow request, or an error in its console.
    const stamp = () => `${((Date.now() - started) / 1000).toFixed(1)} s`;
    const requestProblems: string[] = [];
    const consoleErrors: string[] = [];
    page.on('pageerror', (error) => consoleErrors.push(`${stamp()} page error: ${error.message}`));
    page.on('console', (message) => {
      if (message.type() === 'error') {
        consoleErrors.push(`${stamp()} ${message.text().split('\n')[0].slice(0, 300)}`);
      }
    });
    page.on('requestfailed', (request) => requestProblems.push(`${stamp()} failed (${request.failure()?.errorText}): ${request.url().slice(0, 200)}`));
    page.on('requestfinished', (request) => {
      const took = request.timing().responseEnd;
      if (took > 5_000) {
        requestProblems.push(`${stamp()} took ${(took / 1000).toFixed(1)} s: ${request.url().slice(0, 200)}`);
      }
    });
    await page.goto(server.workbenchUrl({ folder: workspace.folder, extensionTestsPath: integrationRunnerPath }));
    const deadline = Date.now() + runTimeoutMs;
    let serverGone = false;
    void server.exited.then(() => {
      serverGone = true;
    });
    // The host exits once run() settles; after that nothing more will be written.
    const hostExited = () => /Extension Host Process exited/.test(server.output());
    let exitSeenAt: number | undefined;
    while (Date.now() < deadline && !serverGone && !isFinished(readIfExists(resultsFile))) {
      if (exitSeenAt === undefined && hostExited()) {
        exitSeenAt = Date.now();
      }
      if (exitSeenAt !== undefined && Date.now() - exitSeenAt > 2000) {
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    const raw = readIfExists(resultsFile);
    printResults(label, raw);
    const verdict = judgeResults(raw);
    if (!verdict.ok) {
      console.log(`\n  server output (${label}):\n${server.output().trim().split('\n').slice(-40).join('\n')}`);
      if (requestProblems.length > 0) {
        console.log(`  failed or slow requests of the workbench and its webviews:\n    ${requestProblems.slice(0, 40).join('\n    ')}`);
      }
      if (consoleErrors.length > 0) {
        console.log(`  console errors of the workbench and its webviews (last 20 of ${consoleErrors.length}):\n    ${consoleErrors.slice(-20).join('\n    ')}`);
      }
    }
    console.log(`  ${label}: ${verdict.ok ? 'PASS' : 'FAIL'}: ${verdict.reason} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
    return verdict;
  } finally {
    await browser.close();
    await server.stop();
    workspace.dispose();
    pseudo?.dispose();
    removeScratchDir(scratch);
  }
}

async function main(argv: string[]): Promise<number> {
  const { runs, selfTest } = parseLauncherArgs(argv);
  const suites = await buildIntegrationSuites();
  console.log(`Integration suites: ${suites.length} file(s) bundled`);
  let failed = 0;
  for (const run of runs) {
    if (!(await runSuitesOnServer(run, selfTest)).ok) {
      failed++;
    }
  }
  return failed === 0 ? 0 : 1;
}

if (require.main === module) {
  main(process.argv.slice(2)).then((code) => process.exit(code), (error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
