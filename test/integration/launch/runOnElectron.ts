// Runs the same integration suites in a desktop VS Code downloaded by @vscode/test-electron, for
// machines that can reach update.code.visualstudio.com (this one cannot: use runOnServer.ts).
//   tsx test/integration/launch/runOnElectron.ts [--trust trusted|restricted|both] [--self-test]
import { runTests } from '@vscode/test-electron';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { buildIntegrationSuites, integrationRunnerPath } from '../../../scripts/harness/buildIntegration';
import { repoRoot, type TrustState } from '../../../scripts/harness/vscodeServer';
import { makeScratchDir, removeScratchDir } from '../../../scripts/harness/scratchDirs';
import { createWorkspace } from '../../../scripts/harness/workspace';
import { judgeResults, type Verdict } from '../runner/results';
import { parseLauncherArgs } from './launcherArgs';
import { printResults } from './report';

async function runSuitesInElectron(trust: TrustState, selfTest: boolean): Promise<Verdict> {
  const scratch = makeScratchDir('credit-meter-electron-');
  const resultsFile = path.join(scratch, 'results.json');
  const workspace = createWorkspace();
  try {
    await runTests({
      extensionDevelopmentPath: repoRoot,
      extensionTestsPath: integrationRunnerPath,
      extensionTestsEnv: {
        CREDIT_METER_RESULTS_FILE: resultsFile,
        CREDIT_METER_TRUST: trust,
        CREDIT_METER_INTEGRATION_SELF_TEST: selfTest ? 'fail' : '',
      },
      launchArgs: [
        workspace.folder,
        '--disable-extensions',
        // No desktop keyring on CI machines: keep secrets in VS Code's own encrypted store.
        '--password-store=basic',
        `--user-data-dir=${path.join(scratch, 'user-data')}`,
        `--extensions-dir=${path.join(scratch, 'extensions')}`,
        ...(trust === 'trusted' ? ['--disable-workspace-trust'] : []),
      ],
    }).catch((error: unknown) => {
      // A non-zero exit of VS Code lands here; the results file still decides, and says more.
      console.log(`  VS Code exited with an error: ${error instanceof Error ? error.message : String(error)}`);
    });
    const raw = fs.existsSync(resultsFile) ? fs.readFileSync(resultsFile, 'utf8') : undefined;
    printResults(`${trust} workspace (desktop VS Code)`, raw);
    const verdict = judgeResults(raw);
    console.log(`  ${trust}: ${verdict.ok ? 'PASS' : 'FAIL'}: ${verdict.reason}`);
    return verdict;
  } finally {
    workspace.dispose();
    removeScratchDir(scratch);
  }
}

async function main(argv: string[]): Promise<number> {
  const { runs, selfTest } = parseLauncherArgs(argv);
  await buildIntegrationSuites();
  let failed = 0;
  // The pseudo-locale run sets the web workbench's display language (scripts/harness/pseudoLocale.ts): server only.
  for (const { trust } of runs.filter((run) => run.locale === undefined)) {
    if (!(await runSuitesInElectron(trust, selfTest)).ok) {
      failed++;
    }
  }
  return failed === 0 ? 0 : 1;
}

main(process.argv.slice(2)).then((code) => process.exit(code), (error: unknown) => {
  console.error(error);
  process.exit(1);
});
