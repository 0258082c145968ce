/**
 * The figure worker's typed-array build (buildPackedFigureData) against the straightforward one: the
 * figure as lists (buildFigureData), then packed; the same for a smoothing change's arrays. Both must give the same arrays, bit for bit, on
 * every x axis, with a step range, gaps, ±Infinity, unknown times and a missing metric.
 */
import { describe, expect, it } from 'vitest';
import {
  buildFigureData,
  buildPackedFigureData,
  buildPackedSmoothed,
  buildSmoothedCurves,
  figureSpecSchema,
  packFigure,
  packSmoothed,
  type FigureInputLike,
  type FigureRunInput,
  type FigureSpecInput,
} from '../../../src-main/contract';
import { packSeries } from '../../../src-renderer/components/charts/figure-protocol';
import { twoGroups } from './fixtures';

/** twoGroups with holes: null and NaN values, ±Infinity, unknown and infinite times, a tokens gap. */
function roughRuns(): FigureRunInput[] {
  return twoGroups().map(({ run, series }) => ({
    run,
    series: series.map((s) => ({
      ...s,
      values: s.values.map((v, j) =>
        s.key === 'tokens'
          ? j >= 40 && j < 44 && run.id === 2
            ? null
            : v
          : j === 7
            ? null
            : j === 9
              ? Number.NaN
              : j === 11 && run.id === 1
                ? Number.POSITIVE_INFINITY
                : j === 13
                  ? Number.NEGATIVE_INFINITY
                  : v,
      ),
      // A clock set back at step 30 of run 4 (x not ascending there) and unknown times.
      times: s.times.map((t, j) =>
        j === 5 ? null : j === 6 ? Number.POSITIVE_INFINITY : run.id === 4 && j === 30 ? 1 : t,
      ),
    })),
  }));
}

function workerInputs(): FigureInputLike[] {
  return roughRuns().map(({ run, series }) => ({ run, series: series.map(packSeries) }));
}

const SPECS: FigureSpecInput[] = [
  { runs: [1, 2, 4], metrics: ['entropy', 'clip/high_frac'], smoothing: 0.6 },
  { runs: [1, 2, 3, 4, 5, 6], metrics: ['entropy'], layout: 'overlay', smoothing: 0.9 },
  { runs: [1, 3, 4], metrics: ['entropy', 'clip/high_frac'], xAxis: 'time', steps: { from: 20, to: 120 } },
  { runs: [2, 5], metrics: ['entropy'], xAxis: 'tokens', smoothing: 0.3, steps: { from: 10, to: null } },
  { runs: [1, 2], metrics: ['entropy', 'reward/mean'], smoothing: 0 },
  // Seed groups take the FigureData path; the answer is the same function of the spec.
  { runs: [1, 2, 3, 4, 5, 6], groupSeeds: true, metrics: ['entropy'], band: 'std' },
];

describe('buildPackedFigureData', () => {
  for (const input of SPECS) {
    for (const [name, inputs] of [
      ['arrays', roughRuns],
      ['Float64Arrays', workerInputs],
    ] as const) {
      it(`equals packFigure(buildFigureData) (${name}, ${JSON.stringify(input)})`, () => {
        const spec = figureSpecSchema.parse(input);
        const expected = packFigure(buildFigureData(spec, inputs()));
        const built = buildPackedFigureData(spec, inputs());
        expect(built).toEqual(expected);
        for (const [i, t] of built.traces.entries()) {
          for (const key of ['steps', 'x', 'raw', 'smoothed'] as const) {
            expect(Array.from(t[key], (v) => (Object.is(v, -0) ? 'neg0' : v))).toEqual(
              Array.from(expected.traces[i][key], (v) => (Object.is(v, -0) ? 'neg0' : v)),
            );
          }
        }
      });
    }
  }

  it('covers what it claims: crops, gaps, a unit divisor and an unsorted x', () => {
    const time = buildPackedFigureData(figureSpecSchema.parse(SPECS[2]), workerInputs());
    expect(time.x.divisor).toBe(60);
    expect(time.traces.some((t) => !t.sorted)).toBe(true);
    expect(time.traces[0].steps[0]).toBe(20);
    const tokens = buildPackedFigureData(figureSpecSchema.parse(SPECS[3]), workerInputs());
    expect(tokens.traces[0].steps.length).toBeLessThan(190);
    const step = buildPackedFigureData(figureSpecSchema.parse(SPECS[0]), workerInputs());
    expect(step.traces[0].raw[11]).toBe(Number.POSITIVE_INFINITY);
    expect(Number.isNaN(step.traces[0].smoothed[7])).toBe(true);
  });
});

describe('buildPackedSmoothed', () => {
  for (const input of SPECS) {
    it(`equals packSmoothed(buildSmoothedCurves) (${JSON.stringify(input)})`, () => {
      const spec = figureSpecSchema.parse({ ...input, smoothing: 0.75 });
      const expected = packSmoothed(buildSmoothedCurves(spec, workerInputs()));
      expect(buildPackedSmoothed(spec, workerInputs(), new Map())).toEqual(expected);
      expect(buildPackedSmoothed(spec, roughRuns())).toEqual(packSmoothed(buildSmoothedCurves(spec, roughRuns())));
    });
  }
});
