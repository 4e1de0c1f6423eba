/**
 * The request table: a virtualised grid. Only the rows in view (plus a few either side) exist in the
 * DOM, recycled as it scrolls, so 100,000 rows scroll like 50. Cells are filled with textContent.
 */
import * as l10n from '@vscode/l10n';
import { columns, taskCell } from './columns';
import { h } from './dom';
import type { HistoryRows } from './historyRows';
import { isTaskRow, scrollToReveal, TASK_ROW, virtualWindow, type SortColumn, type TaskSummary } from './viewModel';

export const ROW_HEIGHT = 24;
const OVERSCAN = 8;

export interface TableEvents {
  onSort(column: SortColumn): void;
  /** A task row was clicked (or Enter / Space on it): open or close its rounds. */
  onToggleTask(code: number): void;
  /** A task row was double-clicked: show only that task. */
  onFilterTask(code: number): void;
  onSelect(index: number | null): void;
  onOpen(index: number): void;
  onClose(): void;
  onScroll(scrollTop: number): void;
}

export class VirtualTable {
  readonly element: HTMLElement;
  private readonly head: HTMLElement;
  private readonly viewport: HTMLElement;
  private readonly spacer: HTMLElement;
  private readonly pool: HTMLElement[] = [];
  private order: Uint32Array = new Uint32Array(0);
  private tasks: ReadonlyMap<number, TaskSummary> = new Map();
  private expanded: ReadonlySet<string> = new Set();
  private selected: number | null = null;
  private frame = 0;
  private scrolled = false;

  constructor(private readonly rows: HistoryRows, private readonly events: TableEvents) {
    this.head = h('div', { className: 'table-row table-head', attrs: { role: 'row' } }, columns.map((column) =>
      h('button', { className: `cell${column.numeric ? ' numeric' : ''}`, text: column.title, attrs: { role: 'columnheader', title: column.tooltip, 'data-column': column.id, 'aria-sort': 'none' } })));
    this.head.addEventListener('click', (event) => {
      const column = (event.target as HTMLElement).closest('button')?.dataset.column as SortColumn | undefined;
      if (column) {
        this.events.onSort(column);
      }
    });
    this.spacer = h('div', { className: 'table-spacer', attrs: { role: 'rowgroup' } });
    // The header sits inside the scrolled area (sticky), so it scrolls sideways with the columns.
    this.viewport = h('div', { className: 'table-viewport', attrs: { tabindex: '0', 'aria-label': l10n.t('Requests') } }, [this.head, this.spacer]);
    this.viewport.addEventListener('scroll', () => this.schedule(true));
    this.viewport.addEventListener('keydown', (event) => this.onKey(event));
    this.spacer.addEventListener('click', (event) => {
      const index = this.indexOfRowElement(event.target);
      if (index !== null && isTaskRow(index)) {
        this.events.onToggleTask(index - TASK_ROW);
      } else if (index !== null) {
        this.select(index);
      }
    });
    // A double click opens the row; it should not also select the word under the pointer.
    this.spacer.addEventListener('mousedown', (event) => {
      if (event.detail > 1) {
        event.preventDefault();
      }
    });
    this.spacer.addEventListener('dblclick', (event) => {
      const index = this.indexOfRowElement(event.target);
      if (index !== null && isTaskRow(index)) {
        this.events.onFilterTask(index - TASK_ROW);
      } else if (index !== null) {
        this.events.onOpen(index);
      }
    });
    new ResizeObserver(() => this.schedule(false)).observe(this.viewport);
    this.element = h('div', { className: 'table', attrs: { role: 'grid', 'aria-rowcount': '0' } }, [this.viewport]);
  }

  /** Shows these rows, in this order (task rows among them); keeps the selection if it is still among them. */
  setOrder(order: Uint32Array, sort: { column: SortColumn; descending: boolean }, groups?: { tasks: ReadonlyMap<number, TaskSummary>; expanded: ReadonlySet<string> }): void {
    this.order = order;
    this.tasks = groups?.tasks ?? new Map();
    this.expanded = groups?.expanded ?? new Set();
    this.element.setAttribute('aria-rowcount', String(order.length));
    for (const button of this.head.querySelectorAll<HTMLElement>('button')) {
      const active = button.dataset.column === sort.column;
      button.setAttribute('aria-sort', active ? (sort.descending ? 'descending' : 'ascending') : 'none');
      button.classList.toggle('sorted', active);
    }
    this.render();
  }

  get scrollTop(): number {
    return this.viewport.scrollTop;
  }

  set scrollTop(value: number) {
    this.viewport.scrollTop = value;
    this.render();
  }

  get selectedIndex(): number | null {
    return this.selected;
  }

  focus(): void {
    this.viewport.focus();
  }

  select(index: number | null, reveal = false): void {
    this.selected = index;
    if (reveal && index !== null) {
      const position = this.order.indexOf(index);
      if (position >= 0) {
        this.viewport.scrollTop = scrollToReveal(position, this.viewport.scrollTop, this.viewportHeight(), ROW_HEIGHT);
      }
    }
    this.render();
    this.events.onSelect(index);
  }

