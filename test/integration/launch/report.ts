// Prints one run's results the way mocha's spec reporter would, from the results file.
import type { IntegrationResults } from '../runner/results';

export function printResults(label: string, raw: string | undefined): void {
  if (raw === undefined) {
    return;
  }
  let results: IntegrationResults;
  try {
    results = JSON.parse(raw) as IntegrationResults;
  } catch (_error) {
    return;
  }
  console.log(`\n  ${label}: ${results.files.length} suite file(s)`);
  for (const test of results.tests) {
    const mark = test.state === 'passed' ? '✓' : test.state === 'failed' ? '✗' : '-';
    const duration = test.durationMs !== undefined ? ` (${test.durationMs} ms)` : '';
    console.log(`    ${mark} ${test.fullTitle}${duration}`);
    if (test.error) {
      console.log(test.error.split('\n').map((line) => `        ${line}`).join('\n'));
    }
  }
  if (results.runnerError) {
    console.log(`    runner error: ${results.runnerError}`);
  }
}
