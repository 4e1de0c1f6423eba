import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import * as fs from 'node:fs';
import * as os from 'node:os';
import { judgeResults, type IntegrationResults } from '../../integration/runner/results';
import { parseLauncherArgs } from '../../integration/launch/launcherArgs';
import { selectSuiteFiles } from '../../integration/runner/selectSuites';

const finished = (tests: IntegrationResults['tests'], failures = tests.filter((t) => t.state === 'failed').length): string =>
  JSON.stringify({
    status: 'finished',
    files: ['suites/a.test.js'],
    tests,
    stats: { tests: tests.length, passes: tests.filter((t) => t.state === 'passed').length, failures, pending: tests.filter((t) => t.state === 'pending').length },
  } satisfies IntegrationResults);

describe('integration launcher: judging the results file', () => {
  it('passes a finished run whose tests all passed', () => {
    assert.deepEqual(judgeResults(finished([{ fullTitle: 'a', state: 'passed' }, { fullTitle: 'b', state: 'pending' }])), { ok: true, reason: '1 passed, 1 pending' });
  });

  it('fails when a test failed', () => {
    const verdict = judgeResults(finished([{ fullTitle: 'a', state: 'passed' }, { fullTitle: 'b', state: 'failed', error: 'boom' }]));
    assert.equal(verdict.ok, false);
    assert.match(verdict.reason, /1 test\(s\) failed/);
  });

  it('fails when mocha counted a failure the list does not show (a failing hook)', () => {
    assert.equal(judgeResults(finished([{ fullTitle: 'a', state: 'passed' }], 1)).ok, false);
  });

  it('fails with no results file, a partial one or a half-written one', () => {
    assert.match(judgeResults(undefined).reason, /no results file/);
    assert.match(judgeResults(JSON.stringify({ status: 'started', files: [], tests: [] })).reason, /partial/);
    assert.match(judgeResults('{"status":"finis').reason, /not valid JSON/);
  });

  it('fails when nothing ran or everything was skipped', () => {
    assert.match(judgeResults(finished([])).reason, /no test passed/);
    assert.match(judgeResults(finished([{ fullTitle: 'a', state: 'pending' }])).reason, /no test passed/);
  });

  it('fails when the runner itself failed', () => {
    const raw = JSON.parse(finished([{ fullTitle: 'a', state: 'passed' }])) as IntegrationResults;
    raw.runnerError = 'SyntaxError in suites/b.test.js';
    assert.match(judgeResults(JSON.stringify(raw)).reason, /runner error/);
  });
});

describe('integration runner: choosing suite files', () => {
  it('loads every suite but the deliberately failing self-test and the pseudo-locale suite, each loaded alone on request', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'credit-meter-suites-'));
    try {
      for (const file of ['suites/a.test.js', 'extension/b.test.js', 'selfTest/fail.test.js', 'l10n/pseudo.test.js', 'runner/index.js', 'suites/a.test.js.map']) {
        fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
        fs.writeFileSync(path.join(dir, file), '');
      }
      const relative = (files: string[]) => files.map((file) => path.relative(dir, file));
      assert.deepEqual(relative(selectSuiteFiles(dir, false)), ['extension/b.test.js', 'suites/a.test.js']);
      assert.deepEqual(relative(selectSuiteFiles(dir, true)), ['selfTest/fail.test.js']);
      assert.deepEqual(relative(selectSuiteFiles(dir, false, true)), ['l10n/pseudo.test.js']);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('integration launcher: runs', () => {
  it('runs trusted, Restricted Mode, then the pseudo-locale by default; each alone on request', () => {
    assert.deepEqual(parseLauncherArgs([]).runs, [{ trust: 'trusted' }, { trust: 'restricted' }, { trust: 'trusted', locale: 'qps-ploc' }]);
    assert.deepEqual(parseLauncherArgs(['--trust', 'restricted']).runs, [{ trust: 'restricted' }]);
    assert.deepEqual(parseLauncherArgs(['--locale', 'qps-ploc']).runs, [{ trust: 'trusted', locale: 'qps-ploc' }]);
    assert.deepEqual(parseLauncherArgs(['--trust', 'trusted', '--self-test']), { runs: [{ trust: 'trusted' }], selfTest: true });
    assert.throws(() => parseLauncherArgs(['--locale', 'de']), /--locale must be qps-ploc/);
  });
});
