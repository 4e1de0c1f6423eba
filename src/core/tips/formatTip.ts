import { formatCredits, formatTokens } from '../format/credits';
import type { Tip } from './tip';

/** "saves ≈ 3,000 tokens, 0.36 cr" — the part every surface shows after a tip's title. */
export function formatSaving(tip: Tip): string {
  const parts: string[] = [];
  if (tip.savingTokens > 0) {
    parts.push(`${formatTokens(tip.savingTokens)} tokens`);
  }
  if (tip.savingCredits === undefined) {
    parts.push('no price for this model');
  } else {
    parts.push(`${formatCredits(tip.savingCredits)} cr`);
  }
  return `saves ≈ ${parts.join(', ')}`;
}

/** One line of plain text: title, saving, message. */
export function formatTipText(tip: Tip): string {
  return `${tip.title} (${formatSaving(tip)}): ${tip.message}`;
}
