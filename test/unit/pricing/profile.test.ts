import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  DEFAULT_PROFILE,
  ProfileError,
  loadProfile,
  mergeProfile,
  parseProfile,
  parseProfileOverride,
} from '../../../src/core/pricing';

function errorOf(action: () => unknown): ProfileError {
  try {
    action();
  } catch (error) {
    assert.ok(error instanceof ProfileError, `expected a ProfileError, got ${String(error)}`);
    return error;
  }
  assert.fail('expected a ProfileError');
}

describe('credit profile', () => {
  it('fills every field from the defaults when the document is empty', () => {
    const profile = parseProfile({}, 'defaults');
    assert.deepEqual(profile, DEFAULT_PROFILE);
    assert.equal(profile.usdPerCredit, 0.04);
    assert.equal(profile.minimumCredits, 0.1);
    assert.equal(profile.roundingStep, 0.1);
    assert.equal(profile.rounding, 'nearest');
  });

  it('names the file and the offending field path', () => {
    const doc = { models: [{ model: 'a', multiplier: 1 }, { model: 'b', multiplier: 2 }, { model: 'c', multiplier: -1 }] };
    const error = errorOf(() => parseProfile(doc, '/x/p.json'));
    assert.equal(error.message, 'credit profile /x/p.json: models[2].multiplier: expected a positive number from 0.000001 to 1,000');
    assert.equal(error.fieldPath, 'models[2].multiplier');
  });

  it('rejects a wrong type, a typo in a key and a wrong version with the field named', () => {
    assert.match(errorOf(() => parseProfile({ usdPerCredit: 'cheap' }, 'f.json')).message, /^credit profile f\.json: usdPerCredit: expected a positive number from 0\.000001 to 1,000,000$/);
    assert.match(errorOf(() => parseProfile({ usdPerCreidt: 0.05 }, 'f.json')).message, /usdPerCreidt: unknown field/);
    assert.match(errorOf(() => parseProfile({ surcharges: { perToolCal: 1 } }, 'f.json')).message, /surcharges\.perToolCal: unknown field/);
    assert.match(errorOf(() => parseProfile({ version: 2 }, 'f.json')).message, /version: expected 1/);
    assert.match(errorOf(() => parseProfile({ models: [{ model: 'x' }] }, 'f.json')).message, /models\[0\]: expected a multiplier and\/or prices/);
    assert.match(errorOf(() => parseProfile({ models: [{ model: 'x', prices: { output: -3 } }] }, 'f.json')).message, /models\[0\]\.prices\.output: expected a price/);
    assert.match(errorOf(() => parseProfile({ rounding: 'down' }, 'f.json')).message, /rounding: expected "nearest" or "up"/);
    assert.match(errorOf(() => parseProfile({ creditsHeader: 'x credits' }, 'f.json')).message, /creditsHeader: expected an HTTP header name/);
    assert.match(errorOf(() => parseProfile([1], 'f.json')).message, /^credit profile f\.json: expected a JSON object$/);
  });

  it('merges overrides over a base: scalars replace, surcharges merge by key, override rules come first', () => {
    const base = parseProfile({ models: [{ model: 'gpt-*', multiplier: 2 }], surcharges: { perToolCall: 0.05 } }, 'base');
    const merged = mergeProfile(base, parseProfileOverride({ usdPerCredit: 0.05, models: [{ model: 'gpt-4o', multiplier: 3 }], surcharges: { perExtraRound: 0.2 } }, 'user'));
    assert.equal(merged.usdPerCredit, 0.05);
    assert.equal(merged.minimumCredits, base.minimumCredits);
    assert.deepEqual(merged.models.map((rule) => rule.model), ['gpt-4o', 'gpt-*']);
    assert.equal(merged.surcharges.perToolCall, 0.05);
    assert.equal(merged.surcharges.perExtraRound, 0.2);
    assert.equal(merged.surcharges.perExternalCall, DEFAULT_PROFILE.surcharges.perExternalCall);
  });

  describe('every number has a finite range, and an error names the field', () => {
    const cases: [string, unknown, string][] = [
      ['usdPerCredit', { usdPerCredit: 1e-320 }, 'usdPerCredit: expected a positive number from 0.000001 to 1,000,000'],
      ['usdPerCredit', { usdPerCredit: 1e7 }, 'usdPerCredit: expected a positive number from 0.000001 to 1,000,000'],
      ['usdPerCredit', { usdPerCredit: 0 }, 'usdPerCredit: expected a positive number from 0.000001 to 1,000,000'],
      ['minimumCredits', { minimumCredits: 1e308 }, 'minimumCredits: expected a number from 0 to 10,000'],
      ['roundingStep', { roundingStep: 1e-320 }, 'roundingStep: expected 0 (no rounding) or a number from 0.000001 to 1,000'],
      ['roundingStep', { roundingStep: 5000 }, 'roundingStep: expected 0 (no rounding) or a number from 0.000001 to 1,000'],
      ['roundingStep', { roundingStep: 'big' }, 'roundingStep: expected 0 (no rounding) or a number from 0.000001 to 1,000'],
      ['multiplier', { models: [{ model: 'x', multiplier: 1e308 }] }, 'models[0].multiplier: expected a positive number from 0.000001 to 1,000'],
      ['multiplier', { models: [{ model: 'x', multiplier: 1e-320 }] }, 'models[0].multiplier: expected a positive number from 0.000001 to 1,000'],
      ['a price', { models: [{ model: 'x', prices: { input: 1, output: 1e308 } }] }, 'models[0].prices.output: expected a price in USD per million tokens from 0 to 10,000'],
      ['a price', { models: [{ model: 'x', prices: { cacheRead: 1e308 } }] }, 'models[0].prices.cacheRead: expected a price in USD per million tokens from 0 to 10,000'],
      ['a surcharge', { surcharges: { perToolCall: 1e308 } }, 'surcharges.perToolCall: expected a number of credits from 0 to 10,000'],
      ['a surcharge', { surcharges: { perExternalCall: -0.5 } }, 'surcharges.perExternalCall: expected a number of credits from 0 to 10,000'],
    ];
    for (const [what, doc, message] of cases) {
      it(`refuses ${what} of ${JSON.stringify(doc)}`, () => {
        assert.equal(errorOf(() => parseProfile(doc, 'f.json')).message, `credit profile f.json: ${message}`);
      });
    }

    it('accepts the ends of every range, and 0 for the rounding step', () => {
      const profile = parseProfile({
        usdPerCredit: 0.000001, minimumCredits: 10_000, roundingStep: 0,
        models: [{ model: 'a', multiplier: 1000, prices: { input: 10_000, output: 0 } }, { model: 'b', multiplier: 0.000001 }],
        surcharges: { perToolCall: 10_000, perExtraRound: 0, perExternalCall: 10_000 },
      }, 'f.json');
      assert.equal(profile.roundingStep, 0);
      assert.equal(parseProfile({ usdPerCredit: 1_000_000, roundingStep: 1000 }, 'f.json').roundingStep, 1000);
      assert.equal(parseProfile({ roundingStep: 0.000001 }, 'f.json').roundingStep, 0.000001);
    });

    it('refuses Infinity and NaN, which a settings object can carry', () => {
      assert.match(errorOf(() => parseProfileOverride({ usdPerCredit: Number.POSITIVE_INFINITY }, 'creditMeter.creditProfile')).message, /^credit profile creditMeter\.creditProfile: usdPerCredit: expected a positive number/);
      assert.match(errorOf(() => parseProfileOverride({ minimumCredits: Number.NaN }, 'creditMeter.creditProfile')).message, /minimumCredits: expected a number from 0 to 10,000/);
    });
  });

  it('accepts a $schema reference and a credits header', () => {
    const profile = parseProfile({ $schema: './credit-profile.schema.json', version: 1, creditsHeader: 'x-credits-charged' }, 'f.json');
    assert.equal(profile.creditsHeader, 'x-credits-charged');
  });

  describe('loadProfile', () => {
    let dir: string;
    before(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'credit-profile-')); });
    after(() => { fs.rmSync(dir, { recursive: true, force: true }); });

    it('reads and merges a file over the defaults', async () => {
      const file = path.join(dir, 'ok.json');
      fs.writeFileSync(file, JSON.stringify({ usdPerCredit: 0.02, models: [{ model: 'llama*', prices: { input: 0, output: 0 } }] }));
      const profile = await loadProfile(file);
      assert.equal(profile.usdPerCredit, 0.02);
      assert.equal(profile.minimumCredits, 0.1);
      assert.equal(profile.models[0].model, 'llama*');
    });

    it('names the file when it is missing or not JSON, and the field when a value is wrong', async () => {
      const missing = path.join(dir, 'missing.json');
      await assert.rejects(loadProfile(missing), (error: Error) => error instanceof ProfileError && error.message === `credit profile ${missing}: file not found`);
      const broken = path.join(dir, 'broken.json');
      fs.writeFileSync(broken, '{ "usdPerCredit": 0.04, }');
      await assert.rejects(loadProfile(broken), (error: Error) => error.message.startsWith(`credit profile ${broken}: not valid JSON (`));
      const wrong = path.join(dir, 'wrong.json');
      fs.writeFileSync(wrong, '{ "minimumCredits": -1 }');
      await assert.rejects(loadProfile(wrong), (error: Error) => error.message === `credit profile ${wrong}: minimumCredits: expected a number from 0 to 10,000`);
    });
  });
});
