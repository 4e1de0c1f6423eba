/**
 * A prompt's wording as the request-kind classifier reads it: the lower-cased words of its prose, in
 * sentences, with where each instruction starts. Pasted code is not wording: fenced blocks and lines
 * that look like code are skipped, and inline code, file names and URLs become one `§` word each
 * ("rename `x`", "in utils.ts"). Apostrophes are dropped ("doesn't" is `doesnt`) and hyphens split
 * words ("off-by-one" is `off by one`). One pass over the characters and no regular expression: it
 * runs whenever the start of the prompt changes.
 */

/** Prose words read at most: the instruction comes first, and what follows is mostly pasted material. */
export const MAX_PROSE_WORDS = 80;

export interface PromptWords {
  readonly text: readonly string[];
  /** Sentence number of each word (sentences end at `.`, `?`, `!`, `;`, `:` and line ends). */
  readonly sentence: readonly number[];
  /** Each word's sentence counted from the start of its paragraph: the count restarts after pasted code. */
  readonly place: readonly number[];
  /** Clause number of each word: clauses also end at commas and before "then". */
  readonly clause: readonly number[];
  /** Where an instruction starts: a clause's first word past "please", "can you", "i want you to", ... */
  readonly lead: readonly boolean[];
  /** Words in a purpose: after "to" + verb, to the end of the clause ("write a script to rename files"). */
  readonly purpose: readonly boolean[];
  /** Word index of the first question's first word (a `?`, or a sentence led by "why", "is", "does", ...), or -1. */
  readonly firstQuestion: number;
}

/** Words that start a sentence without being its instruction. */
const SKIPPED = new Set(['please', 'pls', 'plz', 'kindly', 'just', 'quickly', 'also', 'then', 'now', 'so', 'ok', 'okay', 'hey', 'hi', 'hello', 'and', 'but', 'well', 'actually', 'maybe', 'basically', 'btw']);
/** Polite lead-ins, as word sequences. */
const SKIPPED_PHRASES: readonly (readonly string[])[] = [
  ['can', 'you'], ['could', 'you'], ['would', 'you'], ['will', 'you'], ['can', 'u'], ['could', 'u'],
  ['i', 'want', 'you', 'to'], ['i', 'need', 'you', 'to'], ['id', 'like', 'you', 'to'], ['i', 'would', 'like', 'you', 'to'],
  ['i', 'want', 'to'], ['i', 'need', 'to'], ['id', 'like', 'to'], ['i', 'would', 'like', 'to'], ['we', 'need', 'to'],
  ['we', 'should'], ['you', 'should'], ['we', 'must'], ['i', 'must'], ['we', 'have', 'to'], ['i', 'have', 'to'],
  ['could', 'we'], ['can', 'we'], ['shall', 'we'], ['lets'], ['let', 'us'], ['help', 'me'], ['go', 'ahead', 'and'],
];
const PHRASE_STARTS = new Set(SKIPPED_PHRASES.map((phrase) => phrase[0]));
/** A sentence led by one of these is a question even without a question mark. */
const QUESTION_LEADS = new Set(['what', 'whats', 'why', 'how', 'hows', 'where', 'wheres', 'when', 'which', 'who', 'whos', 'is', 'are', 'does', 'did', 'can', 'could', 'should', 'would', 'will', 'was', 'were', 'has', 'have', 'isnt', 'doesnt', 'arent']);
/** "to" before these is a destination ("to 3000", "to the top"), not a purpose. */
const NOT_A_PURPOSE = new Set(['the', 'a', 'an', 'this', 'that', 'these', 'those', 'my', 'our', 'your', 'its', 'their', 'it', 'them', 'me', 'us', 'one', '§', 'path']);
/** "how to fix", "I want to add", "it's supposed to return": "to" after these is the request itself. */
const NOT_PURPOSE_TO = new Set(['how', 'want', 'wants', 'wanted', 'need', 'needs', 'needed', 'like', 'have', 'has', 'had', 'going', 'trying', 'try', 'tried', 'able', 'supposed', 'used', 'ought', 'where', 'what']);

/** How a line of pasted code starts: a comment, a shell or REPL prompt, a directive, a Python frame, a declaration, a tag. */
const CODE_STARTS = ['//', '/*', '*/', '#include', '#!', '>>> ', '$ ', 'File "', 'def ', 'const ', 'var ', '<'];

/**
 * Whether `text[start, end)` is a line of pasted code rather than prose: it ends like a statement or
 * a block (`;`, `{`, `}`, `(`, `[`, `=>`, `):`), starts like one of `CODE_STARTS` or a JSDoc line, or
 * is indented like a block. The first line is always prose unless it ends like code: it holds the instruction
 * ("import the CSV ...", "from now on ...").
 */
