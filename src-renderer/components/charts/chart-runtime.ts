/**
 * The Chart.js runtime of the renderer: the components `contract/chart` names in CHART_COMPONENTS,
 * registered once, and the screen charts' line renderer (figure-line.ts). Charts are created only
 * through `chartClass()`, so nothing draws before the registration (the Node renderer registers the
 * same parts in lab/export/render.ts). Zoom is registered on top by zoom.ts (it needs a DOM).
 */
import {
  Chart,
  Filler,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  LogarithmicScale,
  PointElement,
  Title,
  Tooltip,
  type ChartComponentLike,
} from 'chart.js';
import { CHART_COMPONENTS, type FigureSpec, type PackedFigure } from '../../../src-main/contract';
import { figureLayerPlugin } from './figure-layer';
import { FigureLineController } from './figure-line';

/** Every name in CHART_COMPONENTS maps to its class: a name added there fails to compile here. */
const COMPONENTS: Record<(typeof CHART_COMPONENTS)[number], ChartComponentLike> = {
  LineController,
  LineElement,
  PointElement,
  LinearScale,
  LogarithmicScale,
  Filler,
  Legend,
  Title,
  Tooltip,
};

let registered = false;

/** Chart.js with the figure components registered. */
export function chartClass(): typeof Chart {
  if (!registered) {
    Chart.register(...CHART_COMPONENTS.map((name) => COMPONENTS[name]), FigureLineController, figureLayerPlugin);
    registered = true;
  }
  return Chart;
}

/**
 * Decimation buckets for a plot `width` CSS pixels wide (charts drawn by the shared figure
 * configuration, such as the law fit's scatter): one per pixel, rounded up to a multiple of 100.
 */
export function bucketsForWidth(width: number): number {
  if (!(width > 0)) return 1000;
  return Math.max(100, Math.ceil(width / 100) * 100);
}

/** Above this many drawn points a chart's lines are thinned to 1 px (see screenSpec). */
export const DENSE_POINTS = 60_000;

/**
 * Points a screen chart of `figure` draws on a plot `columns` device pixels wide: per line at most
 * its points, and at most two per pixel column (min and max).
 */
export function drawnPoints(figure: PackedFigure, columns: number): number {
  const raw = figure.spec.showRaw && figure.spec.smoothing > 0 ? 1 : 0;
  return figure.traces.reduce((sum, t) => sum + Math.min(t.x.length, 2 * columns) * (1 + raw + (t.band ? 2 : 0)), 0);
}

/**
 * The spec a dense screen chart is drawn with: 1 px lines unless the spec sets a width. A canvas
 * without a GPU strokes lines of at most one pixel as hairlines, 10-50x faster than 1.5 px on noisy
 * curves (measured in Chromium); with many overlaid curves thin lines also read better.
 */
export function screenSpec(spec: FigureSpec, figure: PackedFigure, columns: number): FigureSpec {
  if (spec.lineWidth !== null || drawnPoints(figure, columns) <= DENSE_POINTS) return spec;
  return { ...spec, lineWidth: 1 };
}
