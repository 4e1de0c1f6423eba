/**
 * The history view's text search, answered from memory. The core's `text` filter reads every full
 * record back from disk (about half a second for 100k records, on every keystroke); this keeps, per
 * row, the lower-cased text that filter searches, capped in length so long prompts cannot fill the
 * memory. A row whose text was cut and whose kept part does not match is checked against the full
 * record, so the answer is always exactly the core's (and an export's). No vscode: unit-tested in Node.
 */
import type { UsageRecord } from './usageRecord';

/**
 * Characters kept per row (ids, models, labels and a short prompt fit; 100k rows stay under ~100 MB even
 * when every prompt is long). Longer rows keep a prefix and are confirmed from disk when it does not match.
 */
export const SEARCH_TEXT_LIMIT = 1_024;

/**
 * The fields the core's `text` filter looks at (src/core/ledger/ledgerFilter.ts `searchableText`),
 * joined and lower-cased the same way. A unit test holds the two to the same answers.
 */
export function searchableText(record: UsageRecord): string {
  return [
    record.id, record.turnId, record.modelRequested, record.modelServed ?? '', record.kind, record.provider,
    record.outcome.status, record.outcome.errorClass ?? '', record.outcome.errorMessage ?? '',
    ...record.contexts.map((item) => item.label), ...record.tools.names, record.prompt ?? '',
  ].join('\n').toLowerCase();
}

export class SearchIndex {
  private readonly texts: string[] = [];
  /** Rows whose text was longer than the limit. */
  private readonly cut = new Set<number>();

  get length(): number {
    return this.texts.length;
  }

  /** Indexes the next row (rows are added in order: row i is the i-th call). */
  add(record: UsageRecord): void {
    const text = searchableText(record);
    if (text.length > SEARCH_TEXT_LIMIT) {
      this.cut.add(this.texts.length);
      // A copy, not a slice that would keep the whole string alive.
      this.texts.push((' ' + text.slice(0, SEARCH_TEXT_LIMIT)).slice(1));
    } else {
      this.texts.push(text);
    }
  }

  /**
   * Whether row `row` holds `needle` (already trimmed and lower-cased, as the core compiles it):
   * true or false from memory, or 'unsure' when only the full record can tell.
   */
  matches(row: number, needle: string): boolean | 'unsure' {
    const text = this.texts[row];
    if (text === undefined) {
      return 'unsure';
    }
    if (text.includes(needle)) {
      return true;
    }
    return this.cut.has(row) ? 'unsure' : false;
  }
}
