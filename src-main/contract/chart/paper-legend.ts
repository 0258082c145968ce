/**
 * The legend (and title) of exported figures, drawn by cliplab rather than Chart.js: Chart.js packs
 * a top legend's items into ragged rows and gives a legend inside the plot no background. A paper
 * figure needs:
 * - entries in aligned columns, a top or bottom legend taking at most a fifth of the figure's height
 *   (the text shrinks down to MIN_FONT_PT before that is given up);
 * - right and inside legends as wide as their longest label (never cut), on a background;
 * - subscripts in paper notation: `ε_low` is drawn as ε with a subscript "low".
 * The layout is pure (`layoutLegend`, given a text measure); the plugin reserves the room through the
 * chart's layout padding before Chart.js lays out the axes, and draws into it afterwards.
 */
import type { Chart, ChartArea, Plugin } from 'chart.js';
import type { LegendPosition } from '../figure';

/** Smallest text a legend shrinks to, in points (journals ask for 6 to 8). */
export const MIN_FONT_PT = 6;
/** Most of the figure's height a top or bottom legend may take. */
export const MAX_LEGEND_SHARE = 0.2;
/** Most of the figure's width a right legend may take before its text shrinks. */
export const MAX_RIGHT_SHARE = 0.45;

/** A run of label text, normal or subscript. */
export interface TextRun {
  text: string;
  sub: boolean;
}

/** `ε_low = 0.05` -> ε, low (subscript), ` = 0.05`. Only a Greek letter's `_word` is a subscript. */
export function labelRuns(label: string): TextRun[] {
  const runs: TextRun[] = [];
  let at = 0;
  for (const m of label.matchAll(/([\u0370-\u03ff])_([A-Za-z0-9]+)/g)) {
    const start = m.index ?? 0;
    if (start + 1 > at) runs.push({ text: label.slice(at, start + 1), sub: false });
    runs.push({ text: m[2], sub: true });
    at = start + m[0].length;
  }
  if (at < label.length) runs.push({ text: label.slice(at), sub: false });
  return runs.filter((r) => r.text !== '');
}

/** Subscripts at 70% of the text size, lowered by a quarter of it. */
const SUB_SCALE = 0.7;
const SUB_DROP = 0.25;

/** Width of `label` in drawing units at `fontSize`, given the width of plain text at that size. */
export function labelWidth(label: string, fontSize: number, measure: (text: string, size: number) => number) {
  return labelRuns(label).reduce((w, r) => w + measure(r.text, r.sub ? fontSize * SUB_SCALE : fontSize), 0);
}

export interface LegendMetrics {
  /** Text size the style asks for. */
  fontSize: number;
  /** Space around the legend and between its columns. */
  padding: number;
}

export interface LegendLayout {
  position: Exclude<LegendPosition, 'none'>;
  fontSize: number;
  columns: number;
  rows: number;
  /** Width of each column (symbol, gap and the column's longest label). */
  columnWidths: number[];
  rowHeight: number;
  symbolWidth: number;
  width: number;
  height: number;
}

/** Column widths for `n` entries laid out row by row in `columns` columns. */
function columnWidths(itemWidths: readonly number[], columns: number): number[] {
  const widths = Array<number>(columns).fill(0);
  itemWidths.forEach((w, i) => (widths[i % columns] = Math.max(widths[i % columns], w)));
  return widths;
}

function gridAt(
  labels: readonly string[],
  fontSize: number,
  room: number,
  m: LegendMetrics,
  measure: (text: string, size: number) => number,
) {
  const symbolWidth = fontSize * 2;
  const items = labels.map((l) => symbolWidth + fontSize / 2 + labelWidth(l, fontSize, measure));
  const fits = (c: number) => columnWidths(items, c).reduce((a, b) => a + b, 0) + (c - 1) * m.padding * 2 <= room;
  let columns = 1;
  for (let c = labels.length; c > 1; c--) {
    if (fits(c)) {
      columns = c;
      break;
    }
  }
  // Balance the last row: 4 entries in 3 columns become 2 x 2.
  const rows = Math.ceil(labels.length / columns);
  columns = Math.ceil(labels.length / rows);
  const widths = columnWidths(items, columns);
  const rowHeight = fontSize * 1.25;
  return {
    fontSize,
    columns,
    rows,
    columnWidths: widths,
    rowHeight,
    symbolWidth,
    width: widths.reduce((a, b) => a + b, 0) + (columns - 1) * m.padding * 2 + 2 * m.padding,
    height: rows * rowHeight + 2 * m.padding,
  };
}

