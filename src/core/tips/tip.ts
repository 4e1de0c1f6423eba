import type { ContextKind } from '../contextKind';
import type { TokenUsage } from '../usage';

/** Which rule produced a tip; stable ids so the UI can key and dedupe them. */
export type TipId =
  | 'hugeContext'
  | 'pastedLog'
  | 'repeatedContext'
  | 'heavyModel'
  | 'vaguePrompt'
  | 'longPrompt'
  | 'bigSystemPrompt'
  | 'toolDefinitions'
  | 'longThread';

/** Something a surface can do for the user in one click, named by id (the surface words and runs it). */
export type TipAction = 'newThreadFromSummary';

/** Where the cost comes from: offsets (UTF-16, end exclusive) into the prompt or one context item's text. */
export type TipSpan =
  | { readonly in: 'prompt'; readonly start: number; readonly end: number }
  | { readonly in: 'context'; readonly index: number; readonly start: number; readonly end: number }
  | { readonly in: 'system'; readonly start: number; readonly end: number };

export interface Tip {
  readonly id: TipId;
  readonly title: string;
  readonly message: string;
  /** Tokens the suggested change would not send (or not generate, for output-side tips). */
  readonly savingTokens: number;
  /** Credits saved by that change, priced as the whole request with and without it; undefined when the model has no price. */
  readonly savingCredits: number | undefined;
  readonly span?: TipSpan;
  /** A one-click fix the surface offers next to the tip. */
  readonly action?: TipAction;
}

/** One piece of context attached to the draft; `tokens` comes from the estimate (already counted). */
export interface TipContext {
  readonly label: string;
  readonly kind: ContextKind;
  readonly tokens: number;
  /** The text, when available: needed to find logs and recognise a context sent before. */
  readonly text?: string;
}

/** A draft request reduced to what the rules need: plain values, no editor objects. */
export interface TipDraft {
  readonly model: string;
  readonly prompt: string;
  readonly promptTokens: number;
  readonly systemTokens: number;
  readonly contexts: readonly TipContext[];
  readonly tools?: { readonly count: number; readonly tokens: number };
  /** Per-message framing tokens the provider adds. */
  readonly overheadTokens?: number;
  /** Predicted answer length. */
  readonly output: { readonly p50: number; readonly p90: number };
  /** explain / fix / refactor / generate / plan / other. */
  readonly kind?: string;
  /** The earlier turns of the conversation, resent with this message. */
  readonly history?: { readonly tokens: number; readonly turns: number };
  /** How the provider's prompt cache splits the input, when the estimate knows it (the parts add up to the input). */
  readonly cache?: { readonly readTokens: number; readonly writeTokens: number; readonly write1hTokens: number; readonly freshTokens: number };
}

/** What the long-thread tip found, for the surface to word (its title and message are the surface's). */
export interface LongThreadFacts {
  /** Tokens of the earlier turns resent with every message. */
  readonly resentTokens: number;
  readonly turns: number;
  /** About what a summary of them would resend instead. */
  readonly summaryTokens: number;
}

/** Credits for one request of `model` with this usage; undefined when the model has no price. */
export type PriceRequest = (model: string, usage: TokenUsage) => number | undefined;

/** What a previous send of the same context cost, as recorded in this session. */
export interface PriorSends {
  readonly count: number;
  readonly credits: number;
}

export interface TipEnvironment {
  readonly price: PriceRequest;
  readonly countTokens: (text: string) => number;
  /** Other models the user has configured, candidates for "a lighter model would cost Y". */
  readonly alternativeModels?: readonly string[];
  /** Looks up earlier sends of a context by its text. */
  readonly priorSends?: (text: string) => PriorSends | undefined;
  /** Words the long-thread tip (the surface owns the wording); without it that tip is not offered. */
  readonly longThreadText?: (facts: LongThreadFacts) => { readonly title: string; readonly message: string };
}
