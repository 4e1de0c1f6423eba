import { strict as assert } from 'node:assert';
import { CALIBRATION_PRIORS, CalibrationTable } from '../../../src/core/tokens';

describe('CalibrationTable', () => {
  it('starts at the prior of each family', () => {
    const table = new CalibrationTable();
    assert.equal(table.factor('anthropic'), CALIBRATION_PRIORS.anthropic);
    assert.equal(table.factor('google'), CALIBRATION_PRIORS.google);
    assert.equal(table.observations('anthropic'), 0);
  });

  it('moves from the prior towards the observed ratio as volume grows', () => {
    const table = new CalibrationTable();
    const prior = table.factor('anthropic');
    assert.ok(table.observe('anthropic', 1000, 1600));
    const afterOne = table.factor('anthropic');
    assert.ok(afterOne > prior && afterOne < 1.6, `one small request nudges: ${afterOne}`);
    for (let i = 0; i < 200; i++) {
      table.observe('anthropic', 10_000, 16_000);
    }
    const afterMany = table.factor('anthropic');
    assert.ok(afterMany > afterOne && Math.abs(afterMany - 1.6) < 0.01, `volume dominates: ${afterMany}`);
    assert.equal(table.observations('anthropic'), 201);
    assert.equal(table.factor('google'), CALIBRATION_PRIORS.google, 'families learn independently');
  });

  it('ignores unusable observations and never calibrates exact OpenAI counts', () => {
    const table = new CalibrationTable();
    assert.equal(table.observe('anthropic', 0, 100), false);
    assert.equal(table.observe('anthropic', 100, Number.NaN), false);
    assert.equal(table.observe('anthropic', 100, 10_000), false, 'a 100x ratio is a mismatched pairing');
    assert.equal(table.observe('openai', 100, 120), false);
    assert.equal(table.observations('anthropic'), 0);
    assert.equal(table.factor('openai'), 1);
  });

  it('clamps the learned factor to a sane range', () => {
    const table = new CalibrationTable();
    for (let i = 0; i < 100; i++) {
      table.observe('other', 100_000, 390_000);
    }
    assert.equal(table.factor('other'), 3);
  });

  it('round-trips through JSON and names the bad field when restoring', () => {
    const table = new CalibrationTable();
    table.observe('meta', 5000, 5500);
    table.observe('anthropic', 8000, 11_000);
    const restored = CalibrationTable.fromJSON(JSON.parse(JSON.stringify(table)));
    assert.equal(restored.factor('meta'), table.factor('meta'));
    assert.equal(restored.factor('anthropic'), table.factor('anthropic'));
    assert.equal(restored.observations('anthropic'), 1);
    assert.throws(() => CalibrationTable.fromJSON({ version: 1, families: { anthropic: { counted: -1, reported: 1, observations: 1 } } }), /families\.anthropic\.counted/);
    assert.throws(() => CalibrationTable.fromJSON({ version: 2, families: {} }), /version/);
  });
});
