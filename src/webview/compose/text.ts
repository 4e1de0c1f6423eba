/**
 * The Compose view's own words (everything else it shows comes worded from the extension), in one
 * place. Each is looked up in the localisation bundle when it is read, after the entry configured it.
 */
import * as l10n from '@vscode/l10n';
import type { ComposeKind } from '../../protocol/compose';
import { formatCredits, formatTokens } from './format';

export const viewText = {
  /** `{0}` is the link to the walkthrough (`gettingStarted`). */
  get newHere() { return l10n.t('New to Credit Meter? {0}: set an API key, pick a model, see an estimate, send.'); },
  get gettingStarted() { return l10n.t('Get started'); },
  get gettingStartedTitle() { return l10n.t('Open the Getting Started walkthrough'); },
  get threadsLabel() { return l10n.t('Thread'); },
  get newThreadOption() { return l10n.t('New thread (next message starts it)'); },
  get newThread() { return l10n.t('+ New'); },
  get newThreadTitle() { return l10n.t('Start a new thread: the next message resends nothing earlier'); },
  get rename() { return l10n.t('Rename'); },
  get renameTitle() { return l10n.t('Rename this thread'); },
  get delete() { return l10n.t('Delete'); },
  get deleteTitle() { return l10n.t('Delete this thread (its requests stay in the usage history)'); },
  threadOption: (title: string, turns: number, credits: number) => l10n.t('{0} · {1} msg · {2} cr', title, turns, formatCredits(credits)),
  threadCost: (turns: number, credits: number, uncharged: number) => {
    const cost = turns === 1
      ? l10n.t('1 message · {0} cr', formatCredits(credits))
      : l10n.t('{0} messages · {1} cr', turns, formatCredits(credits));
    return uncharged > 0 ? l10n.t('{0} (+{1} without a known charge)', cost, uncharged) : cost;
  },
  get noThread() { return l10n.t('A new thread: the next message starts it.'); },
  get conversation() { return l10n.t('Earlier messages in this thread'); },
  get you() { return l10n.t('You'); },
  get promptNotKept() { return l10n.t('Prompt not kept (creditMeter.storePrompts is off).'); },
  get answerNotKept() { return l10n.t('Answer not kept (creditMeter.storePrompts is off).'); },
  pastCharge: (estimated: number | null, charged: number | null, applied: number) => [
    estimated === null ? null : l10n.t('estimated ≈ {0} cr', formatCredits(estimated)),
    charged === null ? l10n.t('charge unknown') : l10n.t('charged {0} cr', formatCredits(charged)),
    applied === 0 ? null : applied === 1 ? l10n.t('1 code block applied') : l10n.t('{0} code blocks applied', applied),
  ].filter((part) => part !== null).join(' · '),
  history: (turns: number) => (turns === 1 ? l10n.t('resent history (1 earlier turn)') : l10n.t('resent history ({0} earlier turns)', turns)),
  get cacheHeading() { return l10n.t('Prompt cache'); },
  cacheSplit: (read: number, written: number, fresh: number) => l10n.t('{0} cached · {1} written · {2} fresh', formatTokens(read), formatTokens(written), formatTokens(fresh)),
  get copyCode() { return l10n.t('Copy code'); },
  copyLanguageCode: (lang: string) => l10n.t('Copy {0} code', lang),
  get copy() { return l10n.t('Copy'); },
  get copied() { return l10n.t('Copied'); },
  get copyFailed() { return l10n.t('Copy failed'); },
  get insert() { return l10n.t('Insert'); },
  get insertTitle() { return l10n.t('Insert at the cursor in the editor'); },
  get replace() { return l10n.t('Replace'); },
  get replaceTitle() { return l10n.t('Replace the selection in the editor'); },
  get diff() { return l10n.t('Apply as diff'); },
  get diffTitle() { return l10n.t('Show the change as a diff, then accept or discard it'); },
  get applied() { return l10n.t('Applied'); },
  get proposed() { return l10n.t('Diff open'); },
  get notApplied() { return l10n.t('Not applied'); },
  get contextLabel() { return l10n.t('Context sent with the prompt'); },
  get model() { return l10n.t('Model'); },
  get kind() { return l10n.t('Request kind'); },
  get send() { return l10n.t('Send'); },
  get sendTitle() { return l10n.t('Send (Ctrl+Enter)'); },
  get stop() { return l10n.t('Stop'); },
  get stopTitle() { return l10n.t('Stop the answer'); },
  get estimate() { return l10n.t('Estimate'); },
  get tipsLabel() { return l10n.t('Ways to cut the cost'); },
  get tipsHeading() { return l10n.t('Cut the cost'); },
  get answer() { return l10n.t('Answer'); },
  get prompt() { return l10n.t('Prompt'); },
  get promptPlaceholder() { return l10n.t('Ask about your code. Ctrl+Enter sends.'); },
  get addActive() { return l10n.t('+ Active file'); },
  get addActiveTitle() { return l10n.t('Attach the file open in the editor'); },
  get pickFiles() { return l10n.t('+ Files…'); },
  get pickFilesTitle() { return l10n.t('Pick files from the workspace'); },
  get writePrompt() { return l10n.t('Write a prompt first.'); },
  removeChip: (label: string) => l10n.t('Remove {0}', label),
  get remove() { return l10n.t('Remove'); },
  get autoSelection() { return l10n.t('The editor selection, attached automatically'); },
  get noEstimate() { return l10n.t('Type a prompt to see what it will cost.'); },
  announce: (main: string, range: string) => l10n.t('Estimate {0}, range {1}', main, range),
  get exact() { return l10n.t('exact'); },
  get calibrated() { return l10n.t('calibrated'); },
  get exactTitle() { return l10n.t('Token counts are exact for this model'); },
  get calibratedTitle() { return l10n.t('Token counts come from a proxy tokenizer, calibrated for this model'); },
  get kindUsedTitle() { return l10n.t('Request kind used for the answer length'); },
  get answerRow() { return l10n.t('answer'); },
  get outputRange() { return l10n.t('p50–p90'); },
  get partsCaption() { return l10n.t('Tokens by part'); },
  /** `{0}` is the warning itself, in bold; `{1}` how to make it fit. */
  get windowRefusal() { return l10n.t('{0} — the provider will refuse it as it is. {1}'); },
};

/** The request kinds as the picker names them. */
export function kindLabel(kind: ComposeKind): string {
  switch (kind) {
    case 'auto': return l10n.t('Auto');
    case 'explain': return l10n.t('Explain');
    case 'edit': return l10n.t('Edit');
    case 'fix': return l10n.t('Fix');
    case 'refactor': return l10n.t('Refactor');
    case 'generate': return l10n.t('Generate');
    case 'plan': return l10n.t('Plan');
    case 'other': return l10n.t('Other');
    default: {
      const unknown: never = kind;
      return String(unknown);
    }
  }
}
