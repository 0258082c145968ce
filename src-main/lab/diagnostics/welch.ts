/**
 * Two-group comparison of a scalar over seeds: Welch's t-test (no equal-variance assumption, the
 * safe default when settings change the seed-to-seed spread) with Welch–Satterthwaite degrees of
 * freedom, a 95% confidence interval of the difference, and Cohen's d / Hedges' g on the pooled SD.
 */
import { mean, sampleVariance } from './stats';
import { logGamma, studentTQuantile, studentTTwoSided } from './student-t';

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
  const va = sampleVariance(a) / a.length;
  const vb = sampleVariance(b) / b.length;
  const difference = mean(a) - mean(b);
  const se2 = va + vb;
  if (se2 === 0) return 'no variation within either group: the t statistic is undefined';
  const t = difference / Math.sqrt(se2);
  const df = (se2 * se2) / ((va * va) / (a.length - 1) + (vb * vb) / (b.length - 1));
  const half = studentTQuantile(0.975, df) * Math.sqrt(se2);
  return { difference, t, df, p: studentTTwoSided(t, df), ci95: [difference - half, difference + half] };
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
