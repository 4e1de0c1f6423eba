import { formatCreditRange, formatCredits, formatTokens } from '../../core/format/credits';
import type { EstimateView, TurnView } from '../../protocol/compose';

export { formatCreditRange, formatCredits, formatTokens };

/** `≈ 0.4 cr` and `0.2–0.9 cr`, or the reason there is no price. */
export function estimateHeadline(estimate: EstimateView): { main: string; range: string } {
  if (!estimate.credits) {
    return { main: 'no price', range: `${formatTokens(estimate.inputTokens)} tokens in` };
  }
  return {
    main: `≈ ${formatCredits(estimate.credits.expected)} cr`,
    range: `${formatCreditRange(estimate.credits.low, estimate.credits.high)} cr`,
  };
}

/** "Estimated 0.2–0.9 cr (≈ 0.4) · charged 0.35 cr": what the request cost next to what was expected. */
export function chargeSummary(turn: TurnView): string {
  const estimated = turn.estimated
    ? `Estimated ${formatCreditRange(turn.estimated.low, turn.estimated.high)} cr (≈ ${formatCredits(turn.estimated.expected)})`
    : 'No estimate';
  if (turn.status === 'running') {
    return `${estimated} · answering…`;
  }
  const charged = turn.charged === null ? 'charge unknown' : `charged ${formatCredits(turn.charged)} cr`;
  const source = turn.chargeSource === 'provider' ? ' (reported by the provider)' : turn.chargeSource === 'estimated' ? ' (estimated: no usage reported)' : '';
  return `${estimated} · ${charged}${source}`;
}

export const STATUS_LABELS: Record<TurnView['status'], string> = {
  running: 'Answering',
  ok: 'Done',
  error: 'Failed',
  cancelled: 'Stopped',
  aborted: 'Cut off',
  timeout: 'Timed out',
};
