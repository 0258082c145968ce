/**
 * Chart speed: time from data to a drawn chart for the Compare view's worst case, 20 runs x 10,000
 * steps x 3 metrics: buildFigureData (smoothing, seed aggregation) + buildChartConfig (min/max
 * decimation to the plot width) + a Chart.js draw on @napi-rs/canvas (the same Chart.js code the
 * browser runs), with the renderer's own bucket count and line thinning (components/charts).
 * Printed as ratios against baselines measured in the same run: the same chart drawn from the
 * undecimated data, and drawn with the style's 1.5 px lines instead of thinned ones.
 * Run: `npx tsx bench/chart.ts` or `npm run bench -- chart`.
 */
import os from 'node:os';
import { createCanvas, type SKRSContext2D } from '@napi-rs/canvas';
import { Chart } from 'chart.js';
import {
  buildChartConfig,
  buildFigureData,
  figureSpecSchema,
  updateChart,
  type FigureChartConfig,
  type FigureData,
  type FigureRunInput,
  type FigurePoint,
  type FigureSpec,
  type FigureSpecInput,
} from '../src-main/contract';
import { prepareRenderer } from '../src-main/lab/export/render';
import { bucketsForWidth, DENSE_POINTS } from '../src-renderer/components/charts/chart-runtime';
import { makeRuns, METRICS, RUNS as DEFAULT_RUNS, STEPS as DEFAULT_STEPS } from './chart-data';

const RUNS = Number(process.env.BENCH_RUNS ?? DEFAULT_RUNS);
const STEPS = Number(process.env.BENCH_STEPS ?? DEFAULT_STEPS);

const REPEATS = Number(process.env.BENCH_REPEATS ?? 7);
/** A Compare chart at 1280 x 800: about 930 CSS px wide, one 230 px panel per metric. */
const WIDTH = 930;
const HEIGHT = 70 + 230 * METRICS.length;

/**
 * The spec FigureChart drew before the screen renderer: 1 px lines above DENSE_POINTS drawn points,
 * counting at most 4 points per bucket per curve (a line, its raw line, a band's two edges).
 */
function denseSpec(spec: FigureSpec, data: FigureData, buckets: number): FigureSpec {
  const raw = data.spec.showRaw && data.spec.smoothing > 0 ? 1 : 0;
  const drawn = data.traces.reduce(
    (n, t) => n + Math.min(t.steps.length, 4 * buckets) * (1 + raw + (t.band ? 2 : 0)),
    0,
  );
  return spec.lineWidth !== null || drawn <= DENSE_POINTS ? spec : { ...spec, lineWidth: 1 };
}

