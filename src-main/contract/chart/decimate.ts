/**
 * Min/max decimation: many points in, a few per x bucket out, spikes kept.
 *
 * Random or reservoir sampling drops exactly the spikes a researcher looks for (W&B #5866,
 * TensorBoard #6796). Here the x range is cut into equal-width buckets and each bucket keeps its first,
 * last, lowest and highest finite point, in x order, so the drawn envelope is the true one at the
 * bucket resolution. Decimation runs after smoothing (contract/chart/smoothing.ts).
 */

export interface Decimated {
  x: number[];
  y: (number | null)[];
  /** Index in the input of every kept point, ascending. */
  index: number[];
}

/**
 * Indices kept by min/max decimation of points sorted by x (non-decreasing).
 * Per bucket: at most 4 finite points (first, last, min, max) plus, if the bucket holds a gap
 * (y null or NaN), its first gap point so lines still break there. Input with at most 4 points per
 * bucket on average is returned whole.
 */
export function decimationIndices(x: readonly number[], y: readonly (number | null)[], buckets: number): number[] {
  if (x.length !== y.length) throw new RangeError(`decimation: x has ${x.length} points but y has ${y.length}`);
  if (!Number.isInteger(buckets) || buckets < 1) {
    throw new RangeError(`decimation: expected a whole number of buckets >= 1, got ${buckets}`);
  }
  const n = x.length;
  if (n <= 4 * buckets) return Array.from({ length: n }, (_, i) => i);
  const x0 = x[0];
  const scale = x[n - 1] > x0 ? buckets / (x[n - 1] - x0) : 0;
  const kept: number[] = [];
  let start = 0;
  while (start < n) {
    const b = Math.min(buckets - 1, Math.floor((x[start] - x0) * scale));
    let end = start + 1;
    while (end < n && Math.min(buckets - 1, Math.floor((x[end] - x0) * scale)) === b) end++;
    keepBucket(y, start, end, kept);
    start = end;
  }
  return kept;
}

/** Appends the kept indices of the bucket [start, end) in ascending order. */
function keepBucket(y: readonly (number | null)[], start: number, end: number, kept: number[]): void {
  let first = -1;
  let last = -1;
  let lo = -1;
  let hi = -1;
  let gap = -1;
  for (let i = start; i < end; i++) {
    const v = y[i];
    if (v === null || !Number.isFinite(v)) {
      if (gap < 0) gap = i;
      continue;
    }
    if (first < 0) first = i;
    last = i;
    if (lo < 0 || v < (y[lo] as number)) lo = i;
    if (hi < 0 || v > (y[hi] as number)) hi = i;
  }
  const picked = [first, last, lo, hi, gap].filter((i) => i >= 0).sort((a, b) => a - b);
  for (let k = 0; k < picked.length; k++) if (k === 0 || picked[k] !== picked[k - 1]) kept.push(picked[k]);
}

/** `decimateMinMax(x, y, buckets)`: the kept points themselves. */
export function decimateMinMax(x: readonly number[], y: readonly (number | null)[], buckets: number): Decimated {
  const index = decimationIndices(x, y, buckets);
  return { x: index.map((i) => x[i]), y: index.map((i) => (Number.isFinite(y[i]) ? y[i] : null)), index };
}
