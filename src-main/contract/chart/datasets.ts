/** The Chart.js datasets of a figure: per curve a main line, a faint raw line and a filled band. */
import type { ChartDataset } from 'chart.js';
import type { FigureSpec } from '../figure';
import type { FigureData, FigureTrace } from './data';
import { decimationIndices } from './decimate';
import { lineLook, withAlpha, type FigureStyle } from './palette';
import { themedLineColor, type ChartTheme } from './theme';

/** A point as Chart.js draws it (`parsing: false`); y NaN is a gap. */
export interface FigurePoint {
  x: number;
  y: number;
}
export type FigureDataset = ChartDataset<'line', FigurePoint[]>;

export interface FigureDatasets {
  datasets: FigureDataset[];
  /** Dataset index of each legend entry -> every dataset index it stands for (main, raw, band). */
  members: Map<number, number[]>;
}

export interface DatasetOptions {
  style: FigureStyle;
  /** Decimation buckets per curve. */
  buckets: number;
  /** Give every dataset a `segment` option, so Chart.js strokes lines without a Path2D. */
  directPaths: boolean;
  /** A screen theme whose surface the series colours must stand out from. */
  theme?: ChartTheme;
}

interface Behind {
  trace: number;
  dataset: FigureDataset;
  /** An upper band edge, filled down to the next dataset (its lower edge). */
  fillNext?: boolean;
}

/**
 * Main lines first in the array and lowest in `order`, so they draw over the raw lines, which draw
 * over the bands. Main line `t` is trace `t`.
 */
export function buildDatasets(spec: FigureSpec, data: FigureData, options: DatasetOptions): FigureDatasets {
  const main: FigureDataset[] = [];
  const behind: Behind[] = [];
  for (const [t, trace] of data.traces.entries()) {
    const lines = traceDatasets(spec, data, trace, options);
    main.push(lines.main);
    behind.push(...lines.behind.map((b) => ({ ...b, trace: t })));
  }
  behind.forEach((b, i) => {
    if (b.fillNext) b.dataset.fill = { target: main.length + i + 1 };
  });
  return {
    datasets: [...main, ...behind.map((b) => b.dataset)],
    members: legendMembers(data.traces, behind, main.length, spec.layout === 'overlay'),
  };
}

function traceDatasets(spec: FigureSpec, data: FigureData, trace: FigureTrace, options: DatasetOptions) {
  const { style } = options;
  const paperLook = lineLook(spec.palette, trace.colorIndex, trace.dashIndex, style.lineWidth);
  const look = { ...paperLook, color: themedLineColor(paperLook.color, options.theme) };
  const line = {
    yAxisID: data.panels.length > 1 ? `y${trace.panel}` : 'y',
    pointRadius: 0,
    pointHoverRadius: 0,
    tension: 0,
    spanGaps: false,
    fill: false,
    ...(options.directPaths ? { segment: {} } : {}),
  };
  const points = (ys: (number | null)[]) => curvePoints(trace, ys, data.x.divisor, spec.logY, options.buckets);
  const main: FigureDataset = {
    ...line,
    label: trace.label,
    data: points(trace.smoothed),
    order: 0,
    borderColor: look.color,
    backgroundColor: look.color,
    borderWidth: style.lineWidth,
    borderDash: look.dash,
  };
  const behind: Omit<Behind, 'trace'>[] = [];
  if (spec.showRaw && spec.smoothing > 0) {
    const raw = { order: 1, borderColor: withAlpha(look.color, style.rawAlpha) };
    const width = style.lineWidth * style.rawWidthScale;
    behind.push({
      dataset: { ...line, ...raw, label: `${trace.label} (raw)`, data: points(trace.raw), borderWidth: width },
    });
  }
  if (trace.band) {
    const band = { ...line, order: 2, borderWidth: 0, backgroundColor: withAlpha(look.color, style.bandAlpha) };
    behind.push({
      dataset: { ...band, label: `${trace.label} (upper)`, data: points(trace.band.upper) },
      fillNext: true,
    });
    behind.push({ dataset: { ...band, label: `${trace.label} (lower)`, data: points(trace.band.lower) } });
  }
  return { main, behind };
}

/**
 * Legend entries: one per series (its first main line). In panels, a series' lines in every panel
 * share the entry; in an overlay each metric of a series has its own. Main line t is dataset t; the
 * lines behind them follow from dataset `mains` on, each naming its trace.
 */
export function legendMembers(
  traces: readonly Pick<FigureTrace, 'id' | 'metric'>[],
  behind: readonly { trace: number }[],
  mains: number,
  overlay: boolean,
): Map<number, number[]> {
  const keyOf = (t: number) => (overlay ? `${traces[t].id}|${traces[t].metric}` : traces[t].id);
  const byKey = new Map<string, number[]>();
  const add = (t: number, index: number) => byKey.set(keyOf(t), [...(byKey.get(keyOf(t)) ?? []), index]);
  traces.forEach((_trace, t) => add(t, t));
  behind.forEach((b, i) => add(b.trace, mains + i));
  return new Map([...byKey.values()].map((indices) => [indices[0], indices]));
}

/** Decimated points of one curve, x in display units; on a log axis values <= 0 become gaps. */
function curvePoints(
  trace: FigureTrace,
  ys: readonly (number | null)[],
  divisor: number,
  logY: boolean,
  buckets: number,
): FigurePoint[] {
  const x = trace.x as number[]; // buildFigureData keeps only points with an x
  return decimationIndices(x, ys, buckets).map((i) => {
    const y = ys[i];
    const drawable = y !== null && Number.isFinite(y) && (!logY || y > 0);
    return { x: x[i] / divisor, y: drawable ? y : Number.NaN };
  });
}
