/**
 * How many tokens the model will answer with, per round: learned from past requests of the same model
 * family and request kind, starting from documented priors.
 *
 * Priors (p10 / p50 / p90 output tokens of one response), from what each kind of answer looks like:
 * - explain  150 / 400 / 1200: a few paragraphs, long when the code is unfamiliar or examples are asked for.
 * - edit      40 / 120 /  400: a small targeted change: the changed lines and a sentence.
 * - fix      100 / 300 /  900: a small diff and a sentence or two of why.
 * - refactor 250 / 800 / 2500: whole functions rewritten, sometimes a whole module.
 * - generate 300 / 1000 / 3000: new functions, tests or files.
 * - plan     400 / 1200 / 3000: a structured, multi-step plan with some detail per step.
 * - other    150 / 500 / 1500: a chat-sized answer with a wide tail.
 *
 * For edit, fix and refactor the answer is about the code the request is about (the selection or the
 * attached files, `codeTokens`), so when that size is known the prior scales with it: a diff-sized
 * answer, not a fixed length. Each quantile is `base + share × codeTokens` (SCALED_PRIORS):
 * - edit: the changed lines in a hunk with a few lines around them and a sentence. base 30 / 80 / 200
 *   (a sentence; a one-line change with 3 context lines each side, as unified diffs show it, is about
 *   70 tokens), share 0.05 / 0.15 / 0.5 (p90: the whole function reprinted with the change in it, half
 *   of a typical selection since the selection carries surrounding code the answer leaves out).
 * - fix: the fix as a hunk or the repaired function, and why. base 80 / 200 / 400 (two or three
 *   sentences of diagnosis), share 0.1 / 0.3 / 1.0 (p90: the whole code reprinted, fixed).
 * - refactor: the restructured code comes back. base 150 / 300 / 600 (a summary of what moved where),
 *   share 0.3 / 0.6 / 1.2 (p50: the functions it changes reprinted, untouched code elided with "…";
 *   p90: all of it and more, as added type hints, docstrings and extracted helpers lengthen it).
 * A share is applied to at most MAX_SCALED_CODE_TOKENS of code (a longer answer is cut by the model's
 * output limit anyway), and never below the fixed prior's p10 (an answer has a floor).
 * The ratios are this project's own reading of diff-sized answers (a hunk with 3 lines of context,
 * as `diff -u` prints it; a whole function when the model reprints it) and stand until history
 * replaces them.
 *
 * Learning: with n matching records, each quantile is the empirical one shrunk towards the prior in
 * log space (output lengths are roughly log-normal): q = exp(w·ln(empirical) + (1 − w)·ln(prior)),
 * w = n / (n + PRIOR_WEIGHT). Four records weigh as much as the prior; twenty outweigh it five to one.
 * Records of the very same model are used once there are PRIOR_WEIGHT of them; until then the whole
 * family's (all Claude models, all OpenAI models, ...) teach, as answer length varies more with the
 * kind of request than with the model version.
 */
import { bareModelName } from '../tokens';
import type { RequestKind } from './requestKind';

/** One past request, as the usage ledger records it. */
export interface HistoryRecord {
  /** Model id as sent. */
  readonly model: string;
  readonly kind: RequestKind;
  /** Output tokens of the whole request (all rounds). */
  readonly outputTokens: number;
  readonly inputTokens: number;
  /** Rounds the request took; 1 when absent. */
  readonly rounds?: number;
}

export interface OutputQuantiles {
  readonly p10: number;
  readonly p50: number;
  readonly p90: number;
}

export interface OutputPrediction extends OutputQuantiles {
  /** True when the prior was scaled by the size of the code the request is about. */
  readonly scaledByCode?: boolean;
  /** `prior` without matching history, `history` once it outweighs the prior (n >= 20), else `blended`. */
  readonly source: 'prior' | 'blended' | 'history';
  /** Matching records the prediction learned from. */
  readonly samples: number;
}

export const OUTPUT_PRIORS: Readonly<Record<RequestKind, OutputQuantiles>> = {
  explain: { p10: 150, p50: 400, p90: 1200 },
  edit: { p10: 40, p50: 120, p90: 400 },
  fix: { p10: 100, p50: 300, p90: 900 },
  refactor: { p10: 250, p50: 800, p90: 2500 },
  generate: { p10: 300, p50: 1000, p90: 3000 },
  plan: { p10: 400, p50: 1200, p90: 3000 },
  other: { p10: 150, p50: 500, p90: 1500 },
};

