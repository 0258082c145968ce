/**
 * The column layer of dense screen charts (column-raster.ts) against straightforward reference
 * computations: a polyline's extent per pixel column by dense sampling, a span's blend pixel by
 * pixel, dashes laid along the line, and the figure builder's sharing of unchanged arrays.
 */
import { describe, expect, it } from 'vitest';
import { columnSpans, emptySpans, SpanLayer, type Rgba } from '../../../src-renderer/components/charts/column-raster';
import { sharingArrays } from '../../../src-renderer/components/charts/figure-builder';
import { spanDrawable } from '../../../src-renderer/components/charts/figure-layer';
import type { PackedFigure } from '../../../src-main/contract';

/** A deterministic polyline over [0, columns) with x ascending, a gap (NaN y) and a steep stretch. */
function polyline(columns: number): Float64Array {
  const xs: number[] = [];
  for (let x = -3.3; x < columns + 3; x += 0.37) xs.push(x);
  const xy = new Float64Array(2 * xs.length);
  xs.forEach((x, k) => {
    xy[2 * k] = x;
    xy[2 * k + 1] = k === 20 ? Number.NaN : 30 + 20 * Math.sin(k * 1.7) + (k % 7 === 0 ? 15 : 0);
  });
  return xy;
}

/** Per column, min and max y of the polyline sampled densely (the reference for columnSpans). */
function sampledSpans(xy: Float64Array, columns: number) {
  const lo = new Array<number>(columns).fill(Infinity);
  const hi = new Array<number>(columns).fill(-Infinity);
  for (let k = 0; k + 1 < xy.length / 2; k++) {
    const [x0, y0, x1, y1] = [xy[2 * k], xy[2 * k + 1], xy[2 * k + 2], xy[2 * k + 3]];
    if (Number.isNaN(y0) || Number.isNaN(y1)) continue;
    for (let s = 0; s <= 1000; s++) {
      const x = x0 + ((x1 - x0) * s) / 1000;
      const y = y0 + ((y1 - y0) * s) / 1000;
      const c = Math.floor(x);
      if (c < 0 || c >= columns) continue;
      lo[c] = Math.min(lo[c], y);
      hi[c] = Math.max(hi[c], y);
    }
  }
  return { lo, hi };
}

describe('columnSpans', () => {
  it('gives each pixel column the extent of the line in it, broken at NaN', () => {
    const columns = 40;
    const xy = polyline(columns);
    const spans = columnSpans(xy, xy.length / 2, emptySpans(columns));
    const reference = sampledSpans(xy, columns);
    for (let c = 0; c < columns; c++) {
      if (reference.lo[c] === Infinity) {
        expect(spans.hi[c]).toBeLessThan(spans.lo[c]);
        continue;
      }
      // Sampling misses at most one sample step of a segment's slope.
      expect(spans.lo[c]).toBeCloseTo(reference.lo[c], 1);
      expect(spans.hi[c]).toBeCloseTo(reference.hi[c], 1);
      expect(spans.lo[c]).toBeLessThanOrEqual(reference.lo[c] + 1e-9);
      expect(spans.hi[c]).toBeGreaterThanOrEqual(reference.hi[c] - 1e-9);
    }
  });
});

/** Source-over of straight colour `c` at coverage `alpha` on premultiplied `dst` (the reference blend). */
function over(dst: number[], c: Rgba, alpha: number): number[] {
  const a = c.a * alpha;
  return [
    dst[0] * (1 - a) + (c.r / 255) * a,
    dst[1] * (1 - a) + (c.g / 255) * a,
    dst[2] * (1 - a) + (c.b / 255) * a,
    dst[3] * (1 - a) + a,
  ];
}

/** Covered share of row `row` by [from, to). */
const overlap = (row: number, from: number, to: number) => Math.max(0, Math.min(row + 1, to) - Math.max(row, from));

