import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runCli } from './runCli';

/** `credit-meter estimate --profile FILE` with the absurd numbers a credit profile must refuse by name. */
describe('credit-meter estimate with a profile of absurd numbers', () => {
  let dir: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cm-profile-ranges-'));
  });
  after(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  async function estimateWith(profile: unknown) {
    const file = path.join(dir, `p${Math.random().toString(36).slice(2)}.json`);
    // Written as text so 1e-320 and 1e308 reach the parser exactly as a user would type them.
    fs.writeFileSync(file, typeof profile === 'string' ? profile : JSON.stringify(profile));
    return runCli(['estimate', '--model', 'claude-sonnet-4-5', '--prompt', 'Explain this function.', '--profile', file, '--json'], dir);
  }

  const cases: [string, string, RegExp][] = [
    ['a multiplier of 1e308', '{"models":[{"model":"claude-*","multiplier":1e308}]}', /: models\[0\]\.multiplier: expected a positive number from 0\.000001 to 1,000$/],
    ['usdPerCredit of 1e-320', '{"usdPerCredit":1e-320}', /: usdPerCredit: expected a positive number from 0\.000001 to 1,000,000$/],
    ['roundingStep of 1e-320', '{"roundingStep":1e-320}', /: roundingStep: expected 0 \(no rounding\) or a number from 0\.000001 to 1,000$/],
    ['minimumCredits of 1e308', '{"minimumCredits":1e308}', /: minimumCredits: expected a number from 0 to 10,000$/],
    ['an input price of 1e308', '{"models":[{"model":"claude-*","prices":{"input":1e308,"output":15}}]}', /: models\[0\]\.prices\.input: expected a price in USD per million tokens from 0 to 10,000$/],
    ['an output price of 1e308', '{"models":[{"model":"claude-*","prices":{"input":3,"output":1e308}}]}', /: models\[0\]\.prices\.output: expected a price in USD per million tokens from 0 to 10,000$/],
    ['a number too large for a double', '{"usdPerCredit":1e400}', /: usdPerCredit: expected a positive number from 0\.000001 to 1,000,000$/],
  ];
  for (const [what, text, message] of cases) {
    it(`refuses ${what}, naming the field, with a non-zero exit and nothing on stdout`, async () => {
      const result = await estimateWith(text);
      assert.notEqual(result.code, 0);
      assert.equal(result.out, '');
      assert.match(result.err, /^credit-meter estimate: credit profile .*\.json: /);
      assert.match(result.err.trimEnd(), message);
      assert.doesNotMatch(result.err, /Infinity|NaN/);
    });
  }

  it('prices finitely with every number at the far end of its range', async () => {
    const result = await estimateWith({
      usdPerCredit: 0.000001, minimumCredits: 10_000, roundingStep: 0.000001,
      models: [{ model: 'claude-*', multiplier: 1000, prices: { input: 10_000, output: 10_000 } }],
      surcharges: { perToolCall: 10_000, perExtraRound: 10_000, perExternalCall: 10_000 },
    });
    assert.equal(result.code, 0, result.err);
    const credits = (JSON.parse(result.out) as { credits: { low: number; expected: number; high: number } }).credits;
    for (const value of Object.values(credits)) {
      assert.ok(Number.isFinite(value) && value >= 10_000, JSON.stringify(credits));
    }
  });
});
