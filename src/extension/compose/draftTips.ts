/**
 * Tips for a draft, priced by the same profile and tokenizer as its estimate, with what this session
 * has already sent. One instance per `Services`, shared by the Compose view and the hovers.
 */
import { quoteCredits } from '../../core/pricing';
import { parseModelRef } from '../../core/settings/modelRef';
import { SessionContextLog, computeTips, formatSaving, type Tip, type TipDraft, type TipEnvironment } from '../../core/tips';
import { loadCounter, tokenizerForModel } from '../../core/tokens';
import type { TipView } from '../../protocol/compose';
import type { Services } from '../services';
import type { DraftEstimate } from '../send/draftEstimator';
import type { Draft } from '../send/turnTypes';

export class DraftTips {
  /** Contexts sent from this window since it opened. */
  readonly sent = new SessionContextLog();

  /** The environment of the last model, reused so the core's per-tokenizer memos keep hitting while the user types. */
  private cached: { model: string; profile: unknown; settings: unknown; calibration: number; env: TipEnvironment } | undefined;

  constructor(private readonly services: Services) {}

  /** Every tip for the draft, biggest saving first. */
  forDraft(draft: Draft, estimate: DraftEstimate, limit = Infinity): Tip[] {
    return computeTips(this.tipDraft(draft, estimate), this.environment(draft), limit);
  }

  /** Remembers the contexts of a sent draft, each with its share of the charge, for "already sent" tips. */
  recordSend(draft: Draft, estimate: DraftEstimate, charged: number | null): void {
    const input = Math.max(1, estimate.summary.inputTokens);
    draft.contexts.forEach((context, index) => {
      const share = charged === null ? 0 : (charged * (estimate.contextTokens[index] ?? 0)) / input;
      this.sent.record(context.text, share);
    });
  }

  tipDraft(draft: Draft, estimate: DraftEstimate): TipDraft {
    const overhead = estimate.summary.parts.find((part) => part.label === 'message overhead')?.tokens ?? 0;
    return {
      model: modelOf(draft.modelRef),
      prompt: draft.prompt,
      promptTokens: estimate.promptTokens,
      systemTokens: estimate.systemTokens,
      overheadTokens: overhead,
      contexts: draft.contexts.map((context, index) => ({
        label: context.label,
        kind: context.kind,
        tokens: estimate.contextTokens[index] ?? 0,
        text: context.text,
      })),
      output: estimate.summary.outputTokens,
      kind: draft.kind,
    };
  }

  private environment(draft: Draft): TipEnvironment {
    const model = modelOf(draft.modelRef);
    const profile = this.services.profile;
    const settings = this.services.config.settings;
    const tokenizer = tokenizerForModel(model, this.services.calibration);
    const cached = this.cached;
    if (cached && cached.model === model && cached.profile === profile && cached.settings === settings && cached.calibration === tokenizer.calibration) {
      return cached.env;
    }
    const counter = loadCounter(tokenizer.encoding);
    // Priced like the estimate next to it (no provider hints), so a tip never says "no price" for a priced model.
    const models = new Set(settings.providers.flatMap((provider) => provider.models));
    const env: TipEnvironment = {
      price: (priced, usage) => quoteCredits(usage, priced, profile).credits,
      countTokens: (text) => (tokenizer.exact ? counter.count(text) : Math.round(counter.count(text) * tokenizer.calibration)),
      alternativeModels: [...models].filter((candidate) => candidate !== model),
      priorSends: this.sent.priorSends,
    };
    this.cached = { model, profile, settings, calibration: tokenizer.calibration, env };
    return env;
  }
}

export function modelOf(modelRef: string): string {
  return parseModelRef(modelRef)?.model ?? modelRef;
}

export function tipView(tip: Tip): TipView {
  return { id: tip.id, title: tip.title, message: tip.message, saving: formatSaving(tip) };
}

const instances = new WeakMap<Services, DraftTips>();

/** The tips helper of these services (created on first use). */
export function draftTipsFor(services: Services): DraftTips {
  let tips = instances.get(services);
  if (!tips) {
    tips = new DraftTips(services);
    instances.set(services, tips);
  }
  return tips;
}
