/**
 * Two-group comparison of a scalar over seeds: Welch's t-test (no equal-variance assumption, the
 * safe default when settings change the seed-to-seed spread) with Welch–Satterthwaite degrees of
 * freedom and a 95% confidence interval of the difference, by stdlib's two-sample t-test; Cohen's d
 * and Hedges' g on the pooled SD.
 */
import ttest2 from '@stdlib/stats-ttest2';
import { mean, sampleVariance } from './stats';
import { logGamma } from './student-t';

export interface WelchResult {
  difference: number;
  t: number;
  df: number;
  /** Two-sided. */
  p: number;
  ci95: [number, number];
}

/** Welch's t-test of mean(a) - mean(b); a string says why it cannot be computed. */
export function welchTTest(a: readonly number[], b: readonly number[]): WelchResult | string {
  if (a.length < 2 || b.length < 2) return `needs at least 2 values per group (have ${a.length} and ${b.length})`;
  if (sampleVariance(a) === 0 && sampleVariance(b) === 0) {
    return 'no variation within either group: the t statistic is undefined';
  }
  const test = ttest2([...a], [...b], { variance: 'unequal', alternative: 'two-sided', alpha: 0.05 });
  const difference = mean(a) - mean(b);
  const [low, high] = test.ci;
  return { difference, t: test.statistic, df: test.df, p: test.pValue, ci95: [low, high] };
}

/** Cohen's d on the pooled standard deviation; null when it is 0 or a group has < 2 values. */
export function cohensD(a: readonly number[], b: readonly number[]): number | null {
  const dof = a.length + b.length - 2;
  if (a.length < 2 || b.length < 2) return null;
  const pooled = Math.sqrt(((a.length - 1) * sampleVariance(a) + (b.length - 1) * sampleVariance(b)) / dof);
  return pooled === 0 ? null : (mean(a) - mean(b)) / pooled;
}

/**
 * Hedges' g: Cohen's d times the exact small-sample correction
 * J(m) = Γ(m/2) / (√(m/2) Γ((m-1)/2)), m = n_a + n_b - 2 (Hedges 1981).
 */
export function hedgesG(a: readonly number[], b: readonly number[]): number | null {
  const d = cohensD(a, b);
  if (d === null) return null;
  const m = a.length + b.length - 2;
  const correction = Math.exp(logGamma(m / 2) - 0.5 * Math.log(m / 2) - logGamma((m - 1) / 2));
  return d * correction;
}
