import type { Inline } from './markdownTree';

const SAFE_LINK = /^(https?:\/\/|mailto:)/i;
const ESCAPABLE = /[\\`*_{}[\]()#+\-.!|<>~]/;

/** Inline markdown: code spans, strong, emphasis, links, escapes and hard breaks. Everything else is text. */
export function parseInline(source: string): Inline[] {
  const out: Inline[] = [];
  let text = '';
  const flush = () => {
    if (text.length > 0) {
      out.push({ type: 'text', text });
      text = '';
    }
  };
  let index = 0;
  while (index < source.length) {
    const char = source[index];
    if (char === '\\' && index + 1 < source.length && ESCAPABLE.test(source[index + 1])) {
      text += source[index + 1];
      index += 2;
      continue;
    }
    if (char === '\\' && source[index + 1] === '\n') {
      flush();
      out.push({ type: 'break' });
      index += 2;
      continue;
    }
    if (char === '\n') {
      // Two trailing spaces make a hard break; any other newline inside a paragraph is a space.
      if (text.endsWith('  ')) {
        text = text.replace(/ +$/, '');
        flush();
        out.push({ type: 'break' });
      } else {
        text = text.replace(/ +$/, '') + ' ';
      }
      index += 1;
      continue;
    }
    if (char === '`') {
      const run = /^`+/.exec(source.slice(index))![0];
      const close = source.indexOf(run, index + run.length);
      if (close > 0 && source[close + run.length] !== '`') {
        flush();
        let code = source.slice(index + run.length, close).replace(/\n/g, ' ');
        if (code.startsWith(' ') && code.endsWith(' ') && code.trim().length > 0) {
          code = code.slice(1, -1);
        }
        out.push({ type: 'code', text: code });
        index = close + run.length;
        continue;
      }
      text += run;
      index += run.length;
      continue;
    }
    if ((char === '*' || char === '_') && canOpen(source, index)) {
      const double = source[index + 1] === char;
      const marker = double ? char + char : char;
      const close = findCloser(source, index + marker.length, marker);
      if (close > index + marker.length) {
        flush();
        const children = parseInline(source.slice(index + marker.length, close));
        out.push(double ? { type: 'strong', children } : { type: 'em', children });
        index = close + marker.length;
        continue;
      }
    }
    if (char === '[') {
      const link = /^\[([^\]\n]*(?:\n[^\]\n]*)*)\]\(\s*<?([^\s)>]*)>?(?:\s+"[^"]*")?\s*\)/.exec(source.slice(index));
      if (link) {
        flush();
        const children = parseInline(link[1]);
        if (SAFE_LINK.test(link[2])) {
          out.push({ type: 'link', href: link[2], children });
        } else {
          // An unsafe target (javascript:, command:, a relative path) keeps its label as plain content.
          out.push(...children);
        }
        index += link[0].length;
        continue;
      }
    }
    text += char;
    index += 1;
  }
  flush();
  return out;
}

/** `_` inside a word (snake_case) is a letter, not emphasis; a marker followed by a space opens nothing. */
function canOpen(source: string, index: number): boolean {
  const char = source[index];
  const markerEnd = source[index + 1] === char ? index + 2 : index + 1;
  const next = source[markerEnd];
  if (next === undefined || /\s/.test(next)) {
    return false;
  }
  return !(char === '_' && index > 0 && /\w/.test(source[index - 1]));
}

function findCloser(source: string, from: number, marker: string): number {
  let index = source.indexOf(marker, from);
  while (index >= 0) {
    const before = source[index - 1];
    const after = source[index + marker.length];
    const intraword = marker[0] === '_' && after !== undefined && /\w/.test(after);
    // For a single marker, skip the first half of a double one (`*a **b** c*`).
    const partOfDouble = marker.length === 1 && (after === marker || before === marker);
    if (before !== undefined && !/\s/.test(before) && !intraword && !partOfDouble) {
      return index;
    }
    index = source.indexOf(marker, index + marker.length);
  }
  return -1;
}
