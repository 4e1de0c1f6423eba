import * as l10n from '@vscode/l10n';
import { formatCreditRange, formatCredits, formatTokens } from '../../core/format/credits';
import type { EstimateView, TurnView } from '../../protocol/compose';

export { formatCreditRange, formatCredits, formatTokens };

/** `≈ 0.4 cr` and `0.2–0.9 cr`, or the reason there is no price. */
export function estimateHeadline(estimate: EstimateView): { main: string; range: string } {
  if (!estimate.credits) {
    return { main: l10n.t('no price'), range: l10n.t('{0} tokens in', formatTokens(estimate.inputTokens)) };
  }
  return {
    main: l10n.t('≈ {0} cr', formatCredits(estimate.credits.expected)),
    range: l10n.t('{0} cr', formatCreditRange(estimate.credits.low, estimate.credits.high)),
  };
}

/** "Estimated 0.2–0.9 cr (≈ 0.4) · charged 0.35 cr": what the request cost next to what was expected. */
export function chargeSummary(turn: TurnView): string {
  const estimated = turn.estimated
    ? l10n.t('Estimated {0} cr (≈ {1})', formatCreditRange(turn.estimated.low, turn.estimated.high), formatCredits(turn.estimated.expected))
    : l10n.t('No estimate');
  if (turn.status === 'running') {
    return l10n.t('{0} · answering…', estimated);
  }
  if (turn.charged === null) {
    return l10n.t('{0} · charge unknown', estimated);
  }
  const charged = formatCredits(turn.charged);
  switch (turn.chargeSource) {
    case 'provider': return l10n.t('{0} · charged {1} cr (reported by the provider)', estimated, charged);
    case 'estimated': return l10n.t('{0} · charged {1} cr (estimated: no usage reported)', estimated, charged);
    default: return l10n.t('{0} · charged {1} cr', estimated, charged);
  }
}

/** What the answer's header says of its status. */
export function statusLabel(status: TurnView['status']): string {
  switch (status) {
    case 'running': return l10n.t('Answering');
    case 'ok': return l10n.t('Done');
    case 'error': return l10n.t('Failed');
    case 'cancelled': return l10n.t('Stopped');
    case 'aborted': return l10n.t('Cut off');
    case 'timeout': return l10n.t('Timed out');
    default: {
      const unknown: never = status;
      return String(unknown);
    }
  }
}
