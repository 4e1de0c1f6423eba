/**
 * The CSV export's columns, in their fixed order (documented in README.md next to this file).
 * `number` columns are written as bare numbers (empty when unknown), `time` as ISO-8601 UTC;
 * `plain` columns hold values the record schema already restricts to safe characters (UUIDs,
 * enums) and are written as they are; `text` cells are quoted per RFC 4180 and neutralised
 * against spreadsheet formula injection, and free text (`redact`) goes through `redactSecrets`.
 */
import { totalInput, type UsageRecord } from '../ledger';

export type CsvCellKind = 'number' | 'time' | 'plain' | 'text';

export interface CsvColumn {
  readonly name: string;
  readonly kind: CsvCellKind;
  readonly value: (record: UsageRecord) => string | number | null | undefined;
  /** Free text that could hold a pasted key: redacted on the way out. */
  readonly redact?: boolean;
}

const column = (name: string, kind: CsvCellKind, value: CsvColumn['value'], redact = false): CsvColumn => ({ name, kind, value, redact });

export const CSV_COLUMNS: readonly CsvColumn[] = [
  column('schema_version', 'number', (r) => r.schemaVersion),
  column('id', 'plain', (r) => r.id),
  column('turn_id', 'text', (r) => r.turnId),
  column('round', 'number', (r) => r.round),
  column('attempt', 'number', (r) => r.attempt),
  column('started_at', 'time', (r) => r.startedAt),
  column('first_token_at', 'time', (r) => r.firstTokenAt),
  column('finished_at', 'time', (r) => r.finishedAt),
  column('latency_ms', 'number', (r) => r.outcome.latencyMs),
  column('status', 'plain', (r) => r.outcome.status),
  column('error_class', 'text', (r) => r.outcome.errorClass),
  column('error_message', 'text', (r) => r.outcome.errorMessage, true),
  column('http_status', 'number', (r) => r.outcome.httpStatus),
  column('retries', 'number', (r) => r.outcome.retries),
  column('provider', 'text', (r) => r.provider),
  column('base_url_host', 'text', (r) => r.baseUrlHost),
  column('model_requested', 'text', (r) => r.modelRequested),
  column('model_served', 'text', (r) => r.modelServed),
  column('request_kind', 'plain', (r) => r.kind),
  column('region', 'text', (r) => r.region),
  column('input_tokens', 'number', (r) => r.tokens.input),
  column('cache_read_tokens', 'number', (r) => r.tokens.cacheRead),
  column('cache_write_tokens', 'number', (r) => r.tokens.cacheWrite),
  column('output_tokens', 'number', (r) => r.tokens.output),
  column('reasoning_tokens', 'number', (r) => r.tokens.reasoning),
  column('system_tokens', 'number', (r) => r.tokens.system),
  column('tool_definition_tokens', 'number', (r) => r.tokens.tools),
  column('total_tokens', 'number', (r) => totalInput(r.tokens) + r.tokens.output),
  column('usage_source', 'plain', (r) => r.usageSource),
  column('context_items', 'number', (r) => r.contexts.length),
  column('context_tokens', 'number', (r) => r.contextTokens),
  column('context_bytes', 'number', (r) => r.contextBytes),
  column('context_labels', 'text', (r) => r.contexts.map((item) => `${item.kind}:${item.label}`).join(' | '), true),
  column('tool_names', 'text', (r) => r.tools.names.join(';')),
  column('tool_calls', 'number', (r) => r.tools.calls),
  column('external_calls', 'number', (r) => r.tools.externalCalls),
  column('credits', 'number', (r) => r.cost.credits),
  column('usd', 'number', (r) => r.cost.usd),
  column('charge_source', 'plain', (r) => r.cost.chargeSource),
  column('price_profile_version', 'text', (r) => r.cost.profileVersion),
  column('estimate_low', 'number', (r) => r.estimate?.low),
  column('estimate_expected', 'number', (r) => r.estimate?.expected),
  column('estimate_high', 'number', (r) => r.estimate?.high),
  column('estimate_input_tokens', 'number', (r) => r.estimate?.inputTokens),
  column('estimate_output_tokens', 'number', (r) => r.estimate?.outputTokens),
  column('source', 'plain', (r) => r.source),
  column('client', 'text', (r) => r.client, true),
  column('thread_id', 'text', (r) => r.threadId),
  column('estimate_cache_read_tokens', 'number', (r) => r.estimate?.cacheReadTokens),
  column('estimate_cache_write_tokens', 'number', (r) => r.estimate?.cacheWriteTokens),
];

/** Appended, in this order, only when the user opts in to exporting prompts. */
export const CSV_PROMPT_COLUMNS: readonly CsvColumn[] = [
  column('prompt', 'text', (r) => r.prompt, true),
  column('system', 'text', (r) => r.system, true),
];

export function csvColumns(includePrompts: boolean): readonly CsvColumn[] {
  return includePrompts ? [...CSV_COLUMNS, ...CSV_PROMPT_COLUMNS] : CSV_COLUMNS;
}
