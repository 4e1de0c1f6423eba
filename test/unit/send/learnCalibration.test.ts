import { strict as assert } from 'node:assert';
import { SCHEMA_VERSION, type UsageRecord } from '../../../src/core/ledger/usageRecord';
import { CalibrationTable } from '../../../src/core/tokens';
import { learnCalibration } from '../../../src/core/estimate/learnCalibration';

function record(overrides: { status?: UsageRecord['outcome']['status']; usageSource?: UsageRecord['usageSource']; input: number; cacheRead?: number }): UsageRecord {
  return {
    schemaVersion: SCHEMA_VERSION,
    id: '00000000-0000-4000-8000-000000000001',
    turnId: 't', round: 0, attempt: 0,
    startedAt: '2026-11-25T10:00:00.000Z', firstTokenAt: null, finishedAt: '2026-11-25T10:00:01.000Z',
    source: 'compose', client: null, threadId: null,
    provider: 'anthropic', baseUrlHost: null, modelRequested: 'claude-sonnet-4-5', modelServed: null, kind: 'explain', region: null,
    tokens: { input: overrides.input, cacheRead: overrides.cacheRead ?? 0, cacheWrite: 0, output: 10, reasoning: 0, system: 0, tools: 0 },
    usageSource: overrides.usageSource ?? 'provider',
    contexts: [], contextTokens: 0, contextBytes: 0,
    tools: { names: [], calls: 0, externalCalls: 0 },
    cost: { usd: 0, credits: 0, chargeSource: 'computed', profileVersion: null },
    estimate: null,
    outcome: { status: overrides.status ?? 'ok', latencyMs: 1, retries: 0 },
  };
}

describe('calibration learning', () => {
  it('moves the factor towards the provider-reported input (cache reads included)', () => {
    const table = new CalibrationTable();
    const prior = table.factor('anthropic');
    assert.equal(learnCalibration(table, [record({ input: 1000, cacheRead: 1000 })], { family: 'anthropic', countedInputTokens: 1000 }), true);
    assert.equal(table.observations('anthropic'), 1);
    assert.ok(table.factor('anthropic') > prior, `${table.factor('anthropic')} > ${prior}`);
  });

  it('ignores failed attempts and usage that was only estimated or counted', () => {
    const table = new CalibrationTable();
    const learned = learnCalibration(table, [
      record({ input: 5000, status: 'error' }),
      record({ input: 5000, usageSource: 'estimated', status: 'aborted' }),
      record({ input: 5000, usageSource: 'counted' }),
    ], { family: 'anthropic', countedInputTokens: 1000 });
    assert.equal(learned, false);
    assert.equal(table.observations('anthropic'), 0);
  });

  it('never calibrates exact OpenAI counts', () => {
    const table = new CalibrationTable();
    assert.equal(learnCalibration(table, [record({ input: 1200 })], { family: 'openai', countedInputTokens: 1000 }), false);
    assert.equal(table.factor('openai'), 1);
  });
});
