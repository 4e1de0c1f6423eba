import { creditsSaved, draftUsage, withoutInput } from '../counterfactual';
import { formatTokens } from '../../format/credits';
import { TIP_THRESHOLDS } from '../thresholds';
import type { Tip, TipDraft, TipEnvironment } from '../tip';

/** A huge selection or file: the question is usually about one function of it. */
export function hugeContextTips(draft: TipDraft, env: TipEnvironment): Tip[] {
  const usage = draftUsage(draft);
  return draft.contexts.flatMap((context, index): Tip[] => {
    if (context.tokens < TIP_THRESHOLDS.hugeContextTokens) {
      return [];
    }
    const saving = context.tokens - TIP_THRESHOLDS.focusedContextTokens;
    const what = context.kind === 'selection' ? 'selection' : 'file';
    return [{
      id: 'hugeContext',
      title: 'Send the function, not the file',
      message: `${context.label} is ${formatTokens(context.tokens)} tokens. Select just the code the question is about (about ${formatTokens(TIP_THRESHOLDS.focusedContextTokens)} tokens for a function) instead of the whole ${what}.`,
      savingTokens: saving,
      savingCredits: creditsSaved(env.price, draft.model, usage, withoutInput(usage, saving)),
      span: { in: 'context', index, start: 0, end: context.text?.length ?? 0 },
    }];
  });
}
