/**
 * Where each rule starts to fire, and the counterfactual it prices. Kept in one place so the
 * hover, the status-bar tooltip and the Compose view agree, and the tests can name them.
 */
export const TIP_THRESHOLDS = {
  /** A context item this large is more than the code a question is usually about. */
  hugeContextTokens: 4_000,
  /** What a focused context (one function, one class) typically costs: the counterfactual. */
  focusedContextTokens: 1_000,
  /** A log or trace shorter than this (in lines) is cheap enough to leave alone. */
  logMinLines: 12,
  logMinTokens: 300,
  /** Frames kept from the end of a trace (the first error line is kept too). */
  logKeepLastLines: 5,
  /** A context resent is only worth a tip when it is at least this large. */
  repeatedContextMinTokens: 500,
  /** A prompt longer than this is probably several tasks. */
  longPromptTokens: 1_500,
  /** A prompt this short can be answered by a light model, if the input is small too. */
  trivialPromptWords: 25,
  trivialInputTokens: 2_000,
  /** A lighter model must be at least this many times cheaper to be worth suggesting. */
  heavyModelRatio: 3,
  /** A system prompt this large costs noticeably on every request. */
  bigSystemTokens: 1_000,
  /** What a lean system prompt costs: the counterfactual. */
  leanSystemTokens: 300,
  /** Tool definitions dominate when they are at least this share of the input and this many tokens. */
  toolsShare: 0.5,
  toolsMinTokens: 500,
  /** Tools a single request usually needs: the counterfactual. */
  toolsKept: 2,
  /** A conversation whose earlier turns resend at least this many tokens with every message. */
  longThreadTokens: 16_000,
  /** What a summary of them resends instead: the counterfactual. */
  threadSummaryTokens: 800,
} as const;
