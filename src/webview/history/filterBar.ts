/** The filter bar: date range, models, kinds, statuses, text search, and the Export button. */
import { OUTCOME_STATUSES, REQUEST_KINDS } from '../../core/ledger/usageRecord';
import { HistoryFilter, IsoDay, RANGE_LABELS, RANGE_PRESETS, type RangePreset } from '../../protocol/historyFilter';
import { h, icon } from './dom';
import { filterText as text } from './text';

const SEARCH_DELAY_MS = 250;

/** A drop-down list of checkboxes; native <details>, so it opens with Enter / Space. */
class MultiSelect {
  readonly element: HTMLDetailsElement;
  private readonly summary: HTMLElement;
  private readonly list: HTMLElement;
  private options: readonly string[] = [];
  private chosen = new Set<string>();

  constructor(private readonly label: string, testId: string, private readonly onChange: () => void) {
    this.summary = h('summary', { text: text.all(label) });
    this.list = h('div', { className: 'multi-list', attrs: { role: 'group', 'aria-label': label } });
    this.element = h('details', { className: 'multi', attrs: { 'data-testid': testId } }, [this.summary, this.list]);
    this.list.addEventListener('change', (event) => {
      const box = event.target as HTMLInputElement;
      if (box.checked) {
        this.chosen.add(box.value);
      } else {
        this.chosen.delete(box.value);
      }
      this.updateSummary();
      this.onChange();
    });
    this.element.addEventListener('keydown', (event) => {
      if (event.key === 'Escape' && this.element.open) {
        this.element.open = false;
        this.summary.focus();
        event.stopPropagation();
      }
    });
  }

  setOptions(options: readonly string[], chosen: readonly string[]): void {
    const same = options.length === this.options.length && options.every((option, index) => option === this.options[index]);
    this.chosen = new Set(chosen);
    if (!same) {
      this.options = [...options];
      this.list.replaceChildren(...options.map((option) => h('label', {}, [
        h('input', { attrs: { type: 'checkbox', value: option } }),
        h('span', { text: option }),
      ])));
    }
    for (const box of this.list.querySelectorAll<HTMLInputElement>('input')) {
      box.checked = this.chosen.has(box.value);
    }
    this.updateSummary();
  }

  get selected(): string[] {
    return this.options.filter((option) => this.chosen.has(option)).concat([...this.chosen].filter((option) => !this.options.includes(option)));
  }

  private updateSummary(): void {
    const count = this.chosen.size;
    this.summary.textContent = count === 0 ? text.all(this.label) : text.one(this.label, count === 1 ? [...this.chosen][0] : String(count));
  }
}

export interface FilterBarEvents {
  onChange(filter: HistoryFilter): void;
  onExport(): void;
  /** What the chip of a one-task filter says, e.g. `Claude Code task`. */
  taskLabel(id: string): string;
}

