/**
 * The chart benchmark's page in Chromium (chart-browser.ts builds it with Vite and drives it): the
 * renderer's own chart path on the Compare view's worst case. Each task is one call from the driver,
 * which reads Chromium's CPU time around it; the page answers wall milliseconds (from the series to
 * a painted chart, or from a smoothing change to the repainted chart) and the points drawn.
 *
 *   screen:  the figure worker (smoothing, statistics) + the figureLine renderer (min/max per pixel
 *            column of the visible range), the path FigureChart takes;
 *   before:  the previous path: buildFigureData on the page + the shared Chart.js configuration (4
 *            points per bucket, 1000 buckets) + Chart.js's line controller;
 *   full:    the same Chart.js line controller given every point (no decimation at all).
 */
import type { Chart } from 'chart.js';
import {
  buildChartConfig,
  buildFigureData,
  figureSpecSchema,
  updateChart,
  type FigureChartConfig,
  type FigureRunInput,
  type FigureSpec,
} from '../../src-main/contract';
import { bucketsForWidth, chartClass } from '../../src-renderer/components/charts/chart-runtime';
import { figureBuilder } from '../../src-renderer/components/charts/figure-builder';
import type { FigureLineController } from '../../src-renderer/components/charts/figure-line';
import { ScreenChart } from '../../src-renderer/components/charts/screen-chart';
import { makeRuns, METRICS } from '../chart-data';

const query = new URLSearchParams(location.search);
const runs = makeRuns(Number(query.get('runs')), Number(query.get('steps')));
const steps = Number(query.get('steps'));
const plot = document.getElementById('plot')!;
const canvas = plot.querySelector('canvas')!;
const width = plot.clientWidth;

const nextFrame = () => new Promise<void>((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));

const spec = figureSpecSchema.parse({
  style: 'screen',
  runs: runs.map((r) => r.run.id),
  metrics: METRICS,
  smoothing: 0.6,
});
const changed = { ...spec, smoothing: 0.7 };

/** The series as a fresh load would bring them (new objects: nothing packed or sent before). */
const freshInputs = (): FigureRunInput[] =>
  runs.map(({ run, series }) => ({ run, series: series.map((s) => ({ ...s, values: [...s.values] })) }));

/** Where a task's wall time went: figure built, chart laid out and drawn, frame painted. */
interface Stages {
  build: number;
  draw: number;
  paint: number;
}

interface Result {
  ms: number;
  points: number;
  stages: Stages;
}

let screen: ScreenChart | null = null;
let inputs: FigureRunInput[] = [];
let chart: Chart | null = null;

function screenPoints(): number {
  if (!screen) return 0;
  const c = screen.chart;
  return c.data.datasets.reduce(
    (n, _d, i) => n + (c.getDatasetMeta(i).controller as unknown as FigureLineController).drawnPoints,
    0,
  );
}

/** The previous path, with the line width it thinned this chart to. */
function chartJsConfig(s: FigureSpec, buckets: number): FigureChartConfig {
  const thin = { ...s, lineWidth: 1 };
  return buildChartConfig(thin, buildFigureData(thin, runs), { target: 'screen', buckets });
}

const chartJsPoints = (c: FigureChartConfig) => c.data.datasets.reduce((n, d) => n + d.data.length, 0);

/**
 * Times `work` to the painted frame after it. `work` calls `built()` once its figure (and, on the
 * old path, its chart configuration) is ready; what follows until it returns is the draw.
 */
async function timed(work: (built: () => void) => Promise<number>): Promise<Result> {
  const t0 = performance.now();
  let t1 = t0;
  const points = await work(() => (t1 = performance.now()));
  const t2 = performance.now();
  await nextFrame();
  const t3 = performance.now();
  return { ms: t3 - t0, points, stages: { build: t1 - t0, draw: t2 - t1, paint: t3 - t2 } };
}

const tasks: Record<string, () => Promise<Result | { ms: 0; points: 0 }>> = {
  screenFirst: () =>
    timed(async (built) => {
      inputs = freshInputs();
      const figure = await figureBuilder().build(spec, inputs);
      built();
      screen = new ScreenChart(canvas, spec, figure, () => undefined);
      return screenPoints();
    }),
  screenChange: () =>
    timed(async (built) => {
      const figure = await figureBuilder().build(changed, inputs);
      built();
      screen!.show(changed, figure);
      return screenPoints();
    }),
  screenDispose: async () => {
    screen?.destroy();
    screen = null;
    await nextFrame();
    return { ms: 0, points: 0 };
  },
  beforeFirst: () => chartJsFirst(bucketsForWidth(width)),
  beforeChange: () => chartJsChange(bucketsForWidth(width)),
  fullFirst: () => chartJsFirst(Math.ceil(steps / 4) + 1),
  fullChange: () => chartJsChange(Math.ceil(steps / 4) + 1),
  chartJsDispose: async () => {
    chart?.destroy();
    chart = null;
    await nextFrame();
    return { ms: 0, points: 0 };
  },
};

function chartJsFirst(buckets: number): Promise<Result> {
  return timed(async (built) => {
    const config = chartJsConfig(spec, buckets);
    built();
    chart = new (chartClass())(canvas, config as never) as unknown as Chart;
    return chartJsPoints(config);
  });
}

function chartJsChange(buckets: number): Promise<Result> {
  return timed(async (built) => {
    const config = chartJsConfig(changed, buckets);
    built();
    updateChart(chart as never, config);
    return chartJsPoints(config);
  });
}

(window as unknown as { bench: unknown }).bench = {
  width,
  run: async (name: string): Promise<Result | { ms: 0; points: 0 } | { error: string }> => {
    try {
      return await tasks[name]();
    } catch (err) {
      return { error: err instanceof Error ? `${err.message}\n${err.stack}` : String(err) };
    }
  },
};
