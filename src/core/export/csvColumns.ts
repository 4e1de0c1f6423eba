/**
 * The CSV export's columns, in their fixed order, with what each one means (README.md next to this
 * file lists the same table, and `credit-meter export --columns` prints it; a test holds the three
 * together). `number` columns are written as bare numbers (empty when unknown), `time` as ISO-8601
 * UTC; `plain` columns hold values the record schema already restricts to safe characters (UUIDs,
 * enums) and are written as they are; `text` cells are quoted per RFC 4180 and neutralised against
 * spreadsheet formula injection. Every record is redacted before its row is written (`exportable`).
 */
import { totalInput, type UsageRecord } from '../ledger';

/**
 * What an export writes: a usage record, plus what the ledger's notes add to it when the record
 * was read from a ledger (`LedgerRecord`): the code blocks of its answer applied to the editor.
 */
export type ExportRecord = UsageRecord & { readonly appliedBlocks?: number | null };

export type CsvCellKind = 'number' | 'time' | 'plain' | 'text';

export interface CsvColumn {
  readonly name: string;
  readonly kind: CsvCellKind;
  readonly value: (record: ExportRecord) => string | number | null | undefined;
  /** What the column holds, one sentence. */
  readonly description: string;
}

const column = (name: string, kind: CsvCellKind, value: CsvColumn['value'], description: string): CsvColumn => ({ name, kind, value, description });

