// The results file the in-host runner writes and the launchers judge. The runner writes it twice:
// 'started' before any test runs and 'finished' at the end, so a host that dies mid-run leaves a
// partial file behind, and a partial or missing file is a failure, never a pass.
export interface TestOutcome {
  fullTitle: string;
  state: 'passed' | 'failed' | 'pending';
  durationMs?: number;
  error?: string;
}

export interface IntegrationResults {
  status: 'started' | 'finished';
  /** Trust state the launcher asked for ('trusted' | 'restricted'). */
  trust?: string;
  files: string[];
  tests: TestOutcome[];
  stats?: { tests: number; passes: number; failures: number; pending: number };
  /** Set when the runner itself failed (a suite file threw while loading, for example). */
  runnerError?: string;
}

export interface Verdict {
  ok: boolean;
  reason: string;
}

/** Decides whether a run passed from the raw text of its results file (undefined: no file). */
export function judgeResults(raw: string | undefined): Verdict {
  if (raw === undefined) {
    return { ok: false, reason: 'no results file: the extension host never ran the tests or died before writing' };
  }
  let results: IntegrationResults;
  try {
    results = JSON.parse(raw) as IntegrationResults;
  } catch (_error) {
    return { ok: false, reason: 'results file is not valid JSON (partly written?)' };
  }
  if (results.status !== 'finished' || !results.stats || !Array.isArray(results.tests)) {
    return { ok: false, reason: 'results file is partial: the run started but never finished' };
  }
  if (results.runnerError) {
    return { ok: false, reason: `runner error: ${results.runnerError}` };
  }
  const failed = results.tests.filter((test) => test.state === 'failed').length;
  const passed = results.tests.filter((test) => test.state === 'passed').length;
  if (failed > 0 || results.stats.failures > 0) {
    return { ok: false, reason: `${Math.max(failed, results.stats.failures)} test(s) failed` };
  }
  if (passed === 0) {
    return { ok: false, reason: 'no test passed: suites were not found or all were skipped' };
  }
  if (passed !== results.stats.passes) {
    return { ok: false, reason: `results disagree: ${passed} passing tests listed, ${results.stats.passes} counted` };
  }
  return { ok: true, reason: `${passed} passed, ${results.stats.pending} pending` };
}
