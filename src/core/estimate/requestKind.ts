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
  edit: 'edit',
  rename: 'edit',
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

/** A phrase that asks for a plan; a generating or refactoring verb that asks for one asks for a plan. */
const PLAN = /\b(plan|roadmap|design doc(?:ument)?|step[- ]by[- ]step|outline|milestones|break\b[^.?!\n]{0,40}\b(?:down|into (?:steps|tasks|milestones|phases))|steps to|propose an? (?:approach|roadmap|design))\b/i;
/** Asking for a plan outright, even inside a question ("what's the best approach? propose a roadmap"). */
const PLAN_REQUEST = /\b(?:propose|give me|draft|write|create|make|suggest|come up with|prepare)\b[^.?!\n]{0,30}\b(?:plan|roadmap|design doc|steps|outline|milestones)\b|\bstep[- ]by[- ]step\b|\boutline the\b/i;

/** Sentence starts and polite lead-ins after which a verb is an instruction ("please write", "can you add"). */
const LEAD = String.raw`(?:^|[.!?:;\n]\s*|\b(?:please|pls|can you|could you|would you|help me|let'?s|i want to|i need to|i'd like to|we need to|now|then|and|also)\s+)`;

/**
 * Wording that marks each kind. The earliest match in the prompt decides (the leading verb); on a tie
 * the kind listed first wins, so the specific `edit` phrases beat the generic verbs they start with.
 * `weak` phrases (a noun like "error") only decide when nothing else matched.
 */
const WORDING: readonly (readonly [RequestKind, RegExp])[] = [
  ['edit', new RegExp([
    // add an alias / a parameter / a docstring / type hints / a flag ...
    String.raw`\badd (?:an? |the |some )?(?:optional |new |extra |missing )?(?:\x60[^\x60\n]{1,40}\x60 |[\w-]+ )?(?:alias|parameter|param|argument|arg|flag|option|docstring|doc ?comment|jsdoc(?: comment)?|comment|type (?:hint|annotation)|annotation|default(?: value)?|log(?:ging)? (?:line|statement)|null check|guard clause|import)s?\b`,
    String.raw`\brenam(?:e|ing)\b`,
    String.raw`\b(?:fix|correct) (?:the |a |this |that |those )?(?:typo|spelling|misspell)`,
    String.raw`\bchange\b[^.?!\n]{0,40}\bfrom\b[^.?!\n]{1,40}\bto\b`,
    String.raw`\b(?:bump|increase|decrease|set)\b[^.?!\n]{0,30}\bto \d`,
    String.raw`\bmake\b[^.?!\n]{0,40}\b(?:upper ?case|lower ?case|camel ?case|snake[_ ]case|const(?:ant)?|private|public|protected|static|async|optional|keyword-only|read-?only|final|required|nullable)\b`,
    String.raw`\bmark\b[^.?!\n]{0,40}\bas\b`,
    String.raw`\bswap\b`,
    String.raw`^\s*export (?:this|that|it|the)\b`,
    String.raw`\breplace (?:the |this |that )?(?:magic number|literal|string|constant|value|hard-?coded)`,
    String.raw`\bremove (?:the |this |that |an? )?(?:unused )?(?:import|parameter|argument|comment|log(?:ging)? (?:line|statement)|console\.log|print)s?\b`,
  ].join('|'), 'i')],
  ['explain', /\b(explain|describe|what (?:does|is|are|do)|what'?s|why (?:does|is|do|are)|how (?:does|do|is)|walk me through|tell me (?:about|what|why|how)|understand|what (?:\w+ ){0,3}means?|difference between)\b|^\s*(?:is|are|does|do|can|should|will|would) (?:this|it|that|these|those|the)\b/i],
  ['fix', /\b(fix|debug|repair|resolve|broken|crash(?:es|ing)?|fails?|failing|doesn'?t work|not working|never (?:terminates?|ends?|returns?|stops?)|off-by-one|race condition|segfault|hangs?)\b/i],
  ['refactor', /\b(refactor|clean ?up|simplify|restructure|reorgani[sz]e|extract|inline|split|deduplicate|moderni[sz]e|migrate|convert|more readable|readability|tidy)\b/i],
  ['generate', new RegExp(`${LEAD}(write|create|generate|add|implement|build|make (?:an?|me|some)|scaffold|produce|draft|give me (?:an?|some)|set up)\\b`, 'i')],
  ['plan', PLAN],
];

/** Phrases that point at a kind only when nothing stronger does ("what does this error mean" is a question). */
const WEAK: readonly (readonly [RequestKind, RegExp])[] = [
  ['fix', /\b(bug|error|exception|failure|traceback|stack trace|wrong)\b/i],
  ['generate', /\b(write|create|generate|implement|build)\b/i],
];

/** "Why does this fail? Fix it.": a question followed by an instruction to fix asks for the fix. */
const FIX_INSTRUCTION = /\b(?:fix|repair|resolve) (?:it|this|that|them)\b|\b(?:and|then|please|can you|could you) (?:fix|repair|debug)\b|(?:^|[.!?]\s+)fix\b/i;

export function classifyKind(prompt: string, command?: string): RequestKind {
  if (command) {
    const name = command.trim().replace(/^\//, '').toLowerCase();
    const fromCommand = COMMANDS[name];
    if (fromCommand) {
      return fromCommand;
    }
  }
  const head = prompt.length > CLASSIFIED_PREFIX ? prompt.slice(0, CLASSIFIED_PREFIX) : prompt;
  const slash = /^\s*\/([a-z]+)\b/i.exec(head);
  const fromSlash = slash ? COMMANDS[slash[1].toLowerCase()] : undefined;
  if (fromSlash) {
    return fromSlash;
  }
  let best = earliest(head, WORDING) ?? earliest(head, WEAK) ?? 'other';
  if (best === 'explain' && FIX_INSTRUCTION.test(head)) {
    best = 'fix';
  }
  // "Write a plan", "draft a roadmap", "refactor after a plan": asking for a plan asks for a plan.
  if ((best === 'generate' || best === 'refactor' || best === 'other') && PLAN.test(head)) {
    return 'plan';
  }
  return best === 'explain' && PLAN_REQUEST.test(head) ? 'plan' : best;
}

function earliest(text: string, wording: readonly (readonly [RequestKind, RegExp])[]): RequestKind | undefined {
  let best: RequestKind | undefined;
  let bestAt = Infinity;
  for (const [kind, pattern] of wording) {
    const match = pattern.exec(text);
    if (match && match.index < bestAt) {
      best = kind;
      bestAt = match.index;
    }
  }
  return best;
}