  /** Draws the rows in view now (the first paint and tests call it directly). */
  render(): void {
    cancelAnimationFrame(this.frame);
    this.frame = 0;
    const window = virtualWindow({ scrollTop: this.viewport.scrollTop, viewportHeight: this.viewportHeight(), rowHeight: ROW_HEIGHT, rowCount: this.order.length, overscan: OVERSCAN });
    this.spacer.style.height = `${window.totalHeight}px`;
    const needed = window.end - window.first;
    while (this.pool.length < needed) {
      const row = h('div', { className: 'table-row', attrs: { role: 'row' } }, columns.map((column) => h('span', { className: `cell${column.numeric ? ' numeric' : ''}`, attrs: { role: 'gridcell' } })));
      this.pool.push(row);
      this.spacer.append(row);
    }
    for (let slot = 0; slot < this.pool.length; slot++) {
      const row = this.pool[slot];
      if (slot >= needed) {
        row.hidden = true;
        continue;
      }
      const position = window.first + slot;
      const index = this.order[position];
      row.hidden = false;
      row.style.transform = `translateY(${position * ROW_HEIGHT}px)`;
      row.dataset.index = String(index);
      row.setAttribute('aria-rowindex', String(position + 1));
      const task = isTaskRow(index) ? this.tasks.get(index - TASK_ROW) : undefined;
      const code = task ? undefined : this.rows.taskAt(index);
      row.classList.toggle('task-row', task !== undefined);
      row.classList.toggle('task-round', code !== null && code !== undefined && this.tasks.has(code));
      const isSelected = index === this.selected;
      row.classList.toggle('selected', isSelected);
      row.setAttribute('aria-selected', String(isSelected));
      const expanded = task !== undefined && this.expanded.has(this.rows.tasks[task.code]?.id ?? '');
      if (task) {
        row.setAttribute('aria-expanded', String(expanded));
      } else {
        row.removeAttribute('aria-expanded');
      }
      const status = this.rows.statusAt(task ? task.latest : index);
      row.dataset.status = status;
      const cells = row.children;
      for (let c = 0; c < columns.length; c++) {
        const text = task ? taskCell(columns[c].id, this.rows, task, expanded) : columns[c].text(this.rows, index);
        const cell = cells[c] as HTMLElement;
        if (cell.textContent !== text) {
          cell.textContent = text;
        }
      }
      const difference = task
        ? (task.charged === null || task.estimated === null ? null : task.charged - task.estimated)
        : this.rows.differenceAt(index);
      const diffCell = cells[columns.findIndex((column) => column.id === 'difference')] as HTMLElement;
      diffCell.classList.toggle('over', difference !== null && difference > 0);
      diffCell.classList.toggle('under', difference !== null && difference < 0);
    }
  }

  /** Redraws on the next frame; reports the scroll position only when the user scrolled (a resize is not a scroll). */
  private schedule(scrolled: boolean): void {
    this.scrolled ||= scrolled;
    if (this.frame === 0) {
      this.frame = requestAnimationFrame(() => {
        this.frame = 0;
        this.render();
        if (this.scrolled) {
          this.scrolled = false;
          this.events.onScroll(this.viewport.scrollTop);
        }
      });
    }
  }

  /** Height left for rows: the sticky header covers the top of the scrolled area. */
  private viewportHeight(): number {
    return Math.max(ROW_HEIGHT, (this.viewport.clientHeight || 600) - ROW_HEIGHT);
  }

  private indexOfRowElement(target: EventTarget | null): number | null {
    const row = (target as HTMLElement | null)?.closest<HTMLElement>('.table-row');
    return row?.dataset.index === undefined ? null : Number(row.dataset.index);
  }

  private onKey(event: KeyboardEvent): void {
    const count = this.order.length;
    if (event.key === 'Escape') {
      this.events.onClose();
      return;
    }
    if (count === 0) {
      return;
    }
    const current = this.selected === null ? -1 : this.order.indexOf(this.selected);
    const page = Math.max(1, Math.floor(this.viewportHeight() / ROW_HEIGHT) - 1);
    let next: number;
    switch (event.key) {
      case 'ArrowDown': next = current + 1; break;
      case 'ArrowUp': next = current <= 0 ? 0 : current - 1; break;
      case 'PageDown': next = current + page; break;
      case 'PageUp': next = current - page; break;
      case 'Home': next = 0; break;
      case 'End': next = count - 1; break;
      case 'Enter':
      case ' ':
        if (this.selected !== null && isTaskRow(this.selected)) {
          this.events.onToggleTask(this.selected - TASK_ROW);
          event.preventDefault();
        } else if (this.selected !== null && event.key === 'Enter') {
          this.events.onOpen(this.selected);
          event.preventDefault();
        }
        return;
      default:
        return;
    }
    event.preventDefault();
    this.select(this.order[Math.min(count - 1, Math.max(0, next))], true);
  }
}
