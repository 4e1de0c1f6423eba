/** The request table's columns: their headers (looked up when read) and what each cell shows. Pure, no DOM. */
import * as l10n from '@vscode/l10n';
import { clientLabel } from '../../core/tasks/clientName';
import { formatCredits, formatDifference, formatLatency, formatTime, formatTokens } from './format';
import type { HistoryRows } from './historyRows';
import { historyText } from './text';
import type { SortColumn, TaskSummary } from './viewModel';

export interface TableColumn {
  readonly id: SortColumn;
  readonly title: string;
  readonly tooltip: string;
  readonly numeric: boolean;
  text(rows: HistoryRows, index: number): string;
}

export const columns: readonly TableColumn[] = [
  { id: 'time', get title() { return l10n.t('Time'); }, get tooltip() { return l10n.t('When the request started (local time)'); }, numeric: false, text: (r, i) => formatTime(r.columns.startedAt[i]) },
  { id: 'kind', get title() { return l10n.t('Kind'); }, get tooltip() { return l10n.t('Request kind'); }, numeric: false, text: (r, i) => r.kindAt(i) },
  { id: 'model', get title() { return l10n.t('Model'); }, get tooltip() { return l10n.t('Model requested'); }, numeric: false, text: (r, i) => r.modelAt(i) },
  { id: 'input', get title() { return l10n.t('Input'); }, get tooltip() { return l10n.t('Input tokens billed at the input price (uncached, incl. cache writes)'); }, numeric: true, text: (r, i) => formatTokens(r.columns.inputTokens[i]) },
  { id: 'cached', get title() { return l10n.t('Cached'); }, get tooltip() { return l10n.t('Input tokens read from the prompt cache'); }, numeric: true, text: (r, i) => formatTokens(r.columns.cachedTokens[i]) },
  { id: 'output', get title() { return l10n.t('Output'); }, get tooltip() { return l10n.t('Output tokens, reasoning included'); }, numeric: true, text: (r, i) => formatTokens(r.columns.outputTokens[i]) },
  { id: 'estimated', get title() { return l10n.t('Estimated'); }, get tooltip() { return l10n.t('Credits expected when it was sent'); }, numeric: true, text: (r, i) => formatCredits(r.columns.estimated[i]) },
  { id: 'charged', get title() { return l10n.t('Charged'); }, get tooltip() { return l10n.t('Credits charged'); }, numeric: true, text: (r, i) => formatCredits(r.columns.charged[i]) },
  { id: 'difference', get title() { return l10n.t('Diff.'); }, get tooltip() { return l10n.t('Charged minus estimated credits'); }, numeric: true, text: (r, i) => formatDifference(r.differenceAt(i)) },
  { id: 'status', get title() { return l10n.t('Status'); }, get tooltip() { return l10n.t('Outcome'); }, numeric: false, text: (r, i) => r.statusAt(i) },
  { id: 'latency', get title() { return l10n.t('Latency'); }, get tooltip() { return l10n.t('Time to the last token'); }, numeric: true, text: (r, i) => formatLatency(r.columns.latencyMs[i]) },
  { id: 'retries', get title() { return l10n.t('Retries/round'); }, get tooltip() { return l10n.t('Retries of this attempt / tool round of the request'); }, numeric: true, text: (r, i) => `${r.columns.retries[i]} / ${r.columns.round[i] + 1}` },
];

/** What a task row shows in each column: its requests summed, its latest request's model and status. */
export function taskCell(column: SortColumn, rows: HistoryRows, task: TaskSummary, expanded: boolean): string {
  const difference = task.charged === null || task.estimated === null ? null : task.charged - task.estimated;
  switch (column) {
    case 'time': return `${expanded ? '▾' : '▸'} ${formatTime(task.firstAt)}`;
    case 'kind': return rows.kindAt(task.members[0]);
    case 'model': return `${clientLabel(rows.tasks[task.code]?.client ?? '') || historyText.task} · ${rows.modelAt(task.latest)}`;
    case 'input': return formatTokens(task.inputTokens);
    case 'cached': return formatTokens(task.cachedTokens);
    case 'output': return formatTokens(task.outputTokens);
    case 'estimated': return formatCredits(task.estimated);
    case 'charged': return formatCredits(task.charged);
    case 'difference': return formatDifference(difference);
    case 'status': return rows.statusAt(task.latest);
    case 'latency': return formatLatency(task.latencyMs);
    case 'retries': return historyText.rounds(task.rounds);
    default: {
      const unknown: never = column;
      throw new Error(`unknown column ${String(unknown)}`);
    }
  }
}
