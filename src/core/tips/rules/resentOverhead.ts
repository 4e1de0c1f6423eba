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
    title: 'Trim the system prompt',
    message: `The system prompt is ${formatTokens(draft.systemTokens)} tokens and is resent with every request. Keep it to about ${formatTokens(TIP_THRESHOLDS.leanSystemTokens)} tokens, or use a provider that caches it.`,
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
    title: 'Send only the tools this request needs',
    message: `${tools.count} tool definitions take ${formatTokens(tools.tokens)} of ${formatTokens(input)} input tokens. Offering ${kept} would cut most of that.`,
    savingTokens: saving,
    savingCredits: creditsSaved(env.price, draft.model, usage, withoutInput(usage, saving)),
  }];
}
