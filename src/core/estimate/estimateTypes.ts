/** The plain values an estimate is made from and made of. */
import type { CacheNote } from '../cache/cacheTypes';
import type { ContextKind } from '../contextKind';
import type { ProviderHints } from '../pricing';
import type { CreditProfile } from '../pricing';
import type { EncodingName } from '../tokens';
import type { ContextWindowSource } from './contextWindow';
import type { MessageFormatName } from './messageFormat';
import type { HistoryRecord, OutputPrediction } from './outputModel';
import type { RequestKind } from './requestKind';
import type { RoundsSource } from './rounds';

export type { ContextKind };

/** One piece of context sent with the prompt. */
export interface ContextItem {
  readonly kind: ContextKind;
  /** Where it came from, e.g. `src/a.ts:10-40`. */
  readonly label: string;
  /** The text sent (inside its labelled block); an unchanged text is never recounted. */
  readonly text: string;
}

/** A tool the model may call; its definition (JSON schema included) is sent as input. */
export interface ToolDefinition {
  readonly name: string;
  readonly description?: string;
  /** JSON schema of the arguments. */
  readonly parameters?: unknown;
}

export interface EstimateInput {
  readonly model: string;
  readonly system?: readonly string[];
  readonly prompt: string;
  readonly context?: readonly ContextItem[];
  readonly tools?: readonly ToolDefinition[];
  /** Rounds (agent iterations) expected; from history of similar requests or the kind when absent. */
  readonly rounds?: number;
  /** Classified from `command` or the prompt's wording when absent. */
  readonly kind?: RequestKind;
  /** The command used (`/explain`, `fix`), which decides the kind when it names one. */
  readonly command?: string;
}

export interface EstimateOptions {
  readonly profile?: CreditProfile;
  readonly history?: readonly HistoryRecord[];
  readonly providerHints?: ProviderHints;
}

/** `history`: the earlier turns of a conversation, resent with every follow-up. */
export const PART_KINDS = ['system', 'history', 'prompt', 'context', 'tools', 'overhead'] as const;
export type PartKind = (typeof PART_KINDS)[number];

/** One part of an estimate's input, as every surface (status bar, Compose, hover, CLI) shows it. */
export interface EstimatePart {
  readonly kind: PartKind;
  /** `system`, `resent history`, `prompt`, a context label, `tools (3)`, `message overhead`. */
  readonly label: string;
  /** Tokens as the provider will count them: exact, or the proxy count times the calibration factor. */
  readonly tokens: number;
  /** False when the count is a calibrated proxy (or an approximation such as tool schemas). */
  readonly exact: boolean;
}

export interface CreditRange {
  readonly low: number;
  readonly expected: number;
  readonly high: number;
}

export type EstimateCost =
  | {
      readonly kind: 'priced';
      readonly credits: CreditRange;
      readonly usd: CreditRange;
      /** The catalogue model (or profile rule) that priced it. */
      readonly pricedModel: string;
      readonly provider: string;
    }
  | { readonly kind: 'noPrice'; readonly reason: string; readonly credits: undefined; readonly usd: undefined };

/**
 * How the provider's prompt cache splits the input (from `src/core/cache`'s model): read from the
 * cache, written to it, or sent fresh. They add up to the estimate's `inputTokens`.
 */
export interface EstimateCache {
  /** How the provider caches: explicit breakpoints, automatic prefixes, or nothing we can predict. */
  readonly rules: 'anthropic' | 'openai' | 'none';
  readonly readTokens: number;
  /** Written to the cache (priced above fresh input on Anthropic, like fresh input on OpenAI). */
  readonly writeTokens: number;
  /** The part of `writeTokens` written with the 1-hour lifetime. */
  readonly write1hTokens: number;
  readonly freshTokens: number;
  /** The read happens only if the request is sent before this (ms since the epoch): "cached until 14:32". */
  readonly cachedUntil: number | undefined;
  /** What was cached expired then (ms), so it is sent (and written) again; absent when nothing expired. */
  readonly expiredAt: number | undefined;
  /** What the next follow-up can read after this request, and until when (ms). */
  readonly cachedAfter: { readonly tokens: number; readonly until: number } | undefined;
  /** The same request with no cache at all: what caching saves (or, for a first message, what writing costs). */
  readonly uncached: CreditRange | undefined;
  /** Why the split is what it is (expired, model changed, prefix changed, below the minimum, …). */
  readonly notes: readonly CacheNote[];
}

export interface Estimate {
  readonly model: string;
  readonly family: string;
  readonly encoding: EncodingName;
  /** Factor applied to the proxy counts (1 when exact). */
  readonly calibration: number;
  readonly kind: RequestKind;
  readonly kindSource: 'given' | 'classified';
  readonly rounds: number;
  /** Where `rounds` came from: the caller, history of similar requests, or the kind. */
  readonly roundsSource: RoundsSource;
  /** Rounds the high end assumes (agent loops overrun). */
  readonly highRounds: number;
  readonly parts: readonly EstimatePart[];
  /** Earlier turns of the conversation resent with this message (their tokens are the `history` part); 0 for a first message. */
  readonly historyTurns: number;
  /** The message format whose framing the overhead part counts. */
  readonly format: MessageFormatName;
  /** Input tokens of one round (the first; later rounds add what earlier rounds answered). */
  readonly inputTokens: number;
  /** Our own count of the input before calibration (what calibration learns from against the provider's count). */
  readonly countedInputTokens: number;
  /** Tokens of the code the request is about (its context), which scales edit, fix and refactor answers. */
  readonly codeTokens: number;
  /** Input tokens the model reads at most; undefined when unknown. */
  readonly contextWindow: number | undefined;
  readonly contextWindowSource: ContextWindowSource | undefined;
  /** True when the largest round's input does not fit the context window: the provider would refuse it. */
  readonly exceedsContextWindow: boolean;
  /** Input size from which the model's long-context price tier applies, when the request passes it. */
  readonly longContextTier: number | undefined;
  /** True when every part is exact. */
  readonly exact: boolean;
  /** Output tokens of one response. */
  readonly outputTokens: OutputPrediction;
  /** The part with the most tokens (overhead aside); undefined when there is nothing to send. */
  readonly dominant: EstimatePart | undefined;
  readonly cost: EstimateCost;
  /** The prompt-cache split, when the estimate was told what the conversation sent before; otherwise undefined (all input priced fresh). */
  readonly cache: EstimateCache | undefined;
}
