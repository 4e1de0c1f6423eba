/**
 * One CSV data row, written out column by column in `CSV_COLUMNS` order. This is the hot loop of
 * a 100k-record export, so it is one monomorphic function instead of 50 column callbacks;
 * `csvRowFromColumns` is the declarative version, and a test holds the two to the same output.
 * Both write the record as given: pass it through `exportable` first (`writeExport` does), which
 * redacts every free-text field and drops prompts unless asked for.
 */
import { totalInput } from '../ledger';
import { csvNumber, csvText } from './csvCell';
import type { CsvColumn, ExportRecord } from './csvColumns';

const num = (value: number | null | undefined): string => (value === null || value === undefined ? '' : csvNumber(value));
const text = (value: string | null | undefined): string => (value === null || value === undefined ? '' : csvText(value));

export function csvRow(r: ExportRecord, includePrompts: boolean): string {
  const { tokens: k, outcome: o, cost: c, estimate: e, tools } = r;
  const labels = r.contexts.length === 0 ? '' : text(r.contexts.map((item) => `${item.kind}:${item.label}`).join(' | '));
  const row = `${r.schemaVersion},${r.id},${text(r.turnId)},${r.round},${r.attempt},${r.startedAt},${r.firstTokenAt ?? ''},${r.finishedAt},`
    + `${num(o.latencyMs)},${o.status},${text(o.errorClass)},${text(o.errorMessage)},${num(o.httpStatus)},${o.retries},`
    + `${text(r.provider)},${text(r.baseUrlHost)},${text(r.modelRequested)},${text(r.modelServed)},${r.kind},${text(r.region)},`
    + `${k.input},${k.cacheRead},${k.cacheWrite},${k.output},${k.reasoning},${k.system},${k.tools},${totalInput(k) + k.output},${r.usageSource},`
    + `${r.contexts.length},${r.contextTokens},${r.contextBytes},${labels},${text(tools.names.join(';'))},${tools.calls},${tools.externalCalls},`
    + `${num(c.credits)},${num(c.usd)},${c.chargeSource},${text(c.profileVersion)},`
    + `${num(e?.low)},${num(e?.expected)},${num(e?.high)},${num(e?.inputTokens)},${num(e?.outputTokens)},`
    + `${r.source ?? ''},${text(r.client)},${text(r.threadId)},${num(e?.cacheReadTokens)},${num(e?.cacheWriteTokens)},${num(r.appliedBlocks)}`;
  return includePrompts ? `${row},${text(r.prompt)},${text(r.system)}` : row;
}

/** The same row from the column list (the specification `csvRow` must match). */
export function csvRowFromColumns(record: ExportRecord, columns: readonly CsvColumn[]): string {
  return columns.map((column) => {
    const value = column.value(record);
    if (value === null || value === undefined) {
      return '';
    }
    if (typeof value === 'number') {
      return csvNumber(value);
    }
    if (column.kind === 'plain' || column.kind === 'time') {
      return value;
    }
    return csvText(value);
  }).join(',');
}
