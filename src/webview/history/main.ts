/**
 * The usage history webview. It keeps only UI state (filter, sort, scroll, selection: `setState`, so
 * it survives hide/show and reload); rows and selections come from the extension, which owns the ledger.
 */
import { decodeBits, HistoryViewState, ToWebview, type Budget, type FromWebview, type LedgerNotes, type Selection } from '../../protocol/history';
import { DEFAULT_FILTER, type HistoryFilter } from '../../protocol/historyFilter';
import { Charts } from './charts';
import { DetailsDrawer } from './details';
import { h } from './dom';
import { FilterBar } from './filterBar';
import { clientLabel } from '../../core/tasks/clientName';
import { formatTokens } from './format';
import { HistoryRows } from './historyRows';
import { renderSummary } from './summary';
import { VirtualTable } from './table';
import { groupByTask, isSortColumn, sortRows, type SortColumn } from './viewModel';

const vscode = acquireVsCodeApi<HistoryViewState>();

function restoredState(): HistoryViewState {
  const parsed = HistoryViewState.safeParse(vscode.getState());
  return parsed.success ? parsed.data : { filter: DEFAULT_FILTER, sort: { column: 'time', descending: true }, scrollTop: 0, selected: null, detailsOpen: false };
}

class HistoryView {
  private state = restoredState();
  private readonly rows = new HistoryRows();
  private budget: Budget = { daily: null, monthly: null };
  private selection: Selection | null = null;
  private selected: Uint32Array = new Uint32Array(0);
  private latestQuery: string | undefined;
  private pendingRecord: string | undefined;
  private requestCounter = 0;
  /** The saved scroll position and selection were applied to the first snapshot. */
  private restored = false;
  /** What the sums leave out of the ledger, from the last snapshot. */
  private ledgerNotes: LedgerNotes | null = null;
  private readonly filterBar: FilterBar;
  private readonly summary = h('section', { className: 'summary', attrs: { 'aria-label': 'Summary', 'aria-live': 'polite' } });
  private readonly charts = new Charts();
  private readonly table: VirtualTable;
  private readonly drawer: DetailsDrawer;
  private readonly statusLine = h('footer', { className: 'status-line', attrs: { role: 'status', 'data-testid': 'status-line' } });
  /** Shown while the ledger holds no request at all: how to make the first one (a command link the panel allows). */
  private readonly emptyState = h('p', { className: 'empty-state', attrs: { 'data-testid': 'history-empty', hidden: '' } }, [
    document.createTextNode('No requests recorded in this workspace yet. Send one from Compose, or connect an assistant to the metering gateway. '),
    h('a', { text: 'Get started with Credit Meter', attrs: { href: 'command:creditMeter.openWalkthrough', title: 'Open the Getting Started walkthrough' } }),
  ]);

  constructor() {
    this.filterBar = new FilterBar({
      onChange: (filter) => this.changeFilter(filter),
      taskLabel: (id) => this.taskLabel(id),
      onExport: () => this.post({ type: 'export', filter: this.state.filter }),
    });
    this.table = new VirtualTable(this.rows, {
      onSort: (column) => this.changeSort(column),
      onSelect: (index) => this.save({ selected: index }),
      onOpen: (index) => this.openDetails(index),
      onClose: () => this.closeDetails(),
      onToggleTask: (code) => this.toggleTask(code),
      onFilterTask: (code) => this.filterTask(code),
      // Until the saved position is restored, a scroll event is the empty table's, not the user's.
      onScroll: (scrollTop) => {
        if (this.restored) {
          this.save({ scrollTop });
        }
      },
    });
    this.drawer = new DetailsDrawer(() => this.closeDetails());
    const main = h('div', { className: 'main' }, [this.table.element, this.drawer.element]);
    document.body.append(this.filterBar.element, this.summary, this.emptyState, this.charts.element, main, this.statusLine);
    this.statusLine.textContent = 'Loading usage…';
    window.addEventListener('message', (event: MessageEvent<unknown>) => {
      // The bench reads these marks: first paint counts from here (event.data is deserialised on first read).
      performance.mark('history:message');
      this.receive(event.data);
    });
    this.post({ type: 'ready', filter: this.state.filter });
  }

  private receive(data: unknown): void {
    const parsed = ToWebview.safeParse(data);
    if (!parsed.success) {
      console.warn('Credit Meter history: ignored a malformed message', parsed.error.issues[0]);
      return;
    }
    const message = parsed.data;
    switch (message.type) {
      case 'snapshot':
        this.rows.reset(message.generation, message.models, message.columns, message.tasks);
        this.budget = message.budget;
        this.filterBar.set(this.state.filter, message.models);
        this.ledgerNotes = message.ledger;
        this.applySelection(message.selection);
        this.restoreView();
        break;
      case 'append':
        if (this.rows.append(message.generation, message.startIndex, message.models, message.columns, message.tasks)) {
          this.filterBar.setModels(message.models);
          this.emptyState.hidden = this.rows.length > 0;
        }
        break;
      case 'selection':
        if (message.requestId !== undefined && message.requestId !== this.latestQuery) {
          return;
        }
        if (message.error !== undefined) {
          this.statusLine.textContent = message.error;
        } else if (message.selection) {
          this.applySelection(message.selection);
        }
        break;
      case 'budget':
        this.budget = message.budget;
        if (this.selection) {
          renderSummary(this.summary, this.selection, this.budget, this.ledgerNotes, () => this.post({ type: 'openBudgetSettings' }));
        }
        break;
      case 'record':
        if (message.requestId !== this.pendingRecord) {
          return;
        }
        this.pendingRecord = undefined;
        if (message.record) {
          this.drawer.show(message.record, message.thread, message.appliedBlocks);
        } else {
          this.drawer.showError(message.error ?? 'The record could not be read.');
        }
        break;
      default: {
        const unknown: never = message;
        console.warn('Credit Meter history: unknown message', unknown);
      }
    }
  }


