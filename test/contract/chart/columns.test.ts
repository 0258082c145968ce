/**
 * Per-pixel-column decimation (columns.ts): every column of the view keeps its lowest and highest
 * point, so the drawn line spans what the full line spans in each column; gaps still break the
 * line; points outside a zoomed view are kept only where the line enters or leaves it. The packed
 * figure (packed.ts) carries the same curves as FigureData, missing values as NaN.
 */
import { describe, expect, it } from 'vitest';
import {
  aggregateGroup,
  buildFigureData,
  columnIndices,
  figureSpecSchema,
  packedBuffers,
  packFigure,
  type Series,
} from '../../../src-main/contract';
import { syntheticRun, wiggle } from './fixtures';

const noisy = (n: number) => Float64Array.from({ length: n }, (_, i) => Math.sin(i / 300) + wiggle(i, 3));
const steps = (n: number) => Float64Array.from({ length: n }, (_, i) => i);

/** Per column of [xMin, xMax] split in `columns`: the min and max of y over `indices` (finite values). */
function columnSpans(
  x: Float64Array,
  y: Float64Array,
  indices: Iterable<number>,
  xMin: number,
  xMax: number,
  columns: number,
) {
  const spans = new Map<number, [number, number]>();
  for (const i of indices) {
    if (x[i] < xMin || x[i] > xMax || !Number.isFinite(y[i])) continue;
    const c = Math.min(columns - 1, Math.floor(((x[i] - xMin) * columns) / (xMax - xMin)));
    const [lo, hi] = spans.get(c) ?? [Infinity, -Infinity];
    spans.set(c, [Math.min(lo, y[i]), Math.max(hi, y[i])]);
  }
  return spans;
}

describe('columnIndices', () => {
  it('keeps at most two points per column, and each column spans what the full line spans', () => {
    const [x, y] = [steps(10_000), noisy(10_000)];
    const view = { xMin: 0, xMax: 9_999, columns: 800 };
    const kept = columnIndices(x, y, view);
    expect(kept.length).toBeLessThanOrEqual(2 * 800);
    expect(kept.length).toBeGreaterThan(800);
    for (let k = 1; k < kept.length; k++) expect(kept[k]).toBeGreaterThan(kept[k - 1]);
    const all = Array.from({ length: x.length }, (_, i) => i);
    expect(columnSpans(x, y, kept, 0, 9_999, 800)).toEqual(columnSpans(x, y, all, 0, 9_999, 800));
  });

  it('never loses a one-step spike, where random sampling would', () => {
    const [x, y] = [steps(10_000), noisy(10_000)];
    y[6_543] = 40;
    y[2_101] = -40;
    const kept = Array.from(columnIndices(x, y, { xMin: 0, xMax: 9_999, columns: 300 }));
    expect(kept).toContain(6_543);
    expect(kept).toContain(2_101);
  });

  it('breaks the line at gaps, drawing up to the pixel column on either side of each', () => {
    const [x, y] = [steps(1_000), noisy(1_000)];
    for (let i = 400; i < 420; i++) y[i] = Number.NaN;
    y[710] = Number.POSITIVE_INFINITY;
    const columns = 50; // 20 steps per column
    const kept = Array.from(columnIndices(x, y, { xMin: 0, xMax: 999, columns }));
    const column = (i: number) => Math.floor(i / 20);
    for (const [first, last] of [
      [400, 419],
      [710, 710],
    ]) {
      const at = kept.indexOf(first);
      expect(at).toBeGreaterThan(0);
      // The line pauses at the gap, and resumes in the column where the data does.
      expect(column(kept[at - 1])).toBe(column(first - 1));
      const after = kept.find((i) => i > last)!;
      expect(Number.isFinite(y[after])).toBe(true);
      expect(column(after)).toBe(column(last + 1));
      expect(kept.filter((i) => i > first && i <= last).every((i) => !Number.isFinite(y[i]))).toBe(true);
    }
  });

  it('keeps outside a zoomed view only the points where the line enters and leaves it', () => {
    const [x, y] = [steps(10_000), noisy(10_000)];
    const view = { xMin: 2_000, xMax: 3_000, columns: 500 };
    const kept = columnIndices(x, y, view);
    expect(kept[0]).toBe(1_999);
    expect(kept[kept.length - 1]).toBe(3_001);
    // 1,001 points on 500 columns: still min and max per column inside.
    const inside = Array.from({ length: 1_001 }, (_, i) => 2_000 + i);
    expect(columnSpans(x, y, kept, 2_000, 3_000, 500)).toEqual(columnSpans(x, y, inside, 2_000, 3_000, 500));
  });

  it('keeps every point when there are fewer points than columns', () => {
    const [x, y] = [steps(300), noisy(300)];
    expect(columnIndices(x, y, { xMin: 0, xMax: 299, columns: 1_200 })).toEqual(Uint32Array.from(steps(300)));
  });

  it('names what is wrong with a view or the arrays', () => {
    const [x, y] = [steps(10), noisy(10)];
    expect(() => columnIndices(x, y, { xMin: 0, xMax: 9, columns: 0 })).toThrow(
      /whole number of pixel columns >= 1, got 0/,
    );
    expect(() => columnIndices(x, y, { xMin: 5, xMax: 1, columns: 10 })).toThrow(
      /finite x range with xMin <= xMax, got 5\.\.1/,
    );
    expect(() => columnIndices(x, noisy(9), { xMin: 0, xMax: 9, columns: 10 })).toThrow(/x has 10 points but y has 9/);
  });
});

describe('packFigure', () => {
  it('holds the figure data as typed arrays: x in display units, missing values as NaN', () => {
    const spec = figureSpecSchema.parse({ runs: [1, 2], metrics: ['entropy'], smoothing: 0.6, xAxis: 'time' });
    const logged = syntheticRun(2);
    const gap = (s: Series): Series =>
      s.key === 'entropy' ? { ...s, values: s.values.map((v, i) => (i === 7 ? null : v)) } : s;
    const run = { ...logged, series: logged.series.map(gap) };
    const data = buildFigureData(spec, [syntheticRun(1), run]);
    const packed = packFigure(data);
    expect(packed.traces).toHaveLength(2);
    for (const [t, trace] of packed.traces.entries()) {
      const source = data.traces[t];
      expect(Array.from(trace.x)).toEqual(source.x.map((v) => (v === null ? Number.NaN : v / data.x.divisor)));
      expect(Array.from(trace.smoothed)).toEqual(source.smoothed.map((v) => v ?? Number.NaN));
      expect(trace.sorted).toBe(true);
    }
    expect(Number.isNaN(packed.traces[1].raw[7])).toBe(true);
    // Every array its own buffer, each transferred once.
    expect(packedBuffers(packed)).toHaveLength(2 * 4);
  });
});

describe('aggregateGroup on aligned seeds', () => {
  it('gives what the per-step map gives when the seeds share their steps', () => {
    const seed = (s: number) => ({
      steps: Array.from(steps(500)),
      values: Array.from(noisy(500), (v, i) => (i % 97 === s ? null : v + s)),
    });
    const seeds = [seed(0), seed(1), seed(2)];
    // A seed without points sends the aggregation down the map path; it adds no value anywhere.
    expect(aggregateGroup(seeds)).toEqual(aggregateGroup([...seeds, { steps: [], values: [] }]));
  });
});
