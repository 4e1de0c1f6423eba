/**
 * Every user-visible string of Compose's conversations, prompt-cache notes and applied answers, in one
 * place, so they can be localised together (the core hands over numbers and ids, never wording).
 * Shared by the Compose view, the status bar tooltip and the history view, so all say the same.
 */
import type { EstimateCache } from '../../core/estimate';
import { formatCredits, formatTokens } from '../../core/format/credits';
import type { LongThreadFacts } from '../../core/tips';

/** `14:32` (in the user's locale): when a cached prefix stops being read. */
export function formatClock(ms: number): string {
  return new Date(ms).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });
}

export const threadText = {
  newThread: 'New thread',
  newerFormat: 'written by a newer version of Credit Meter',
  unreadableFiles: (count: number, dir: string) => `Credit Meter could not read ${count} conversation file(s) in ${dir}. They were left as they are; see the log.`,
  showLog: 'Show Log',
  renamePrompt: 'A new name for the thread',
  renameEmpty: 'A thread needs a name.',
  deleteQuestion: (title: string) => `Delete the thread "${title}"?`,
  deleteDetail: 'Its requests stay in the usage history and the exports; only the conversation goes.',
  deleteButton: 'Delete',
  pickPlaceholder: 'Switch to a thread (Compose continues it)',
  noSuchThread: (id: string) => `There is no thread "${id}" in this workspace.`,
  stillRunning: 'A request of this thread is still running: stop it first.',
  pickNew: '$(add) New thread',
  pickDetail: (turns: number, credits: number) => `${turns} message(s) · ${formatCredits(credits)} cr`,
  historyMissing: (turns: number) => `${turns} earlier message(s) of this thread were not kept (creditMeter.storePrompts is off), so they are not resent.`,
  /** The status-bar tooltip's line for a draft in a thread. */
  statusLine: (title: string | undefined, turns: number, credits: number) => (title === undefined
    ? 'A new thread: nothing earlier is resent.'
    : `Thread "${title}" · ${turns} message(s) so far · ${formatCredits(credits)} cr`),
  /** The history view's "Thread" row. */
  historyLabel: (title: string | undefined, id: string) => (title === undefined ? `${id} (deleted)` : `${title} (${id})`),
};

export const cacheText = {
  /** `12.3k cached · 0.4k written · 0.1k fresh` */
  split: (cache: EstimateCache) => `${formatTokens(cache.readTokens)} cached · ${formatTokens(cache.writeTokens)} written · ${formatTokens(cache.freshTokens)} fresh`,
  /** The status-bar tooltip's line: `Prompt cache: 12.3k cached · … (caching saves ≈ 0.8 cr)`. */
  statusLine: (cache: EstimateCache, saving: string | undefined) => `Prompt cache: ${cacheText.split(cache)}${saving ? ` (${saving})` : ''}`,
  /** One sentence on what the cache does for this request, or undefined when the provider's cache is not predicted. */
  note(cache: EstimateCache, now: number): string | undefined {
    if (cache.rules === 'none') {
      return undefined;
    }
    if (cache.readTokens > 0 && cache.cachedUntil !== undefined) {
      return cache.cachedUntil > now
        ? `${formatTokens(cache.readTokens)} tokens cached until ${formatClock(cache.cachedUntil)}: send before then to pay the cache price for them.`
        : `The cache may have expired at ${formatClock(cache.cachedUntil)}: ${formatTokens(cache.readTokens)} tokens are expected at the cache price, but it may be the full price.`;
    }
    if (cache.expiredAt !== undefined) {
      return `The cache expired at ${formatClock(cache.expiredAt)}: the history is sent at the full price again${cache.writeTokens > 0 ? ' (and written to the cache)' : ''}.`;
    }
    if (cache.writeTokens > 0 && cache.cachedAfter) {
      return `${formatTokens(cache.writeTokens)} tokens written to the cache: a follow-up before ${formatClock(cache.cachedAfter.until)} reads them at the cache price.`;
    }
    if (cache.cachedAfter) {
      return `Cached after sending: a follow-up before ${formatClock(cache.cachedAfter.until)} reads ${formatTokens(cache.cachedAfter.tokens)} tokens at the cache price.`;
    }
    return 'Too short to be cached: every token is sent at the full price.';
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
    return difference > 0 ? `caching saves ≈ ${formatCredits(difference)} cr` : `writing to the cache costs ≈ ${formatCredits(-difference)} cr more`;
  },
};

export const tipText = {
  longThread: (facts: LongThreadFacts) => ({
    title: 'Start a new thread with a summary',
    message: `This thread resends ${formatTokens(facts.resentTokens)} tokens each message (${facts.turns} earlier turn${facts.turns === 1 ? '' : 's'}) — start a new one with a summary of about ${formatTokens(facts.summaryTokens)} tokens.`,
  }),
  newThreadFromSummary: 'New thread from a summary',
};

export const summaryText = {
  /** What the model is asked; the new thread starts with this question and its answer. */
  prompt: 'Summarise our conversation so far so that we can continue it in a new conversation: the goal, the decisions made, '
    + 'the code that matters (names, signatures, short excerpts) and what is still open. Be brief and leave out what no longer matters.',
  title: (from: string) => `Summary: ${from}`.slice(0, 200),
  question: (title: string) => `Start a new thread from a summary of "${title}"?`,
  detail: (model: string, credits: { low: number; expected: number; high: number } | null, resent: number) => `${credits
    ? `Asking ${model} for the summary costs ≈ ${formatCredits(credits.expected)} cr (${formatCredits(credits.low)}–${formatCredits(credits.high)} cr).`
    : `No price is known for ${model}.`} The new thread then resends the summary instead of ${formatTokens(resent)} tokens with each message; this thread stays as it is.`,
  confirm: 'Summarise',
  nothingToSummarise: 'This thread has no answered messages to summarise yet.',
};

export const applyText = {
  insert: 'Insert',
  replace: 'Replace selection',
  diff: 'Apply as diff',
  noEditor: 'Open the file to change in the editor first (and select what the code should replace).',
  noBlock: 'That code block is no longer available: its answer was not kept.',
  diffTitle: (file: string) => `${file} ↔ proposed change (Credit Meter)`,
  proposalQuestion: (file: string) => `Apply the proposed change to ${file}?`,
  accept: 'Accept',
  discard: 'Discard',
  changedMeanwhile: (file: string) => `${file} changed since the diff was made: apply the block again to see the change on the current text.`,
  applyFailed: (file: string) => `The change could not be applied to ${file}.`,
};
