/**
 * One screen chart for the life of a canvas: created once, then every new figure, spec or x range
 * is drawn on the same Chart.js instance (datasets and options replaced, never the chart). The
 * zoomed x range and the series hidden from the legend survive those updates (live data arriving,
 * a smoothing change). `hoverAt` reads the values under the pointer from the full-resolution curves.
 */
import type { Chart, Scale } from 'chart.js';
import type { ChartTheme, FigureSpec, PackedFigure, PackedTrace } from '../../../src-main/contract';
import { screenSpec } from './chart-runtime';
import type { FigureLineDataset } from './figure-line';
import { buildScreenConfig, type ScreenChartConfig } from './screen-config';
import { startPan, zoomableChartClass, zoomOptions, type XRange } from './zoom';

/** One series' values at the hovered x. */
export interface HoverRow {
  label: string;
  color: string;
  step: number;
  smoothed: number;
  raw: number;
  /** Seed groups: seeds with a value, and the std of their smoothed values. */
  n: number | null;
  std: number | null;
  /** Where the smoothed value is drawn, in CSS pixels of the canvas (null: not drawable). */
  y: number | null;
}

export interface Hover {
  /** The pointer's x, and the hovered panel's top and bottom, in CSS pixels of the canvas. */
  x: number;
  top: number;
  bottom: number;
  /** x of the nearest point of the first row, in the axis' display unit. */
  xValue: number;
  rows: HoverRow[];
}

const sameRange = (a: XRange | null, b: XRange | null) =>
  a === b || (a !== null && b !== null && a.min === b.min && a.max === b.max);

/** Smallest and largest finite x of the figure; null when it has no point. */
export function xExtent(figure: PackedFigure): XRange | null {
  let [min, max] = [Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY];
  for (const t of figure.traces) {
    for (let i = 0; i < t.x.length; i++) {
      const v = t.x[i];
      if (v < min) min = v;
      if (v > max) max = v;
    }
  }
  return min <= max ? { min, max } : null;
}

/** Index of the point of `trace` nearest to `x` (bisection when x is sorted); -1 if it has none. */
export function nearestIndex(trace: Pick<PackedTrace, 'x' | 'sorted'>, x: number): number {
  const xs = trace.x;
  if (xs.length === 0) return -1;
  if (!trace.sorted) {
    let best = -1;
    for (let i = 0; i < xs.length; i++) if (best < 0 || Math.abs(xs[i] - x) < Math.abs(xs[best] - x)) best = i;
    return best;
  }
  let [lo, hi] = [0, xs.length - 1];
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (xs[mid] < x) lo = mid;
    else hi = mid;
  }
  return Math.abs(xs[lo] - x) <= Math.abs(xs[hi] - x) ? lo : hi;
}

export class ScreenChart {
  readonly chart: Chart<'line', never[]>;
  #spec: FigureSpec;
  #figure: PackedFigure;
  #range: XRange | null = null;
  #stopPan: () => void;
  #onRange: (range: XRange | null) => void;
  #theme: ChartTheme | undefined;

