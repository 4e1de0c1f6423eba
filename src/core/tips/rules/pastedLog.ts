import * as l10n from '@vscode/l10n';
import { creditsSaved, draftUsage, withoutInput } from '../counterfactual';
import { condenseLog, findLogBlocks, type LogBlock } from '../detectLog';
import { formatTokens } from '../../format/credits';
import { TextMemo, TextMemoByFunction } from '../textMemo';
import { TIP_THRESHOLDS } from '../thresholds';
import type { Tip, TipDraft, TipEnvironment, TipSpan } from '../tip';

/** Context texts rarely change between keystrokes: scan each once. */
const blocksOf = new TextMemo<LogBlock[]>();
/** Token counts of a block and of what would be kept of it, per tokenizer. */
const countsOf = new TextMemoByFunction<(text: string) => number, { full: number; kept: number }>(64);

/** A pasted log or stack trace: the first error and the last frames carry the information. */
export function pastedLogTips(draft: TipDraft, env: TipEnvironment): Tip[] {
  const usage = draftUsage(draft);
  const tipFor = (block: LogBlock, span: TipSpan): Tip[] => {
    const { full, kept } = countsOf.get(env.countTokens, block.lines.join('\n'), (text) => ({
      full: env.countTokens(text),
      kept: env.countTokens(condenseLog(block, TIP_THRESHOLDS.logKeepLastLines)),
    }));
    if (full < TIP_THRESHOLDS.logMinTokens) {
      return [];
    }
    const saving = full - kept;
    if (saving <= 0) {
      return [];
    }
    return [{
      id: 'pastedLog',
      title: l10n.t('Trim the pasted log'),
      message: l10n.t('This log or stack trace is {0} lines ({1} tokens). Keep the first error and the last {2} frames.', block.lines.length, formatTokens(full), TIP_THRESHOLDS.logKeepLastLines),
      savingTokens: saving,
      savingCredits: creditsSaved(env.price, draft.model, usage, withoutInput(usage, saving)),
      span,
    }];
  };
  const inPrompt = findLogBlocks(draft.prompt, TIP_THRESHOLDS.logMinLines)
    .flatMap((block) => tipFor(block, { in: 'prompt', start: block.start, end: block.end }));
  const inContexts = draft.contexts.flatMap((context, index) =>
    context.text === undefined
      ? []
      : blocksOf.get(context.text, (text) => findLogBlocks(text, TIP_THRESHOLDS.logMinLines))
        .flatMap((block) => tipFor(block, { in: 'context', index, start: block.start, end: block.end })),
  );
  return [...inPrompt, ...inContexts];
}
