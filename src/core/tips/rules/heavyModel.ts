import * as l10n from '@vscode/l10n';
import { draftInputTokens, draftUsage } from '../counterfactual';
import { formatCredits } from '../../format/credits';
import { findLogBlocks } from '../detectLog';
import { wordCount } from '../promptClarity';
import { TIP_THRESHOLDS } from '../thresholds';
import type { Tip, TipDraft, TipEnvironment } from '../tip';

/** Kinds that need a strong model whatever the prompt's length. */
const DEMANDING_KINDS = new Set(['generate', 'plan', 'refactor']);

/** A heavy model for a trivial prompt: a lighter configured model would answer it for much less. */
export function heavyModelTips(draft: TipDraft, env: TipEnvironment): Tip[] {
  const candidates = (env.alternativeModels ?? []).filter((model) => model !== draft.model);
  const words = wordCount(draft.prompt);
  if (candidates.length === 0 || words === 0 || words > TIP_THRESHOLDS.trivialPromptWords) {
    return [];
  }
  if (draftInputTokens(draft) > TIP_THRESHOLDS.trivialInputTokens || (draft.kind !== undefined && DEMANDING_KINDS.has(draft.kind))) {
    return [];
  }
  if (findLogBlocks(draft.prompt, TIP_THRESHOLDS.logMinLines).length > 0) {
    return [];
  }
  const usage = draftUsage(draft);
  const current = env.price(draft.model, usage);
  if (current === undefined || current <= 0) {
    return [];
  }
  let best: { model: string; credits: number } | undefined;
  for (const model of candidates) {
    const credits = env.price(model, usage);
    if (credits !== undefined && (best === undefined || credits < best.credits)) {
      best = { model, credits };
    }
  }
  if (!best || best.credits * TIP_THRESHOLDS.heavyModelRatio > current) {
    return [];
  }
  return [{
    id: 'heavyModel',
    title: l10n.t('A lighter model is enough'),
    message: l10n.t('This is a small request. {0} would cost {1} cr instead of {2} cr with {3}.', best.model, formatCredits(best.credits), formatCredits(current), draft.model),
    savingTokens: 0,
    savingCredits: current - best.credits,
  }];
}
