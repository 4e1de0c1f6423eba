/**
 * Calibration of proxy counts: for models whose tokenizer is not public we count with o200k_base and
 * multiply by a per-family factor. Each family starts from a prior and learns from recorded actuals
 * (provider-reported input tokens against what we counted for the same request).
 */
import { z } from 'zod';

export type ModelFamily = 'openai' | 'anthropic' | 'google' | 'meta' | 'deepseek' | 'mistral' | 'qwen' | 'other';

export const MODEL_FAMILIES: readonly ModelFamily[] = ['openai', 'anthropic', 'google', 'meta', 'deepseek', 'mistral', 'qwen', 'other'];

/**
 * Provider tokens per o200k_base token, before any observation.
 * - openai 1.0: counted exactly on the model's own encoding; never calibrated.
 * - anthropic 1.30: Claude's tokenizer is denser than OpenAI's; public comparisons put it at about
 *   1.2-1.5x cl100k/o200k on English and code (more on newer models), so we take the middle.
 * - google 1.05: Gemini's SentencePiece vocabulary (256k) is about as large as o200k's; counts land
 *   close, slightly higher on code.
 * - meta 1.05: Llama 3+ uses a 128k tiktoken-style vocabulary built on cl100k, a few percent above o200k.
 * - deepseek 1.05: a 128k byte-level BPE trained on English, Chinese and code; close to o200k.
 * - mistral 1.10: newer models use the 131k Tekken vocabulary (close to o200k), older ones a 32k
 *   SentencePiece one that needs noticeably more tokens; the prior leans between them.
 * - qwen 1.05: a 151k BPE extending cl100k with CJK tokens; close to o200k.
 * - other 1.15: an unknown tokenizer; err on the high side so an estimate does not under-promise.
 */
export const CALIBRATION_PRIORS: Readonly<Record<ModelFamily, number>> = {
  openai: 1,
  anthropic: 1.3,
  google: 1.05,
  meta: 1.05,
  deepseek: 1.05,
  mistral: 1.1,
  qwen: 1.05,
  other: 1.15,
};

/** How many counted tokens the prior is worth: about ten typical requests before actuals dominate. */
const PRIOR_WEIGHT_TOKENS = 20_000;
/** Learned factors are kept in a sane range whatever the observations say. */
const MIN_FACTOR = 0.5;
const MAX_FACTOR = 3;
/** A single observation this far from 1 is a mismatched pairing (e.g. tool schemas not counted), not a tokenizer ratio. */
const MIN_OBSERVED_RATIO = 0.25;
const MAX_OBSERVED_RATIO = 4;

interface FamilyTotals {
  counted: number;
  reported: number;
  observations: number;
}

const totalsSchema = z.object({
  counted: z.number().finite().nonnegative(),
  reported: z.number().finite().nonnegative(),
  observations: z.number().int().nonnegative(),
});

const tableSchema = z.object({
  version: z.literal(1),
  families: z.partialRecord(z.enum(MODEL_FAMILIES as [ModelFamily, ...ModelFamily[]]), totalsSchema),
});

export type CalibrationJson = z.infer<typeof tableSchema>;

export class CalibrationTable {
  private readonly totals = new Map<ModelFamily, FamilyTotals>();

  /**
   * Records one request: `countedTokens` is our o200k count of its input, `reportedTokens` what the
   * provider billed as input. Returns false (and learns nothing) when the pair is unusable.
   */
  observe(family: ModelFamily, countedTokens: number, reportedTokens: number): boolean {
    if (family === 'openai' || !(countedTokens > 0) || !(reportedTokens > 0) || !Number.isFinite(countedTokens) || !Number.isFinite(reportedTokens)) {
      return false;
    }
    const ratio = reportedTokens / countedTokens;
    if (ratio < MIN_OBSERVED_RATIO || ratio > MAX_OBSERVED_RATIO) {
      return false;
    }
    const totals = this.totals.get(family) ?? { counted: 0, reported: 0, observations: 0 };
    totals.counted += countedTokens;
    totals.reported += reportedTokens;
    totals.observations += 1;
    this.totals.set(family, totals);
    return true;
  }

  /**
   * Provider tokens per counted token: the prior treated as PRIOR_WEIGHT_TOKENS of pseudo-observations,
   * blended with the observed totals, so the factor moves towards the actual ratio as volume grows.
   */
  factor(family: ModelFamily): number {
    const prior = CALIBRATION_PRIORS[family];
    if (family === 'openai') {
      return prior;
    }
    const totals = this.totals.get(family);
    if (totals === undefined) {
      return prior;
    }
    const blended = (prior * PRIOR_WEIGHT_TOKENS + totals.reported) / (PRIOR_WEIGHT_TOKENS + totals.counted);
    return Math.min(MAX_FACTOR, Math.max(MIN_FACTOR, blended));
  }

  /** Number of requests a family's factor has learned from. */
  observations(family: ModelFamily): number {
    return this.totals.get(family)?.observations ?? 0;
  }

  toJSON(): CalibrationJson {
    const families: CalibrationJson['families'] = {};
    for (const [family, totals] of this.totals) {
      families[family] = { ...totals };
    }
    return { version: 1, families };
  }

  /** Restores a table saved with toJSON; throws an error naming the offending field. */
  static fromJSON(json: unknown): CalibrationTable {
    const parsed = tableSchema.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const field = issue.path.length > 0 ? issue.path.join('.') : '(root)';
      throw new Error(`invalid calibration table at ${field}: ${issue.message}`);
    }
    const table = new CalibrationTable();
    for (const [family, totals] of Object.entries(parsed.data.families)) {
      if (totals !== undefined) {
        table.totals.set(family as ModelFamily, { ...totals });
      }
    }
    return table;
  }
}
