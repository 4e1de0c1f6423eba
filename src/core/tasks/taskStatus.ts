/** How a running task reads in the status bar: `Cline · round 12 · 3.4 cr`. */
import { formatCredits } from '../format/credits';
import { clientLabel } from './clientName';
import type { TaskSnapshot } from './taskTracker';

export function taskStatusText(task: TaskSnapshot): string {
  return `${clientLabel(task.client)} · round ${task.rounds} · ${formatCredits(task.credits)} cr`;
}

/** A Markdown tooltip: the client, the model, rounds, credits and whether a request is streaming. */
export function taskStatusTooltip(task: TaskSnapshot, now: number): string {
  const minutes = Math.max(0, Math.round((now - task.startedAt) / 60_000));
  return [
    `**${clientLabel(task.client)}** task through the Credit Meter gateway`,
    '',
    `Model: ${task.model}`,
    '',
    `${task.rounds} ${task.rounds === 1 ? 'round' : 'rounds'}, ${formatCredits(task.credits)} cr charged so far, started ${minutes} min ago`,
    ...(task.inFlight > 0 ? ['', `${task.inFlight} request${task.inFlight === 1 ? '' : 's'} streaming`] : []),
    '',
    'Click to show the usage history.',
  ].join('\n');
}
