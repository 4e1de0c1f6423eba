import * as l10n from '@vscode/l10n';
import { creditsSaved, draftUsage, withoutInput } from '../counterfactual';
import { formatTokens } from '../../format/credits';
import { listItemOffsets, vaguenessReason } from '../promptClarity';
import { TIP_THRESHOLDS } from '../thresholds';
import type { Tip, TipDraft, TipEnvironment } from '../tip';

/**
 * A vague prompt: the model answers at length and often needs another round. Priced as the spread
 * between the long (p90) and the typical (p50) answer the estimate predicts.
 */
export function vaguePromptTips(draft: TipDraft, env: TipEnvironment): Tip[] {
  const reason = vaguenessReason(draft.prompt);
  if (!reason) {
    return [];
  }
  const spread = Math.max(0, draft.output.p90 - draft.output.p50);
  const message = reason === 'sprawling'
    ? l10n.t('A whole product in one request needs many rounds. Break it into steps: 1) a plan, 2) a skeleton, 3) one function at a time.')
    : l10n.t('State the task clearly: name the function, the expected behaviour and what is wrong. A specific request gets a shorter, cheaper answer.');
  const start = draft.prompt.length - draft.prompt.trimStart().length;
  return [{
    id: 'vaguePrompt',
    title: reason === 'sprawling' ? l10n.t('Split large tasks into steps') : l10n.t('State the task clearly'),
    message,
    savingTokens: spread,
    savingCredits: creditsSaved(env.price, draft.model, draftUsage(draft, draft.output.p90), draftUsage(draft, draft.output.p50)),
    span: { in: 'prompt', start, end: draft.prompt.trimEnd().length },
  }];
}

/**
 * A very long prompt: usually several tasks at once. When it lists steps, sending the first step
 * alone is the counterfactual; otherwise the text beyond the long-prompt threshold.
 */
export function longPromptTips(draft: TipDraft, env: TipEnvironment): Tip[] {
  if (draft.promptTokens < TIP_THRESHOLDS.longPromptTokens) {
    return [];
  }
  const items = listItemOffsets(draft.prompt);
  let saving: number;
  let message: string;
  let start: number;
  if (items.length >= 3) {
    start = items[1];
    saving = env.countTokens(draft.prompt.slice(start));
    message = l10n.t('This prompt is {0} tokens with {1} steps. Send the first step, check the answer, then the next.', formatTokens(draft.promptTokens), items.length);
  } else {
    saving = draft.promptTokens - TIP_THRESHOLDS.longPromptTokens;
    start = Math.min(draft.prompt.length, Math.round(draft.prompt.length * (TIP_THRESHOLDS.longPromptTokens / draft.promptTokens)));
    message = l10n.t('This prompt is {0} tokens. State the task in a few sentences and split large tasks into steps.', formatTokens(draft.promptTokens));
  }
  if (saving <= 0) {
    return [];
  }
  const usage = draftUsage(draft);
  return [{
    id: 'longPrompt',
    title: l10n.t('Split large tasks into steps'),
    message,
    savingTokens: saving,
    savingCredits: creditsSaved(env.price, draft.model, usage, withoutInput(usage, saving)),
    span: { in: 'prompt', start, end: draft.prompt.length },
  }];
}
