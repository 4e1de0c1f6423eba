import * as l10n from '@vscode/l10n';
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
    return [{
      id: 'hugeContext',
      title: l10n.t('Send the function, not the file'),
      message: context.kind === 'selection'
        ? l10n.t('{0} is {1} tokens. Select just the code the question is about (about {2} tokens for a function) instead of the whole selection.', context.label, formatTokens(context.tokens), formatTokens(TIP_THRESHOLDS.focusedContextTokens))
        : l10n.t('{0} is {1} tokens. Select just the code the question is about (about {2} tokens for a function) instead of the whole file.', context.label, formatTokens(context.tokens), formatTokens(TIP_THRESHOLDS.focusedContextTokens)),
      savingTokens: saving,
      savingCredits: creditsSaved(env.price, draft.model, usage, withoutInput(usage, saving)),
      span: { in: 'context', index, start: 0, end: context.text?.length ?? 0 },
    }];
  });
}
