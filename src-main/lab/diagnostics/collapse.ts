/**
 * Entropy collapse (issue 5, item 1). "Start" and "final" are means of the first and last few points
 * (options.levelPoints, at most a quarter of the run each so they never overlap), so one noisy first
 * rollout does not move every threshold. The trend is a least-squares line through ln H over the
 * trailing window: a constant relative decay is a straight line there, and the fit averages out noise.
 * A trend counts only when the slope differs from zero at the 1% level and the fitted change across
 * the window reaches the trend threshold, so noise around a flat level reads "stable".
 */
import type { CollapseDiagnosis, CollapseVerdict, DiagnosisOptions, Points, Section } from '../../contract/diagnostics';
import { fmt, fmtPercent, fmtSigned, fmtSteps } from './format';
import type { ResolvedSeries } from './keys';
import { lastPoints } from './series';
import { fitLine, mean } from './stats';
import { studentTTwoSided } from './student-t';

/** Significance level a trailing slope must reach to count as a trend. */
export const TREND_SIGNIFICANCE = 0.01;

/** The trailing window in points: the option, or a quarter of the run (at least 20), never more than n. */
export function windowSize(n: number, window: number | null): number {
  return Math.min(n, window ?? Math.max(20, Math.round(n / 4)));
}

/** Points averaged into the start and final levels. */
export function levelCount(n: number, levelPoints: number): number {
  return Math.max(1, Math.min(levelPoints, Math.floor(n / 4)));
}

/** First index from which every later value is below `level`; -1 if the last value is not. */
function firstIndexStayingBelow(values: readonly number[], level: number): number {
  let i = values.length;
  while (i > 0 && values[i - 1] < level) i--;
  return i === values.length ? -1 : i;
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
  const where = `over the last ${w.steps.length} points (${fmtSteps(w.steps[0], w.steps[w.steps.length - 1])})`;
  const fitted = `ln H changed ${fmtSigned(trend.logChange)} ${where}, slope ${fmt(trend.slope)}/step ± ${fmt(trend.stdErr)} (p = ${fmt(trend.p)})`;
  if (verdict === 'stable' && !trend.significant) return `${fitted}: not different from zero at the 1% level`;
  if (verdict === 'stable') return `${fitted}: within the ±${fmt(threshold)} trend threshold`;
  return `${fitted}: beyond the ±${fmt(threshold)} trend threshold, p < 0.01`;
}

export function diagnoseCollapse(
  entropy: ResolvedSeries | null,
  options: DiagnosisOptions,
): Section<CollapseDiagnosis> {
  if (!entropy) return { status: 'unavailable', reason: 'no entropy series (looked for entropy, actor/entropy, ...)' };
  const { steps, values } = entropy.points;
  const n = steps.length;
  if (n < 3) return { status: 'unavailable', reason: `entropy has ${n} point(s) in "${entropy.key}"; need at least 3` };
  const k = levelCount(n, options.levelPoints);
  const start = mean(values.slice(0, k));
  const final = mean(values.slice(n - k));
  if (!(start > 0))
    return { status: 'unavailable', reason: `start entropy is ${fmt(start)}: nothing to collapse from` };
  const collapseLevel = options.collapseFraction * start;
  const collapseIndex = firstIndexStayingBelow(values, collapseLevel);
  const halfIndex = values.findIndex((v) => v <= start / 2);
  const trend = trailingLogTrend(entropy.points, windowSize(n, options.window), start);
  const verdict: CollapseVerdict = collapseIndex >= 0 ? 'collapsed' : trendVerdict(trend, options.trendThreshold);
  const lastStep = steps[n - 1];
  const level = `${fmtPercent(options.collapseFraction)} of its start ${fmt(start)} (${fmt(collapseLevel)})`;
  const decidedBy =
    verdict === 'collapsed'
      ? `entropy stayed below ${level} from step ${steps[collapseIndex]} to the last step ${lastStep}; final ${fmt(final)} = ${fmtPercent(final / start)} of start`
      : `${describeTrend(trend, verdict, options.trendThreshold)}; never stayed below ${level}`;
  return {
    status: 'ok',
    key: entropy.key,
    verdict,
    decidedBy,
    start,
    final,
    finalOverStart: final / start,
    collapseFraction: options.collapseFraction,
    collapseLevel,
    collapseStep: collapseIndex >= 0 ? steps[collapseIndex] : null,
    halfLifeStep: halfIndex >= 0 ? steps[halfIndex] : null,
    ...trendFields(trend),
    trendThreshold: options.trendThreshold,
    stepsToCollapse: verdict === 'collapsing' ? stepsUntilLevel(trend, lastStep, collapseLevel) : null,
    firstStep: steps[0],
    lastStep,
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