function median(xs: number[]): number {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/**
 * Median CPU milliseconds of each task. The tasks take turns, one run each per round (after a
 * warm-up round), so a change of load on the shared machine hits them alike and their ratios hold.
 * CPU time of this process, since the work is synchronous on this thread.
 */
function interleaved<K extends string>(tasks: Record<K, () => void>): Record<K, number> {
  const names = Object.keys(tasks) as K[];
  const times = Object.fromEntries(names.map((n) => [n, [] as number[]])) as Record<K, number[]>;
  for (let round = 0; round <= REPEATS; round++) {
    for (const name of names) {
      const c0 = process.cpuUsage();
      tasks[name]();
      const c = process.cpuUsage(c0);
      if (round > 0) times[name].push((c.user + c.system) / 1000);
    }
  }
  return Object.fromEntries(names.map((n) => [n, median(times[n])])) as Record<K, number>;
}

/** A Chart.js chart on a bitmap the plot's size, as the renderer draws it (1 device pixel per CSS pixel). */
function drawChart(config: FigureChartConfig): Chart<'line', FigurePoint[]> {
  const canvas = createCanvas(WIDTH, HEIGHT);
  const ctx = canvas.getContext('2d') as SKRSContext2D;
  const stand = { width: WIDTH, height: HEIGHT, style: {}, getContext: () => ctx };
  Object.defineProperty(ctx, 'canvas', { value: stand, configurable: true });
  // Node has no DOM to be responsive in: a fixed-size chart, otherwise the screen configuration.
  return new Chart(stand as unknown as HTMLCanvasElement, fixedSize(config) as never);
}

function fixedSize(config: FigureChartConfig): FigureChartConfig {
  return { ...config, options: { ...config.options, responsive: false, devicePixelRatio: 1 } };
}

interface Variant {
  /** Decimation buckets. */
  buckets: number;
  /** Thin dense charts' lines as FigureChart does. */
  thin: boolean;
}

/** The three stages of one variant, each a task of its own. */
function stages(spec: FigureSpec, inputs: FigureRunInput[], v: Variant) {
  const data = buildFigureData(spec, inputs);
  const drawn = v.thin ? denseSpec(spec, data, v.buckets) : spec;
  const config = buildChartConfig(drawn, data, { target: 'screen', buckets: v.buckets });
  return {
    points: config.data.datasets.reduce((n, d) => n + d.data.length, 0),
    data: () => void buildFigureData(spec, inputs),
    config: () => void buildChartConfig(drawn, data, { target: 'screen', buckets: v.buckets }),
    draw: () => drawChart(config).destroy(),
  };
}

/** An in-place update as the smoothing slider makes it: data and config rebuilt, the chart updated. */
function updater(spec: FigureSpec, inputs: FigureRunInput[], buckets: number) {
  const build = (s: FigureSpec) => {
    const data = buildFigureData(s, inputs);
    return fixedSize(buildChartConfig(denseSpec(s, data, buckets), data, { target: 'screen', buckets }));
  };
  const chart = drawChart(build(spec));
  let smoothing = spec.smoothing;
  return {
    update: () => {
      smoothing = smoothing === 0.6 ? 0.7 : 0.6;
      updateChart(chart, build({ ...spec, smoothing }));
    },
    dispose: () => chart.destroy(),
  };
}

const ms = (x: number) => `${x.toFixed(1).padStart(8)} ms`;
const ratio = (a: number, b: number) => (a / b).toFixed(2).padStart(6);

function report(name: string, input: FigureSpecInput, inputs: FigureRunInput[]): void {
  const spec = figureSpecSchema.parse({ style: 'screen', ...input });
  const buckets = bucketsForWidth(WIDTH);
  const shown = stages(spec, inputs, { buckets, thin: true });
  // Baselines: enough buckets that no curve loses a point; the style's own 1.5 px lines.
  const full = stages(spec, inputs, { buckets: Math.ceil(STEPS / 4) + 1, thin: true });
  const wide = stages(spec, inputs, { buckets, thin: false });
  // The slider's in-place update, where there is smoothing to change.
  const live = spec.smoothing > 0 ? updater(spec, inputs, buckets) : null;
  const t = interleaved({
    data: shown.data,
    config: shown.config,
    draw: shown.draw,
    fullConfig: full.config,
    fullDraw: full.draw,
    wideDraw: wide.draw,
    update: live ? live.update : () => undefined,
  });
  live?.dispose();
  const first = t.data + t.config + t.draw;
  console.log(`\n${name}`);
  console.log(`  data (smooth, aggregate)  ${ms(t.data)}`);
  console.log(
    `  config (decimate)         ${ms(t.config)}   undecimated ${ms(t.fullConfig)}   ratio ${ratio(t.config, t.fullConfig)}`,
  );
  console.log(
    `  Chart.js draw             ${ms(t.draw)}   undecimated ${ms(t.fullDraw)}   ratio ${ratio(t.draw, t.fullDraw)}`,
  );
  console.log(
    `                                           1.5 px lines ${ms(t.wideDraw)}   ratio ${ratio(t.draw, t.wideDraw)}`,
  );
  const fullFirst = t.data + t.fullConfig + t.fullDraw;
  console.log(
    `  data to drawn chart       ${ms(first)}   undecimated ${ms(fullFirst)}   ratio ${ratio(first, fullFirst)}`,
  );
  console.log(
    `  points drawn              ${String(shown.points).padStart(11)}   undecimated ${String(full.points).padStart(11)}   ratio ${ratio(shown.points, full.points)}`,
  );
  if (live) console.log(`  smoothing change, in place ${ms(t.update)}   ${ratio(t.update, first)} x the first draw`);
}

prepareRenderer();
console.log(
  'Under Node: buildChartConfig and Chart.js on @napi-rs/canvas, the screen path before its column layer ' +
    '(the screen goals are measured in Chromium, below)',
);
console.log(
  `load average ${os.loadavg()[0].toFixed(1)} on ${os.cpus().length} cores; CPU ms, median of ${REPEATS} interleaved rounds`,
);
console.log(
  `${RUNS} runs x ${STEPS} steps x ${METRICS.length} metrics (${RUNS * STEPS * METRICS.length} points), plot ${WIDTH} x ${HEIGHT} px`,
);
const inputs = makeRuns(RUNS, STEPS);
const runs = inputs.map((i) => i.run.id);
report('Runs overlaid, smoothing 0.6 with the raw line behind', { runs, metrics: METRICS, smoothing: 0.6 }, inputs);
report(
  'Seed groups (5 x 4 seeds), mean with a std band',
  { runs, metrics: METRICS, smoothing: 0.6, groupSeeds: true },
  inputs,
);
report('Runs on a tokens axis, no smoothing', { runs, metrics: METRICS, smoothing: 0, xAxis: 'tokens' }, inputs);
