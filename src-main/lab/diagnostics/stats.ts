/** Descriptive statistics and least squares used by the diagnostics. Pure, no dependencies. */

export function sum(values: readonly number[]): number {
  let total = 0;
  for (const v of values) total += v;
  return total;
}

export function mean(values: readonly number[]): number {
  return values.length === 0 ? NaN : sum(values) / values.length;
}

/** Sample variance (n - 1 denominator); NaN for fewer than 2 values. */
export function sampleVariance(values: readonly number[]): number {
  const n = values.length;
  if (n < 2) return NaN;
  const m = mean(values);
  let ss = 0;
  for (const v of values) ss += (v - m) ** 2;
  return ss / (n - 1);
}

export function sampleStd(values: readonly number[]): number {
  return Math.sqrt(sampleVariance(values));
}

/** Pearson correlation; null when either side has no variation or there are fewer than 2 points. */
export function pearson(x: readonly number[], y: readonly number[]): number | null {
  const n = Math.min(x.length, y.length);
  if (n < 2) return null;
  const mx = mean(x.slice(0, n));
  const my = mean(y.slice(0, n));
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    sxy += (x[i] - mx) * (y[i] - my);
    sxx += (x[i] - mx) ** 2;
    syy += (y[i] - my) ** 2;
  }
  if (sxx === 0 || syy === 0) return null;
  return Math.max(-1, Math.min(1, sxy / Math.sqrt(sxx * syy)));
}

export interface LineFit {
  slope: number;
  intercept: number;
  /** Standard errors from the residual variance (null for n <= 2, where the residual has no dof). */
  slopeStdErr: number | null;
  interceptStdErr: number | null;
  /** 1 - SSres/SStot; null when y does not vary. */
  r2: number | null;
  n: number;
}

/** Ordinary least squares y = intercept + slope x. Returns null when x does not vary. */
export function fitLine(x: readonly number[], y: readonly number[]): LineFit | null {
  const n = Math.min(x.length, y.length);
  if (n < 2) return null;
  const mx = mean(x.slice(0, n));
  const my = mean(y.slice(0, n));
  let sxx = 0;
  let sxy = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    sxx += (x[i] - mx) ** 2;
    sxy += (x[i] - mx) * (y[i] - my);
    syy += (y[i] - my) ** 2;
  }
  // Relative test: exp(H) over a constant entropy can differ in the last bits only.
  if (sxx <= 1e-24 * Math.max(1, mx * mx) * n) return null;
  const slope = sxy / sxx;
  const intercept = my - slope * mx;
  let ssRes = 0;
  for (let i = 0; i < n; i++) ssRes += (y[i] - intercept - slope * x[i]) ** 2;
  const residualVar = n > 2 ? ssRes / (n - 2) : null;
  return {
    slope,
    intercept,
    slopeStdErr: residualVar === null ? null : Math.sqrt(residualVar / sxx),
    interceptStdErr: residualVar === null ? null : Math.sqrt(residualVar * (1 / n + (mx * mx) / sxx)),
    r2: syy === 0 ? null : Math.max(0, 1 - ssRes / syy),
    n,
  };
}

/** Least-squares slope of y on x through the origin; null when x is all zero. */
export function slopeThroughOrigin(x: readonly number[], y: readonly number[]): number | null {
  let sxy = 0;
  let sxx = 0;
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    sxy += x[i] * y[i];
    sxx += x[i] * x[i];
  }
  return sxx === 0 ? null : sxy / sxx;
}

/** The value, or null when it is not a finite number (JSON cannot carry NaN or Infinity). */
export function finiteOrNull(value: number | null | undefined): number | null {
  return value !== null && value !== undefined && Number.isFinite(value) ? value : null;
}
