import * as l10n from '@vscode/l10n';
import { creditsSaved, draftUsage, withoutInput } from '../counterfactual';
import { formatCredits, formatTokens } from '../../format/credits';
import { TIP_THRESHOLDS } from '../thresholds';
import type { Tip, TipDraft, TipEnvironment } from '../tip';

/** The same context sent again in this session: each resend pays for it in full. */
export function repeatedContextTips(draft: TipDraft, env: TipEnvironment): Tip[] {
  const lookup = env.priorSends;
  if (!lookup) {
    return [];
  }
  const usage = draftUsage(draft);
  return draft.contexts.flatMap((context, index): Tip[] => {
    if (context.text === undefined || context.text.length === 0 || context.tokens < TIP_THRESHOLDS.repeatedContextMinTokens) {
      return [];
    }
    const prior = lookup(context.text);
    if (!prior || prior.count === 0) {
      return [];
    }
    return [{
      id: 'repeatedContext',
      title: l10n.t('Context already sent'),
      message: prior.count === 1
        ? l10n.t('{0} was already sent once in this session ({1} cr). Send only what changed, or ask the follow-up questions together ({2} tokens each time).', context.label, formatCredits(prior.credits), formatTokens(context.tokens))
        : l10n.t('{0} was already sent {1} times in this session ({2} cr). Send only what changed, or ask the follow-up questions together ({3} tokens each time).', context.label, prior.count, formatCredits(prior.credits), formatTokens(context.tokens)),
      savingTokens: context.tokens,
      savingCredits: creditsSaved(env.price, draft.model, usage, withoutInput(usage, context.tokens)),
      span: { in: 'context', index, start: 0, end: context.text.length },
    }];
  });
}
