/**
 * How many rounds (model calls) a request takes: an explicit choice wins, then the history of similar
 * requests, then the kind. Compose sends one request per turn; rounds come from agents (a gateway task
 * numbers its requests), or from the user saying how many iterations to expect.
 */
import type { HistoryRecord } from './outputModel';
import type { RequestKind } from './requestKind';

/**
 * The most rounds an estimate accepts. Agent loops in the assistants Credit Meter meters stop long
 * before this (Cline and Roo ask after 20–25 consecutive tool calls, Claude Code's task budgets are in
 * the tens of turns); 100 leaves room for a long unattended task while catching a typo like 10000.
 */
export const MAX_ROUNDS = 100;

/** Rounds by kind without history: one request answers each kind in a chat. */
export const ROUNDS_BY_KIND: Readonly<Record<RequestKind, number>> = {
  explain: 1,
  edit: 1,
  fix: 1,
  refactor: 1,
  generate: 1,
  plan: 1,
  other: 1,
};

/** Records of the same kind that carry a round count before history decides (as many as the output model's prior weight). */
export const ROUNDS_HISTORY_MIN = 4;

export type RoundsSource = 'given' | 'history' | 'kind';

/** Throws a RangeError unless `rounds` is a whole number from 1 to MAX_ROUNDS. */
export function checkRounds(rounds: number): number {
  if (!Number.isInteger(rounds) || rounds < 1 || rounds > MAX_ROUNDS) {
    throw new RangeError(`rounds must be a whole number from 1 to ${MAX_ROUNDS}, got ${rounds}`);
  }
  return rounds;
}

/** The rounds to expect, and where that number came from. */
export function predictRounds(history: readonly HistoryRecord[], kind: RequestKind, given?: number): { rounds: number; source: RoundsSource } {
  if (given !== undefined) {
    return { rounds: checkRounds(given), source: 'given' };
  }
  const counts: number[] = [];
  for (const record of history) {
    if (record.kind === kind && record.rounds !== undefined && Number.isInteger(record.rounds) && record.rounds >= 1) {
      counts.push(Math.min(MAX_ROUNDS, record.rounds));
    }
  }
  if (counts.length >= ROUNDS_HISTORY_MIN) {
    counts.sort((a, b) => a - b);
    return { rounds: counts[Math.floor((counts.length - 1) / 2)], source: 'history' };
  }
  return { rounds: ROUNDS_BY_KIND[kind], source: 'kind' };
}
