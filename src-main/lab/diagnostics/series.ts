/** Cleaning and aligning stored series: every diagnostic works on finite points sorted by step. */
import type { Points } from '../../contract/summary';
import { finitePoints, pointsWithin } from '../../contract/summary';

/** Cleaning is the summary numbers' own (contract/summary.ts): one definition of a logged point. */
export { finitePoints };

/** Index of the last point at or before `step`, or -1. Binary search: steps are sorted. */
export function indexAtOrBefore(points: Points, step: number): number {
  let lo = 0;
  let hi = points.steps.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (points.steps[mid] <= step) {
      found = mid;
      lo = mid + 1;
    } else {
      hi = mid - 1;
    }
  }
  return found;
}

/** Points of `a` and `b` at the steps both logged. */
export function alignOnCommonSteps(a: Points, b: Points): { steps: number[]; a: number[]; b: number[] } {
  const bByStep = new Map(b.steps.map((s, i) => [s, b.values[i]]));
  const out = { steps: [] as number[], a: [] as number[], b: [] as number[] };
  a.steps.forEach((s, i) => {
    const vb = bByStep.get(s);
    if (vb === undefined) return;
    out.steps.push(s);
    out.a.push(a.values[i]);
    out.b.push(vb);
  });
  return out;
}

/** Points with first <= step <= last. */
export function pointsBetween(points: Points, first: number, last: number): Points {
  return pointsWithin(points, first, last);
}

/** The last `n` points (all of them when there are fewer). */
export function lastPoints(points: Points, n: number): Points {
  const from = Math.max(0, points.steps.length - n);
  return { steps: points.steps.slice(from), values: points.values.slice(from) };
}

export function cumulativeSum(values: readonly number[]): number[] {
  let total = 0;
  return values.map((v) => (total += v));
}
