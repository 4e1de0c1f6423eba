/** The request-kind classifier measured on a labelled prompt table (the unit test and `npm run bench` share it). */
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
