/**
 * The one definition of every summary number cliplab shows for a series (issue 14): start, final,
 * peak, lowest, collapse step and half-life. The Runs list, the Run view, Compare, Diagnostics, the
 * CLI and the data export all read them from here, so a run's "final entropy" is one number
 * everywhere. Every definition works on the logged points only, so it holds for sparse and irregular
 * logging (every 10 steps, a resumed run starting at step 101, gaps): a crossing is dated at the
 * first logged step where it shows, and `previousStep` says since when it could have happened.
 */

/** One metric's points as stored (null where the source had NaN). */
export interface SeriesPoints {
  steps: number[];
  values: (number | null)[];
}

/** A metric's finite points, sorted by step, one per step: what every summary and diagnostic computes on. */
export interface Points {
  steps: number[];
  values: number[];
}

/** Entropy counts as collapsed below this share of its start (the paper's and verl users' "collapse"). */
export const COLLAPSE_FRACTION = 0.1;

/**
 * A level counts as crossed from a logged point when the value is past it there and at this share of
 * the logged points from there to the end: one noisy point neither dates a crossing nor undoes it.
 */
export const LASTING_SHARE = 0.8;

/**
 * A crossing needs this many logged points from it to the end (half the run's points when it has
 * fewer than twice this), so a last point that dips by noise is not a collapse at the run's last step.
 */
export const LASTING_MIN_POINTS = 3;

/** What each summary number means, for tooltips, help texts and `--help`. */
export const SUMMARY_DEFINITIONS = {
  start: 'the first logged value',
  final: 'the last logged value',
  peak: 'the highest logged value (the first step where it was reached)',
  min: 'the lowest logged value (the first step where it was reached)',
  collapseStep: `the first logged step where entropy is below ${COLLAPSE_FRACTION * 100}% of its start and stays below at ${LASTING_SHARE * 100}% of the logged points from there to the end (at least ${LASTING_MIN_POINTS} points, half of a shorter run's)`,
  halfLife: `the first logged step where entropy is at or below half its start and stays there at ${LASTING_SHARE * 100}% of the logged points from there to the end (at least ${LASTING_MIN_POINTS} points, half of a shorter run's)`,
} as const;

export type SummaryName = keyof typeof SUMMARY_DEFINITIONS;

/** One logged point. */
export interface StepValue {
  step: number;
  value: number;
}

/** Where a level was crossed, as far as the logged steps tell. */
export interface Crossing extends StepValue {
  /** The logged step before `step`: the crossing happened after it (null at the first point). */
  previousStep: number | null;
  /** Logged points from `step` to the end, and how many of them are past the level. */
  pointsFrom: number;
  pointsPast: number;
}

export interface SeriesSummary {
  /** Logged points that are numbers. */
  n: number;
  start: StepValue | null;
  final: StepValue | null;
  peak: StepValue | null;
  min: StepValue | null;
}

/** Finite points sorted by step; where a step repeats (a resumed run), the later value wins (arrays or typed arrays). */
export function finitePoints(series: { steps: ArrayLike<number>; values: ArrayLike<number | null> }): Points {
  const n = Math.min(series.steps.length, series.values.length);
  if (strictlyAscending(series.steps, n)) return finiteInOrder(series, n);
  const byStep = new Map<number, number>();
  for (let i = 0; i < n; i++) {
    const step = series.steps[i];
    const value = series.values[i];
    if (Number.isFinite(step) && value !== null && Number.isFinite(value)) byStep.set(step, value);
  }
  const steps = [...byStep.keys()].sort((x, y) => x - y);
  return { steps, values: steps.map((s) => byStep.get(s) as number) };
}

/** Whether steps[0..n) are finite and strictly ascending (a stored series: nothing to sort or merge). */
function strictlyAscending(steps: ArrayLike<number>, n: number): boolean {
  if (n > 0 && !Number.isFinite(steps[0])) return false;
  for (let i = 1; i < n; i++) if (!(steps[i] > steps[i - 1]) || steps[i] === Number.POSITIVE_INFINITY) return false;
  return true;
}

