/** The usage ledger: record schema, crash-safe storage, queries and aggregates. */
export {
  SCHEMA_VERSION, REQUEST_KINDS, OUTCOME_STATUSES, RECORD_SOURCES, USAGE_SOURCES, CHARGE_SOURCES,
  UsageRecord, RecordTokens, ContextItem, RecordCost, RecordEstimate, RecordOutcome,
  totalInput, hostOf,
} from './usageRecord';
export type { RequestKind, OutcomeStatus, RecordSource, UsageSource, ChargeSource } from './usageRecord';
export { migrateRecord, parseRecord, InvalidRecordError, NewerSchemaError } from './migrateRecord';
export { redactSecrets, looksLikeSecret } from '../redact';
export { redactRecord } from './redactRecord';
export { Ledger, LedgerChangedError } from './ledger';
export type { LedgerOpenOptions, LedgerScanReport, LedgerHealth, LedgerSelection, LedgerRecord, AppliedBlock, QueryOptions, Disposable } from './ledger';
export { TurnNote, NOTE_SCHEMA_VERSION, TURN_NOTE, parseNote, isNoteLine, appliedBlocksOf } from './turnNote';
export { summarize } from './recordSummary';
export type { RecordSummary } from './recordSummary';
export { SNAPSHOT_FILE } from './ledgerSnapshot';
export { compileFilter, describeFilter, toEpochMs } from './ledgerFilter';
export type { LedgerFilter, CompiledFilter } from './ledgerFilter';
export { aggregateRecords, totalsOf, TotalsAccumulator, median, groupKey } from './aggregate';
export type { GroupBy, Totals, AggregateRow, Accuracy, AggregateOptions } from './aggregate';
export { QUARANTINE_FILE, SEGMENTS_DIR } from './segmentFiles';
export type { QuarantinedLine } from './quarantine';
export { writeFileAtomic } from './quarantine';
export { SegmentWriter } from './segmentWriter';
export { recordTokensFromUsage } from './recordTokens';
