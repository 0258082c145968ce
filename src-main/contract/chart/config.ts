/**
 * The one Chart.js configuration of a figure, used live in the UI and by the Node renderer, so a
 * preview and its exported PDF are the same chart. Only Chart.js *types* are imported: the caller owns
 * the Chart.js runtime (and registers CHART_COMPONENTS).
 *
 * Live use (Svelte): `data = buildFigureData(spec, inputs)`, `config = buildChartConfig(spec, data,
 * { target: 'screen' })`, `chart = new Chart(canvas, config)` once, then `updateChart(chart, config)`
 * whenever the spec or the data change.
 */
import type { Chart, ChartConfiguration, LegendItem, Plugin } from 'chart.js';
import { figureSizePoints, type FigureSpec } from '../figure';
import type { FigureData } from './data';
import { buildDatasets, type FigureDatasets, type FigurePoint } from './datasets';
import { STYLES, type FigureStyle } from './palette';
import { paperLegendPlugin, type PaperEntry } from './paper-legend';
import { chartScales, legendPosition, type Fonts } from './scales';
import { themedStyle, type ChartTheme } from './theme';

/** `screen`: a live, interactive chart. `paper`: a static export (fixed size, background, no events). */
export type ChartTarget = 'screen' | 'paper';

export interface ChartBuildOptions {
  target: ChartTarget;
  /** Device pixels per drawing unit (paper: per point, so a PNG at D dpi uses D / 72). */
  devicePixelRatio?: number;
  /** Font family of every text. @default FIGURE_FONT_STACK */
  fontFamily?: string;
  /** Decimation buckets per curve (at most 4 points each). @default paper: 1 per point of width; screen: 1000 */
  buckets?: number;
  /**
   * Stroke lines directly instead of through a cached Path2D (a `segment` option on every dataset),
   * for canvas contexts that cannot stroke a Path2D, such as svgcanvas. @default true for paper
   */
  directPaths?: boolean;
  /** Colours of the app's light or dark theme (theme.ts); screen only: paper keeps its palette. */
  theme?: ChartTheme;
}

export type FigureChartConfig = ChartConfiguration<'line', FigurePoint[]>;

/** The Chart.js components a figure needs; register them once (`Chart.register(...)`) before drawing. */
export const CHART_COMPONENTS = [
  'LineController',
  'LineElement',
  'PointElement',
  'LinearScale',
  'LogarithmicScale',
  'Filler',
  'Legend',
  'Title',
  'Tooltip',
] as const;

/** DejaVu Sans is the figure font the Node renderer embeds; the UI falls back to common sans fonts. */
export const FIGURE_FONT_STACK = '"DejaVu Sans", "Helvetica Neue", Arial, sans-serif';

/** Builds the chart of `data` (from buildFigureData) as `spec` asks, for a screen or a paper target. */
export function buildChartConfig(spec: FigureSpec, data: FigureData, options: ChartBuildOptions): FigureChartConfig {
  const paper = options.target === 'paper';
  const theme = paper ? undefined : options.theme;
  const style = themedStyle(resolvedStyle(spec), theme);
  const fonts = fontsOf(style.fontSize, options.fontFamily ?? FIGURE_FONT_STACK);
  const built = buildDatasets(spec, data, {
    style,
    buckets: options.buckets ?? (paper ? Math.ceil(figureSizePoints(spec).width) : 1000),
    directPaths: options.directPaths ?? paper,
    theme,
  });
  return {
    type: 'line',
    data: { datasets: built.datasets },
    options: {
      animation: false,
      responsive: !paper,
      maintainAspectRatio: false,
      devicePixelRatio: options.devicePixelRatio,
      locale: 'en-US',
      parsing: false,
      events: paper ? [] : undefined,
      interaction: { mode: 'nearest', axis: 'x', intersect: false },
      layout: { padding: style.padding },
      scales: chartScales(spec, data, style, fonts),
      plugins: chartPlugins(spec, style, fonts, built, paper),
    },
    plugins: paper
      ? [...(spec.background === 'white' ? [whiteBackground] : []), paperLegend(spec, style, fonts, built)]
      : [],
  };
}