/** finitePoints of a series whose steps are strictly ascending: its finite values, in order, no map. */
function finiteInOrder(series: { steps: ArrayLike<number>; values: ArrayLike<number | null> }, n: number): Points {
  const steps: number[] = [];
  const values: number[] = [];
  for (let i = 0; i < n; i++) {
    const value = series.values[i];
    if (value !== null && Number.isFinite(value)) {
      steps.push(series.steps[i]);
      values.push(value);
    }
  }
  return { steps, values };
}

/** Points with from <= step <= to (either bound null: open). */
export function pointsWithin(points: Points, from: number | null, to: number | null): Points {
  if (from === null && to === null) return points;
  const keep = points.steps.map((s) => (from === null || s >= from) && (to === null || s <= to));
  return { steps: points.steps.filter((_, i) => keep[i]), values: points.values.filter((_, i) => keep[i]) };
}

function extreme(points: Points, better: (a: number, b: number) => boolean): StepValue | null {
  const { steps, values } = points;
  if (values.length === 0) return null;
  let best = 0;
  for (let i = 1; i < values.length; i++) if (better(values[i], values[best])) best = i;
  return { step: steps[best], value: values[best] };
}

/** Start, final, peak and lowest value of cleaned points (see finitePoints). */
export function summarizePoints(points: Points): SeriesSummary {
  const n = points.steps.length;
  const at = (i: number): StepValue | null => (n === 0 ? null : { step: points.steps[i], value: points.values[i] });
  return {
    n,
    start: at(0),
    final: at(n - 1),
    peak: extreme(points, (a, b) => a > b),
    min: extreme(points, (a, b) => a < b),
  };
}

/**
 * summarizePoints(pointsWithin(finitePoints(series), from, to)) in one pass and no list of points
 * when the steps are strictly ascending (every stored series): a figure of 20 runs x 3 metrics x
 * 10,000 steps built those lists only to read four points of each (issue 20).
 */
export function summarizeWithin(
  series: { steps: ArrayLike<number>; values: ArrayLike<number | null> },
  from: number | null,
  to: number | null,
): SeriesSummary {
  const n = Math.min(series.steps.length, series.values.length);
  if (!strictlyAscending(series.steps, n)) return summarizePoints(pointsWithin(finitePoints(series), from, to));
  let count = 0;
  let first = -1;
  let last = -1;
  let peak = -1;
  let low = -1;
  for (let i = 0; i < n; i++) {
    const value = series.values[i];
    const step = series.steps[i];
    if (value === null || !Number.isFinite(value)) continue;
    if ((from !== null && step < from) || (to !== null && step > to)) continue;
    count++;
    if (first < 0) first = peak = low = i;
    last = i;
    if (value > (series.values[peak] as number)) peak = i;
    if (value < (series.values[low] as number)) low = i;
  }
  const at = (i: number): StepValue | null =>
    i < 0 ? null : { step: series.steps[i], value: series.values[i] as number };
  return { n: count, start: at(first), final: at(last), peak: at(peak), min: at(low) };
}

/** The summary of a stored series (nulls, repeats and order handled as finitePoints does). */
export function summarizeSeries(series: SeriesPoints): SeriesSummary {
  return summarizePoints(finitePoints(series));
}

/**
 * The first logged point past a level (`isPast`) from which the series stays past it at LASTING_SHARE
 * of the logged points to the end, at least LASTING_MIN_POINTS of them (all points, for a run shorter
 * than that). Null when there is none.
 */
export function lastingCrossing(points: Points, isPast: (value: number) => boolean): Crossing | null {
  const { steps, values } = points;
  const n = steps.length;
  const minPoints = Math.min(LASTING_MIN_POINTS, Math.ceil(n / 2));
  // Walk backwards keeping the count of points past the level from i to the end.
  let pastFromHere = 0;
  let found = -1;
  let pastAtFound = 0;
  for (let i = n - 1; i >= 0; i--) {
    if (!isPast(values[i])) continue;
    pastFromHere++;
    const from = n - i;
    if (from >= minPoints && pastFromHere >= LASTING_SHARE * from) {
      found = i;
      pastAtFound = pastFromHere;
    }
  }
  if (found < 0) return null;
  return {
    step: steps[found],
    value: values[found],
    previousStep: found > 0 ? steps[found - 1] : null,
    pointsFrom: n - found,
    pointsPast: pastAtFound,
  };
}