  private applySelection(selection: Selection): void {
    if (selection.generation !== this.rows.generation || selection.rowCount > this.rows.length) {
      return;
    }
    this.selection = selection;
    this.selected = decodeBits(selection.matches, selection.rowCount);
    this.reorder();
    renderSummary(this.summary, selection, this.budget, this.ledgerNotes, () => this.post({ type: 'openBudgetSettings' }));
    const tasks = this.taskCount;
    this.statusLine.textContent = `${formatTokens(this.selected.length)} of ${formatTokens(this.rows.length)} requests${tasks > 0 ? ` · ${formatTokens(tasks)} assistant ${tasks === 1 ? 'task' : 'tasks'}` : ''}`;
    document.body.dataset.rows = String(this.selected.length);
    this.emptyState.hidden = this.rows.length > 0;
    const rendered = { type: 'rendered', generation: this.rows.generation, rows: this.selected.length } as const;
    requestAnimationFrame(() => {
      // The bench and tests wait for this: the table is painted with its rows.
      performance.mark('history:painted');
      document.body.dataset.painted = 'true';
      this.post(rendered);
    });
    // Charts after the table is on screen: they are the slower part and nobody reads them first.
    setTimeout(() => this.charts.update(this.rows, this.selected), 0);
  }

  /** Tasks of two or more requests in the current order. */
  private taskCount = 0;

  private reorder(): void {
    const sort = this.state.sort;
    const column: SortColumn = isSortColumn(sort.column) ? sort.column : 'time';
    const expanded = new Set(this.state.expanded ?? []);
    const groups = groupByTask(this.rows, sortRows(this.rows, this.selected, column, sort.descending), expanded);
    this.taskCount = groups.summaries.size;
    document.body.dataset.tasks = String(groups.summaries.size);
    this.table.setOrder(groups.order, { column, descending: sort.descending }, { tasks: groups.summaries, expanded });
  }

  private toggleTask(code: number): void {
    const id = this.rows.tasks[code]?.id;
    if (id === undefined) {
      return;
    }
    const expanded = new Set(this.state.expanded ?? []);
    if (!expanded.delete(id)) {
      expanded.add(id);
    }
    this.save({ expanded: [...expanded].slice(-1000) });
    this.reorder();
  }

  /** Shows only one task's requests (and exports only them). */
  private filterTask(code: number): void {
    const id = this.rows.tasks[code]?.id;
    if (id !== undefined) {
      const filter = { ...this.state.filter, task: id };
      this.filterBar.set(filter, this.rows.models);
      this.changeFilter(filter);
    }
  }

  private taskLabel(id: string): string {
    const task = this.rows.tasks.find((candidate) => candidate.id === id);
    return task ? `${clientLabel(task.client) || 'assistant'} task` : 'one task';
  }

  private restoreView(): void {
    this.restored = true;
    this.table.scrollTop = this.state.scrollTop;
    if (this.state.selected !== null && this.state.selected < this.rows.length) {
      this.table.select(this.state.selected);
      if (this.state.detailsOpen) {
        this.openDetails(this.state.selected);
      }
    }
  }

  private changeFilter(filter: HistoryFilter): void {
    this.save({ filter });
    this.latestQuery = this.nextId('q');
    this.post({ type: 'query', requestId: this.latestQuery, filter });
  }

  private changeSort(column: SortColumn): void {
    const current = this.state.sort;
    const descending = current.column === column ? !current.descending : !['kind', 'model', 'status'].includes(column);
    this.save({ sort: { column, descending } });
    this.reorder();
  }

  private openDetails(index: number): void {
    this.pendingRecord = this.nextId('r');
    this.drawer.showLoading();
    this.save({ detailsOpen: true, selected: index });
    this.post({ type: 'getRecord', requestId: this.pendingRecord, generation: this.rows.generation, index });
  }

  private closeDetails(): void {
    if (this.drawer.isOpen) {
      this.drawer.hide();
      this.pendingRecord = undefined;
      this.save({ detailsOpen: false });
      this.table.focus();
    }
  }

  private nextId(prefix: string): string {
    this.requestCounter += 1;
    return `${prefix}${this.requestCounter}`;
  }

  private save(patch: Partial<HistoryViewState>): void {
    this.state = { ...this.state, ...patch };
    vscode.setState(this.state);
  }

  private post(message: FromWebview): void {
    vscode.postMessage(message);
  }
}

new HistoryView();