function isCodeLine(text: string, start: number, end: number, first: boolean): boolean {
  let last = end - 1;
  while (last >= start && (text.charCodeAt(last) === 32 || text.charCodeAt(last) === 9 || text.charCodeAt(last) === 13)) {
    last--;
  }
  if (last < start) {
    return false;
  }
  const tail = text.charCodeAt(last);
  if (tail === 59 || tail === 123 || tail === 125 || tail === 40 || tail === 91
    || (last > start && text.charCodeAt(last - 1) === 61 && tail === 62)
    || (last > start && text.charCodeAt(last - 1) === 41 && tail === 58)) {
    return true;
  }
  if (first) {
    return false;
  }
  if (text.charCodeAt(start) === 9 || text.startsWith('    ', start) || text.startsWith(' * ', start)) {
    return true;
  }
  const from = skipSpaces(text, start, end);
  return CODE_STARTS.some((prefix) => text.startsWith(prefix, from));
}

/** What follows the last word pushed. */
const SENTENCE_END = 1;
const CLAUSE_END = 2;

/** The scanner's output while it runs. */
interface Scan {
  readonly text: string[];
  readonly sentence: number[];
  readonly clause: number[];
  readonly place: number[];
  /** What ended the last word: `SENTENCE_END` and `CLAUSE_END` flags. */
  after: number;
  sentences: number;
  clauses: number;
  /** Sentence number where the current paragraph started, and whether code was skipped since the last word. */
  paragraph: number;
  pasted: boolean;
  /** Sentence number of the first sentence that ends with a question mark, or -1. */
  questionSentence: number;
}

export function promptWords(head: string): PromptWords {
  const scan: Scan = {
    text: [],
    sentence: [],
    clause: [],
    place: [],
    after: 0,
    sentences: 0,
    clauses: 0,
    paragraph: 0,
    pasted: false,
    questionSentence: -1,
  };
  let inFence = false;
  for (let start = 0; start <= head.length && scan.text.length < MAX_PROSE_WORDS; ) {
    let end = head.indexOf('\n', start);
    if (end < 0) {
      end = head.length;
    }
    if (head.startsWith('```', skipSpaces(head, start, end))) {
      inFence = !inFence;
      scan.pasted = true;
    } else if (!inFence && !isCodeLine(head, start, end, scan.text.length === 0)) {
      scanLine(head, start, end, scan);
    } else {
      scan.pasted = true;
    }
    scan.after |= SENTENCE_END;
    start = end + 1;
  }
  return structure(scan);
}

function skipSpaces(text: string, start: number, end: number): number {
  let at = start;
  while (at < end && (text.charCodeAt(at) === 32 || text.charCodeAt(at) === 9)) {
    at++;
  }
  return at;
}

function isWordChar(code: number): boolean {
  return (code >= 97 && code <= 122) || (code >= 65 && code <= 90) || (code >= 48 && code <= 57) || code === 95
    || (code >= 0xc0 && code !== 0xd7 && code !== 0xf7 && (code < 0x2000 || code > 0x206f) && (code < 0x3000 || code > 0x303f) && (code < 0xd800 || code > 0xdfff) && code !== 0xfeff);
}

function isApostrophe(code: number): boolean {
  return code === 39 || code === 0x2019;
}

function isSpaceOrEnd(text: string, at: number, end: number): boolean {
  if (at >= end) {
    return true;
  }
  const code = text.charCodeAt(at);
  return code === 32 || code === 9 || code === 13;
}

function push(scan: Scan, word: string): void {
  const index = scan.text.length;
  if (index > 0 && (scan.after & SENTENCE_END) !== 0) {
    scan.sentences++;
  }
  if (scan.pasted) {
    scan.paragraph = scan.sentences;
    scan.pasted = false;
  }
  if (index > 0 && (scan.after !== 0 || word === 'then')) {
    scan.clauses++;
  }
  scan.text.push(word);
  scan.sentence.push(scan.sentences);
  scan.clause.push(scan.clauses);
  scan.place.push(scan.sentences - scan.paragraph);
  scan.after = 0;
}

