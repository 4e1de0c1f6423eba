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
    const times = prior.count === 1 ? 'once' : `${prior.count} times`;
    return [{
      id: 'repeatedContext',
      title: 'Context already sent',
      message: `${context.label} was already sent ${times} in this session (${formatCredits(prior.credits)} cr). Send only what changed, or ask the follow-up questions together (${formatTokens(context.tokens)} tokens each time).`,
      savingTokens: context.tokens,
      savingCredits: creditsSaved(env.price, draft.model, usage, withoutInput(usage, context.tokens)),
      span: { in: 'context', index, start: 0, end: context.text.length },
    }];
  });
}