/**
 * Lays out the legend of `labels` for a figure `width` x `height` (drawing units) at `position`:
 * as many aligned columns as fit, the text shrinking by quarter points while the legend is too big
 * (a top/bottom one over MAX_LEGEND_SHARE of the height, a right one over MAX_RIGHT_SHARE of the
 * width, an inside one wider than `inside` or over half its height). Labels are never cut.
 */
export function layoutLegend(
  labels: readonly string[],
  position: Exclude<LegendPosition, 'none'>,
  figure: { width: number; height: number; inside?: ChartArea },
  m: LegendMetrics,
  measure: (text: string, size: number) => number,
): LegendLayout {
  const area = figure.inside ?? { left: 0, top: 0, right: figure.width, bottom: figure.height };
  const insideWidth = area.right - area.left;
  const insideHeight = area.bottom - area.top;
  const room = {
    top: figure.width - 2 * m.padding,
    bottom: figure.width - 2 * m.padding,
    right: 0, // one column: a right legend grows sideways only as wide as its longest label
    inside: insideWidth - 4 * m.padding,
  }[position];
  const tooBig = (g: ReturnType<typeof gridAt>) =>
    ({
      top: g.height > MAX_LEGEND_SHARE * figure.height,
      bottom: g.height > MAX_LEGEND_SHARE * figure.height,
      right: g.width > MAX_RIGHT_SHARE * figure.width || g.height > figure.height,
      inside: g.width > insideWidth - 2 * m.padding || g.height > insideHeight / 2,
    })[position];
  let grid = gridAt(labels, m.fontSize, room, m, measure);
  for (let size = m.fontSize - 0.25; tooBig(grid) && size >= MIN_FONT_PT - 1e-9; size -= 0.25) {
    grid = gridAt(labels, size, room, m, measure);
  }
  return { position, ...grid };
}

export interface PaperEntry {
  label: string;
  color: string;
  dash: number[];
  lineWidth: number;
}

export interface PaperLegendOptions {
  position: LegendPosition;
  title: string | null;
  entries: () => PaperEntry[];
  fontFamily: string;
  fontSize: number;
  titleSize: number;
  padding: number;
  textColor: string;
  /** Frame colour of right and inside legends. */
  frameColor: string;
}

/** The part of a 2D canvas context the legend uses (contract code sees no DOM types). */
interface Ctx {
  fillStyle: unknown;
  strokeStyle: unknown;
  lineWidth: number;
  font: string;
  textBaseline: string;
  textAlign: string;
  save(): void;
  restore(): void;
  fillRect(x: number, y: number, w: number, h: number): void;
  strokeRect(x: number, y: number, w: number, h: number): void;
  fillText(text: string, x: number, y: number): void;
  measureText(text: string): { width: number };
  setLineDash(dash: number[]): void;
  beginPath(): void;
  moveTo(x: number, y: number): void;
  lineTo(x: number, y: number): void;
  stroke(): void;
}

function drawRuns(ctx: Ctx, label: string, x: number, y: number, size: number, family: string): void {
  let at = x;
  for (const run of labelRuns(label)) {
    const runSize = run.sub ? size * SUB_SCALE : size;
    ctx.font = `${runSize}px ${family}`;
    ctx.fillText(run.text, at, run.sub ? y + size * SUB_DROP : y);
    at += ctx.measureText(run.text).width;
  }
}

function drawEntries(ctx: Ctx, o: PaperLegendOptions, layout: LegendLayout, left: number, top: number) {
  const entries = o.entries();
  ctx.save();
  if (layout.position === 'inside' || layout.position === 'right') {
    // A background, so lines behind an inside legend never cross its text, and a thin frame.
    ctx.fillStyle = 'rgba(255, 255, 255, 0.9)';
    ctx.strokeStyle = o.frameColor;
    ctx.lineWidth = 0.5;
    ctx.fillRect(left, top, layout.width, layout.height);
    ctx.strokeRect(left, top, layout.width, layout.height);
  }
  ctx.textBaseline = 'middle';
  ctx.textAlign = 'left';
  ctx.fillStyle = o.textColor;
  entries.forEach((entry, i) => {
    const column = i % layout.columns;
    const row = Math.floor(i / layout.columns);
    const x =
      left + o.padding + layout.columnWidths.slice(0, column).reduce((a, b) => a + b, 0) + column * o.padding * 2;
    const y = top + o.padding + row * layout.rowHeight + layout.rowHeight / 2;
    ctx.strokeStyle = entry.color;
    ctx.lineWidth = entry.lineWidth;
    ctx.setLineDash(entry.dash);
    ctx.beginPath();
    ctx.moveTo(x, y);
    ctx.lineTo(x + layout.symbolWidth, y);
    ctx.stroke();
    ctx.setLineDash([]);
    drawRuns(ctx, entry.label, x + layout.symbolWidth + layout.fontSize / 2, y, layout.fontSize, o.fontFamily);
  });
  ctx.restore();
}

