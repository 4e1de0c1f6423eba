/**
 * What a request asks for, which predicts how long the answer will be. Taken from the command the
 * user ran when there is one (`/explain`, `/fix`, ...), otherwise from the prompt's wording.
 *
 * The wording is scored, not pattern-matched against a list of known prompts: every cue of
 * `kindCues.ts` found in the prose (`promptWords.ts`; pasted code is skipped) adds its weight to its
 * kind. A cue counts more when it leads its sentence or clause (the instruction usually does: "please
 * pull ... out", "can you fix ..."), most for the first such instruction, and less the later its
 * sentence. An instruction is cancelled by a negation just before it ("I don't want a fix"), is a
 * noun after a determiner ("the build"), and counts half when it only names a purpose ("a script to
 * rename files"). A pasted error (`TypeError:`, `error[E0502]`, `TS2322`, a stack frame, an HTTP 5xx)
 * counts for `fix`; a question counts a little for `explain`. The highest score wins; ties go to the
 * more specific kind (`TIE_ORDER`); a prompt with no cue worth `MIN_SCORE` is `other`. `scoreKinds`
 * lists the evidence behind a decision.
 */
import { REQUEST_KINDS, type RequestKind } from '../requestKind';
import { CUE_GROUPS, type CueGroup } from './kindCues';
import { type PromptWords, isNumber, promptWords } from './promptWords';

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

/** Added to a cue that leads its sentence (or follows a comma or "then"), past the polite words. */
const LEAD_BONUS = 1;
/** Added to the first instruction that leads a sentence or a clause: of several asks, the first decides. */
const FIRST_INSTRUCTION_BONUS = 1;
/** What a cue counts for in a clause after the first instruction's, in the same sentence ("refactor X, then add tests"). */
const LATER_ASK_FACTOR = 0.8;
/** What a cue counts for in the first, second, third and later sentences of a paragraph (pasted code starts a new one). */
const SENTENCE_FACTORS = [1, 0.85, 0.7, 0.6];
/** A question ("why ...?", "is this ...?") leans towards `explain`. */
const QUESTION_WEIGHT = 1.5;
/** A pasted error message or stack trace leans towards `fix`. */
const ERROR_WEIGHT = 3;
/** An instruction verb that only names the purpose of another ("... to rename files") counts this much. */
const PURPOSE_FACTOR = 0.5;
/** Below this, nothing in the prompt asks for code work: `other`. */
const MIN_SCORE = 2;
/** Equal scores: the more specific kind wins. */
const TIE_ORDER: readonly RequestKind[] = ['plan', 'fix', 'edit', 'refactor', 'generate', 'explain', 'other'];

/**
 * Error messages as compilers, runtimes, shells and test runners print them, read in pasted code too.
 * Each pattern starts with literal text, so that a 2 KB prompt is scanned in a few microseconds.
 */
