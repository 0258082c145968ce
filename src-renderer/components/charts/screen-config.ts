/**
 * The Chart.js configuration of a figure on screen, drawn from its packed (typed-array) curves by
 * the figureLine controller: per curve a main line, a faint raw line and a seed group's band, in the
 * same colours, order, axes and legend as the shared figure configuration (contract/chart/config.ts)
 * that exported figures keep. Zoom, pan and tooltips are the screen's own (zoom.ts, ChartTooltip).
 */
import type { Chart, ChartConfiguration, LegendItem } from 'chart.js';
import {
  FIGURE_FONT_STACK,
  legendMembers,
  lineLook,
  resolvedStyle,
  themedLineColor,
  themedStyle,
  toggleSeries,
  withAlpha,
  type ChartTheme,
  type FigureSpec,
  type FigureStyle,
  type PackedFigure,
} from '../../../src-main/contract';
import { chartScales, legendPosition } from '../../../src-main/contract/chart/scales';
import { asChartDataset, type FigureLineDataset } from './figure-line';

export type ScreenChartConfig = ChartConfiguration<'line', never[]>;

export interface ScreenDatasets {
  datasets: FigureLineDataset[];
  /** Dataset index of each legend entry -> every dataset index it stands for (main, raw, band). */
  members: Map<number, number[]>;
}

/**
 * Main lines first (dataset t is trace t) and lowest in `order`, so they draw over the raw lines,
 * which draw over the bands.
 */
export function screenDatasets(
  spec: FigureSpec,
  figure: PackedFigure,
  style: FigureStyle,
  theme?: ChartTheme,
): ScreenDatasets {
  const main: FigureLineDataset[] = [];
  const behind: { trace: number; dataset: FigureLineDataset }[] = [];
  const stacked = figure.panels.length > 1;
  for (const [t, trace] of figure.traces.entries()) {
    const paperLook = lineLook(spec.palette, trace.colorIndex, trace.dashIndex, style.lineWidth);
    // On a dark surface a palette colour that vanishes is lifted to 3:1 (contract/chart/theme.ts).
    const look = { ...paperLook, color: themedLineColor(paperLook.color, theme) };
    const base = {
      type: 'figureLine' as const,
      data: [] as never[],
      yAxisID: stacked ? `y${trace.panel}` : 'y',
      borderDash: look.dash,
      backgroundColor: look.color,
    };
    main.push({
      ...base,
      label: trace.label,
      order: 0,
      borderColor: look.color,
      borderWidth: style.lineWidth,
      line: { x: trace.x, y: trace.smoothed, sorted: trace.sorted },
    });
    if (spec.showRaw && spec.smoothing > 0) {
      const dataset = {
        ...base,
        label: `${trace.label} (raw)`,
        order: 1,
        borderColor: withAlpha(look.color, style.rawAlpha),
        borderWidth: style.lineWidth * style.rawWidthScale,
        line: { x: trace.x, y: trace.raw, sorted: trace.sorted },
      };
      behind.push({ trace: t, dataset });
    }
    if (trace.band) {
      const band = { x: trace.x, ...trace.band, sorted: trace.sorted };
      const fill = withAlpha(look.color, style.bandAlpha);
      const dataset = { ...base, label: `${trace.label} (band)`, order: 2, borderColor: fill, borderWidth: 0, band };
      behind.push({ trace: t, dataset: { ...dataset, backgroundColor: fill } });
    }
  }
  return {
    datasets: [...main, ...behind.map((b) => b.dataset)],
    members: legendMembers(figure.traces, behind, main.length, spec.layout === 'overlay'),
  };
}

