import { describe, expect, it } from 'vitest';
import { aggregateGroup } from '../../../src-main/contract';

describe('aggregateGroup', () => {
  it('aligns ragged seeds on the union of steps without interpolating', () => {
    const agg = aggregateGroup([
      { steps: [0, 1, 2], values: [1, 2, 3] },
      { steps: [0, 1, 2, 3], values: [3, 4, null, 5] },
      { steps: [1, 3], values: [6, 7] },
    ]);
    expect(agg.steps).toEqual([0, 1, 2, 3]);
    expect(agg.n).toEqual([2, 3, 1, 2]);
    expect(agg.mean).toEqual([2, 4, 3, 6]);
    expect(agg.std[0]).toBeCloseTo(Math.SQRT2, 14);
    expect(agg.std[1]).toBeCloseTo(2, 14);
    expect(agg.std[2]).toBeNull();
    expect(agg.std[3]).toBeCloseTo(Math.SQRT2, 14);
    expect(agg.sem[0]).toBeCloseTo(1, 14);
    expect(agg.sem[1]).toBeCloseTo(2 / Math.sqrt(3), 14);
    expect(agg.sem[2]).toBeNull();
    expect(agg.min).toEqual([1, 2, 3, 5]);
    expect(agg.max).toEqual([3, 6, 3, 7]);
  });

  it('reports n = 0 and nulls where no seed has a finite value', () => {
    const agg = aggregateGroup([
      { steps: [0, 4], values: [1, Number.NaN] },
      { steps: [4], values: [null] },
    ]);
    expect(agg.steps).toEqual([0, 4]);
    expect(agg.n).toEqual([1, 0]);
    expect(agg.mean).toEqual([1, null]);
    expect(agg.min).toEqual([1, null]);
  });

  it('keeps precision for large values (two-pass variance)', () => {
    const agg = aggregateGroup([1e9 + 1, 1e9 + 2, 1e9 + 3].map((v) => ({ steps: [0], values: [v] })));
    expect(agg.std[0]).toBeCloseTo(1, 9);
  });

  it('rejects a seed whose steps and values differ in length', () => {
    expect(() => aggregateGroup([{ steps: [0, 1], values: [1] }])).toThrow(/seed 0/);
  });
});
