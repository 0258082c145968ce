/**
 * The chart benchmark's page in Chromium (chart-browser.ts builds it with Vite and drives it): the
 * renderer's own chart path on the Compare view's worst case. Times, per round, from the series to a
 * painted chart (figure data, chart config, Chart.js draw, next frame) and a smoothing change
 * redrawn in place; posts the medians to `window.benchResult`.
 */
import {
  buildChartConfig,
  buildFigureData,
  figureSpecSchema,
  updateChart,
  type FigureChartConfig,
  type FigureSpec,
} from '../../src-main/contract';
import { bucketsForWidth, chartClass, denseSpec } from '../../src-renderer/components/charts/chart-runtime';
import { makeRuns, METRICS } from '../chart-data';

const query = new URLSearchParams(location.search);
const runs = makeRuns(Number(query.get('runs')), Number(query.get('steps')));
const rounds = Number(query.get('rounds'));
const plot = document.getElementById('plot')!;
const canvas = plot.querySelector('canvas')!;
const width = plot.clientWidth;

const nextFrame = () => new Promise<void>((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function configOf(spec: FigureSpec): { config: FigureChartConfig; points: number } {
  const buckets = bucketsForWidth(width);
  const data = buildFigureData(spec, runs);
  const config = buildChartConfig(denseSpec(spec, data, buckets), data, { target: 'screen', buckets });
  return { config, points: config.data.datasets.reduce((n, d) => n + d.data.length, 0) };
}

async function run(): Promise<void> {
  const spec = figureSpecSchema.parse({
    style: 'screen',
    runs: runs.map((r) => r.run.id),
    metrics: METRICS,
    smoothing: 0.6,
  });
  const first: number[] = [];
  const change: number[] = [];
  let points = 0;
  for (let round = 0; round <= rounds; round++) {
    const t0 = performance.now();
    const built = configOf(spec);
    const chart = new (chartClass())(canvas, built.config);
    await nextFrame();
    const t1 = performance.now();
    const next = configOf({ ...spec, smoothing: 0.7 });
    updateChart(chart, next.config);
    await nextFrame();
    const t2 = performance.now();
    chart.destroy();
    points = built.points;
    if (round > 0) {
      first.push(t1 - t0);
      change.push(t2 - t1);
    }
    await nextFrame();
  }
  (window as unknown as { benchResult: unknown }).benchResult = {
    first: median(first),
    change: median(change),
    points,
    width,
  };
}

run().catch((err: unknown) => {
  (window as unknown as { benchResult: unknown }).benchResult = { error: String(err) };
});
