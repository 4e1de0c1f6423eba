/**
 * Recognises prompts that leave the model guessing. A vague request costs more than a clear one
 * because the answer is longer and less predictable (the service's own guidance: "state your task
 * clearly"), so the rule prices the spread between a typical and a long answer.
 */

const VAGUE_PHRASES = [
  /\b(fix|improve|optimi[sz]e|clean ?up|refactor|check|review|update|change)\s+(it|this|that|them|everything|the code|my code|things?|stuff)\b/i,
  /\bmake\s+(it|this|that)\s+(work|better|faster|nicer|good|right|cleaner)\b/i,
  /\b(does ?n[o']?t|is ?n[o']?t|not) work(ing)?\b/i,
  /\b(something|somehow|stuff|whatever|etc\.?)\b/i,
  /^\s*(help|fix|why|what|huh|\?+)\s*[?!.]*\s*$/i,
  /\b(any|some) (ideas?|suggestions?|thoughts?)\b/i,
];

/** Requests for a whole product in one sentence: the service's example of a 5–20 credit "fuzzy" request. */
const SPRAWLING_REQUEST = /\b(build|create|make|write|implement|develop)\s+(me\s+)?(an?|the|my)?\s*(whole|entire|full|complete|clone|copy)?\b.*\b(clone|app|application|system|platform|engine|website|game|os|operating system|compiler|browser)\b/i;

/** Words that anchor a prompt to something concrete: code identifiers, paths, line numbers, quotes. */
const SPECIFIC = [
  /`[^`]+`/,
  /\b[a-z]+[A-Z]\w*\b/, // camelCase
  /\b\w+_\w+\b/, // snake_case
  /\w\(/, // a call
  /[\w-]+\.(ts|js|py|go|rs|java|cs|cpp|c|h|md|json|ya?ml|tsx|jsx|css|html)\b/,
  /\bline \d+\b/i,
  /:\d+\b/,
  /"[^"]{3,}"/,
];

export function wordCount(text: string): number {
  const words = text.trim().match(/\S+/g);
  return words ? words.length : 0;
}

function isSpecific(prompt: string): boolean {
  return SPECIFIC.some((pattern) => pattern.test(prompt));
}

/** Why a prompt is vague, or undefined when it is not. */
export function vaguenessReason(prompt: string): 'vague' | 'sprawling' | undefined {
  const words = wordCount(prompt);
  if (words === 0) {
    return undefined;
  }
  if (words <= 40 && SPRAWLING_REQUEST.test(prompt) && !isSpecific(prompt)) {
    return 'sprawling';
  }
  if (words <= 12 && VAGUE_PHRASES.some((pattern) => pattern.test(prompt)) && !isSpecific(prompt)) {
    return 'vague';
  }
  return undefined;
}

/** Numbered or bulleted steps in a prompt: offsets of each item's start. */
export function listItemOffsets(prompt: string): number[] {
  const offsets: number[] = [];
  const pattern = /^[ \t]*(\d+[.)]|[-*•])[ \t]+\S/gm;
  for (const match of prompt.matchAll(pattern)) {
    offsets.push(match.index);
  }
  return offsets;
}