/**
 * Where an inside legend covers the fewest drawn points: the plot's four corners, top right first
 * on a tie (where readers look for a legend).
 */
function emptiestCorner(chart: Chart, area: ChartArea, legend: LegendLayout, gap: number) {
  const corners = [
    { left: area.right - gap - legend.width, top: area.top + gap },
    { left: area.left + gap, top: area.top + gap },
    { left: area.right - gap - legend.width, top: area.bottom - gap - legend.height },
    { left: area.left + gap, top: area.bottom - gap - legend.height },
  ];
  const points: { x: number; y: number }[] = [];
  chart.data.datasets.forEach((_d, i) => {
    if (!chart.isDatasetVisible(i)) return;
    for (const el of chart.getDatasetMeta(i).data) {
      if (Number.isFinite(el.x) && Number.isFinite(el.y)) points.push({ x: el.x, y: el.y });
    }
  });
  const covered = (c: { left: number; top: number }) =>
    points.filter((p) => p.x >= c.left && p.x <= c.left + legend.width && p.y >= c.top && p.y <= c.top + legend.height)
      .length;
  return corners.reduce((best, c) => (covered(c) < covered(best) ? c : best));
}

function measurer(ctx: Ctx, family: string) {
  return (text: string, size: number) => {
    ctx.font = `${size}px ${family}`;
    return ctx.measureText(text).width;
  };
}

/**
 * The Chart.js plugin that lays out and draws the title and legend of a paper figure. Each chart
 * gets its own state, so one plugin object may serve several charts.
 */
export function paperLegendPlugin(o: PaperLegendOptions): Plugin<'line'> {
  const state = new WeakMap<Chart, { legend: LegendLayout | null; titleHeight: number; base: number }>();
  const metrics = { fontSize: o.fontSize, padding: o.padding };
  const outside = (c: Chart) => {
    const s = state.get(c);
    return s?.legend && s.legend.position !== 'inside' ? s.legend : null;
  };
  return {
    id: 'paperLegend',
    beforeLayout(chart) {
      const labels = o.entries().map((e) => e.label);
      const measure = measurer(chart.ctx as unknown as Ctx, o.fontFamily);
      const figure = { width: chart.width, height: chart.height };
      const legend =
        o.position === 'none' || labels.length === 0
          ? null
          : layoutLegend(labels, o.position, figure, metrics, measure);
      const titleHeight = o.title ? o.titleSize * 1.4 : 0;
      const base = state.get(chart)?.base ?? Number(chart.options.layout?.padding ?? 0);
      state.set(chart, { legend, titleHeight, base });
      const room = outside(chart);
      chart.options.layout = {
        ...chart.options.layout,
        padding: {
          top: base + titleHeight + (room?.position === 'top' ? room.height + o.padding : 0),
          bottom: base + (room?.position === 'bottom' ? room.height : 0),
          left: base,
          right: base + (room?.position === 'right' ? room.width + o.padding : 0),
        },
      };
    },
    afterDraw(chart) {
      const s = state.get(chart);
      if (!s) return;
      const ctx = chart.ctx as unknown as Ctx;
      if (o.title) {
        ctx.save();
        ctx.fillStyle = o.textColor;
        ctx.font = `bold ${o.titleSize}px ${o.fontFamily}`;
        ctx.textAlign = 'center';
        ctx.textBaseline = 'middle';
        ctx.fillText(o.title, chart.width / 2, s.base + s.titleHeight / 2);
        ctx.restore();
      }
      const legend = s.legend;
      if (!legend) return;
      if (legend.position === 'inside') {
        // Laid out again for the plot area Chart.js settled on.
        const area = chart.chartArea;
        const measure = measurer(ctx, o.fontFamily);
        const figure = { width: chart.width, height: chart.height, inside: area };
        const inner = layoutLegend(
          o.entries().map((e) => e.label),
          'inside',
          figure,
          metrics,
          measure,
        );
        const corner = emptiestCorner(chart, area, inner, o.padding);
        drawEntries(ctx, o, inner, corner.left, corner.top);
        return;
      }
      const left = {
        top: (chart.width - legend.width) / 2,
        bottom: (chart.width - legend.width) / 2,
        right: chart.width - s.base - legend.width,
      }[legend.position];
      const top = {
        top: s.base + s.titleHeight,
        bottom: chart.height - s.base - legend.height,
        right: chart.chartArea.top,
      }[legend.position];
      drawEntries(ctx, o, legend, left, top);
    },
  };
}
