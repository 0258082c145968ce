/**
 * Student's t distribution for Welch's test on seed groups (issue 5) and the collapse-slope test,
 * from stdlib's implementations (Boost-derived incomplete beta and its inverse) rather than our own.
 * These wrappers only add the argument checks and the two-sided tail the diagnostics use; the tests
 * pin them against closed forms (1 and 2 degrees of freedom) and scipy's values.
 */
import betainc from '@stdlib/math-base-special-betainc';
import gammaln from '@stdlib/math-base-special-gammaln';
import tCdf from '@stdlib/stats-base-dists-t-cdf';
import tQuantile from '@stdlib/stats-base-dists-t-quantile';

/** ln Γ(x) for x > 0. */
export function logGamma(x: number): number {
  if (!(x > 0)) throw new RangeError(`logGamma: expected x > 0, got ${x}`);
  return gammaln(x);
}

/** The regularized incomplete beta function I_x(a, b) for 0 <= x <= 1, a, b > 0. */
export function regularizedIncompleteBeta(x: number, a: number, b: number): number {
  if (!(a > 0 && b > 0)) throw new RangeError(`incomplete beta: expected a, b > 0, got a=${a}, b=${b}`);
  if (!(x >= 0 && x <= 1)) throw new RangeError(`incomplete beta: expected 0 <= x <= 1, got ${x}`);
  return betainc(x, a, b, true, false);
}

function checkDf(df: number): void {
  if (!(df > 0)) throw new RangeError(`Student t: expected df > 0, got ${df}`);
}

/** P(|T| >= |t|) for T ~ Student-t with df degrees of freedom. */
export function studentTTwoSided(t: number, df: number): number {
  checkDf(df);
  if (!Number.isFinite(t)) return 0;
  // Twice the lower tail: exact in the far tail, where 1 - cdf(|t|) would cancel to 0.
  return Math.min(1, 2 * tCdf(-Math.abs(t), df));
}

/** P(T <= t) for T ~ Student-t with df degrees of freedom. */
export function studentTCdf(t: number, df: number): number {
  checkDf(df);
  return tCdf(t, df);
}

/** The t with P(T <= t) = p. */
export function studentTQuantile(p: number, df: number): number {
  if (!(p > 0 && p < 1)) throw new RangeError(`Student t quantile: expected 0 < p < 1, got ${p}`);
  checkDf(df);
  return tQuantile(p, df);
}
