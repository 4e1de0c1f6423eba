import * as l10n from '@vscode/l10n';
import { formatCredits, formatTokens } from '../format/credits';
import type { Tip } from './tip';

/** "saves ≈ 3,000 tokens, 0.36 cr" — the part every surface shows after a tip's title. */
export function formatSaving(tip: Tip): string {
  const tokens = formatTokens(tip.savingTokens);
  if (tip.savingCredits === undefined) {
    return tip.savingTokens > 0 ? l10n.t('saves ≈ {0} tokens, no price for this model', tokens) : l10n.t('saves ≈ no price for this model');
  }
  const credits = formatCredits(tip.savingCredits);
  return tip.savingTokens > 0 ? l10n.t('saves ≈ {0} tokens, {1} cr', tokens, credits) : l10n.t('saves ≈ {0} cr', credits);
}

/** One line of plain text: title, saving, message. */
export function formatTipText(tip: Tip): string {
  return l10n.t('{0} ({1}): {2}', tip.title, formatSaving(tip), tip.message);
}
