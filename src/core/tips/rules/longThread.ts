import { creditsSaved, draftUsage } from '../counterfactual';
import { TIP_THRESHOLDS } from '../thresholds';
import type { Tip, TipDraft, TipEnvironment } from '../tip';
import type { TokenUsage } from '../../usage';

/** The request as the estimate prices it: its prompt-cache split when known, else all input fresh. */
function usageOf(draft: TipDraft): TokenUsage {
  const cache = draft.cache;
  if (!cache) {
    return draftUsage(draft);
  }
  return {
    inputTokens: cache.freshTokens,
    cacheReadTokens: cache.readTokens,
    cacheWriteTokens: cache.writeTokens,
    ...(cache.write1hTokens > 0 ? { cacheWrite1hTokens: cache.write1hTokens } : {}),
    outputTokens: draft.output.p50,
    reasoningTokens: 0,
  };
}

/**
 * `tokens` fewer input tokens, taken where the history sits: it is the prefix after the system
 * prompt, so it is read from the cache first, then written, then sent fresh.
 */
function withoutPrefix(usage: TokenUsage, tokens: number): TokenUsage {
  let left = tokens;
  const take = (available: number) => {
    const taken = Math.min(available, left);
    left -= taken;
    return available - taken;
  };
  const cacheReadTokens = take(usage.cacheReadTokens);
  const cacheWriteTokens = take(usage.cacheWriteTokens);
  const inputTokens = take(usage.inputTokens);
  const write1h = Math.min(usage.cacheWrite1hTokens ?? 0, cacheWriteTokens);
  const { cacheWrite1hTokens: _before, ...rest } = usage;
  return { ...rest, inputTokens, cacheReadTokens, cacheWriteTokens, ...(write1h > 0 ? { cacheWrite1hTokens: write1h } : {}) };
}

/**
 * A long conversation: every message resends all earlier turns. A new thread that starts from a
 * summary of them resends about `threadSummaryTokens` instead. The saving is priced per message, with
 * the prompt cache as the estimate predicts it (a cached history costs a tenth of fresh input on
 * Anthropic, so the tip says what it really saves, not what a cache-blind count suggests).
 */
export function longThreadTips(draft: TipDraft, env: TipEnvironment): Tip[] {
  const history = draft.history;
  const words = env.longThreadText;
  if (!history || !words || history.tokens < TIP_THRESHOLDS.longThreadTokens) {
    return [];
  }
  const summaryTokens = TIP_THRESHOLDS.threadSummaryTokens;
  const saving = history.tokens - summaryTokens;
  const usage = usageOf(draft);
  const { title, message } = words({ resentTokens: history.tokens, turns: history.turns, summaryTokens });
  return [{
    id: 'longThread',
    title,
    message,
    savingTokens: saving,
    savingCredits: creditsSaved(env.price, draft.model, usage, withoutPrefix(usage, saving)),
    action: 'newThreadFromSummary',
  }];
}
