/**
 * The sweep heatmap of the Compare view: when the selected runs differ in exactly two numeric config
 * keys (e.g. objective.clipLow x objective.clipHigh, seeds aside), the final value of a metric per
 * grid cell, averaged over the cell's runs (its seeds), with the count n.
 */
import { differingKeys, flattenConfig, type FigureRunInput } from '../../../src-main/contract';
import { configOf } from './diff';

/** A swept value: a number, or null for a setting that is off (e.g. clipHigh null = no upper clip). */
export type SweepValue = number | null;

export interface SweepAxes {
  /** Dotted config keys: columns, then rows. */
  x: string;
  y: string;
}

export interface HeatmapCell {
  x: SweepValue;
  y: SweepValue;
  /** Mean of the runs' final values; null when no run of the cell has one. */
  mean: number | null;
  /** Runs with a final value. */
  n: number;
  runIds: number[];
}

export interface Heatmap {
  axes: SweepAxes;
  metric: string;
  xValues: SweepValue[];
  yValues: SweepValue[];
  /** rows[y][x], aligned with yValues and xValues. */
  rows: HeatmapCell[][];
  min: number | null;
  max: number | null;
}

/** Grid cells a selection must cover to count as a sweep. */
export const MIN_SWEEP_CELLS = 3;

const isSweepValue = (v: unknown): v is SweepValue => v === null || (typeof v === 'number' && Number.isFinite(v));

/**
 * The two swept keys, or null when the runs do not form a two-key sweep: a run without a config,
 * not exactly two differing keys (seed, name and log cadence aside), a non-numeric value, or fewer
 * than three grid cells covered (two runs that differ in two keys are a pair, not a sweep).
 */
export function sweepAxes(inputs: readonly FigureRunInput[]): SweepAxes | null {
  const configs = inputs.map((i) => configOf(i.run)).filter((c) => c !== null);
  if (configs.length < 2 || configs.length < inputs.length) return null;
  const keys = differingKeys(configs, { ignore: ['name', 'seed', 'log'] });
  if (keys.length !== 2) return null;
  const flat = configs.map((c) => flattenConfig(c));
  if (!flat.every((f) => keys.every((k) => f.has(k) && isSweepValue(f.get(k))))) return null;
  const cells = new Set(flat.map((f) => JSON.stringify([f.get(keys[0]), f.get(keys[1])])));
  return cells.size >= MIN_SWEEP_CELLS ? { x: keys[0], y: keys[1] } : null;
}

/** Last finite value of the run's `metric`; null when it logged none. */
export function finalValue(input: FigureRunInput, metric: string): number | null {
  const series = input.series.find((s) => s.key === metric);
  if (!series) return null;
  for (let i = series.values.length - 1; i >= 0; i--) {
    const v = series.values[i];
    if (v !== null && Number.isFinite(v)) return v;
  }
  return null;
}

/** Ascending, with null ("off") last. */
function sortedValues(values: Iterable<SweepValue>): SweepValue[] {
  return [...new Set(values)].sort((a, b) => (a === null ? 1 : b === null ? -1 : a - b));
}

/** Final `metric` per cell of the sweep over `axes`, mean over the cell's runs. */
export function sweepHeatmap(inputs: readonly FigureRunInput[], axes: SweepAxes, metric: string): Heatmap {
  const coords = inputs.map((input) => {
    const flat = flattenConfig(configOf(input.run));
    return { input, x: flat.get(axes.x) as SweepValue, y: flat.get(axes.y) as SweepValue };
  });
  const xValues = sortedValues(coords.map((c) => c.x));
  const yValues = sortedValues(coords.map((c) => c.y));
  const rows = yValues.map((y) =>
    xValues.map((x): HeatmapCell => {
      const members = coords.filter((c) => c.x === x && c.y === y);
      const finals = members.map((c) => finalValue(c.input, metric)).filter((v) => v !== null);
      const mean = finals.length > 0 ? finals.reduce((a, b) => a + b, 0) / finals.length : null;
      return { x, y, mean, n: finals.length, runIds: members.map((c) => c.input.run.id) };
    }),
  );
  const means = rows.flat().flatMap((c) => (c.mean === null ? [] : [c.mean]));
  return {
    axes,
    metric,
    xValues,
    yValues,
    rows,
    min: means.length ? Math.min(...means) : null,
    max: means.length ? Math.max(...means) : null,
  };
}

/** Position of a cell's mean between the map's min and max (0.5 when all cells are equal). */
export function heatPosition(map: Pick<Heatmap, 'min' | 'max'>, value: number): number {
  if (map.min === null || map.max === null || map.max === map.min) return 0.5;
  return (value - map.min) / (map.max - map.min);
}
