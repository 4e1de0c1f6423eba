/**
 * What a request asks for, which predicts how long the answer will be. Taken from the command the
 * user ran when there is one (`/explain`, `/fix`, ...), otherwise from the prompt's wording.
 */
import type { RequestKind } from '../requestKind';

export { REQUEST_KINDS, type RequestKind, isRequestKind } from '../requestKind';

/** Only the start of a prompt is read: the instruction comes first, pasted material after it. */
export const CLASSIFIED_PREFIX = 2048;

const COMMANDS: Record<string, RequestKind> = {
  explain: 'explain',
  fix: 'fix',
  fixtestfailure: 'fix',
  refactor: 'refactor',
  generate: 'generate',
  new: 'generate',
  tests: 'generate',
  test: 'generate',
  doc: 'generate',
  docs: 'generate',
  plan: 'plan',
};

const PLAN = /\b(plan|roadmap|design doc(?:ument)?|step[- ]by[- ]step|break (?:it|this|that) (?:down|into steps))\b/i;

/** Wording that marks each kind; the earliest match in the prompt decides (the leading verb). */
const WORDING: readonly (readonly [RequestKind, RegExp])[] = [
  ['explain', /\b(explain|describe|what (?:does|is|are)|why (?:does|is|do)|how (?:does|do)|walk me through|tell me about|understand)\b/i],
  ['fix', /\b(fix|debug|repair|resolve|bug|broken|crash(?:es|ing)?|fail(?:s|ing|ure)?|error|exception|doesn'?t work|not working)\b/i],
  ['refactor', /\b(refactor|rename|clean ?up|simplify|restructure|reorgani[sz]e|extract|inline|split|deduplicate|moderni[sz]e|migrate|convert)\b/i],
  ['generate', /\b(write|create|generate|add|implement|build|make|scaffold|produce|draft)\b/i],
  ['plan', PLAN],
];

export function classifyKind(prompt: string, command?: string): RequestKind {
  if (command) {
    const name = command.trim().replace(/^\//, '').toLowerCase();
    const fromCommand = COMMANDS[name];
    if (fromCommand) {
      return fromCommand;
    }
  }
  const head = prompt.length > CLASSIFIED_PREFIX ? prompt.slice(0, CLASSIFIED_PREFIX) : prompt;
  let best: RequestKind = 'other';
  let bestAt = Infinity;
  for (const [kind, pattern] of WORDING) {
    const match = pattern.exec(head);
    if (match && match.index < bestAt) {
      best = kind;
      bestAt = match.index;
    }
  }
  // "Write a plan", "draft a roadmap": a generating verb that asks for a plan asks for a plan.
  return best === 'generate' && PLAN.test(head) ? 'plan' : best;
}