/** `base + share × codeTokens` per quantile, for the kinds whose answer is about the size of the code. */
export const SCALED_PRIORS: Readonly<Partial<Record<RequestKind, { readonly base: OutputQuantiles; readonly share: OutputQuantiles }>>> = {
  edit: { base: { p10: 30, p50: 80, p90: 200 }, share: { p10: 0.05, p50: 0.15, p90: 0.5 } },
  fix: { base: { p10: 80, p50: 200, p90: 400 }, share: { p10: 0.1, p50: 0.3, p90: 1 } },
  refactor: { base: { p10: 150, p50: 300, p90: 600 }, share: { p10: 0.3, p50: 0.6, p90: 1.2 } },
};

/** Code beyond this many tokens does not lengthen the answer further (output limits cut it). */
export const MAX_SCALED_CODE_TOKENS = 24_000;

/** The prior of one response's output for `kind`, scaled by the size of the code it is about when that matters. */
export function outputPrior(kind: RequestKind, codeTokens = 0): OutputQuantiles & { readonly scaled: boolean } {
  const scaled = SCALED_PRIORS[kind];
  if (!scaled || !(codeTokens > 0)) {
    return { ...OUTPUT_PRIORS[kind], scaled: false };
  }
  const code = Math.min(codeTokens, MAX_SCALED_CODE_TOKENS);
  const at = (q: keyof OutputQuantiles) => Math.round(scaled.base[q] + scaled.share[q] * code);
  const p10 = at('p10');
  const p50 = Math.max(p10, at('p50'));
  return { p10, p50, p90: Math.max(p50, at('p90')), scaled: true };
}

/** Pseudo-records the prior counts for. */
export const PRIOR_WEIGHT = 4;
const HISTORY_DOMINATES = 20;

/**
 * Predicts one response's output tokens for `model` (whose family is `family`). `familyOf` maps a
 * record's model id to its family (the tokenizer module's). `codeTokens` is the size of the code the
 * request is about (0 when unknown), which scales the prior of edit, fix and refactor.
 */
export function predictOutput(
  history: readonly HistoryRecord[],
  model: string,
  family: string,
  kind: RequestKind,
  familyOf: (modelId: string) => string,
  codeTokens = 0,
): OutputPrediction {
  const { scaled, ...prior } = outputPrior(kind, codeTokens);
  const scaledByCode = scaled ? { scaledByCode: true } : {};
  const bare = bareModelName(model);
  const sameModel: number[] = [];
  const sameFamily: number[] = [];
  for (const record of history) {
    if (record.kind !== kind || !(record.outputTokens >= 0) || familyOf(record.model) !== family) {
      continue;
    }
    const rounds = record.rounds !== undefined && record.rounds >= 1 ? record.rounds : 1;
    const perRound = Math.max(1, record.outputTokens / rounds);
    sameFamily.push(perRound);
    if (bareModelName(record.model) === bare) {
      sameModel.push(perRound);
    }
  }
  const sample = sameModel.length >= PRIOR_WEIGHT ? sameModel : sameFamily;
  const n = sample.length;
  if (n === 0) {
    return { ...prior, source: 'prior', samples: 0, ...scaledByCode };
  }
  sample.sort((a, b) => a - b);
  const w = n / (n + PRIOR_WEIGHT);
  const blend = (p: number, priorValue: number) => Math.round(Math.exp(w * Math.log(quantile(sample, p)) + (1 - w) * Math.log(priorValue)));
  const p10 = blend(0.1, prior.p10);
  const p50 = Math.max(p10, blend(0.5, prior.p50));
  const p90 = Math.max(p50, blend(0.9, prior.p90));
  return { p10, p50, p90, source: n >= HISTORY_DOMINATES ? 'history' : 'blended', samples: n, ...scaledByCode };
}

/** Linear interpolation between closest ranks of a sorted sample. */
export function quantile(sorted: readonly number[], p: number): number {
  const position = (sorted.length - 1) * p;
  const below = Math.floor(position);
  const above = Math.min(sorted.length - 1, below + 1);
  return sorted[below] + (sorted[above] - sorted[below]) * (position - below);
}
