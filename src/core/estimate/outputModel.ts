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

/** Pseudo-records the prior counts for. */
export const PRIOR_WEIGHT = 4;
const HISTORY_DOMINATES = 20;

/**
 * Predicts one response's output tokens for `model` (whose family is `family`). `familyOf` maps a
 * record's model id to its family (the tokenizer module's).
 */
export function predictOutput(
  history: readonly HistoryRecord[],
  model: string,
  family: string,
  kind: RequestKind,
  familyOf: (modelId: string) => string,
): OutputPrediction {
  const prior = OUTPUT_PRIORS[kind];
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
    return { ...prior, source: 'prior', samples: 0 };
  }
  sample.sort((a, b) => a - b);
  const w = n / (n + PRIOR_WEIGHT);
  const blend = (p: number, priorValue: number) => Math.round(Math.exp(w * Math.log(quantile(sample, p)) + (1 - w) * Math.log(priorValue)));
  const p10 = blend(0.1, prior.p10);
  const p50 = Math.max(p10, blend(0.5, prior.p50));
  const p90 = Math.max(p50, blend(0.9, prior.p90));
  return { p10, p50, p90, source: n >= HISTORY_DOMINATES ? 'history' : 'blended', samples: n };
}

/** Linear interpolation between closest ranks of a sorted sample. */
export function quantile(sorted: readonly number[], p: number): number {
  const position = (sorted.length - 1) * p;
  const below = Math.floor(position);
  const above = Math.min(sorted.length - 1, below + 1);
  return sorted[below] + (sorted[above] - sorted[below]) * (position - below);
}