/** lastingCrossing below `level` (`atOrBelow`: equality counts too). */
export function lastingDrop(points: Points, level: number, atOrBelow = false): Crossing | null {
  return lastingCrossing(points, atOrBelow ? (v) => v <= level : (v) => v < level);
}

/** lastingCrossing at or above `level`. */
export function lastingRise(points: Points, level: number): Crossing | null {
  return lastingCrossing(points, (v) => v >= level);
}

/** The level entropy must stay below to count as collapsed: `fraction` of the start. */
export function collapseLevel(start: number, fraction = COLLAPSE_FRACTION): number {
  return fraction * start;
}

/** Where entropy collapsed (SUMMARY_DEFINITIONS.collapseStep); null when it did not or has no start. */
export function collapseCrossing(points: Points, fraction = COLLAPSE_FRACTION): Crossing | null {
  const start = points.values[0];
  if (!(start > 0)) return null;
  return lastingDrop(points, collapseLevel(start, fraction));
}

/** Where entropy halved (SUMMARY_DEFINITIONS.halfLife); null when it did not or has no start. */
export function halfLifeCrossing(points: Points): Crossing | null {
  const start = points.values[0];
  if (!(start > 0)) return null;
  return lastingDrop(points, start / 2, true);
}

/** "step 120 (logged after step 110)" for a crossing on sparse logs; "step 120" when steps are consecutive. */
export function describeCrossing(c: Crossing | null, none = 'never'): string {
  if (!c) return none;
  if (c.previousStep === null || c.step - c.previousStep <= 1) return `step ${c.step}`;
  return `step ${c.step} (between steps ${c.previousStep} and ${c.step})`;
}

/** The median gap between logged steps: 1 when every step is logged, 10 for a log every 10 steps. */
export function medianStepGap(points: Points): number {
  const gaps = points.steps.slice(1).map((s, i) => s - points.steps[i]);
  if (gaps.length === 0) return 1;
  gaps.sort((a, b) => a - b);
  const mid = gaps.length >> 1;
  return gaps.length % 2 ? gaps[mid] : (gaps[mid - 1] + gaps[mid]) / 2;
}

/** Mean and sample standard deviation (n - 1; null for fewer than 2 values) of finite values. */
export function meanAndStd(values: readonly number[]): { mean: number | null; std: number | null; n: number } {
  const n = values.length;
  if (n === 0) return { mean: null, std: null, n };
  let total = 0;
  for (const v of values) total += v;
  const mean = total / n;
  if (n < 2) return { mean, std: null, n };
  let ss = 0;
  for (const v of values) ss += (v - mean) ** 2;
  return { mean, std: Math.sqrt(ss / (n - 1)), n };
}

/** A summary number over a seed group: mean ± sample std of the seeds that have it; a single run keeps its step. */
export interface SummaryStat {
  mean: number;
  std: number | null;
  n: number;
  /** The step of a single run's value; null for groups. */
  step: number | null;
}

export function statOf(points: readonly (StepValue | null)[]): SummaryStat | null {
  const found = points.filter((p): p is StepValue => p !== null);
  const { mean, std, n } = meanAndStd(found.map((p) => p.value));
  if (mean === null) return null;
  return { mean, std, n, step: n === 1 && points.length === 1 ? found[0].step : null };
}

/** Start, final, peak and lowest value of each run, and their mean ± std over the runs. */
export interface SummaryOfRuns {
  runs: { runId: number; summary: SeriesSummary }[];
  start: SummaryStat | null;
  final: SummaryStat | null;
  peak: SummaryStat | null;
  min: SummaryStat | null;
}

export function summarizeRuns(runs: readonly { runId: number; summary: SeriesSummary }[]): SummaryOfRuns {
  const stat = (name: 'start' | 'final' | 'peak' | 'min') => statOf(runs.map((r) => r.summary[name]));
  return { runs: [...runs], start: stat('start'), final: stat('final'), peak: stat('peak'), min: stat('min') };
}
