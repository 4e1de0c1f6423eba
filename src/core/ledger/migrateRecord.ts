/**
 * Brings a parsed ledger line of any known `schemaVersion` to the current shape, then validates it.
 * Migrations only move fields; they never change token counts or charges, so totals are stable.
 *
 * v1 -> v2: the charge lived at the top level (`credits`, `usd`, `chargeSource`, `profileVersion`);
 * v2 groups it under `cost`.
 * v2 -> v3: `source`, `client` and `threadId` were not kept (null: unknown); the estimate predicted
 * no prompt-cache use (`cacheReadTokens` and `cacheWriteTokens` 0).
 */
import type * as z from 'zod';
import { SCHEMA_VERSION, UsageRecord } from './usageRecord';

/** Thrown for a line that cannot become a current record; `reason` is one line, naming the field. */
export class InvalidRecordError extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'InvalidRecordError';
  }
}

/** Thrown for a record written by a newer version of Credit Meter: left in place, not quarantined. */
export class NewerSchemaError extends Error {
  constructor(readonly schemaVersion: number, understood: number = SCHEMA_VERSION) {
    super(`schemaVersion ${schemaVersion} is newer than this version understands (${understood})`);
    this.name = 'NewerSchemaError';
  }
}

type Raw = Record<string, unknown>;

const steps: Record<number, (raw: Raw) => Raw> = {
  1: (raw) => {
    const { credits, usd, chargeSource, profileVersion, ...rest } = raw;
    return {
      ...rest,
      schemaVersion: 2,
      cost: { usd: usd ?? null, credits: credits ?? null, chargeSource: chargeSource ?? 'computed', profileVersion: profileVersion ?? null },
    };
  },
  2: (raw) => {
    const estimate = raw.estimate;
    return {
      ...raw,
      schemaVersion: 3,
      source: null,
      client: null,
      threadId: null,
      estimate: typeof estimate === 'object' && estimate !== null && !Array.isArray(estimate)
        ? { ...estimate, cacheReadTokens: 0, cacheWriteTokens: 0 }
        : estimate,
    };
  },
};

export function migrateRecord(raw: unknown): UsageRecord {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new InvalidRecordError('not a JSON object');
  }
  let current = raw as Raw;
  const declared = current.schemaVersion;
  if (typeof declared !== 'number' || !Number.isInteger(declared) || declared < 1) {
    throw new InvalidRecordError('schemaVersion: missing or not a positive integer');
  }
  let version = declared;
  if (version > SCHEMA_VERSION) {
    throw new NewerSchemaError(version);
  }
  while (version < SCHEMA_VERSION) {
    const step = steps[version];
    if (!step) {
      throw new InvalidRecordError(`schemaVersion: no migration from ${version}`);
    }
    current = step(current);
    version = current.schemaVersion as number;
  }
  return parseRecord(current);
}

/** Validates a current-version record; the error names the first failing field. */
export function parseRecord(value: unknown): UsageRecord {
  return parseLine(UsageRecord, value, '(record)');
}

/** Validates a ledger line against its schema; `InvalidRecordError` names the first failing field (`whole` when it is the line itself). */
export function parseLine<T>(schema: z.ZodType<T>, value: unknown, whole: string): T {
  const result = schema.safeParse(value);
  if (!result.success) {
    const issue = result.error.issues[0];
    const where = issue.path.length > 0 ? issue.path.join('.') : whole;
    throw new InvalidRecordError(`${where}: ${issue.message}`);
  }
  return result.data;
}