/** The screen chart of `figure` as `spec` asks (use `screenSpec` for the line width of dense charts). */
export function buildScreenConfig(
  spec: FigureSpec,
  figure: PackedFigure,
  theme?: ChartTheme,
): { config: ScreenChartConfig; members: Map<number, number[]> } {
  const style = themedStyle(resolvedStyle(spec), theme);
  const fonts = {
    text: { family: FIGURE_FONT_STACK, size: style.fontSize },
    title: { family: FIGURE_FONT_STACK, size: style.fontSize + 1, weight: 'bold' as const },
  };
  const built = screenDatasets(spec, figure, style, theme);
  const entries = new Set(built.members.keys());
  const config: ScreenChartConfig = {
    type: 'line',
    data: { datasets: built.datasets.map(asChartDataset) },
    options: {
      animation: false,
      responsive: true,
      maintainAspectRatio: false,
      locale: 'en-US',
      parsing: false,
      // Hover and tooltips are the chart's own (ChartTooltip); Chart.js only handles legend clicks.
      events: ['click', 'mousemove', 'mouseout'],
      interaction: { mode: 'x', intersect: false },
      layout: { padding: style.padding },
      scales: chartScales(spec, figure, style, fonts),
      plugins: {
        title: { display: Boolean(spec.title), text: spec.title ?? '', color: style.textColor, font: fonts.title },
        legend: {
          display: spec.legend !== 'none' && entries.size > 0,
          ...legendPosition(spec.legend),
          labels: {
            usePointStyle: true,
            pointStyle: 'line' as const,
            pointStyleWidth: style.fontSize * 2,
            padding: style.padding * 2,
            color: style.textColor,
            font: fonts.text,
            generateLabels: (chart) =>
              legendItems(chart.data.datasets as never, entries, (i) => chart.isDatasetVisible(i), {
                color: style.textColor,
                fits: legendFit(chart, style, fonts.text),
              }),
          },
          onClick: (_e, item, legend) => toggleSeries(legend.chart as Chart, built.members, item),
        },
        tooltip: { enabled: false },
      },
    },
  };
  return { config, members: built.members };
}

/** How a legend item's text is drawn, and whether a text fits one row of the chart. */
interface LegendText {
  color: string;
  fits: (text: string) => boolean;
}

/**
 * Whether a legend text fits one row beside its line sample. Chart.js neither wraps nor cuts a legend
 * item, so a long run name would run past both edges of a narrow chart.
 */
function legendFit(chart: Chart, style: FigureStyle, font: { family: string; size: number }) {
  const room = chart.width - 2 * style.padding - 3 * style.fontSize - style.padding * 2;
  return (text: string): boolean => {
    chart.ctx.save();
    chart.ctx.font = `${font.size}px ${font.family}`;
    const width = chart.ctx.measureText(text).width;
    chart.ctx.restore();
    return width <= room;
  };
}

/**
 * `label` ("run · metric") shortened to fit: the run's name loses its middle, which similar names
 * share least often at the ends, and the metric stays whole. The full label stays in the chart's
 * accessible name and the tooltip.
 */
export function fittedLegendLabel(label: string, fits: (text: string) => boolean): string {
  if (fits(label)) return label;
  const cut = label.lastIndexOf(' · ');
  const [name, metric] = cut < 0 ? [label, ''] : [label.slice(0, cut), label.slice(cut)];
  for (let keep = name.length - 1; keep > 1; keep--) {
    const head = Math.ceil(keep / 2);
    const text = `${name.slice(0, head)}…${name.slice(name.length - (keep - head))}${metric}`;
    if (fits(text)) return text;
  }
  return `…${metric}`;
}

/** Legend items of the entries, with each line's own colour, width and dash. */
function legendItems(
  datasets: FigureLineDataset[],
  entries: Set<number>,
  visible: (i: number) => boolean,
  text: LegendText,
): LegendItem[] {
  return [...entries].map((i) => {
    const d = datasets[i];
    return {
      text: fittedLegendLabel(d.label, text.fits),
      fontColor: text.color,
      datasetIndex: i,
      hidden: !visible(i),
      strokeStyle: d.borderColor,
      fillStyle: d.borderColor,
      lineWidth: d.borderWidth,
      lineDash: d.borderDash,
      pointStyle: 'line',
    };
  });
}