export const CSV_COLUMNS: readonly CsvColumn[] = [
  column('schema_version', 'number', (r) => r.schemaVersion, 'Version of the record schema the row was written from (currently 3).'),
  column('id', 'plain', (r) => r.id, 'Record id (UUID): one attempt sent to a provider; the idempotency key.'),
  column('turn_id', 'text', (r) => r.turnId, 'The user request this attempt belongs to.'),
  column('round', 'number', (r) => r.round, '0-based tool / agent iteration within the turn.'),
  column('attempt', 'number', (r) => r.attempt, '0-based retry within the round.'),
  column('started_at', 'time', (r) => r.startedAt, 'When the request was sent (ISO-8601 UTC).'),
  column('first_token_at', 'time', (r) => r.firstTokenAt, 'First streamed token (ISO-8601 UTC); empty when none arrived.'),
  column('finished_at', 'time', (r) => r.finishedAt, 'When the response ended (ISO-8601 UTC).'),
  column('latency_ms', 'number', (r) => r.outcome.latencyMs, 'Execution latency in milliseconds.'),
  column('status', 'plain', (r) => r.outcome.status, '`ok`, `error`, `cancelled`, `aborted`, `timeout` (a deadline ran out) or `blocked` (refused by a budget before it was sent).'),
  column('error_class', 'text', (r) => r.outcome.errorClass, 'Error class, e.g. `RateLimitError`.'),
  column('error_message', 'text', (r) => r.outcome.errorMessage, 'Error message, with keys and Authorization values redacted.'),
  column('http_status', 'number', (r) => r.outcome.httpStatus, 'HTTP status of the response, when there was one.'),
  column('retries', 'number', (r) => r.outcome.retries, 'Retries the adapter made before this outcome.'),
  column('provider', 'text', (r) => r.provider, 'Adapter that sent the request (`openai`, `anthropic`, `vscode-lm`, ...).'),
  column('base_url_host', 'text', (r) => r.baseUrlHost, 'Host of the endpoint (no path, query or credentials).'),
  column('model_requested', 'text', (r) => r.modelRequested, 'Model asked for.'),
  column('model_served', 'text', (r) => r.modelServed, 'Model the response says served it.'),
  column('request_kind', 'plain', (r) => r.kind, '`explain`, `edit` (a small targeted change), `fix`, `refactor`, `generate`, `plan` or `other`.'),
  column('region', 'text', (r) => r.region, 'Processing region / cluster, when the provider reports one.'),
  column('input_tokens', 'number', (r) => r.tokens.input, 'Input tokens billed at the full input price (cache reads and writes excluded).'),
  column('cache_read_tokens', 'number', (r) => r.tokens.cacheRead, 'Input tokens served from the prompt cache.'),
  column('cache_write_tokens', 'number', (r) => r.tokens.cacheWrite, 'Input tokens written to the prompt cache.'),
  column('output_tokens', 'number', (r) => r.tokens.output, 'Output tokens, reasoning included.'),
  column('reasoning_tokens', 'number', (r) => r.tokens.reasoning, 'Part of `output_tokens` spent on hidden reasoning.'),
  column('system_tokens', 'number', (r) => r.tokens.system, 'Part of the input that was system messages.'),
  column('tool_definition_tokens', 'number', (r) => r.tokens.tools, 'Part of the input that was tool definitions.'),
  column('total_tokens', 'number', (r) => totalInput(r.tokens) + r.tokens.output, 'All input (uncached + cache read + cache write) plus output.'),
  column('usage_source', 'plain', (r) => r.usageSource, '`provider` (reported), `counted` (we counted) or `estimated` (nobody reported it).'),
  column('context_items', 'number', (r) => r.contexts.length, 'Number of context items attached (files, selections...).'),
  column('context_tokens', 'number', (r) => r.contextTokens, 'Tokens of all context items.'),
  column('context_bytes', 'number', (r) => r.contextBytes, 'Size of all context items in bytes.'),
  column('context_labels', 'text', (r) => r.contexts.map((item) => `${item.kind}:${item.label}`).join(' | '), '`kind:path:range` of each item, joined with ` | ` (never file contents).'),
  column('tool_names', 'text', (r) => r.tools.names.join(';'), 'Tools called, joined with `;`.'),
  column('tool_calls', 'number', (r) => r.tools.calls, 'Number of tool calls.'),
  column('external_calls', 'number', (r) => r.tools.externalCalls, 'Number of external API calls made by tools.'),
  column('credits', 'number', (r) => r.cost.credits, 'Credits charged (empty when unknown).'),
  column('usd', 'number', (r) => r.cost.usd, 'Cost in US dollars (empty when unknown).'),
  column('charge_source', 'plain', (r) => r.cost.chargeSource, '`provider` (the provider reported the charge) or `computed` (usage x price).'),
  column('price_profile_version', 'text', (r) => r.cost.profileVersion, 'Version of the price profile used.'),
  column('estimate_low', 'number', (r) => r.estimate?.low, 'Credits estimated before sending: low end.'),
  column('estimate_expected', 'number', (r) => r.estimate?.expected, 'Credits estimated before sending: expected.'),
  column('estimate_high', 'number', (r) => r.estimate?.high, 'Credits estimated before sending: high end.'),
  column('estimate_input_tokens', 'number', (r) => r.estimate?.inputTokens, 'Input tokens the estimate assumed.'),
  column('estimate_output_tokens', 'number', (r) => r.estimate?.outputTokens, 'Output tokens the estimate assumed.'),
  column('source', 'plain', (r) => r.source, 'Which door the request came in by: `compose`, `inputBox` (Ask About Selection) or `gateway`; empty for records written before it was kept.'),
  column('client', 'text', (r) => r.client, 'The assistant that sent it through the gateway, from its User-Agent (e.g. `claude-cli`, `Cline`, `openai-node`).'),
  column('thread_id', 'text', (r) => r.threadId, 'The Compose conversation the request belongs to.'),
  column('estimate_cache_read_tokens', 'number', (r) => r.estimate?.cacheReadTokens, 'Part of the estimated input predicted to be read from the prompt cache.'),
  column('estimate_cache_write_tokens', 'number', (r) => r.estimate?.cacheWriteTokens, 'Part of the estimated input predicted to be written to the prompt cache.'),
  column('applied_blocks', 'number', (r) => r.appliedBlocks, 'Code blocks of the answer applied to the editor (Insert, Replace, or an accepted Apply as diff), each block once; 0 when none was; empty where nobody can know (a request through the gateway).'),
];

/** Appended, in this order, only when the user opts in to exporting prompts. */
export const CSV_PROMPT_COLUMNS: readonly CsvColumn[] = [
  column('prompt', 'text', (r) => r.prompt, 'The prompt text (only with `includePrompts` / `--include-prompts`).'),
  column('system', 'text', (r) => r.system, 'The system text (only with `includePrompts` / `--include-prompts`).'),
];

export function csvColumns(includePrompts: boolean): readonly CsvColumn[] {
  return includePrompts ? [...CSV_COLUMNS, ...CSV_PROMPT_COLUMNS] : CSV_COLUMNS;
}
