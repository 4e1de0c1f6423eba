/**
 * Tips for a draft, from the core's tip draft and pricing (`tipDraftFromEstimate`, `profilePrice`,
 * `estimateTokenCounter`), with what this window has already sent. One instance per window, shared
 * by the Compose view, the status bar and the hovers; it is handed the current profile and models
 * as plain values.
 */
import type { ContextItem, Estimate } from '../estimate';
import type { CreditProfile } from '../pricing';
import { computeTips } from './computeTips';
import { estimateTokenCounter, profilePrice, tipDraftFromEstimate } from './fromEstimate';
import { SessionContextLog } from './sessionContextLog';
import type { Tip, TipEnvironment } from './tip';

/** The draft a tip is about: its prompt and its contexts with their texts. */
export interface TipsDraft {
  readonly prompt: string;
  readonly contexts: readonly ContextItem[];
}

/** The estimate made for that draft: the core estimate, each context's tokens (draft order) and the input. */
export interface TipsEstimate {
  readonly estimate: Estimate;
  readonly contextTokens: readonly number[];
  readonly summary: { readonly inputTokens: number };
}

export interface DraftTipsOptions {
  /** The credit profile in force. */
  readonly profile: () => CreditProfile;
  /** The models the user has configured (the lighter-model tip offers them); an unchanged array is reused. */
  readonly models: () => readonly string[];
  /** Words of the long-thread tip (the surface owns the wording). */
  readonly longThreadText?: TipEnvironment['longThreadText'];
}

export class DraftTips {
  /** Contexts sent from this window since it opened. */
  readonly sent = new SessionContextLog();

  /** The environment of the last model, reused so the core's per-tokenizer memos keep hitting while the user types. */
  private cached: { model: string; profile: unknown; models: unknown; calibration: number; env: TipEnvironment } | undefined;

  constructor(private readonly options: DraftTipsOptions) {}

  /** Every tip for the draft, biggest saving first. */
  forDraft(draft: TipsDraft, estimate: TipsEstimate, limit = Infinity): Tip[] {
    return computeTips(tipDraftFromEstimate(estimate.estimate, draft.prompt, draft.contexts), this.environment(estimate), limit);
  }

  /** Remembers the contexts of a sent draft, each with its share of the charge, for "already sent" tips. */
  recordSend(draft: TipsDraft, estimate: TipsEstimate, charged: number | null): void {
    const input = Math.max(1, estimate.summary.inputTokens);
    draft.contexts.forEach((context, index) => {
      const share = charged === null ? 0 : (charged * (estimate.contextTokens[index] ?? 0)) / input;
      this.sent.record(context.text, share);
    });
  }

  private environment(draft: TipsEstimate): TipEnvironment {
    const { estimate } = draft;
    const profile = this.options.profile();
    const models = this.options.models();
    const cached = this.cached;
    if (cached && cached.model === estimate.model && cached.profile === profile && cached.models === models && cached.calibration === estimate.calibration) {
      return cached.env;
    }
    const env: TipEnvironment = {
      // Priced like the estimate next to it (no provider hints), so a tip never says "no price" for a priced model.
      price: profilePrice(profile),
      countTokens: estimateTokenCounter(estimate),
      alternativeModels: [...new Set(models)].filter((candidate) => candidate !== estimate.model),
      priorSends: this.sent.priorSends,
      ...(this.options.longThreadText ? { longThreadText: this.options.longThreadText } : {}),
    };
    this.cached = { model: estimate.model, profile, models, calibration: estimate.calibration, env };
    return env;
  }
}
