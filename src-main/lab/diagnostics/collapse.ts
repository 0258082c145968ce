/**
 * Entropy collapse (issues 5 and 14). Start, final, peak, collapse step and half-life are the summary
 * numbers of contract/summary.ts, so the verdict uses exactly the numbers every view shows: start is
 * the first logged value, and a collapse is dated at the first logged step where entropy is below
 * the level and stays there (at most one point in five back above), which holds for logs written
 * every 10 steps, resumed runs and noisy tails alike.
 *
 * A run that has not collapsed is judged by its trend: a least-squares line through ln H over the
 * trailing window (a constant relative decay is a straight line there). A trend counts only when the
 * slope differs from zero at the 1% level and the fitted change across the window reaches the trend
 * threshold, so noise around a flat level reads "stable".
 */
import type { CollapseDiagnosis, CollapseVerdict, DiagnosisOptions, Section } from '../../contract/diagnostics';
import {
  collapseCrossing,
  collapseLevel as levelOf,
  describeCrossing,
  halfLifeCrossing,
  medianStepGap,
  summarizePoints,
  type Crossing,
  type Points,
} from '../../contract/summary';
import { fmt, fmtPercent, fmtSigned, fmtSteps } from './format';
import type { ResolvedSeries } from './keys';
import { lastPoints } from './series';
import { fitLine } from './stats';
import { studentTTwoSided } from './student-t';

/** Summary numbers read with 4 significant digits, as every view shows them (charts/numbers.ts, cli/format.ts). */
const fmt4 = (x: number) => fmt(x, 4);

/** Significance level a trailing slope must reach to count as a trend. */
export const TREND_SIGNIFICANCE = 0.01;

/** The trailing window in points: the option, or a quarter of the run (at least 20), never more than n. */
export function windowSize(n: number, window: number | null): number {
  return Math.min(n, window ?? Math.max(20, Math.round(n / 4)));
}

interface Trend {
  slope: number;
  stdErr: number | null;
  /** Two-sided p-value of the slope; null when the fit is exact (no residual). */
  p: number | null;
  intercept: number;
  window: Points;
  logChange: number;
  significant: boolean;
}

/** ln H against step over the trailing window. Entropy 0 is floored (1e-6 of the start) to keep ln finite. */
function trailingLogTrend(points: Points, windowSize: number, start: number): Trend {
  const window = lastPoints(points, windowSize);
  const floor = start * 1e-6;
  const logs = window.values.map((v) => Math.log(Math.max(v, floor)));
  const fit = fitLine(window.steps, logs);
  if (!fit) throw new Error('trailing log trend: window steps do not vary');
  const span = window.steps[window.steps.length - 1] - window.steps[0];
  const dof = window.steps.length - 2;
  const p = fit.slopeStdErr !== null && fit.slopeStdErr > 0 ? studentTTwoSided(fit.slope / fit.slopeStdErr, dof) : null;
  const significant = p === null ? fit.slope !== 0 : p < TREND_SIGNIFICANCE;
  return {
    slope: fit.slope,
    stdErr: fit.slopeStdErr,
    p,
    intercept: fit.intercept,
    window,
    logChange: fit.slope * span,
    significant,
  };
}

function trendVerdict(trend: Trend, threshold: number): CollapseVerdict {
  if (!trend.significant) return 'stable';
  if (trend.logChange <= -threshold) return 'collapsing';
  if (trend.logChange >= threshold) return 'rising';
  return 'stable';
}

function describeTrend(trend: Trend, verdict: CollapseVerdict, threshold: number): string {
  const w = trend.window;
  const where = `over the last ${w.steps.length} logged points (${fmtSteps(w.steps[0], w.steps[w.steps.length - 1])})`;
  const fitted = `ln H changed ${fmtSigned(trend.logChange)} ${where}`;
  if (verdict === 'stable' && !trend.significant) {
    return `${fitted}, no trend that differs from noise (slope p = ${fmt(trend.p)}, a trend needs p < 0.01)`;
  }
  if (verdict === 'stable') return `${fitted}, within the ±${fmt(threshold)} a trend needs`;
  return `${fitted}, beyond the ±${fmt(threshold)} a trend needs (slope p = ${fmt(trend.p)} < 0.01)`;
}

