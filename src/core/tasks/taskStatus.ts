/** How a running task reads in the status bar: `Cline · round 12 · 3.4 cr`. */
import * as l10n from '@vscode/l10n';
import { formatCredits } from '../format/credits';
import { clientLabel } from './clientName';
import type { TaskSnapshot } from './taskTracker';

export function taskStatusText(task: TaskSnapshot): string {
  return l10n.t('{0} · round {1} · {2} cr', clientLabel(task.client), task.rounds, formatCredits(task.credits));
}

/** A Markdown tooltip: the client, the model, rounds, credits and whether a request is streaming. */
export function taskStatusTooltip(task: TaskSnapshot, now: number): string {
  const minutes = Math.max(0, Math.round((now - task.startedAt) / 60_000));
  return [
    l10n.t('**{0}** task through the Credit Meter gateway', clientLabel(task.client)),
    '',
    l10n.t('Model: {0}', task.model),
    '',
    task.rounds === 1
      ? l10n.t('1 round, {0} cr charged so far, started {1} min ago', formatCredits(task.credits), minutes)
      : l10n.t('{0} rounds, {1} cr charged so far, started {2} min ago', task.rounds, formatCredits(task.credits), minutes),
    ...(task.inFlight > 0 ? ['', task.inFlight === 1 ? l10n.t('1 request streaming') : l10n.t('{0} requests streaming', task.inFlight)] : []),
    '',
    l10n.t('Click to show the usage history.'),
  ].join('\n');
}
