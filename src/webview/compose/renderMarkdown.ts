import type { Block, Inline } from '../../core/markdown';
import { h } from './dom';

/** Called with a code block's text when its Copy button is pressed; resolves once copied. */
export type CopyHandler = (text: string) => Promise<void>;

/**
 * DOM for parsed markdown, built with `createElement` and text nodes only: the answer can contain
 * any HTML-looking text and it stays text.
 */
export function renderBlocks(blocks: readonly Block[], onCopy: CopyHandler): DocumentFragment {
  const fragment = document.createDocumentFragment();
  for (const block of blocks) {
    fragment.append(renderBlock(block, onCopy));
  }
  return fragment;
}

function renderBlock(block: Block, onCopy: CopyHandler): Node {
  switch (block.type) {
    case 'heading': {
      const level = Math.min(6, Math.max(1, block.level)) as 1 | 2 | 3 | 4 | 5 | 6;
      return h(`h${level}`, {}, renderInlines(block.children));
    }
    case 'paragraph':
      return h('p', {}, renderInlines(block.children));
    case 'code':
      return renderCode(block.text, block.lang, onCopy);
    case 'list': {
      const list = block.ordered ? h('ol', block.start !== 1 ? { start: String(block.start) } : {}) : h('ul');
      for (const item of block.items) {
        list.append(h('li', {}, renderBlocks(item, onCopy)));
      }
      return list;
    }
    case 'quote':
      return h('blockquote', {}, renderBlocks(block.children, onCopy));
    case 'rule':
      return h('hr');
    case 'table': {
      const cell = (tag: 'th' | 'td', inlines: readonly Inline[], column: number) =>
        h(tag, block.align[column] ? { class: `align-${block.align[column]}` } : {}, renderInlines(inlines));
      return h('div', { class: 'table-scroll' }, h('table', {},
        h('thead', {}, h('tr', {}, ...block.header.map((inlines, column) => cell('th', inlines, column)))),
        h('tbody', {}, ...block.rows.map((row) => h('tr', {}, ...row.map((inlines, column) => cell('td', inlines, column)))))));
    }
    default: {
      const unreachable: never = block;
      return document.createTextNode(String(unreachable));
    }
  }
}

function renderCode(text: string, lang: string, onCopy: CopyHandler): Node {
  const button = h('button', { type: 'button', class: 'copy', 'aria-label': lang ? `Copy ${lang} code` : 'Copy code' }, 'Copy');
  button.addEventListener('click', () => {
    button.disabled = true;
    onCopy(text).then(
      () => { button.textContent = 'Copied'; },
      () => { button.textContent = 'Copy failed'; },
    ).finally(() => {
      setTimeout(() => {
        button.textContent = 'Copy';
        button.disabled = false;
      }, 1500);
    });
  });
  const code = h('code', lang ? { 'data-lang': lang } : {}, text);
  return h('div', { class: 'code-block' }, h('div', { class: 'code-header' }, h('span', { class: 'lang' }, lang), button), h('pre', {}, code));
}

function renderInlines(inlines: readonly Inline[]): DocumentFragment {
  const fragment = document.createDocumentFragment();
  for (const inline of inlines) {
    fragment.append(renderInline(inline));
  }
  return fragment;
}

function renderInline(inline: Inline): Node {
  switch (inline.type) {
    case 'text':
      return document.createTextNode(inline.text);
    case 'code':
      return h('code', {}, inline.text);
    case 'strong':
      return h('strong', {}, renderInlines(inline.children));
    case 'em':
      return h('em', {}, renderInlines(inline.children));
    case 'link':
      // The parser only lets http(s) and mailto through; VS Code opens them outside the webview.
      return h('a', { href: inline.href, title: inline.href }, renderInlines(inline.children));
    case 'break':
      return h('br');
    default: {
      const unreachable: never = inline;
      return document.createTextNode(String(unreachable));
    }
  }
}
