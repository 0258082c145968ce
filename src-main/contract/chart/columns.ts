/**
 * Decimation to what the pixels can show: the lowest and highest point of every pixel column of the
 * visible x range (issue 20). A line through a column's min and max covers every pixel that the line
 * through all its points covers, so the drawing is the same while a 10,000-step curve on an 800 px
 * plot draws at most ~1,600 points; a spike is always a column's min or max, so it is never lost
 * (unlike random or reservoir sampling: W&B #5866, TensorBoard #6796). The columns follow the visible
 * range, so zooming in decimates again and detail appears.
 *
 * Smoothing runs on the full series before this (smoothing.ts); decimation only picks points.
 * The screen charts use this; exported figures keep decimate.ts (4 points per bucket of a point).
 */

/** The x range drawn and how many pixel columns it spans. */
export interface ColumnView {
  xMin: number;
  xMax: number;
  /** Pixel columns across [xMin, xMax] (the plot's width in device pixels). */
  columns: number;
}

/** Where a point sits relative to the view: left of it, in it, right of it. */
const LEFT = -1;
const RIGHT = -2;

/**
 * Indices (ascending) of the points to draw for `view`, given x (any order, normally ascending) and y
 * (non-finite = a gap). Kept per pixel column: the lowest and the highest finite point; where the
 * column holds a gap, its first gap point and the finite points either side of each gap, so lines
 * break where the data does. Points outside the range are kept where a run of them on one side
 * begins or ends next to a point elsewhere, so lines enter and leave the plot at the right slope.
 * `into` is a buffer to write the indices to (at least x.length long); the result views it.
 */
export function columnIndices(
  x: ArrayLike<number>,
  y: ArrayLike<number>,
  view: ColumnView,
  into?: Uint32Array,
): Uint32Array {
  const n = x.length;
  if (y.length !== n) throw new RangeError(`decimation: x has ${n} points but y has ${y.length}`);
  checkView(view);
  const out = into && into.length >= n ? into : new Uint32Array(n);
  const scale = view.xMax > view.xMin ? view.columns / (view.xMax - view.xMin) : 0;
  const columnOf = (i: number): number => {
    const xi = x[i];
    if (!(xi >= view.xMin)) return xi > view.xMax ? RIGHT : LEFT; // NaN x counts as left: never drawn inside
    if (xi > view.xMax) return RIGHT;
    return Math.min(view.columns - 1, Math.floor((xi - view.xMin) * scale));
  };
  let count = 0;
  const keep = (i: number) => {
    if (count === 0 || out[count - 1] < i) out[count++] = i;
  };
  let i = 0;
  let previous = Number.NaN; // column (or side) of point i - 1
  while (i < n) {
    const column = columnOf(i);
    if (column < 0) {
      // Outside: kept only at the ends of a run on one side.
      const next = i + 1 < n ? columnOf(i + 1) : column;
      if (previous !== column && i > 0) keep(i);
      else if (next !== column) keep(i);
      previous = column;
      i++;
      continue;
    }
    // One pass over the column's points: its lowest and highest finite y, and whether it has a gap.
    let end = i;
    let lo = -1;
    let hi = -1;
    let low = Number.POSITIVE_INFINITY;
    let high = Number.NEGATIVE_INFINITY;
    let gaps = false;
    do {
      const v = y[end];
      if (!Number.isFinite(v)) gaps = true;
      else {
        if (v < low) {
          lo = end;
          low = v;
        }
        if (v > high) {
          hi = end;
          high = v;
        }
      }
      end++;
    } while (end < n && columnOf(end) === column);
    count = gaps ? keepColumn(y, i, end, out, count) : keepMinMax(lo, hi, out, count);
    previous = column;
    i = end;
  }
  return out.subarray(0, count);
}

/** Appends, in ascending order, the kept indices of the column [start, end); returns the new count. */
function keepColumn(y: ArrayLike<number>, start: number, end: number, out: Uint32Array, count: number): number {
  let lo = -1;
  let hi = -1;
  let gaps = false;
  for (let i = start; i < end; i++) {
    const v = y[i];
    if (!Number.isFinite(v)) gaps = true;
    else {
      if (lo < 0 || v < y[lo]) lo = i;
      if (hi < 0 || v > y[hi]) hi = i;
    }
  }
  if (!gaps) return keepMinMax(lo, hi, out, count);
  const kept = [...gapIndices(y, start, end), ...(lo >= 0 ? [lo, hi] : [])].sort((a, b) => a - b);
  for (const i of kept) if (count === 0 || out[count - 1] < i) out[count++] = i;
  return count;
}

/** Appends a gap-free column's min and max in x order, no array made (this runs for every column of every line). */
function keepMinMax(lo: number, hi: number, out: Uint32Array, count: number): number {
  const a = Math.min(lo, hi);
  const b = Math.max(lo, hi);
  if (count === 0 || out[count - 1] < a) out[count++] = a;
  if (b !== a) out[count++] = b;
  return count;
}

/** A column's first gap point and the finite points either side of each of its gaps (the ends of line pieces). */
function gapIndices(y: ArrayLike<number>, start: number, end: number): number[] {
  const kept: number[] = [];
  let first = true;
  for (let i = start; i < end; i++) {
    if (Number.isFinite(y[i])) continue;
    if (first) kept.push(i);
    first = false;
    if (i > start && Number.isFinite(y[i - 1])) kept.push(i - 1);
    if (i + 1 < end && Number.isFinite(y[i + 1])) kept.push(i + 1);
  }
  return kept;
}

function checkView(view: ColumnView): void {
  if (!Number.isInteger(view.columns) || view.columns < 1) {
    throw new RangeError(`decimation: expected a whole number of pixel columns >= 1, got ${view.columns}`);
  }
  if (!Number.isFinite(view.xMin) || !Number.isFinite(view.xMax) || view.xMax < view.xMin) {
    throw new RangeError(`decimation: expected a finite x range with xMin <= xMax, got ${view.xMin}..${view.xMax}`);
  }
}
