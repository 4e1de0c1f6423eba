/**
 * Tips for a draft, from the core's tip draft and pricing (`tipDraftFromEstimate`, `profilePrice`,
 * `estimateTokenCounter`), with what this window has already sent. One instance per `Services`, shared
 * by the Compose view, the status bar and the hovers.
 */
import { SessionContextLog, computeTips, estimateTokenCounter, formatSaving, profilePrice, tipDraftFromEstimate, type Tip, type TipEnvironment } from '../../core/tips';
import type { TipView } from '../../protocol/compose';
import type { Services } from '../services';
import type { DraftEstimate } from '../send/draftEstimator';
import type { Draft } from '../send/turnTypes';
import { tipText } from './composeText';

export class DraftTips {
  /** Contexts sent from this window since it opened. */
  readonly sent = new SessionContextLog();

  /** The environment of the last model, reused so the core's per-tokenizer memos keep hitting while the user types. */
  private cached: { model: string; profile: unknown; settings: unknown; calibration: number; env: TipEnvironment } | undefined;

  constructor(private readonly services: Services) {}

  /** Every tip for the draft, biggest saving first. */
  forDraft(draft: Draft, estimate: DraftEstimate, limit = Infinity): Tip[] {
    return computeTips(tipDraftFromEstimate(estimate.estimate, draft.prompt, draft.contexts), this.environment(estimate), limit);
  }

  /** Remembers the contexts of a sent draft, each with its share of the charge, for "already sent" tips. */
  recordSend(draft: Draft, estimate: DraftEstimate, charged: number | null): void {
    const input = Math.max(1, estimate.summary.inputTokens);
    draft.contexts.forEach((context, index) => {
      const share = charged === null ? 0 : (charged * (estimate.contextTokens[index] ?? 0)) / input;
      this.sent.record(context.text, share);
    });
  }

  private environment(draft: DraftEstimate): TipEnvironment {
    const { estimate } = draft;
    const profile = this.services.profile;
    const settings = this.services.config.settings;
    const cached = this.cached;
    if (cached && cached.model === estimate.model && cached.profile === profile && cached.settings === settings && cached.calibration === estimate.calibration) {
      return cached.env;
    }
    const models = new Set(settings.providers.flatMap((provider) => provider.models));
    const env: TipEnvironment = {
      // Priced like the estimate next to it (no provider hints), so a tip never says "no price" for a priced model.
      price: profilePrice(profile),
      countTokens: estimateTokenCounter(estimate),
      alternativeModels: [...models].filter((candidate) => candidate !== estimate.model),
      priorSends: this.sent.priorSends,
      longThreadText: tipText.longThread,
    };
    this.cached = { model: estimate.model, profile, settings, calibration: estimate.calibration, env };
    return env;
  }
}

export function tipView(tip: Tip): TipView {
  return {
    id: tip.id,
    title: tip.title,
    message: tip.message,
    saving: formatSaving(tip),
    ...(tip.action === 'newThreadFromSummary' ? { action: { id: tip.action, label: tipText.newThreadFromSummary } } : {}),
  };
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
