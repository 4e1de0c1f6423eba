// Runs inside the VS Code extension host (the module at extensionTestsPath): loads the bundled
// suites into mocha, runs them against the real `vscode` API and writes the results file named by
// CREDIT_METER_RESULTS_FILE. The host exits when run() settles; it rejects when a test failed.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { IntegrationResults, TestOutcome } from './results';
import { selectSuiteFiles } from './selectSuites';

// Left external by the bundler: the host loads mocha from the repository's node_modules. Mocha is
// an ES module, so require() returns its namespace; the class is the default export.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const mochaModule = require('mocha') as { default: typeof import('mocha') };
const Mocha = mochaModule.default;

function writeResults(file: string, results: IntegrationResults): void {
  // Write then rename, so the launcher never reads a half-written file as the final word.
  fs.writeFileSync(`${file}.tmp`, JSON.stringify(results, null, 2));
  fs.renameSync(`${file}.tmp`, file);
}

export async function run(): Promise<void> {
  const resultsFile = process.env.CREDIT_METER_RESULTS_FILE;
  if (!resultsFile) {
    throw new Error('CREDIT_METER_RESULTS_FILE is not set: start the integration tests through npm run test:integration.');
  }
  const bundleDir = path.resolve(__dirname, '..');
  const files = selectSuiteFiles(bundleDir, process.env.CREDIT_METER_INTEGRATION_SELF_TEST === 'fail', (process.env.CREDIT_METER_LOCALE ?? '') !== '');
  const results: IntegrationResults = { status: 'started', trust: process.env.CREDIT_METER_TRUST, files: files.map((file) => path.relative(bundleDir, file)), tests: [] };
  writeResults(resultsFile, results);

  // Every test waits for the state it expects (test/support/waitFor.ts: 30 s, 60 s for a webview
  // page) and some wait for several states in turn; on two busy cores real language servers and
  // webviews are slow. The per-test limit leaves room for that, and still fails a hung test.
  const mocha = new Mocha({ ui: 'bdd', timeout: 180_000, slow: 10_000, color: false, reporter: 'spec' });
  for (const file of files) {
    mocha.addFile(file);
  }
  const record = (state: TestOutcome['state']) => (test: Mocha.Test, error?: Error) => {
    results.tests.push({
      fullTitle: test.fullTitle(),
      state,
      durationMs: test.duration,
      error: error ? String(error.stack ?? error.message) : undefined,
    });
  };
  try {
    const failures = await new Promise<number>((resolve) => {
      const runner = mocha.run(resolve);
      runner.on('pass', record('passed'));
      runner.on('fail', (runnable: Mocha.Runnable, error: Error) => {
        // Hook failures arrive as runnables too; record them as failed tests.
        results.tests.push({ fullTitle: runnable.fullTitle(), state: 'failed', error: String(error.stack ?? error.message) });
      });
      runner.on('pending', record('pending'));
    });
    results.stats = {
      tests: results.tests.length,
      passes: results.tests.filter((test) => test.state === 'passed').length,
      failures,
      pending: results.tests.filter((test) => test.state === 'pending').length,
    };
  } catch (error) {
    results.runnerError = error instanceof Error ? error.stack ?? error.message : String(error);
  }
  results.status = 'finished';
  writeResults(resultsFile, results);
  if (results.runnerError || (results.stats?.failures ?? 1) > 0) {
    throw new Error(`Integration tests failed: ${results.runnerError ?? `${results.stats?.failures} failure(s)`}`);
  }
}