  /**
   * `onRange` hears every x range the user zooms or pans to (null: zoomed back out to all of it);
   * `theme` gives the app theme's colours (none: the figure's own, as on white).
   */
  constructor(
    canvas: HTMLCanvasElement,
    spec: FigureSpec,
    figure: PackedFigure,
    onRange: (range: XRange | null) => void,
    theme?: ChartTheme,
  ) {
    this.#spec = spec;
    this.#figure = figure;
    this.#onRange = onRange;
    this.#theme = theme;
    this.chart = new (zoomableChartClass())(canvas, this.#config(canvas)) as unknown as Chart<'line', never[]>;
    this.#stopPan = startPan(this.chart as unknown as Chart, (chart) => this.#zoomed(chart));
  }

  /** The zoomed x range; null when the whole data shows. */
  get range(): XRange | null {
    return this.#range;
  }

  /** Draws `figure` as `spec` asks on the same chart, keeping the zoom and hidden series. */
  show(spec: FigureSpec, figure: PackedFigure): void {
    this.#spec = spec;
    this.#figure = figure;
    this.#redraw();
  }

  /** Redraws in `theme`'s colours (the app switched between light and dark). */
  setTheme(theme: ChartTheme | undefined): void {
    if (theme === this.#theme) return;
    this.#theme = theme;
    this.#redraw();
  }

  /** Shows `range` of x (null: all of it), as the reset button or a linked chart asks. */
  setRange(range: XRange | null): void {
    if (sameRange(range, this.#range)) return;
    this.#range = range;
    this.#redraw();
  }

  /** Zooms x by `factor` (above 1 narrows) about the middle of the shown range (keyboard zoom). */
  zoomBy(factor: number): void {
    const shown = this.#shown();
    if (!shown) return;
    const [middle, half] = [(shown.min + shown.max) / 2, (shown.max - shown.min) / (2 * factor)];
    this.#keyed({ min: middle - half, max: middle + half });
  }

  /** Moves the shown x range by `fraction` of its width (keyboard pan; negative: to the left). */
  panBy(fraction: number): void {
    const shown = this.#shown();
    if (!shown) return;
    const shift = (shown.max - shown.min) * fraction;
    this.#keyed({ min: shown.min + shift, max: shown.max + shift });
  }

  destroy(): void {
    this.#stopPan();
    this.chart.destroy();
  }

  #redraw(): void {
    const hidden = this.#hiddenKeys();
    const config = this.#config(this.chart.canvas);
    for (const d of config.data.datasets as unknown as FigureLineDataset[]) d.hidden = hidden.has(datasetKey(d));
    this.chart.data = config.data;
    this.chart.options = config.options ?? {};
    this.chart.update('none');
  }

  #hiddenKeys(): Set<string> {
    const datasets = this.chart.data.datasets as unknown as FigureLineDataset[];
    return new Set(datasets.filter((_d, i) => !this.chart.isDatasetVisible(i)).map(datasetKey));
  }

  #config(canvas: HTMLCanvasElement): ScreenChartConfig {
    const width = canvas.parentElement?.clientWidth || canvas.clientWidth || 800;
    const columns = Math.round(width * (window.devicePixelRatio || 1));
    const { config } = buildScreenConfig(screenSpec(this.#spec, this.#figure, columns), this.#figure, this.#theme);
    const options = config.options!;
    const x = (options.scales as Record<string, { min?: number; max?: number }>).x;
    if (this.#range) Object.assign(x, this.#range);
    options.plugins = { ...options.plugins, zoom: zoomOptions(xExtent(this.#figure), (chart) => this.#zoomed(chart)) };
    return config;
  }

  /** The zoomed range, or all of the data (the axis itself may reach past it to round ticks). */
  #shown(): XRange | null {
    return this.#range ?? xExtent(this.#figure);
  }

  /** `wanted` kept inside the data as the plugin's limits keep a drag or a wheel; all of it: null. */
  #keyed(wanted: XRange): void {
    const extent = xExtent(this.#figure);
    if (!extent) return;
    const full = extent.max - extent.min;
    const span = Math.min(full, Math.max(wanted.max - wanted.min, full / 5000));
    if (span >= full) {
      this.setRange(null);
      this.#onRange(null);
      return;
    }
    const min = Math.min(Math.max(wanted.min, extent.min), extent.max - span);
    this.setRange({ min, max: min + span });
    this.#onRange(this.#range);
  }

  #zoomed(chart: Chart): void {
    const scale = chart.scales.x;
    this.#range = { min: scale.min, max: scale.max };
    this.#onRange(this.#range);
  }

  /** The values under the pointer at (x, y) in CSS pixels of the canvas; null outside the plot. */
  hoverAt(x: number, y: number): Hover | null {
    const area = this.chart.chartArea;
    if (!area || x < area.left || x > area.right || y < area.top || y > area.bottom) return null;
    const xScale = this.chart.scales.x;
    const panel = this.#panelAt(y);
    if (!panel) return null;
    const value = xScale.getValueForPixel(x);
    if (value === undefined) return null;
    const rows: HoverRow[] = [];
    this.#figure.traces.forEach((trace, t) => {
      if (this.chart.scales[panel.id] !== this.#scaleOf(t) || !this.chart.isDatasetVisible(t)) return;
      const i = nearestIndex(trace, value);
      if (i < 0) return;
      const dataset = this.chart.data.datasets[t] as unknown as FigureLineDataset;
      const smoothed = trace.smoothed[i];
      rows.push({
        label: trace.label,
        color: dataset.borderColor,
        step: trace.steps[i],
        smoothed,
        raw: trace.raw[i],
        n: trace.group ? trace.group.n[i] : null,
        std: trace.group ? trace.group.std[i] : null,
        y: Number.isFinite(smoothed) ? panel.getPixelForValue(smoothed) : null,
      });
    });
    if (rows.length === 0) return null;
    const first = this.#figure.traces.find((t) => t.label === rows[0].label)!;
    return { x, top: panel.top, bottom: panel.bottom, xValue: first.x[nearestIndex(first, value)], rows };
  }

  #panelAt(y: number): Scale | null {
    const panels = Object.values(this.chart.scales).filter((s) => s.axis === 'y');
    return panels.find((s) => y >= s.top && y <= s.bottom) ?? null;
  }

  #scaleOf(datasetIndex: number): Scale | undefined {
    return this.chart.getDatasetMeta(datasetIndex).yScale;
  }
}

/** Identifies a dataset across rebuilds (legend visibility is kept by it). */
const datasetKey = (d: FigureLineDataset) => `${d.label}|${d.yAxisID}|${d.order}`;
