import { heavyModelTips } from './rules/heavyModel';
import { longThreadTips } from './rules/longThread';
import { hugeContextTips } from './rules/hugeContext';
import { pastedLogTips } from './rules/pastedLog';
import { longPromptTips, vaguePromptTips } from './rules/promptShape';
import { repeatedContextTips } from './rules/repeatedContext';
import { bigSystemPromptTips, toolDefinitionTips } from './rules/resentOverhead';
import type { Tip, TipDraft, TipEnvironment } from './tip';

type Rule = (draft: TipDraft, env: TipEnvironment) => Tip[];

const RULES: readonly Rule[] = [
  hugeContextTips,
  pastedLogTips,
  repeatedContextTips,
  heavyModelTips,
  vaguePromptTips,
  longPromptTips,
  bigSystemPromptTips,
  toolDefinitionTips,
  longThreadTips,
];

/** Biggest saving first: credits when priced, tokens otherwise. */
export function compareTips(a: Tip, b: Tip): number {
  const credits = (b.savingCredits ?? -1) - (a.savingCredits ?? -1);
  return credits !== 0 ? credits : b.savingTokens - a.savingTokens;
}

/** Every tip that applies to the draft, biggest saving first; `limit` keeps the top ones. */
export function computeTips(draft: TipDraft, env: TipEnvironment, limit = Infinity): Tip[] {
  return RULES.flatMap((rule) => rule(draft, env)).sort(compareTips).slice(0, limit);
}
