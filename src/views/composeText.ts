/**
 * Every user-visible string of Compose's conversations, prompt-cache notes and applied answers, in one
 * place, localised together (the core hands over numbers and ids, never wording). Shared by the
 * Compose view, the status bar tooltip and the history view, so all say the same. No `vscode` here:
 * `@vscode/l10n` reads the bundle the extension configures at activation, and every text is a getter
 * or a function, so it is translated when shown, never when this module loads.
 */
import * as l10n from '@vscode/l10n';
import type { EstimateCache } from '../core/estimate';
import { formatCredits, formatTokens } from '../core/format/credits';
import type { LongThreadFacts } from '../core/tips';

/** `14:32` (in the user's locale): when a cached prefix stops being read. */
export function formatClock(ms: number): string {
  return new Date(ms).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });
}

export const threadText = {
  get newThread() { return l10n.t('New thread'); },
  get newerFormat() { return l10n.t('written by a newer version of Credit Meter'); },
  unreadableFiles: (count: number, dir: string) => l10n.t('Credit Meter could not read {0} conversation file(s) in {1}. They were left as they are; see the log.', count, dir),
  get showLog() { return l10n.t('Show Log'); },
  get renamePrompt() { return l10n.t('A new name for the thread'); },
  get renameEmpty() { return l10n.t('A thread needs a name.'); },
  deleteQuestion: (title: string) => l10n.t('Delete the thread "{0}"?', title),
  get deleteDetail() { return l10n.t('Its requests stay in the usage history and the exports; only the conversation goes.'); },
  get deleteButton() { return l10n.t('Delete'); },
  get pickPlaceholder() { return l10n.t('Switch to a thread (Compose continues it)'); },
  noSuchThread: (id: string) => l10n.t('There is no thread "{0}" in this workspace.', id),
  get stillRunning() { return l10n.t('A request of this thread is still running: stop it first.'); },
  get pickNew() { return `$(add) ${l10n.t('New thread')}`; },
  pickDetail: (turns: number, credits: number) => l10n.t('{0} message(s) · {1} cr', turns, formatCredits(credits)),
  historyMissing: (turns: number) => l10n.t('{0} earlier message(s) of this thread were not kept (creditMeter.storePrompts is off), so they are not resent.', turns),
  /** The status-bar tooltip's line for a draft in a thread. */
  statusLine: (title: string | undefined, turns: number, credits: number) => (title === undefined
    ? l10n.t('A new thread: nothing earlier is resent.')
    : l10n.t('Thread "{0}" · {1} message(s) so far · {2} cr', title, turns, formatCredits(credits))),
  /** The history view's "Thread" row. */
  historyLabel: (title: string | undefined, id: string) => (title === undefined ? l10n.t('{0} (deleted)', id) : `${title} (${id})`),
};

