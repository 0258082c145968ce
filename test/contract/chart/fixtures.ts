/** Runs with deterministic synthetic series for figure tests (no randomness, no database). */
import { groupKey, presetConfig, type FigureRunInput, type Series } from '../../../src-main/contract';

export interface SyntheticRunOptions {
  clipLow?: number;
  seed?: number;
  steps?: number;
  /** Metrics to log; `tokens` is always logged. */
  metrics?: string[];
}

/** A small deterministic wiggle in [-0.5, 0.5) from the step and seed (a hash, not a random draw). */
export function wiggle(step: number, seed: number): number {
  const h = Math.sin(step * 12.9898 + seed * 78.233) * 43758.5453;
  return h - Math.floor(h) - 0.5;
}

/** A local run whose entropy decays faster for larger clipLow, with clip fractions and tokens. */
export function syntheticRun(id: number, options: SyntheticRunOptions = {}): FigureRunInput {
  const { clipLow = 0.2, seed = id, steps = 200, metrics = ['entropy', 'clip/high_frac'] } = options;
  const base = presetConfig('tabular-random-sym');
  const config = { ...base, name: `run ${id}`, seed, objective: { ...base.objective, clipLow } };
  const stepList = Array.from({ length: steps }, (_, i) => i);
  const times = stepList.map((s) => 0.5 + s * 1.25);
  const values: Record<string, (s: number) => number> = {
    entropy: (s) => 2 * Math.exp(-s / (60 + 400 * (0.2 - clipLow))) + 0.1 * wiggle(s, seed),
    'clip/high_frac': (s) => 0.05 + 0.02 * Math.sin(s / 10 + seed) + 0.01 * wiggle(s, seed + 7),
    'reward/mean': (s) => 0.5 + 0.2 * wiggle(s, seed + 3),
  };
  let total = 0;
  const tokens = stepList.map((s) => (total += 1000 + Math.round(100 * wiggle(s, seed + 11))));
  const series: Series[] = metrics.map((key) => ({ key, steps: stepList, values: stepList.map(values[key]), times }));
  series.push({ key: 'tokens', steps: stepList, values: tokens, times });
  return { run: { id, name: config.name, groupKey: groupKey(config), seed, config, source: null }, series };
}

/** Three seeds at clipLow 0.2 (ids 1-3, the third shorter) and three at 0.1 (ids 4-6). */
export function twoGroups(): FigureRunInput[] {
  return [
    syntheticRun(1, { clipLow: 0.2, seed: 1 }),
    syntheticRun(2, { clipLow: 0.2, seed: 2 }),
    syntheticRun(3, { clipLow: 0.2, seed: 3, steps: 150 }),
    syntheticRun(4, { clipLow: 0.1, seed: 1 }),
    syntheticRun(5, { clipLow: 0.1, seed: 2 }),
    syntheticRun(6, { clipLow: 0.1, seed: 3 }),
  ];
}
