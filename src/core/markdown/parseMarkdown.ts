import type { Block } from './markdownTree';
import { parseInline } from './parseInline';

const FENCE = /^ {0,3}(`{3,}|~{3,})[ \t]*([^`\s]*)[^`]*$/;
const HEADING = /^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$/;
const RULE = /^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$/;
const QUOTE = /^ {0,3}> ?(.*)$/;
const LIST_ITEM = /^( {0,3})([-*+]|\d{1,9}[.)])([ \t]+|$)(.*)$/;
const TABLE_DELIMITER = /^ {0,3}\|?[ \t]*:?-+:?[ \t]*(\|[ \t]*:?-+:?[ \t]*)*\|?[ \t]*$/;

/** Cells of a table row: split on unescaped pipes, outer pipes optional. */
function tableCells(line: string): string[] {
  let text = line.trim();
  if (text.startsWith('|')) {
    text = text.slice(1);
  }
  if (text.endsWith('|') && !text.endsWith('\\|')) {
    text = text.slice(0, -1);
  }
  return text.split(/(?<!\\)\|/).map((cell) => cell.trim().replace(/\\\|/g, '|'));
}

function isTableStart(lines: readonly string[], index: number): boolean {
  const next = lines[index + 1];
  return lines[index].includes('|') && next !== undefined && next.includes('-') && TABLE_DELIMITER.test(next)
    && tableCells(lines[index]).length === tableCells(next).length;
}

function startsBlock(line: string): boolean {
  return FENCE.test(line) || HEADING.test(line) || RULE.test(line) || QUOTE.test(line) || LIST_ITEM.test(line);
}

/**
 * Block markdown (CommonMark's common subset): fenced code, headings, rules, quotes, lists and
 * paragraphs. An unclosed fence runs to the end, so a streamed answer renders its code as it arrives.
 */
export function parseMarkdown(source: string): Block[] {
  return parseLines(source.replace(/\r\n?/g, '\n').split('\n'));
}

function parseLines(lines: readonly string[]): Block[] {
  const blocks: Block[] = [];
  let index = 0;
  while (index < lines.length) {
    const line = lines[index];
    if (line.trim() === '') {
      index += 1;
      continue;
    }
    const fence = FENCE.exec(line);
    if (fence) {
      const marker = fence[1];
      const indent = line.length - line.trimStart().length;
      const body: string[] = [];
      index += 1;
      let closed = false;
      while (index < lines.length) {
        const candidate = lines[index].trim();
        if (candidate.startsWith(marker[0].repeat(marker.length)) && /^(`+|~+)$/.test(candidate) && candidate[0] === marker[0]) {
          closed = true;
          index += 1;
          break;
        }
        body.push(lines[index].slice(Math.min(indent, lines[index].length - lines[index].trimStart().length)));
        index += 1;
      }
      blocks.push({ type: 'code', lang: fence[2], text: body.join('\n'), closed });
      continue;
    }
    const heading = HEADING.exec(line);
    if (heading) {
      blocks.push({ type: 'heading', level: heading[1].length, children: parseInline(heading[2] ?? '') });
      index += 1;
      continue;
    }
    if (RULE.test(line)) {
      blocks.push({ type: 'rule' });
      index += 1;
      continue;
    }
    if (QUOTE.test(line)) {
      const quoted: string[] = [];
      while (index < lines.length && lines[index].trim() !== '') {
        const match = QUOTE.exec(lines[index]);
        quoted.push(match ? match[1] : lines[index]);
        index += 1;
      }
      blocks.push({ type: 'quote', children: parseLines(quoted) });
      continue;
    }
    if (isTableStart(lines, index)) {
      const header = tableCells(line);
      const align = tableCells(lines[index + 1]).map((cell) =>
        cell.startsWith(':') && cell.endsWith(':') ? 'center' as const : cell.endsWith(':') ? 'right' as const : cell.startsWith(':') ? 'left' as const : null);
      index += 2;
      const rows: ReturnType<typeof parseInline>[][] = [];
      while (index < lines.length && lines[index].trim() !== '' && lines[index].includes('|')) {
        const cells = tableCells(lines[index]);
        rows.push(header.map((_, column) => parseInline(cells[column] ?? '')));
        index += 1;
      }
      blocks.push({ type: 'table', align, header: header.map((cell) => parseInline(cell)), rows });
      continue;
    }
    const item = LIST_ITEM.exec(line);
    if (item) {
      index = parseList(lines, index, blocks);
      continue;
    }
    const paragraph: string[] = [line.trimStart()];
    index += 1;
    while (index < lines.length && lines[index].trim() !== '' && !startsBlock(lines[index]) && !isTableStart(lines, index)) {
      paragraph.push(lines[index].trimStart());
      index += 1;
    }
    blocks.push({ type: 'paragraph', children: parseInline(paragraph.join('\n').trimEnd()) });
  }
  return blocks;
}

/** A list: items of the same kind; lines indented past the marker belong to the item. */
function parseList(lines: readonly string[], from: number, blocks: Block[]): number {
  const first = LIST_ITEM.exec(lines[from])!;
  const ordered = /\d/.test(first[2]);
  const start = ordered ? Number.parseInt(first[2], 10) : 1;
  const items: Block[][] = [];
  let index = from;
  while (index < lines.length) {
    const item = LIST_ITEM.exec(lines[index]);
    if (!item || /\d/.test(item[2]) !== ordered) {
      break;
    }
    const contentIndent = item[1].length + item[2].length + Math.max(1, Math.min(item[3].length, 4));
    const body: string[] = [item[4]];
    index += 1;
    while (index < lines.length) {
      const next = lines[index];
      const indent = next.length - next.trimStart().length;
      if (next.trim() === '') {
        // A blank line continues the item only if indented content follows.
        const following = lines[index + 1];
        if (following !== undefined && following.trim() !== '' && following.length - following.trimStart().length >= contentIndent) {
          body.push('');
          index += 1;
          continue;
        }
        break;
      }
      if (indent >= contentIndent) {
        body.push(next.slice(contentIndent));
      } else if (!startsBlock(next)) {
        body.push(next.trimStart()); // lazy continuation of the item's paragraph
      } else {
        break;
      }
      index += 1;
    }
    items.push(parseLines(body));
    while (index < lines.length && lines[index].trim() === '' && LIST_ITEM.test(lines[index + 1] ?? '')) {
      index += 1;
    }
  }
  blocks.push({ type: 'list', ordered, start, items });
  return index;
}