describe('SpanLayer', () => {
  const [width, height] = [40, 80];
  const clip = { left: 0, top: 0, right: width, bottom: height };
  const red: Rgba = { r: 255, g: 0, b: 0, a: 0.25 };
  const blue: Rgba = { r: 0, g: 0, b: 255, a: 1 };

  it('blends each line over what is under it, pixel by pixel as the reference does', () => {
    const layer = new SpanLayer(width, height);
    const xy = polyline(width);
    const flat = new Float64Array([0, 50.3, width, 50.3]);
    layer.line(xy, xy.length / 2, red, 1, clip);
    layer.line(flat, 2, blue, 1, clip);
    const spans = columnSpans(xy, xy.length / 2, emptySpans(width));
    for (let c = 0; c < width; c++) {
      for (let row = 0; row < height; row++) {
        let expected = [0, 0, 0, 0];
        if (spans.lo[c] <= spans.hi[c])
          expected = over(expected, red, overlap(row, spans.lo[c] - 0.5, spans.hi[c] + 0.5));
        expected = over(expected, blue, overlap(row, 49.8, 50.8));
        const got = layer.pixel(c, row);
        // Each blend rounds down to 8 bits (the canvas rounds too): two blends stay within 3/255.
        for (let ch = 0; ch < 4; ch++) expect(Math.abs(got[ch] - expected[ch])).toBeLessThanOrEqual(3 / 255);
      }
    }
  });

  it('draws a line thinner than a pixel as a hairline at that share of its alpha, inside the clip', () => {
    const layer = new SpanLayer(width, height);
    layer.line(new Float64Array([0, 10.5, width, 10.5]), 2, blue, 0.5, { ...clip, left: 5, right: 10 });
    expect(layer.pixel(6, 10)[3]).toBeCloseTo(0.5, 2);
    expect(layer.pixel(4, 10)[3]).toBe(0);
    expect(layer.pixel(10, 10)[3]).toBe(0);
    expect(layer.pixel(6, 9)[3]).toBe(0);
  });

  it('lays a dash pattern along the line: a horizontal line with [4, 4] is on 4 columns, off 4', () => {
    const layer = new SpanLayer(width, height);
    layer.line(new Float64Array([0, 10.5, width, 10.5]), 2, blue, 1, clip, [4, 4]);
    const on = Array.from({ length: 16 }, (_v, c) => (layer.pixel(c, 10)[3] > 0 ? 1 : 0));
    expect(on).toEqual([1, 1, 1, 1, 0, 0, 0, 0, 1, 1, 1, 1, 0, 0, 0, 0]);
  });

  it('fills a band from the top of its upper edge to the bottom of its lower edge per column', () => {
    const layer = new SpanLayer(width, height);
    const upper = new Float64Array([0, 20, width, 20]);
    const lower = new Float64Array([0, 30, width, 30]);
    layer.band(upper, lower, 2, red, clip);
    expect(layer.pixel(3, 19)[3]).toBe(0);
    expect(layer.pixel(3, 20)[3]).toBeCloseTo(0.25, 2);
    expect(layer.pixel(3, 29)[3]).toBeCloseTo(0.25, 2);
    expect(layer.pixel(3, 30)[3]).toBe(0);
  });

  it('restores a snapshot and turns premultiplied bytes into straight RGBA bytes', () => {
    const layer = new SpanLayer(width, height);
    layer.line(new Float64Array([0, 10.5, width, 10.5]), 2, red, 1, clip);
    const saved = layer.snapshot();
    layer.line(new Float64Array([0, 10.5, width, 10.5]), 2, blue, 1, clip);
    layer.restore(saved);
    const bytes = layer.toRgba(new Uint8ClampedArray(width * height * 4));
    const o = (10 * width + 3) * 4;
    expect(Array.from(bytes.subarray(o, o + 4))).toEqual([255, 0, 0, 63]);
    expect(bytes[3]).toBe(0);
  });
});

describe('spanDrawable', () => {
  it('takes lines of at most a device pixel or a whole number of them, not fractional widths', () => {
    expect(spanDrawable(1, 1)).toBe(true);
    expect(spanDrawable(2 / 3, 1)).toBe(true);
    expect(spanDrawable(1, 2)).toBe(true);
    expect(spanDrawable(1.5, 1)).toBe(false);
    expect(spanDrawable(1.5, 2)).toBe(true);
    expect(spanDrawable(0, 1)).toBe(false);
  });
});

describe('sharingArrays', () => {
  const trace = (raw: number[], smoothed: number[]) => ({
    id: 'run:1',
    metric: 'entropy',
    steps: new Float64Array([0, 1, 2]),
    x: new Float64Array([0, 1, 2]),
    raw: new Float64Array(raw),
    smoothed: new Float64Array(smoothed),
  });
  const figureOf = (t: ReturnType<typeof trace>) => ({ traces: [t] }) as unknown as PackedFigure;

  it('keeps the previous arrays where the values are the same (NaN included), the new ones elsewhere', () => {
    const previous = figureOf(trace([1, Number.NaN, 3], [1, 1.5, 2]));
    const next = figureOf(trace([1, Number.NaN, 3], [1, 1.2, 1.8]));
    const shared = sharingArrays(next, previous).traces[0];
    expect(shared.raw).toBe(previous.traces[0].raw);
    expect(shared.x).toBe(previous.traces[0].x);
    expect(shared.smoothed).toBe(next.traces[0].smoothed);
    const changed = sharingArrays(figureOf(trace([1, 2, 3], [1, 1, 1])), previous).traces[0];
    expect(changed.raw).not.toBe(previous.traces[0].raw);
    expect(Array.from(changed.raw)).toEqual([1, 2, 3]);
  });
});
