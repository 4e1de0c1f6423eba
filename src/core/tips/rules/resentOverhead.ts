import * as l10n from '@vscode/l10n';
import { creditsSaved, draftInputTokens, draftUsage, withoutInput } from '../counterfactual';
import { formatTokens } from '../../format/credits';
import { TIP_THRESHOLDS } from '../thresholds';
import type { Tip, TipDraft, TipEnvironment } from '../tip';

/** A big system prompt: it is paid for on every request. */
export function bigSystemPromptTips(draft: TipDraft, env: TipEnvironment): Tip[] {
  if (draft.systemTokens < TIP_THRESHOLDS.bigSystemTokens) {
    return [];
  }
  const saving = draft.systemTokens - TIP_THRESHOLDS.leanSystemTokens;
  const usage = draftUsage(draft);
  return [{
    id: 'bigSystemPrompt',
    title: l10n.t('Trim the system prompt'),
    message: l10n.t('The system prompt is {0} tokens and is resent with every request. Keep it to about {1} tokens, or use a provider that caches it.', formatTokens(draft.systemTokens), formatTokens(TIP_THRESHOLDS.leanSystemTokens)),
    savingTokens: saving,
    savingCredits: creditsSaved(env.price, draft.model, usage, withoutInput(usage, saving)),
  }];
}

/** Tool definitions that dominate the input: most requests need one or two of them. */
export function toolDefinitionTips(draft: TipDraft, env: TipEnvironment): Tip[] {
  const tools = draft.tools;
  if (!tools || tools.count === 0 || tools.tokens < TIP_THRESHOLDS.toolsMinTokens) {
    return [];
  }
  const input = draftInputTokens(draft);
  if (tools.tokens < input * TIP_THRESHOLDS.toolsShare) {
    return [];
  }
  const kept = Math.min(tools.count, TIP_THRESHOLDS.toolsKept);
  const saving = Math.round(tools.tokens - (tools.tokens / tools.count) * kept);
  if (saving <= 0) {
    return [];
  }
  const usage = draftUsage(draft);
  return [{
    id: 'toolDefinitions',
    title: l10n.t('Send only the tools this request needs'),
    message: l10n.t('{0} tool definitions take {1} of {2} input tokens. Offering {3} would cut most of that.', tools.count, formatTokens(tools.tokens), formatTokens(input), kept),
    savingTokens: saving,
    savingCredits: creditsSaved(env.price, draft.model, usage, withoutInput(usage, saving)),
  }];
}
