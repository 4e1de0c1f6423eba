/** One measured figure of `npm run bench`, with the target it is held to (if any). */
export interface BenchRow {
  readonly area: string;
  readonly metric: string;
  readonly value: string;
  readonly target?: string;
  /** undefined when the row has no target. */
  readonly ok?: boolean;
}

export type BenchSection = () => Promise<BenchRow[]>;

export function formatTable(rows: readonly BenchRow[]): string {
  const header = ['area', 'metric', 'value', 'target', 'ok'];
  const cells = rows.map((row) => [row.area, row.metric, row.value, row.target ?? '', row.ok === undefined ? '' : row.ok ? 'yes' : 'NO']);
  const widths = header.map((title, column) => Math.max(title.length, ...cells.map((line) => line[column].length)));
  const line = (values: string[]) => '| ' + values.map((value, column) => value.padEnd(widths[column])).join(' | ') + ' |';
  return [line(header), '|' + widths.map((width) => '-'.repeat(width + 2)).join('|') + '|', ...cells.map(line)].join('\n');
}

/** Percentile of an unsorted sample, nearest-rank. */
export function percentile(sample: readonly number[], p: number): number {
  const sorted = [...sample].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank];
}

export function mb(bytes: number): string {
  return (bytes / (1024 * 1024)).toFixed(1) + ' MB';
}
