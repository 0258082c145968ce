/**
 * The Chart.js runtime of the renderer: the components `contract/chart` names in CHART_COMPONENTS,
 * registered once. Charts are created only through `chartClass()`, so nothing draws before the
 * registration (the Node renderer registers the same parts in lab/export/render.ts).
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
import { CHART_COMPONENTS, type FigureData, type FigureSpec } from '../../../src-main/contract';

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
    Chart.register(...CHART_COMPONENTS.map((name) => COMPONENTS[name]));
    registered = true;
  }
  return Chart;
}

/**
 * Decimation buckets for a plot `width` CSS pixels wide: one per pixel, rounded up to a multiple of
 * 100 so resizing a window does not rebuild the datasets at every pixel.
 */
export function bucketsForWidth(width: number): number {
  if (!(width > 0)) return 1000;
  return Math.max(100, Math.ceil(width / 100) * 100);
}

/** Above this many drawn points a chart's lines are thinned to 1 px (see denseSpec). */
export const DENSE_POINTS = 60_000;

/** Points a chart of `data` draws after decimation to `buckets` (at most 4 per bucket per curve). */
export function drawnPoints(data: FigureData, buckets: number): number {
  const raw = data.spec.showRaw && data.spec.smoothing > 0 ? 1 : 0;
  // Each trace draws its line, the raw line behind it, and a band's two edges.
  return data.traces.reduce((sum, t) => sum + Math.min(t.steps.length, 4 * buckets) * (1 + raw + (t.band ? 2 : 0)), 0);
}

/**
 * The spec a dense screen chart is drawn with: 1 px lines unless the spec sets a width. A canvas
 * without a GPU strokes lines of at most one pixel as hairlines, 10-50x faster than 1.5 px on noisy
 * curves (measured in Chromium), which keeps 20 runs x 10,000 steps responsive there; with many
 * overlaid curves thin lines also read better.
 */
export function denseSpec(spec: FigureSpec, data: FigureData, buckets: number): FigureSpec {
  if (spec.lineWidth !== null || drawnPoints(data, buckets) <= DENSE_POINTS) return spec;
  return { ...spec, lineWidth: 1 };
}
