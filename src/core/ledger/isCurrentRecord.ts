/**
 * A fast structural check of a parsed ledger line against the current `UsageRecord` schema, for
 * reading whole segments: zod's parse of 100k records costs about as much as `JSON.parse` itself.
 *
 * It only ever says yes to a value the zod schema accepts *unchanged* (every field valid, no unknown
 * key for zod to strip), so it may be used in place of `parseRecord`. Anything else, including every
 * invalid or older line, goes through `migrateRecord`, whose error names the field. A test holds the
 * two to that on valid records and on many mutations of them.
 */
import * as z from 'zod';
import { CHARGE_SOURCES, HOST_PATTERN, OUTCOME_STATUSES, RECORD_SOURCES, REQUEST_KINDS, SCHEMA_VERSION, type UsageRecord, USAGE_SOURCES } from './usageRecord';

const UUID = z.regexes.uuid();
const ISO_UTC = z.regexes.datetime({ offset: false, local: false, precision: null });

type Fields = Record<string, unknown>;

const isObject = (value: unknown): value is Fields => typeof value === 'object' && value !== null && !Array.isArray(value);
const isCount = (value: unknown): boolean => typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
const isAmount = (value: unknown): boolean => typeof value === 'number' && Number.isFinite(value) && value >= 0;
const isText = (value: unknown, min: number, max: number): boolean => typeof value === 'string' && value.length >= min && value.length <= max;
const isOneOf = (value: unknown, allowed: readonly string[]): boolean => typeof value === 'string' && allowed.includes(value);
const isIso = (value: unknown): boolean => typeof value === 'string' && ISO_UTC.test(value);

function keyCount(value: Fields): number {
  let keys = 0;
  for (const key in value) {
    if (Object.prototype.hasOwnProperty.call(value, key)) {
      keys += 1;
    }
  }
  return keys;
}

/** How many of the optional fields are present; -1 when one is present with a wrong value. */
function optionalText(value: Fields, key: string, max: number): number {
  const field = value[key];
  if (field === undefined) {
    return 0;
  }
  return isText(field, 0, max) ? 1 : -1;
}

function isTokens(value: unknown): boolean {
  return isObject(value) && isCount(value.input) && isCount(value.cacheRead) && isCount(value.cacheWrite) && isCount(value.output)
    && isCount(value.reasoning) && isCount(value.system) && isCount(value.tools) && keyCount(value) === 7;
}

function isContexts(value: unknown): boolean {
  if (!Array.isArray(value)) {
    return false;
  }
  for (const item of value) {
    if (!isObject(item) || !isText(item.kind, 1, 64) || !isText(item.label, 0, 1024) || !isCount(item.tokens) || !isCount(item.bytes) || keyCount(item) !== 4) {
      return false;
    }
  }
  return true;
}

function isTools(value: unknown): boolean {
  if (!isObject(value) || !Array.isArray(value.names) || !isCount(value.calls) || !isCount(value.externalCalls) || keyCount(value) !== 3) {
    return false;
  }
  return (value.names as unknown[]).every((name) => isText(name, 0, 256));
}

function isCost(value: unknown): boolean {
  return isObject(value) && (value.usd === null || isAmount(value.usd)) && (value.credits === null || isAmount(value.credits))
    && isOneOf(value.chargeSource, CHARGE_SOURCES) && (value.profileVersion === null || isText(value.profileVersion, 0, 128)) && keyCount(value) === 4;
}

function isEstimate(value: unknown): boolean {
  return value === null || (isObject(value) && isAmount(value.low) && isAmount(value.expected) && isAmount(value.high)
    && isCount(value.inputTokens) && isCount(value.outputTokens) && isCount(value.cacheReadTokens) && isCount(value.cacheWriteTokens)
    && keyCount(value) === 7);
}

function isOutcome(value: unknown): boolean {
  if (!isObject(value) || !isOneOf(value.status, OUTCOME_STATUSES) || !isAmount(value.latencyMs) || !isCount(value.retries)) {
    return false;
  }
  const errorClass = optionalText(value, 'errorClass', 128);
  const errorMessage = optionalText(value, 'errorMessage', 4096);
  const status = value.httpStatus;
  const httpStatus = status === undefined ? 0 : typeof status === 'number' && Number.isSafeInteger(status) && status >= 100 && status <= 599 ? 1 : -1;
  return errorClass >= 0 && errorMessage >= 0 && httpStatus >= 0 && keyCount(value) === 3 + errorClass + errorMessage + httpStatus;
}

/** True only when `value` is a current-version record that `UsageRecord.parse` would return as it is. */
export function isCurrentRecord(value: unknown): value is UsageRecord {
  if (!isObject(value) || value.schemaVersion !== SCHEMA_VERSION) {
    return false;
  }
  const prompt = optionalText(value, 'prompt', Infinity);
  const system = optionalText(value, 'system', Infinity);
  return typeof value.id === 'string' && UUID.test(value.id)
    && isText(value.turnId, 1, 128) && isCount(value.round) && isCount(value.attempt)
    && isIso(value.startedAt) && (value.firstTokenAt === null || isIso(value.firstTokenAt)) && isIso(value.finishedAt)
    && (value.source === null || isOneOf(value.source, RECORD_SOURCES))
    && (value.client === null || isText(value.client, 1, 128)) && (value.threadId === null || isText(value.threadId, 1, 128))
    && isText(value.provider, 1, 64)
    && (value.baseUrlHost === null || (typeof value.baseUrlHost === 'string' && HOST_PATTERN.test(value.baseUrlHost)))
    && isText(value.modelRequested, 1, 256) && (value.modelServed === null || isText(value.modelServed, 1, 256))
    && isOneOf(value.kind, REQUEST_KINDS) && (value.region === null || isText(value.region, 0, 128))
    && isTokens(value.tokens) && isOneOf(value.usageSource, USAGE_SOURCES)
    && isContexts(value.contexts) && isCount(value.contextTokens) && isCount(value.contextBytes)
    && prompt >= 0 && system >= 0
    && isTools(value.tools) && isCost(value.cost) && isEstimate(value.estimate) && isOutcome(value.outcome)
    && keyCount(value) === 26 + prompt + system;
}
