/**
 * What can go on the x axis: the training step, the cumulative tokens trained on (metric `tokens`), or
 * wall-clock seconds since the run started. Each kind maps a metric's points to x values.
 */
import { METRIC } from '../metrics';

/**
 * A series as buildFigureData reads it: arrays or typed arrays (a Web Worker keeps series as
 * Float64Arrays, NaN where a value is missing). Every Series is one.
 */
export interface SeriesLike {
  key: string;
  steps: ArrayLike<number>;
  values: ArrayLike<number | null>;
  times: ArrayLike<number | null>;
}

export const X_AXIS_KINDS = ['step', 'tokens', 'time'] as const;
export type XAxisKind = (typeof X_AXIS_KINDS)[number];

/** A displayed unit: x values are divided by `divisor` and the axis says `label`. */
export interface XUnit {
  divisor: number;
  label: string;
}

export interface XAxisDef {
  /** Metric keys every run must have for this axis. */
  requires: readonly string[];
  /** x of each point of `series` (aligned with its steps); null where unknown. */
  values(series: SeriesLike, runSeries: ReadonlyMap<string, SeriesLike>): (number | null)[];
  /** The unit to show for x values up to `maxX`. */
  unit(maxX: number): XUnit;
  /** Compact tick labels (1.2M) for large counts. */
  compactTicks: boolean;
}

const TIME_UNITS: readonly (XUnit & { from: number })[] = [
  { from: 2 * 3600, divisor: 3600, label: 'Wall time (h)' },
  { from: 2 * 60, divisor: 60, label: 'Wall time (min)' },
  { from: -Infinity, divisor: 1, label: 'Wall time (s)' },
];

export const X_AXES: Record<XAxisKind, XAxisDef> = {
  step: {
    requires: [],
    values: (series) => listOf(series.steps),
    unit: () => ({ divisor: 1, label: 'Step' }),
    compactTicks: false,
  },
  tokens: {
    requires: [METRIC.tokens],
    values: (series, runSeries) => valuesAtSteps(runSeries.get(METRIC.tokens) as SeriesLike, series.steps),
    unit: () => ({ divisor: 1, label: 'Tokens trained' }),
    compactTicks: true,
  },
  time: {
    requires: [],
    values: (series) => listOf(series.times, finiteOrNull),
    unit: (maxX) => TIME_UNITS.find((u) => maxX >= u.from) as XUnit,
    compactTicks: false,
  },
};

/**
 * Values of `ref` at `steps` (both ascending): exact where `ref` logged the step, linear between the
 * neighbouring logged steps otherwise, null outside `ref`'s range or next to a null value.
 */
export function valuesAtSteps(ref: Pick<SeriesLike, 'steps' | 'values'>, steps: ArrayLike<number>): (number | null)[] {
  const out: (number | null)[] = [];
  let j = 0;
  for (let k = 0; k < steps.length; k++) {
    const step = steps[k];
    while (j < ref.steps.length && ref.steps[j] < step) j++;
    if (j < ref.steps.length && ref.steps[j] === step) {
      out.push(finiteOrNull(ref.values[j]));
    } else if (j === 0 || j === ref.steps.length) {
      out.push(null);
    } else {
      const [s0, s1] = [ref.steps[j - 1], ref.steps[j]];
      const [v0, v1] = [finiteOrNull(ref.values[j - 1]), finiteOrNull(ref.values[j])];
      out.push(v0 === null || v1 === null ? null : v0 + ((v1 - v0) * (step - s0)) / (s1 - s0));
    }
  }
  return out;
}

/**
 * `values` as an array, each through `map`. A loop, not Array.from: on a Float64Array (a worker's
 * series) Array.from goes through the iterator protocol, ~10x slower on a 10,000-step series.
 */
export function listOf<T = number>(
  values: ArrayLike<number | null>,
  map: (v: number | null) => T = (v) => v as T,
): T[] {
  const out: T[] = [];
  for (let i = 0; i < values.length; i++) out.push(map(values[i]));
  return out;
}

function finiteOrNull(v: number | null | undefined): number | null {
  return v !== null && v !== undefined && Number.isFinite(v) ? v : null;
}