/** A paper figure's title and legend, laid out and drawn by cliplab (paper-legend.ts). */
function paperLegend(spec: FigureSpec, style: FigureStyle, fonts: Fonts, built: FigureDatasets) {
  const entries = (): PaperEntry[] =>
    [...built.members.keys()].map((i) => {
      const d = built.datasets[i];
      const color = String(d.borderColor);
      return { label: d.label ?? '', color, dash: (d.borderDash as number[]) ?? [], lineWidth: Number(d.borderWidth) };
    });
  return paperLegendPlugin({
    position: spec.legend,
    title: spec.title,
    entries,
    fontFamily: String(fonts.text.family),
    fontSize: style.fontSize,
    titleSize: Number(fonts.title.size),
    padding: style.padding,
    textColor: style.textColor,
    frameColor: style.axisColor,
  });
}

/** Applies a rebuilt config to a live chart without re-creating it (Svelte `$effect` friendly). */
export function updateChart(chart: Chart<'line', FigurePoint[]>, config: FigureChartConfig): void {
  chart.data = config.data;
  chart.options = config.options ?? {};
  chart.update('none');
}

/** The style with the spec's font size and line width applied. */
export function resolvedStyle(spec: FigureSpec): FigureStyle {
  const base = STYLES[spec.style];
  return { ...base, fontSize: spec.fontSize ?? base.fontSize, lineWidth: spec.lineWidth ?? base.lineWidth };
}

function fontsOf(size: number, family: string): Fonts {
  return { text: { family, size }, title: { family, size: size + 1, weight: 'bold' } };
}

/** Title, legend (one entry per series; a click toggles all its lines) and tooltips. */
function chartPlugins(spec: FigureSpec, style: FigureStyle, fonts: Fonts, built: FigureDatasets, paper: boolean) {
  const entries = new Set(built.members.keys());
  // A paper figure's title and legend are drawn by paperLegend instead.
  return {
    title: {
      display: !paper && Boolean(spec.title),
      text: spec.title ?? '',
      color: style.textColor,
      font: fonts.title,
    },
    legend: {
      display: !paper && spec.legend !== 'none' && entries.size > 0,
      ...legendPosition(spec.legend),
      labels: {
        usePointStyle: true,
        pointStyle: 'line' as const,
        pointStyleWidth: style.fontSize * 2,
        padding: style.padding * 2,
        color: style.textColor,
        font: fonts.text,
        filter: (item: LegendItem) => entries.has(item.datasetIndex ?? -1),
      },
      onClick: paper
        ? undefined
        : (_e: unknown, item: LegendItem, legend: { chart: Chart }) => toggleSeries(legend.chart, built.members, item),
    },
    tooltip: { enabled: !paper, filter: (item: { datasetIndex: number }) => entries.has(item.datasetIndex) },
  };
}

/** A legend click: shows or hides every dataset of the clicked series (main, raw, band) together. */
export function toggleSeries(chart: Chart, members: ReadonlyMap<number, number[]>, item: LegendItem): void {
  const index = item.datasetIndex ?? -1;
  const visible = chart.isDatasetVisible(index);
  for (const i of members.get(index) ?? [index]) chart.setDatasetVisibility(i, !visible);
  chart.update();
}

/** Paints the figure white under everything (a PNG or PDF is otherwise transparent). */
const whiteBackground: Plugin<'line'> = {
  id: 'figureBackground',
  beforeDraw(chart) {
    const { ctx, width, height } = chart;
    ctx.save();
    ctx.fillStyle = '#FFFFFF';
    ctx.fillRect(0, 0, width, height);
    ctx.restore();
  },
};
