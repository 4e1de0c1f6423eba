/**
 * The history view's words, in one place. Each is looked up in the localisation bundle when it is
 * read (after the entry configured it), never when a module loads.
 */
import * as l10n from '@vscode/l10n';

export const historyText = {
  get summary() { return l10n.t('Summary'); },
  get loading() { return l10n.t('Loading usage…'); },
  /** `{0}` is the link to the walkthrough (`getStarted`). */
  get empty() { return l10n.t('No requests recorded in this workspace yet. Send one from Compose, or connect an assistant to the metering gateway. {0}'); },
  get getStarted() { return l10n.t('Get started with Credit Meter'); },
  get getStartedTitle() { return l10n.t('Open the Getting Started walkthrough'); },
  get recordUnreadable() { return l10n.t('The record could not be read.'); },
  /** `12 of 40 requests`, with the tasks among them when there are any. */
  rowCount: (shown: string, total: string, tasks: number, tasksText: string) => {
    if (tasks === 0) {
      return l10n.t('{0} of {1} requests', shown, total);
    }
    return tasks === 1
      ? l10n.t('{0} of {1} requests · 1 assistant task', shown, total)
      : l10n.t('{0} of {1} requests · {2} assistant tasks', shown, total, tasksText);
  },
  taskOf: (client: string) => l10n.t('{0} task', client),
  get assistantTask() { return l10n.t('assistant task'); },
  get oneTask() { return l10n.t('one task'); },
  get task() { return l10n.t('task'); },
  rounds: (rounds: number) => (rounds === 1 ? l10n.t('1 round') : l10n.t('{0} rounds', rounds)),
  milliseconds: (ms: string) => l10n.t('{0} ms', ms),
  seconds: (s: string) => l10n.t('{0} s', s),
};

/** The history's filter and summary words. */
export const summaryText = {
  get credits() { return l10n.t('Credits'); },
  get usd() { return l10n.t('USD'); },
  get requests() { return l10n.t('Requests'); },
  get noBudget() { return l10n.t('no budget'); },
  budgetUsed: (label: string) => l10n.t('{0} budget used', label),
  get notCountedTitle() { return l10n.t('See "Credit Meter: Show Log" for details'); },
  get notCounted() { return l10n.t('Not in these totals'); },
  get budget() { return l10n.t('Budget'); },
  get today() { return l10n.t('Today'); },
  get month() { return l10n.t('Month'); },
  get setBudget() { return l10n.t('Set a budget…'); },
  get changeBudget() { return l10n.t('Change…'); },
  get budgetSettingsTitle() { return l10n.t('Open the creditMeter.budget settings'); },
  get filteredRange() { return l10n.t('Filtered range'); },
  withUnpriced: (requests: string, unpriced: string) => l10n.t('{0} ({1} unpriced)', requests, unpriced),
  get accuracy() { return l10n.t('Estimate accuracy'); },
  get medianError() { return l10n.t('Median error'); },
  get insideRange() { return l10n.t('Inside range'); },
  get compared() { return l10n.t('Compared'); },
  get thisWeek() { return l10n.t('This week'); },
  get thisMonth() { return l10n.t('This month'); },
};

export const filterText = {
  all: (label: string) => l10n.t('{0}: all', label),
  one: (label: string, value: string) => l10n.t('{0}: {1}', label, value),
  get dateRange() { return l10n.t('Date range'); },
  get from() { return l10n.t('From'); },
  get to() { return l10n.t('To'); },
  get models() { return l10n.t('Models'); },
  get kinds() { return l10n.t('Kinds'); },
  get status() { return l10n.t('Status'); },
  get searchPlaceholder() { return l10n.t('Search prompts and context'); },
  get searchLabel() { return l10n.t('Search prompts and context labels'); },
  get taskChipTitle() { return l10n.t('Showing one task: click to show every request again'); },
  get exportTitle() { return l10n.t('Export the filtered requests (CSV, JSON or JSONL)'); },
  get export() { return l10n.t('Export…'); },
  get invalid() { return l10n.t('invalid filter'); },
};

export const chartText = {
  get creditsPerDay() { return l10n.t('Credits per day, by model'); },
  get estimatedVsCharged() { return l10n.t('Estimated vs charged credits, recent requests'); },
  get tokensPerDay() { return l10n.t('Tokens per day, by part'); },
  get charts() { return l10n.t('Charts'); },
  get estimated() { return l10n.t('estimated'); },
  get charged() { return l10n.t('charged'); },
  get input() { return l10n.t('input'); },
  get cached() { return l10n.t('cached'); },
  get output() { return l10n.t('output'); },
};