export const cacheText = {
  /** `12.3k cached · 0.4k written · 0.1k fresh` */
  split: (cache: EstimateCache) => l10n.t('{0} cached · {1} written · {2} fresh', formatTokens(cache.readTokens), formatTokens(cache.writeTokens), formatTokens(cache.freshTokens)),
  /** The status-bar tooltip's line: `Prompt cache: 12.3k cached · … (caching saves ≈ 0.8 cr)`. */
  statusLine: (cache: EstimateCache, saving: string | undefined) => (saving
    ? l10n.t('Prompt cache: {0} ({1})', cacheText.split(cache), saving)
    : l10n.t('Prompt cache: {0}', cacheText.split(cache))),
  /** One sentence on what the cache does for this request, or undefined when the provider's cache is not predicted. */
  note(cache: EstimateCache, now: number): string | undefined {
    if (cache.rules === 'none') {
      return undefined;
    }
    if (cache.readTokens > 0 && cache.cachedUntil !== undefined) {
      return cache.cachedUntil > now
        ? l10n.t('{0} tokens cached until {1}: send before then to pay the cache price for them.', formatTokens(cache.readTokens), formatClock(cache.cachedUntil))
        : l10n.t('The cache may have expired at {0}: {1} tokens are expected at the cache price, but it may be the full price.', formatClock(cache.cachedUntil), formatTokens(cache.readTokens));
    }
    if (cache.expiredAt !== undefined) {
      return cache.writeTokens > 0
        ? l10n.t('The cache expired at {0}: the history is sent at the full price again (and written to the cache).', formatClock(cache.expiredAt))
        : l10n.t('The cache expired at {0}: the history is sent at the full price again.', formatClock(cache.expiredAt));
    }
    if (cache.writeTokens > 0 && cache.cachedAfter) {
      return l10n.t('{0} tokens written to the cache: a follow-up before {1} reads them at the cache price.', formatTokens(cache.writeTokens), formatClock(cache.cachedAfter.until));
    }
    if (cache.cachedAfter) {
      return l10n.t('Cached after sending: a follow-up before {0} reads {1} tokens at the cache price.', formatClock(cache.cachedAfter.until), formatTokens(cache.cachedAfter.tokens));
    }
    return l10n.t('Too short to be cached: every token is sent at the full price.');
  },
  /** `caching saves ≈ 0.8 cr` / `writing to the cache costs ≈ 0.1 cr more` */
  saving(cache: EstimateCache, expected: number): string | undefined {
    if (!cache.uncached || cache.rules === 'none') {
      return undefined;
    }
    const difference = cache.uncached.expected - expected;
    if (Math.abs(difference) < 0.05) {
      return undefined;
    }
    return difference > 0 ? l10n.t('caching saves ≈ {0} cr', formatCredits(difference)) : l10n.t('writing to the cache costs ≈ {0} cr more', formatCredits(-difference));
  },
};

export const tipText = {
  longThread: (facts: LongThreadFacts) => ({
    title: l10n.t('Start a new thread with a summary'),
    message: facts.turns === 1
      ? l10n.t('This thread resends {0} tokens each message (1 earlier turn) — start a new one with a summary of about {1} tokens.', formatTokens(facts.resentTokens), formatTokens(facts.summaryTokens))
      : l10n.t('This thread resends {0} tokens each message ({1} earlier turns) — start a new one with a summary of about {2} tokens.', formatTokens(facts.resentTokens), facts.turns, formatTokens(facts.summaryTokens)),
  }),
  get newThreadFromSummary() { return l10n.t('New thread from a summary'); },
};

export const summaryText = {
  /** What the model is asked; the new thread starts with this question and its answer. */
  get prompt() {
    return l10n.t('Summarise our conversation so far so that we can continue it in a new conversation: the goal, the decisions made, the code that matters (names, signatures, short excerpts) and what is still open. Be brief and leave out what no longer matters.');
  },
  title: (from: string) => l10n.t('Summary: {0}', from).slice(0, 200),
  question: (title: string) => l10n.t('Start a new thread from a summary of "{0}"?', title),
  detail: (model: string, credits: { low: number; expected: number; high: number } | null, resent: number) => `${credits
    ? l10n.t('Asking {0} for the summary costs ≈ {1} cr ({2}–{3} cr).', model, formatCredits(credits.expected), formatCredits(credits.low), formatCredits(credits.high))
    : l10n.t('No price is known for {0}.', model)} ${l10n.t('The new thread then resends the summary instead of {0} tokens with each message; this thread stays as it is.', formatTokens(resent))}`,
  get confirm() { return l10n.t('Summarise'); },
  get nothingToSummarise() { return l10n.t('This thread has no answered messages to summarise yet.'); },
};

export const applyText = {
  get insert() { return l10n.t('Insert'); },
  get replace() { return l10n.t('Replace selection'); },
  get diff() { return l10n.t('Apply as diff'); },
  get noEditor() { return l10n.t('Open the file to change in the editor first (and select what the code should replace).'); },
  get noBlock() { return l10n.t('That code block is no longer available: its answer was not kept.'); },
  diffTitle: (file: string) => l10n.t('{0} ↔ proposed change (Credit Meter)', file),
  proposalQuestion: (file: string) => l10n.t('Apply the proposed change to {0}?', file),
  get accept() { return l10n.t('Accept'); },
  get discard() { return l10n.t('Discard'); },
  changedMeanwhile: (file: string) => l10n.t('{0} changed since the diff was made: apply the block again to see the change on the current text.', file),
  applyFailed: (file: string) => l10n.t('The change could not be applied to {0}.', file),
};
