/**
 * The chart benchmarks' data (Node: chart.ts, Chromium: chart-browser.ts): the Compare view's worst
 * case, 20 runs x 10,000 steps x 3 metrics, five clip settings x four seeds, deterministic. No
 * Node APIs: the Chromium page imports it too.
 */
import { groupKey, presetConfig, type FigureRunInput } from '../src-main/contract';

/** The default size; BENCH_RUNS and BENCH_STEPS change it. */
export const RUNS = 20;
export const STEPS = 10_000;
export const METRICS = ['entropy', 'clip/high_frac', 'reward/mean'];

/** Deterministic wiggle in [-0.5, 0.5): a hash of step and seed, not a random draw. */
function wiggle(step: number, seed: number): number {
  const h = Math.sin(step * 12.9898 + seed * 78.233) * 43758.5453;
  return h - Math.floor(h) - 0.5;
}

/** Five clip settings x four seeds, each run with every metric at every step (and tokens). */
export function makeRuns(runCount: number, stepCount: number): FigureRunInput[] {
  const base = presetConfig('tabular-random-sym');
  return Array.from({ length: runCount }, (_, r) => {
    const clipLow = 0.05 + 0.05 * (r % 5);
    const seed = 1 + Math.floor(r / 5);
    const config = { ...base, name: `run ${r}`, seed, objective: { ...base.objective, clipLow } };
    const steps = Array.from({ length: stepCount }, (_, s) => s);
    const times = steps.map((s) => 0.2 * s);
    const curve = (f: (s: number) => number) => steps.map(f);
    let tokens = 0;
    const series = [
      { key: 'entropy', values: curve((s) => 2.6 * Math.exp(-s / (2000 + 8000 * clipLow)) + 0.1 * wiggle(s, r)) },
      { key: 'clip/high_frac', values: curve((s) => 0.04 + 0.01 * wiggle(s, r + 50)) },
      { key: 'reward/mean', values: curve((s) => 0.5 + 0.2 * wiggle(s, r + 99)) },
      { key: 'tokens', values: curve(() => (tokens += 2048)) },
    ].map((s) => ({ ...s, steps, times }));
    return { run: { id: r + 1, name: config.name, groupKey: groupKey(config), seed, config, source: null }, series };
  });
}
