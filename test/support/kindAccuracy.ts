/**
 * The request-kind classifier measured on labelled prompt tables (the unit test and `npm run bench`
 * share it). The tuning table (`requestKinds.json`) is what the cues were written against; the
 * validation table (`requestKinds.heldout.json`) was written apart and is never tuned on, so its
 * accuracy is the honest estimate of how the classifier does on prompts it has not seen.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { REQUEST_KINDS, type RequestKind, classifyKind } from '../../src/core/estimate';

export interface LabelledPrompt {
  readonly prompt: string;
  readonly kind: RequestKind;
}

export interface KindAccuracy {
  readonly total: number;
  readonly correct: number;
  readonly byKind: Record<RequestKind, { total: number; correct: number }>;
  readonly misses: readonly { prompt: string; expected: RequestKind; got: RequestKind }[];
}

export const TUNING_TABLE = 'requestKinds.json';
export const VALIDATION_TABLE = 'requestKinds.heldout.json';
/** Prompts the classifier's authors never saw while they worked on it (measured once, after). */
export const UNSEEN_TABLE = 'requestKinds.unseen.json';

export function labelledPrompts(table: string): LabelledPrompt[] {
  const file = path.resolve(__dirname, '..', 'fixtures', 'estimate', table);
  return (JSON.parse(fs.readFileSync(file, 'utf8')) as { prompts: LabelledPrompt[] }).prompts;
}

export function classifierAccuracy(prompts: readonly LabelledPrompt[]): KindAccuracy {
  const byKind = Object.fromEntries(REQUEST_KINDS.map((kind) => [kind, { total: 0, correct: 0 }])) as KindAccuracy['byKind'];
  const misses: { prompt: string; expected: RequestKind; got: RequestKind }[] = [];
  let correct = 0;
  for (const { prompt, kind } of prompts) {
    const got = classifyKind(prompt);
    byKind[kind].total++;
    if (got === kind) {
      byKind[kind].correct++;
      correct++;
    } else {
      misses.push({ prompt, expected: kind, got });
    }
  }
  return { total: prompts.length, correct, byKind, misses };
}

/** "35/40 (87.5 %)". */
export function share(correct: number, total: number): string {
  return `${correct}/${total} (${total === 0 ? '-' : ((100 * correct) / total).toFixed(1)} %)`;
}
