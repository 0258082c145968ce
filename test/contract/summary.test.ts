/** The one definition of each summary number (contract/summary.ts), on sparse, irregular and noisy series. */
import { describe, expect, it } from 'vitest';
import {
  collapseCrossing,
  describeCrossing,
  finitePoints,
  halfLifeCrossing,
  isOffSetting,
  lastingDrop,
  lastingRise,
  meanAndStd,
  medianStepGap,
  pointsWithin,
  settingText,
  statOf,
  summarizePoints,
  summarizeSeries,
  summarizeWithin,
} from '../../src-main/contract';

const points = (pairs: [number, number][]) => ({ steps: pairs.map((p) => p[0]), values: pairs.map((p) => p[1]) });

describe('start, final, peak and min', () => {
  it('are the first, last, highest and lowest logged values that are numbers, by step', () => {
    // Unsorted, a repeated step (a resumed run: the later value wins), NaN stored as null.
    const s = summarizeSeries({ steps: [20, 10, 30, 30, 40, 50], values: [2, 3, 9, 1.5, 0.5, null] });
    expect(s).toEqual({
      n: 4,
      start: { step: 10, value: 3 },
      final: { step: 40, value: 0.5 },
      peak: { step: 10, value: 3 },
      min: { step: 40, value: 0.5 },
    });
    expect(summarizeSeries({ steps: [], values: [] })).toEqual({
      n: 0,
      start: null,
      final: null,
      peak: null,
      min: null,
    });
  });

  it('restrict to a step range before summarizing', () => {
    const p = finitePoints({ steps: [0, 1, 2, 3, 4], values: [2, 3, null, 1, 1.5] });
    expect(pointsWithin(p, 2, 3)).toEqual({ steps: [3], values: [1] });
    expect(pointsWithin(p, null, 1)).toEqual({ steps: [0, 1], values: [2, 3] });
  });

  it('aggregate over seeds as mean ± sample std; one run keeps its step', () => {
    expect(statOf([{ value: 1, step: 3 }, { value: 3, step: 5 }, null])).toEqual({
      mean: 2,
      std: Math.SQRT2,
      n: 2,
      step: null,
    });
    expect(statOf([{ value: 4, step: 7 }])).toEqual({ mean: 4, std: null, n: 1, step: 7 });
    expect(statOf([null])).toBeNull();
    expect(meanAndStd([1, 2, 3, 4])).toEqual({ mean: 2.5, std: Math.sqrt(5 / 3), n: 4 });
  });
});

describe('collapse step and half-life', () => {
  it('date a crossing at the first logged step past the level, with the logged step before it', () => {
    const sparse = points([
      [10, 1],
      [20, 0.6],
      [30, 0.4],
      [40, 0.08],
      [50, 0.05],
      [60, 0.04],
    ]);
    expect(collapseCrossing(sparse)).toEqual({ step: 40, value: 0.08, previousStep: 30, pointsFrom: 3, pointsPast: 3 });
    expect(halfLifeCrossing(sparse)).toMatchObject({ step: 30, previousStep: 20 });
    expect(describeCrossing(collapseCrossing(sparse))).toBe('step 40 (between steps 30 and 40)');
    expect(medianStepGap(sparse)).toBe(10);
  });

  it('keep a crossing through one point in five back above, but not through a recovery', () => {
    const noisyTail = points([0, 1, 2, 3, 4, 5, 6, 7, 8, 9].map((s) => [s, s < 2 ? 1 : s === 6 ? 0.2 : 0.05]));
    expect(collapseCrossing(noisyTail)?.step).toBe(2);
    const recovered = points([0, 1, 2, 3, 4, 5, 6, 7, 8, 9].map((s) => [s, s === 2 || s === 3 ? 0.05 : 1]));
    expect(collapseCrossing(recovered)).toBeNull();
  });

  it('need three points from the crossing on (half of a short run), so a last dip is not a collapse', () => {
    const lastDip = points([0, 1, 2, 3, 4, 5, 6, 7].map((s) => [s, s === 7 ? 0.01 : 1]));
    expect(collapseCrossing(lastDip)).toBeNull();
    expect(
      collapseCrossing(
        points([
          [0, 1],
          [1, 0.05],
          [2, 0.04],
        ]),
      )?.step,
    ).toBe(1);
    expect(
      collapseCrossing(
        points([
          [0, 1],
          [1, 1],
          [2, 0.04],
        ]),
      ),
    ).toBeNull();
  });

  it('need a positive start, and rise the same way for shares that climb', () => {
    expect(
      collapseCrossing(
        points([
          [0, 0],
          [1, 0],
        ]),
      ),
    ).toBeNull();
    expect(
      lastingRise(
        points([
          [0, 0.1],
          [5, 0.6],
          [10, 0.9],
          [15, 1],
        ]),
        0.5,
      )?.step,
    ).toBe(5);
    expect(
      lastingDrop(
        points([
          [0, 2],
          [1, 1],
          [2, 1],
        ]),
        1,
        true,
      )?.step,
    ).toBe(1);
  });
});

describe('one spelling of off', () => {
  it('reads eps_low = 1 and a null eps_high, dual clip or gradient clip as "off"; other nulls as what they mean', () => {
    expect(settingText('objective.clipLow', 1)).toBe('off');
    expect(settingText('objective.clipLow', 0.2)).toBe('0.2');
    expect(settingText('objective.clipHigh', null)).toBe('off');
    expect(settingText('objective.dualClip', null)).toBe('off');
    expect(settingText('optim.gradClip', null)).toBe('off');
    expect(settingText('policy.context', null)).toBe("task's need");
    expect(isOffSetting('clipHigh', null)).toBe(true);
    expect(isOffSetting('objective.clipLow', 1.5)).toBe(false);
  });
});

describe('summarizeWithin', () => {
  // Ties (peak and min reached twice: the first counts), gaps, ±Infinity, repeats and unsorted steps.
  const values = [3, null, 5, Number.NaN, 5, -1, Number.POSITIVE_INFINITY, -1, 2, Number.NEGATIVE_INFINITY, 4];
  const ascending = values.map((_, i) => 10 + 2 * i);
  const SERIES = [
    { steps: ascending, values },
    { steps: new Float64Array(ascending), values: new Float64Array(values.map((v) => v ?? Number.NaN)) },
    { steps: [0, 2, 1, 3, 3, 5, 4, 6, 8, 7, 9], values },
    { steps: [], values: [] },
  ];
  const RANGES: [number | null, number | null][] = [
    [null, null],
    [14, null],
    [null, 21],
    [15, 25],
    [100, 200],
  ];
  it('equals the summary of the points within the range', () => {
    for (const series of SERIES) {
      for (const [from, to] of RANGES) {
        const reference = summarizePoints(pointsWithin(finitePoints(series), from, to));
        expect(summarizeWithin(series, from, to)).toEqual(reference);
      }
    }
    expect(summarizeWithin(SERIES[0], null, null)).toEqual({
      n: 7,
      start: { step: 10, value: 3 },
      final: { step: 30, value: 4 },
      peak: { step: 14, value: 5 },
      min: { step: 20, value: -1 },
    });
  });
});
