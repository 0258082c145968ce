import { describe, expect, it } from 'vitest';
import { decimateMinMax, decimationIndices } from '../../../src-main/contract';
import { wiggle } from './fixtures';

const range = (n: number) => Array.from({ length: n }, (_, i) => i);

describe('decimateMinMax', () => {
  it('returns short series whole', () => {
    const x = range(40);
    const y = x.map((i) => wiggle(i, 2));
    expect(decimateMinMax(x, y, 10)).toEqual({ x, y, index: x });
  });

  it('keeps each bucket first, last, min and max in x order, at most 4 per bucket', () => {
    const n = 10_000;
    const buckets = 25;
    const x = range(n).map((i) => i * 3);
    const y = x.map((_, i) => wiggle(i, 5));
    y[4321] = 50; // a spike
    y[777] = -50; // a dip
    const { x: dx, y: dy, index } = decimateMinMax(x, y, buckets);

    expect(dx.length).toBeLessThanOrEqual(4 * buckets);
    expect(index).toEqual([...index].sort((a, b) => a - b));
    expect(new Set(index).size).toBe(index.length);
    expect(index[0]).toBe(0);
    expect(index[index.length - 1]).toBe(n - 1);
    expect(dy).toContain(50);
    expect(dy).toContain(-50);

    const width = (x[n - 1] - x[0]) / buckets;
    const bucketOf = (xi: number) => Math.min(buckets - 1, Math.floor((xi - x[0]) / width));
    for (let b = 0; b < buckets; b++) {
      const all = range(n).filter((i) => bucketOf(x[i]) === b);
      const kept = index.filter((i) => bucketOf(x[i]) === b);
      const ys = all.map((i) => y[i]);
      expect(kept.length).toBeLessThanOrEqual(4);
      expect(kept).toContain(all[0]);
      expect(kept).toContain(all[all.length - 1]);
      expect(Math.max(...kept.map((i) => y[i]))).toBe(Math.max(...ys));
      expect(Math.min(...kept.map((i) => y[i]))).toBe(Math.min(...ys));
    }
    expect(dx).toEqual(index.map((i) => x[i]));
  });

  it('keeps one gap point per bucket so lines still break there', () => {
    const x = range(1000);
    const y: (number | null)[] = x.map((i) => wiggle(i, 9));
    for (let i = 500; i < 520; i++) y[i] = null;
    y[900] = Number.NaN;
    const { y: dy, index } = decimateMinMax(x, y, 10);
    expect(index).toContain(500);
    expect(index).toContain(900);
    expect(dy[index.indexOf(900)]).toBeNull();
    expect(index.filter((i) => i >= 500 && i < 520)).toHaveLength(1);
  });

  it('rejects bad input with the field it concerns', () => {
    expect(() => decimationIndices([1, 2], [1], 3)).toThrow(/x has 2 points but y has 1/);
    expect(() => decimationIndices([1], [1], 0)).toThrow(/buckets/);
  });
});
