/**
 * The three charts (uPlot): credits per day stacked by model, estimated vs charged per request, and
 * tokens per day by part. Colours come from the theme's `--vscode-charts-*` variables and are read
 * again when the theme changes.
 */
import uPlot from 'uplot';
import { h } from './dom';
import type { HistoryRows } from './historyRows';
import { chartText as text } from './text';
import { creditsPerDayByModel, estimateVsCharged, stack, tokensPerDay, type DailySeries } from './viewModel';

const PALETTE = ['--vscode-charts-blue', '--vscode-charts-orange', '--vscode-charts-green', '--vscode-charts-purple', '--vscode-charts-red', '--vscode-charts-yellow'];
/** The estimate chart shows the most recent requests only: beyond a few hundred points it is noise. */
const ESTIMATE_POINTS = 400;
const HEIGHT = 160;
const HALF_DAY_S = 43_200;
const HALF_HOUR_S = 1_800;

/**
 * The time axis, in seconds. uPlot's own x range is the data's first to last value, and for a single
 * value it spans 1000 days; daily bars need half a day either side so the edge days show whole.
 */
function timeSpan(times: readonly number[], padding: number): { min: number; max: number } | undefined {
  if (times.length === 0) {
    return undefined;
  }
  const first = times[0];
  const last = times[times.length - 1];
  return padding === 0 && first !== last ? undefined : { min: first - (padding || HALF_HOUR_S), max: last + (padding || HALF_HOUR_S) };
}

interface Theme {
  readonly colors: string[];
  readonly foreground: string;
  readonly grid: string;
  readonly font: string;
}

function readTheme(): Theme {
  const style = getComputedStyle(document.body);
  const value = (name: string, fallback: string) => style.getPropertyValue(name).trim() || fallback;
  return {
    colors: PALETTE.map((name, index) => value(name, ['#3794ff', '#d18616', '#89d185', '#b180d7', '#f14c4c', '#cca700'][index])),
    foreground: value('--vscode-foreground', '#cccccc'),
    grid: value('--vscode-charts-lines', 'rgba(128,128,128,0.35)'),
    font: `11px ${value('--vscode-font-family', 'sans-serif')}`,
  };
}

const compact = new Intl.NumberFormat(undefined, { notation: 'compact', maximumFractionDigits: 1 });

/** Axis labels stay short whatever the magnitude: 1.2M, 350K, 0.25. */
function axisNumber(value: number): string {
  return Math.abs(value) >= 1000 ? compact.format(value) : String(Number(value.toPrecision(3)));
}

function axes(theme: Theme, yFormat: (value: number) => string = axisNumber): uPlot.Axis[] {
  const common = { stroke: theme.foreground, font: theme.font, grid: { stroke: theme.grid, width: 1 }, ticks: { stroke: theme.grid, width: 1 } };
  return [common, { ...common, size: 56, values: (_self: uPlot, ticks: number[]) => ticks.map(yFormat) }];
}

interface ChartSlot {
  readonly element: HTMLElement;
  readonly plotArea: HTMLElement;
  plot: uPlot | null;
}

export class Charts {
  readonly element: HTMLElement;
  private readonly slots: ChartSlot[];
  private theme = readTheme();
  private lastRows: HistoryRows | null = null;
  private lastSelection: Uint32Array = new Uint32Array(0);

  constructor() {
    const slot = (title: string): ChartSlot => {
      const plotArea = h('div', { className: 'chart-plot' });
      return { element: h('figure', { className: 'chart' }, [h('figcaption', { text: title }), plotArea]), plotArea, plot: null };
    };
    this.slots = [slot(text.creditsPerDay), slot(text.estimatedVsCharged), slot(text.tokensPerDay)];
    this.element = h('section', { className: 'charts', attrs: { 'aria-label': text.charts } }, this.slots.map((s) => s.element));
    // The body's class names the theme kind (vscode-light / vscode-dark / vscode-high-contrast).
    new MutationObserver(() => {
      this.theme = readTheme();
      this.rebuild();
    }).observe(document.body, { attributes: true, attributeFilter: ['class'] });
    new ResizeObserver(() => this.resize()).observe(this.element);
  }

  update(rows: HistoryRows, selection: Uint32Array): void {
    this.lastRows = rows;
    this.lastSelection = selection;
    this.rebuild();
  }

  private rebuild(): void {
    const rows = this.lastRows;
    if (!rows) {
      return;
    }
    const byModel = creditsPerDayByModel(rows, this.lastSelection);
    this.draw(this.slots[0], this.stackedOptions(this.slots[0], byModel), this.stackedData(byModel), HALF_DAY_S);
    const estimates = estimateVsCharged(rows, this.lastSelection, ESTIMATE_POINTS);
    const [estimateColor, chargeColor] = this.theme.colors;
    this.draw(this.slots[1], {
      ...this.baseOptions(this.slots[1]),
      axes: axes(this.theme),
      series: [
        {},
        // A line needs two points: with only a few requests the estimates are drawn as dots too.
        { label: text.estimated, stroke: estimateColor, width: 1, points: { show: estimates.times.length <= 30, size: 5, stroke: estimateColor } },
        { label: text.charged, stroke: chargeColor, width: 1, points: { show: true, size: 3, fill: chargeColor } },
      ],
    }, [estimates.times.map((ms) => ms / 1000), estimates.estimated, estimates.charged], 0);
    const tokens = tokensPerDay(rows, this.lastSelection);
    this.draw(this.slots[2], this.stackedOptions(this.slots[2], tokens), this.stackedData(tokens), HALF_DAY_S);
  }

  private baseOptions(slot: ChartSlot): Omit<uPlot.Options, 'series'> {
    return {
      width: Math.max(200, slot.plotArea.clientWidth || 320),
      height: HEIGHT,
      legend: { show: true, live: false },
      cursor: { show: true, drag: { x: false, y: false } },
      scales: { x: { time: true } },
    };
  }

  /** Stacked bars: each series drawn as the running sum from itself down, biggest first, so every band shows. */
  private stackedOptions(slot: ChartSlot, series: DailySeries): uPlot.Options {
    const bars = uPlot.paths.bars ? uPlot.paths.bars({ size: [0.8, 40] }) : undefined;
    return {
      ...this.baseOptions(slot),
      // Bars start at zero, or small days would look empty.
      scales: { x: { time: true }, y: { range: (_self: uPlot, _min: number, max: number): uPlot.Range.MinMax => [0, max > 0 ? max * 1.08 : 1] } },
      axes: axes(this.theme),
      series: [
        {},
        ...series.names.map((name, index) => {
          const color = this.theme.colors[index % this.theme.colors.length];
          return { label: name, stroke: color, fill: color, width: 0, paths: bars, points: { show: false } };
        }),
      ],
    };
  }

  private stackedData(series: DailySeries): uPlot.AlignedData {
    return [series.days.map((ms) => ms / 1000), ...stack(series.values)];
  }

  /** `padding`: seconds added either side of the time axis (0: none, unless there is a single point). */
  private draw(slot: ChartSlot, options: uPlot.Options, data: uPlot.AlignedData, padding: number): void {
    slot.plot?.destroy();
    slot.plotArea.replaceChildren();
    slot.plot = new uPlot(options, data, slot.plotArea);
    const span = timeSpan(data[0] as number[], padding);
    if (span) {
      slot.plot.setScale('x', span);
    }
  }

  private resize(): void {
    for (const slot of this.slots) {
      slot.plot?.setSize({ width: Math.max(200, slot.plotArea.clientWidth || 320), height: HEIGHT });
    }
  }
}
