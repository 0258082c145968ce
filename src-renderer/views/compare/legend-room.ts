/**
 * Height a chart needs for its legend on top, so that many series (a sweep of 18 runs) widen the
 * figure instead of squeezing the plot into a strip. Mirrors Chart.js's legend layout: items packed
 * into rows, each a line symbol, a gap and the label.
 */
import { FIGURE_FONT_STACK } from '../../../src-main/contract';

export interface LegendMetrics {
  fontSize: number;
  /** Chart.js `labels.padding`: space between items and between rows. */
  padding: number;
  /** Chart.js `labels.pointStyleWidth`: the line symbol before each label. */
  symbolWidth: number;
}

let context: CanvasRenderingContext2D | null | undefined;

function textWidth(text: string, fontSize: number): number {
  if (context === undefined) context = globalThis.document?.createElement('canvas').getContext('2d') ?? null;
  if (!context) return text.length * fontSize * 0.6;
  context.font = `${fontSize}px ${FIGURE_FONT_STACK}`;
  return context.measureText(text).width;
}

/**
 * Rows the labels take in a legend `width` px wide, packed as Chart.js packs them: an item starts a
 * new row when the row's width plus the item and twice the padding would exceed the width.
 */
export function legendRows(labels: readonly string[], width: number, m: LegendMetrics): number {
  let rows = 0;
  let used = 0;
  for (const [i, label] of labels.entries()) {
    const item = m.symbolWidth + m.fontSize / 2 + textWidth(label, m.fontSize);
    if (i === 0 || used + item + 2 * m.padding > width) {
      rows += 1;
      used = 0;
    }
    used += item + m.padding;
  }
  return rows;
}

/** Extra height for the legend beyond its first `included` rows, which the chart height already allows. */
export function legendRoom(labels: readonly string[], width: number, m: LegendMetrics, included = 2): number {
  if (width <= 0) return 0;
  return Math.max(0, legendRows(labels, width, m) - included) * (m.fontSize + m.padding);
}
