/**
 * Teaches the calibration table from finished attempts: the input the provider reported against our
 * own (uncalibrated) count of what was sent. Only successful attempts with provider-reported usage
 * count; estimated or counted usage would teach the table its own guess.
 */
import { totalInput, type UsageRecord } from '../ledger/usageRecord';
import type { CalibrationTable, ModelFamily } from '../tokens';

export interface CountedInput {
  /** Tokenizer family of the model the estimate was made for. */
  readonly family: string;
  /** Our raw count of the input sent, before calibration. */
  readonly countedInputTokens: number;
}

/** Returns true when the table learned something (so the caller persists it). */
export function learnCalibration(table: CalibrationTable, records: readonly UsageRecord[], counted: CountedInput): boolean {
  let learned = false;
  for (const record of records) {
    if (record.outcome.status === 'ok' && record.usageSource === 'provider') {
      learned = table.observe(counted.family as ModelFamily, counted.countedInputTokens, totalInput(record.tokens)) || learned;
    }
  }
  return learned;
}