const ERROR_SIGNATURES: readonly RegExp[] = [
  /[a-z](?:Error|Exception)\b/, // TypeError, NullPointerException
  /(?:error|ERROR|Error)(?:\[[A-Z]*\d+\]| [A-Z]{1,3}\d{3,5}):/, // error[E0502]:, error TS2322:
  /Traceback \(most recent|File "[^"\n]+", line \d+|\n\s+at \S+ \(\S+:\d+:\d+\)/, // Python and JavaScript stack traces
  /panic(?::|ked at)|egmentation fault|core dumped|npm ERR!|ncaught |nhandled /,
  /E(?:CONN[A-Z]+|ADDRINUSE|NOENT|ACCES|PERM|PIPE|TIMEDOUT|HOSTUNREACH|NOTFOUND)\b/, // Node system errors
];
/** Literal text that every error signature contains: one fast scan rules most prompts out. */
const ERROR_HINT = /rror|xception|Traceback|File "|\n\s+at |panic|egmentation fault|core dumped|npm ERR!|ncaught |nhandled |E[ACHNOPT][A-Z]+|RROR:|arning:|ARNING:|atal:|ATAL:|FAIL|Received:|(?:TS|CS|SC|[ECW])\d{4}/;
/** A line that reports an error, a warning or a failed test ("Error: ...", "FAIL src/a.test.ts", "Expected: ... Received: ..."). */
const ERROR_LINE_HINT = /rror:|RROR:|arning:|ARNING:|atal:|ATAL:|FAIL|Received:/;
const ERROR_LINE = /(?:^|[\n`'"])[ \t]*(?:[Ee]rror|ERROR|[Ww]arning|WARNING|[Ff]atal|FATAL):|(?:^|\n)[ \t]*FAIL(?:ED)? |Expected:[^\n]*\n\s*Received:/;
/** An error code: TS2322, E0502, CS0103, SC2086 (not the end of a longer word: ES2020, FY2024). */
const ERROR_CODE = /(?:TS|CS|SC|[ECW])\d{4}(?!\w)/g;
/** Words before an HTTP status that make it one ("returns 500", "getting a 403", "status 404"). */
const HTTP_STATUS = /^[45]\d\d$/;
/** Words after a number that make it a size or a count ("a 400 line file", "returns 500 rows"). */
const NOT_A_STATUS = new Set(['line', 'lines', 'ms', 'px', 'rows', 'items', 'kb', 'mb', 'gb', 'bytes', 'chars', 'characters', 'words', 'times']);
const STATUS_LEADS = new Set(['status', 'http', 'code', 'return', 'returns', 'returning', 'returned', 'got', 'get', 'gets', 'getting', 'give', 'gives', 'giving', 'throw', 'throws', 'a', 'an', 'with']);

function hasErrorSignature(head: string): boolean {
  if (!ERROR_HINT.test(head)) {
    return false;
  }
  if (ERROR_SIGNATURES.some((signature) => signature.test(head)) || (ERROR_LINE_HINT.test(head) && ERROR_LINE.test(head))) {
    return true;
  }
  ERROR_CODE.lastIndex = 0;
  for (let match = ERROR_CODE.exec(head); match; match = ERROR_CODE.exec(head)) {
    if (match.index === 0 || !/[A-Za-z]/.test(head[match.index - 1])) {
      return true;
    }
  }
  return false;
}

/** An HTTP 4xx or 5xx status in the prose ("the upload returns 500", "I get a 403"), not "a 400-line file". */
function hasErrorStatus(words: PromptWords): boolean {
  for (let at = 1; at < words.text.length; at++) {
    const word = words.text[at];
    if (word.length === 3 && HTTP_STATUS.test(word) && STATUS_LEADS.has(words.text[at - 1]) && !NOT_A_STATUS.has(words.text[at + 1])) {
      return true;
    }
  }
  return false;
}

/** "I don't want a fix", "no code yet", "without changing ...": these just before an instruction cancel it. */
const NEGATORS = new Set(['not', 'dont', 'doesnt', 'no', 'never', 'without', 'cant', 'cannot', 'wont', 'shouldnt', 'isnt', 'didnt', 'nothing']);
const NEGATION_REACH = 3;
/** After these a verb is a noun: "the build", "a fix", "this refactor". */
const DETERMINERS = new Set(['the', 'a', 'an', 'this', 'that', 'my', 'our', 'your', 'its', 'their', 'his', 'her']);

// ---- cues ------------------------------------------------------------------------------------

interface Slot {
  readonly words: ReadonlySet<string>;
  readonly number: boolean;
  readonly code: boolean;
  /** Words allowed between the previous slot and this one. */
  readonly gap: number;
}

interface Cue {
  readonly id: number;
  readonly kind: RequestKind;
  readonly kindIndex: number;
  readonly weight: number;
  readonly text: string;
  readonly slots: readonly Slot[];
  readonly leadOnly: boolean;
  readonly instruction: boolean;
  readonly generic: boolean;
}

function compileCue(group: CueGroup, text: string, id: number): Cue {
  const slots: Slot[] = [];
  let gap = 0;
  for (const part of text.trim().split(/\s+/)) {
    const reach = /^~(\d+)$/.exec(part);
    if (reach) {
      gap = Number(reach[1]);
      continue;
    }
    const alternatives = part.split('|');
    slots.push({
      words: new Set(alternatives.filter((word) => word !== '#' && word !== '§')),
      number: alternatives.includes('#'),
      code: alternatives.includes('§'),
      gap,
    });
    gap = 0;
  }
  const kindIndex = REQUEST_KINDS.indexOf(group.kind);
  return { id, kind: group.kind, kindIndex, weight: group.weight, text, slots, leadOnly: group.leadOnly ?? false, instruction: group.instruction ?? false, generic: group.generic ?? false };
}

const CUES: readonly Cue[] = CUE_GROUPS.flatMap((group) => group.cues.map((text) => ({ group, text }))).map(({ group, text }, id) => compileCue(group, text, id));
/** Cues by the words their first slot accepts (`#` for a number, `§` for code). */
const CUES_BY_WORD = new Map<string, Cue[]>();
for (const cue of CUES) {
  const first = cue.slots[0];
  for (const word of [...first.words, ...(first.number ? ['#'] : []), ...(first.code ? ['§'] : [])]) {
    const list = CUES_BY_WORD.get(word) ?? [];
    list.push(cue);
    CUES_BY_WORD.set(word, list);
  }
}

function slotAccepts(slot: Slot, word: string): boolean {
  return slot.words.has(word)
    || (slot.code && word === '§')
    || (slot.number && isNumber(word));
}

/** Where `cue`'s slots from `slot` on end when they match the words after `previous` within its sentence, else -1. */
function matchEnd(cue: Cue, slot: number, words: PromptWords, previous: number): number {
  if (slot === cue.slots.length) {
    return previous;
  }
  const { gap } = cue.slots[slot];
  for (let at = previous + 1; at <= previous + 1 + gap && at < words.text.length; at++) {
    if (words.sentence[at] !== words.sentence[previous]) {
      return -1;
    }
    if (slotAccepts(cue.slots[slot], words.text[at])) {
      const end = matchEnd(cue, slot + 1, words, at);
      if (end >= 0) {
        return end;
      }
    }
  }
  return -1;
}

function negated(words: PromptWords, at: number): boolean {
  for (let before = at - 1; before >= 0 && before >= at - NEGATION_REACH && words.sentence[before] === words.sentence[at]; before--) {
    if (NEGATORS.has(words.text[before])) {
      return true;
    }
  }
  return false;
}

// ---- scoring ---------------------------------------------------------------------------------

export interface KindScores {
  readonly kind: RequestKind;
  readonly scores: Readonly<Record<RequestKind, number>>;
  /** The evidence, in the order it was found: each cue (or signal) with the points it gave its kind. */
  readonly evidence: readonly { readonly kind: RequestKind; readonly cue: string; readonly points: number }[];
}

/** Scores the wording of `prompt` (its first `CLASSIFIED_PREFIX` characters) for every kind. */
export function scoreKinds(prompt: string): KindScores {
  const evidence: { kind: RequestKind; cue: string; points: number }[] = [];
  const scores = score(prompt.length > CLASSIFIED_PREFIX ? prompt.slice(0, CLASSIFIED_PREFIX) : prompt, evidence);
  return { kind: decide(scores), scores, evidence };
}

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
  return decide(score(head, undefined));
}

function score(head: string, evidence: { kind: RequestKind; cue: string; points: number }[] | undefined): Record<RequestKind, number> {
  const scores: Record<RequestKind, number> = { explain: 0, edit: 0, fix: 0, refactor: 0, generate: 0, plan: 0, other: 0 };
  const add = (kind: RequestKind, cue: string, points: number) => {
    scores[kind] += points;
    evidence?.push({ kind, cue, points });
  };
  // Pasted code is read for error messages only; the wording is the prose around it.
  const words = promptWords(head);
  if (hasErrorSignature(head) || hasErrorStatus(words)) {
    add('fix', 'an error message', ERROR_WEIGHT);
  }
  if (words.firstQuestion >= 0) {
    add('explain', 'a question', QUESTION_WEIGHT * placeFactor(words.place[words.firstQuestion]));
  }
  // Each cue counts once, where it first matches; where cues of a kind start at the same word, the
  // best one counts. The first instruction that leads a sentence or a clause counts a little more.
  const counted = new Uint8Array(CUES.length);
  const best: (Cue | undefined)[] = [undefined, undefined, undefined, undefined, undefined, undefined, undefined];
  let firstInstruction = true;
  let firstClause = -1;
  let firstWord = -1;
  for (let at = 0; at < words.text.length; at++) {
    const word = words.text[at];
    const list = CUES_BY_WORD.get(isNumber(word) ? '#' : word);
    if (!list) {
      continue;
    }
    let found = false;
    for (const cue of list) {
      if (counted[cue.id] || (cue.leadOnly && !words.lead[at]) || matchEnd(cue, 1, words, at) < 0) {
        continue;
      }
      if (cue.instruction && (negated(words, at) || (at > 0 && DETERMINERS.has(words.text[at - 1])))) {
        continue;
      }
      counted[cue.id] = 1;
      const rival = best[cue.kindIndex];
      if (!rival || cue.weight > rival.weight) {
        best[cue.kindIndex] = cue;
        found = true;
      }
    }
    if (!found) {
      continue;
    }
    const later = firstClause >= 0 && words.clause[at] > firstClause && words.sentence[at] === words.sentence[firstWord] ? LATER_ASK_FACTOR : 1;
    const factor = (words.purpose[at] ? PURPOSE_FACTOR : 1) * placeFactor(words.place[at]) * later;
    let first = false;
    for (let kind = 0; kind < best.length; kind++) {
      const cue = best[kind];
      if (cue) {
        const decisive = cue.instruction && !cue.generic && words.lead[at];
        first ||= decisive;
        const bonus = words.lead[at] ? LEAD_BONUS + (firstInstruction && decisive ? FIRST_INSTRUCTION_BONUS : 0) : 0;
        add(cue.kind, cue.text, (cue.weight + bonus) * factor);
        best[kind] = undefined;
      }
    }
    if (firstInstruction && first) {
      firstInstruction = false;
      firstClause = words.clause[at];
      firstWord = at;
    }
  }
  return scores;
}

function placeFactor(place: number): number {
  return SENTENCE_FACTORS[Math.min(place, SENTENCE_FACTORS.length - 1)];
}

function decide(scores: Readonly<Record<RequestKind, number>>): RequestKind {
  let best: RequestKind = 'other';
  let bestScore = 0;
  for (const kind of TIE_ORDER) {
    if (scores[kind] > bestScore) {
      best = kind;
      bestScore = scores[kind];
    }
  }
  return bestScore >= MIN_SCORE ? best : 'other';
}
