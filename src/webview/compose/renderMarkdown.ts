import type { Block, Inline } from '../../core/markdown';
import type { ApplyMode } from '../../protocol/compose';
import { h } from './dom';
import { viewText } from './text';

/** What the buttons of a code block do; each resolves once done (rejects with why not). */
export interface CodeActions {
  /** Copies the block's text. */
  copy(text: string): Promise<void>;
  /** Applies code block `index` (in document order) to the editor; absent while the answer is still streaming. */
  apply?: (index: number, mode: ApplyMode) => Promise<void>;
}

/** Numbers code blocks in document order while rendering, as the core's `codeBlocks` does. */
interface Counter {
  next: number;
}

/**
 * DOM for parsed markdown, built with `createElement` and text nodes only: the answer can contain
 * any HTML-looking text and it stays text.
 */
export function renderBlocks(blocks: readonly Block[], actions: CodeActions, counter: Counter = { next: 0 }): DocumentFragment {
  const fragment = document.createDocumentFragment();
  for (const block of blocks) {
    fragment.append(renderBlock(block, actions, counter));
  }
  return fragment;
}

function renderBlock(block: Block, actions: CodeActions, counter: Counter): Node {
  switch (block.type) {
    case 'heading': {
      const level = Math.min(6, Math.max(1, block.level)) as 1 | 2 | 3 | 4 | 5 | 6;
      return h(`h${level}`, {}, renderInlines(block.children));
    }
    case 'paragraph':
      return h('p', {}, renderInlines(block.children));
    case 'code':
      return renderCode(block.text, block.lang, counter.next++, actions);
    case 'list': {
      const list = block.ordered ? h('ol', block.start !== 1 ? { start: String(block.start) } : {}) : h('ul');
      for (const item of block.items) {
        list.append(h('li', {}, renderBlocks(item, actions, counter)));
      }
      return list;
    }
    case 'quote':
      return h('blockquote', {}, renderBlocks(block.children, actions, counter));
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

/** A button that runs `action`, says how it went for a moment, then offers itself again. */
function actionButton(className: string, label: string, title: string, done: string, action: () => Promise<void>): HTMLButtonElement {
  const button = h('button', { type: 'button', class: className, title }, label);
  button.addEventListener('click', () => {
    button.disabled = true;
    action().then(
      () => { button.textContent = done; },
      (error: unknown) => {
        button.textContent = className === 'copy' ? viewText.copyFailed : viewText.notApplied;
        button.title = error instanceof Error ? error.message : String(error);
      },
    ).finally(() => {
      setTimeout(() => {
        button.textContent = label;
        button.title = title;
        button.disabled = false;
      }, 1500);
    });
  });
  return button;
}

function renderCode(text: string, lang: string, index: number, actions: CodeActions): Node {
  const copyTitle = lang ? viewText.copyLanguageCode(lang) : viewText.copyCode;
  const copy = actionButton('copy', viewText.copy, copyTitle, viewText.copied, () => actions.copy(text));
  copy.setAttribute('aria-label', copyTitle);
  const buttons: HTMLButtonElement[] = [copy];
  const apply = actions.apply;
  if (apply) {
    buttons.push(
      actionButton('apply insert', viewText.insert, viewText.insertTitle, viewText.applied, () => apply(index, 'insert')),
      actionButton('apply replace', viewText.replace, viewText.replaceTitle, viewText.applied, () => apply(index, 'replace')),
      actionButton('apply diff', viewText.diff, viewText.diffTitle, viewText.proposed, () => apply(index, 'diff')),
    );
  }
  const code = h('code', lang ? { 'data-lang': lang } : {}, text);
  return h('div', { class: 'code-block', 'data-block': String(index) },
    h('div', { class: 'code-header' }, h('span', { class: 'lang' }, lang), h('span', { class: 'code-actions' }, ...buttons)),
    h('pre', {}, code));
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