/** The sentence behind a collapsed verdict: the level, where it was crossed, and how it stayed. */
function describeCollapse(c: Crossing, start: number, level: number, fraction: number, final: number): string {
  const stays =
    c.pointsPast === c.pointsFrom
      ? `and at every one of the ${c.pointsFrom} logged points from there on`
      : `and at ${c.pointsPast} of the ${c.pointsFrom} logged points from there on`;
  return `entropy fell below ${fmtPercent(fraction)} of its first logged value ${fmt4(start)} (${fmt4(level)}) at ${describeCrossing(c)} ${stays}; final ${fmt4(final)} = ${fmtPercent(final / start)} of start`;
}

export function diagnoseCollapse(
  entropy: ResolvedSeries | null,
  options: DiagnosisOptions,
): Section<CollapseDiagnosis> {
  if (!entropy) return { status: 'unavailable', reason: 'no entropy series (looked for entropy, actor/entropy, ...)' };
  const { steps } = entropy.points;
  const n = steps.length;
  if (n < 3)
    return { status: 'unavailable', reason: `entropy has ${n} logged point(s) in "${entropy.key}"; need at least 3` };
  const summary = summarizePoints(entropy.points);
  const [start, final, peak] = [summary.start!, summary.final!, summary.peak!];
  if (!(start.value > 0)) {
    return {
      status: 'unavailable',
      reason: `the first logged entropy is ${fmt(start.value)}: nothing to collapse from`,
    };
  }
  const collapseLevel = levelOf(start.value, options.collapseFraction);
  const collapse = collapseCrossing(entropy.points, options.collapseFraction);
  const halfLife = halfLifeCrossing(entropy.points);
  const trend = trailingLogTrend(entropy.points, windowSize(n, options.window), start.value);
  const verdict: CollapseVerdict = collapse ? 'collapsed' : trendVerdict(trend, options.trendThreshold);
  const decidedBy = collapse
    ? describeCollapse(collapse, start.value, collapseLevel, options.collapseFraction, final.value)
    : `${describeTrend(trend, verdict, options.trendThreshold)}; never stayed below ${fmtPercent(options.collapseFraction)} of its first logged value ${fmt4(start.value)} (${fmt4(collapseLevel)})`;
  return {
    status: 'ok',
    key: entropy.key,
    verdict,
    decidedBy,
    start: start.value,
    startStep: start.step,
    final: final.value,
    finalStep: final.step,
    finalOverStart: final.value / start.value,
    peak,
    collapseFraction: options.collapseFraction,
    collapseLevel,
    collapseStep: collapse?.step ?? null,
    collapse,
    halfLifeStep: halfLife?.step ?? null,
    halfLife,
    ...trendFields(trend),
    trendThreshold: options.trendThreshold,
    stepsToCollapse: verdict === 'collapsing' ? stepsUntilLevel(trend, final.step, collapseLevel) : null,
    firstStep: steps[0],
    lastStep: steps[n - 1],
    points: n,
    logEvery: medianStepGap(entropy.points),
    entropy: entropy.points,
  };
}

function trendFields(trend: Trend) {
  const { steps } = trend.window;
  return {
    logSlope: trend.slope,
    logSlopeStdErr: trend.stdErr,
    logSlopeP: trend.p,
    windowLogChange: trend.logChange,
    windowFirstStep: steps[0],
    windowLastStep: steps[steps.length - 1],
    windowPoints: steps.length,
  };
}

/** Steps after `lastStep` until the fitted ln-entropy line reaches ln(level). */
function stepsUntilLevel(trend: Trend, lastStep: number, level: number): number | null {
  if (trend.slope >= 0) return null;
  const fittedNow = trend.intercept + trend.slope * lastStep;
  return Math.max(0, Math.round((Math.log(level) - fittedNow) / trend.slope));
}