/** Reads the words of `text[start, end)` into `scan`. */
function scanLine(text: string, start: number, end: number, scan: Scan): void {
  let at = start;
  while (at < end && scan.text.length < MAX_PROSE_WORDS) {
    const code = text.charCodeAt(at);
    if (isWordChar(code)) {
      const from = at;
      let apostrophe = false;
      let upper = false;
      while (at < end) {
        const next = text.charCodeAt(at);
        if (isWordChar(next)) {
          upper ||= next < 97;
          at++;
        } else if (isApostrophe(next) && at + 1 < end && isWordChar(text.charCodeAt(at + 1))) {
          apostrophe = true;
          at++;
        } else {
          break;
        }
      }
      const after = text.charCodeAt(at);
      // A file name, a dotted name or a URL ("utils.ts", "node.js", "https://..."): one `§`.
      if ((after === 46 && at + 1 < end && isWordChar(text.charCodeAt(at + 1))) || (after === 58 && text.startsWith('//', at + 1))) {
        while (at < end && !isSpaceOrEnd(text, at, end) && text.charCodeAt(at) !== 96) {
          at++;
        }
        // A full stop, comma or question mark right after it still ends its sentence or clause.
        const last = text.charCodeAt(at - 1);
        if (last === 46 || last === 44 || last === 63 || last === 33 || last === 58 || last === 59) {
          at--;
        }
        push(scan, '§');
        continue;
      }
      // A path ("/login", "/api/users"): the word `path`, a noun like any other.
      if (from > start && text.charCodeAt(from - 1) === 47 && (from - 1 === start || isSpaceOrEnd(text, from - 2, end))) {
        while (at < end && !isSpaceOrEnd(text, at, end) && text.charCodeAt(at) !== 96 && text.charCodeAt(at) !== 44) {
          at++;
        }
        push(scan, 'path');
        continue;
      }
      let word = text.slice(from, at);
      if (upper) {
        word = word.toLowerCase();
      }
      push(scan, apostrophe ? word.replace(/['’]/g, '') : word);
      continue;
    }
    if (code === 96) {
      const close = text.indexOf('`', at + 1);
      if (close > at && close < end) {
        push(scan, '§');
        at = close + 1;
        continue;
      }
    } else if (scan.text.length > 0) {
      if (code === 44) {
        scan.after |= CLAUSE_END;
      } else if (code === 63 && at > start && !isSpaceOrEnd(text, at - 1, end)) {
        // A question mark ends a question when it follows a word ("why?"), not when it is quoted ("shows up as ? in").
        scan.after |= SENTENCE_END;
        if (scan.questionSentence < 0) {
          scan.questionSentence = scan.sentences;
        }
      } else if (code === 33 || code === 59 || ((code === 46 || code === 58) && isSpaceOrEnd(text, at + 1, end))) {
        scan.after |= SENTENCE_END;
      }
    }
    at++;
  }
}

/** Where instructions start, purposes, and the first question, from the words and their clauses. */
function structure(scan: Scan): PromptWords {
  const { text, sentence, clause, place } = scan;
  const count = text.length;
  const lead: boolean[] = [];
  const purpose: boolean[] = [];
  for (let i = 0; i < count; i++) {
    lead.push(false);
    purpose.push(false);
  }
  let firstQuestion = -1;
  for (let i = 0; i < count; i++) {
    const startsClause = i === 0 || clause[i - 1] !== clause[i];
    if (startsClause) {
      const at = skipPolite(text, clause, i);
      const startsSentence = i === 0 || sentence[i - 1] !== sentence[i];
      if (startsSentence && firstQuestion < 0 && (sentence[i] === scan.questionSentence || (at < count && QUESTION_LEADS.has(text[at])))) {
        firstQuestion = i;
      }
      if (at < count) {
        lead[at] = true;
      }
    } else if (purpose[i - 1] || (text[i - 1] === 'to' && !NOT_A_PURPOSE.has(text[i]) && !isNumber(text[i]) && !(i >= 2 && NOT_PURPOSE_TO.has(text[i - 2])))) {
      purpose[i] = true;
    }
  }
  return { text, sentence, place, clause, lead, purpose, firstQuestion };
}

export function isNumber(word: string): boolean {
  const code = word.charCodeAt(0);
  return code >= 48 && code <= 57;
}

function skipPolite(text: readonly string[], clause: readonly number[], start: number): number {
  let at = start;
  for (;;) {
    if (at < text.length && clause[at] === clause[start] && SKIPPED.has(text[at])) {
      at++;
      continue;
    }
    if (!PHRASE_STARTS.has(text[at])) {
      return at;
    }
    const phrase = SKIPPED_PHRASES.find((words) => words.every((word, k) => text[at + k] === word && clause[at + k] === clause[start]));
    if (!phrase) {
      return at;
    }
    at += phrase.length;
  }
}