export class FilterBar {
  readonly element: HTMLElement;
  private readonly range: HTMLSelectElement;
  private readonly since: HTMLInputElement;
  private readonly until: HTMLInputElement;
  private readonly models: MultiSelect;
  private readonly kinds: MultiSelect;
  private readonly statuses: MultiSelect;
  private readonly search: HTMLInputElement;
  private readonly problem: HTMLElement;
  /** A one-task filter (set from a task row), shown as a chip that clears it. */
  private task: string | undefined;
  private readonly taskChip: HTMLButtonElement;
  private searchTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly events: FilterBarEvents) {
    const changed = () => this.emit();
    this.range = h('select', { attrs: { 'aria-label': text.dateRange, 'data-testid': 'filter-range' } }, RANGE_PRESETS.map((preset) => h('option', { text: RANGE_LABELS[preset], attrs: { value: preset } })));
    this.since = h('input', { attrs: { type: 'date', 'aria-label': text.from, 'data-testid': 'filter-since' } });
    this.until = h('input', { attrs: { type: 'date', 'aria-label': text.to, 'data-testid': 'filter-until' } });
    this.range.addEventListener('change', changed);
    this.since.addEventListener('change', changed);
    this.until.addEventListener('change', changed);
    this.models = new MultiSelect(text.models, 'filter-models', changed);
    this.kinds = new MultiSelect(text.kinds, 'filter-kinds', changed);
    this.statuses = new MultiSelect(text.status, 'filter-statuses', changed);
    this.kinds.setOptions(REQUEST_KINDS, []);
    this.statuses.setOptions(OUTCOME_STATUSES, []);
    this.search = h('input', { attrs: { type: 'search', placeholder: text.searchPlaceholder, 'aria-label': text.searchLabel, 'data-testid': 'filter-search', maxlength: '500' } });
    this.search.addEventListener('input', () => {
      clearTimeout(this.searchTimer);
      this.searchTimer = setTimeout(changed, SEARCH_DELAY_MS);
    });
    this.problem = h('span', { className: 'filter-problem', attrs: { role: 'status' } });
    this.taskChip = h('button', { className: 'button task-chip', attrs: { title: text.taskChipTitle, 'data-testid': 'filter-task' } });
    this.taskChip.hidden = true;
    this.taskChip.addEventListener('click', () => {
      this.task = undefined;
      this.taskChip.hidden = true;
      changed();
    });
    const exportButton = h('button', { className: 'button', attrs: { title: text.exportTitle, 'data-testid': 'export' } }, [icon('export'), h('span', { text: ` ${text.export}` })]);
    exportButton.addEventListener('click', () => this.events.onExport());
    this.element = h('header', { className: 'filter-bar', attrs: { role: 'search' } }, [
      h('span', { className: 'filter-icon' }, [icon('filter')]),
      this.range, this.since, this.until, this.models.element, this.kinds.element, this.statuses.element,
      h('span', { className: 'search-box' }, [icon('search'), this.search]),
      this.taskChip,
      this.problem,
      h('span', { className: 'spacer' }),
      exportButton,
    ]);
  }

  set(filter: HistoryFilter, models: readonly string[]): void {
    this.range.value = filter.range;
    this.since.value = filter.since ?? '';
    this.until.value = filter.until ?? '';
    this.models.setOptions([...models].sort(), filter.models);
    this.kinds.setOptions(REQUEST_KINDS, filter.kinds);
    this.statuses.setOptions(OUTCOME_STATUSES, filter.statuses);
    this.search.value = filter.search;
    this.task = filter.task;
    this.taskChip.hidden = filter.task === undefined;
    this.taskChip.replaceChildren(icon('close'), h('span', { text: ` ${filter.task === undefined ? '' : this.events.taskLabel(filter.task)}` }));
    this.showCustomDates();
  }

  setModels(models: readonly string[]): void {
    this.models.setOptions([...models].sort(), this.models.selected);
  }

  /** The filter the controls describe, or null (with the reason shown) when a date is invalid. */
  read(): HistoryFilter | null {
    const range = this.range.value as RangePreset;
    const day = (input: HTMLInputElement) => (input.value === '' || !IsoDay.safeParse(input.value).success ? undefined : input.value);
    const candidate = {
      range,
      ...(range === 'custom' && day(this.since) ? { since: day(this.since) } : {}),
      ...(range === 'custom' && day(this.until) ? { until: day(this.until) } : {}),
      models: this.models.selected,
      kinds: this.kinds.selected,
      statuses: this.statuses.selected,
      search: this.search.value.slice(0, 500),
      ...(this.task !== undefined ? { task: this.task } : {}),
    };
    const parsed = HistoryFilter.safeParse(candidate);
    this.problem.textContent = parsed.success ? '' : parsed.error.issues[0]?.message ?? text.invalid;
    return parsed.success ? parsed.data : null;
  }

  private showCustomDates(): void {
    const custom = this.range.value === 'custom';
    this.since.hidden = !custom;
    this.until.hidden = !custom;
  }

  private emit(): void {
    this.showCustomDates();
    const filter = this.read();
    if (filter) {
      this.events.onChange(filter);
    }
  }
}
