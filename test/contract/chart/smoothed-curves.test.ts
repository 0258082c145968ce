/**
 * A smoothing change rebuilt from the smoothed arrays alone (the figure worker's fast path) equals
 * the whole figure built again; summaries kept across builds equal fresh ones; finitePoints' path
 * for ascending steps equals its general one.
 */
import { describe, expect, it } from 'vitest';
import {
  buildFigureData,
  buildSmoothedCurves,
  figureSpecSchema,
  finitePoints,
  packFigure,
  packSmoothed,
  withSmoothed,
  type FigureInputLike,
  type FigureSpecInput,
} from '../../../src-main/contract';
import { packSeries } from '../../../src-renderer/components/charts/figure-protocol';
import { twoGroups } from './fixtures';

/** The same runs as the worker holds them: Float64Arrays, NaN for a missing value. */
function packedInputs(): FigureInputLike[] {
  return twoGroups().map(({ run, series }) => ({
    run,
    series: series.map((s, i) =>
      packSeries(i === 0 ? { ...s, values: s.values.map((v, j) => (j === 7 ? null : v)) } : s),
    ),
  }));
}

const SPECS: FigureSpecInput[] = [
  { runs: [1, 2, 4], metrics: ['entropy', 'clip/high_frac'] },
  { runs: [1, 2, 3, 4, 5, 6], groupSeeds: true, metrics: ['entropy'], band: 'std' },
  { runs: [1, 2, 3, 4, 5, 6], groupSeeds: true, metrics: ['entropy', 'clip/high_frac'], band: 'minmax' },
  { runs: [1, 3], metrics: ['entropy'], xAxis: 'time', steps: { from: 20, to: 120 } },
];

describe('buildSmoothedCurves', () => {
  for (const input of SPECS) {
    for (const [name, inputs] of [
      ['arrays', twoGroups()],
      ['Float64Arrays', packedInputs()],
    ] as const) {
      it(`swapped into the figure of another smoothing equals the whole build (${name}, ${JSON.stringify(input)})`, () => {
        const before = figureSpecSchema.parse({ ...input, smoothing: 0.3 });
        const after = figureSpecSchema.parse({ ...input, smoothing: 0.9 });
        const swapped = withSmoothed(
          packFigure(buildFigureData(before, inputs)),
          after,
          packSmoothed(buildSmoothedCurves(after, inputs)),
        );
        const rebuilt = packFigure(buildFigureData(after, inputs));
        expect(swapped).toEqual(rebuilt);
        // The smoothing did change something: the test compares different curves.
        expect(swapped.traces[0].smoothed).not.toEqual(packFigure(buildFigureData(before, inputs)).traces[0].smoothed);
      });
    }
  }

  it('refuses curves that do not belong to the figure', () => {
    const spec = figureSpecSchema.parse(SPECS[0]);
    const figure = packFigure(buildFigureData(spec, twoGroups()));
    expect(() => withSmoothed(figure, spec, [])).toThrow(/0 smoothed curves for 6 traces/);
  });
});

describe('buildFigureData with a summary cache', () => {
  it('gives the same figure as without it, and reuses the summaries on the next build', () => {
    const cache = new Map();
    const inputs = packedInputs();
    const spec = figureSpecSchema.parse(SPECS[1]);
    const first = buildFigureData(spec, inputs, cache);
    expect(first).toEqual(buildFigureData(spec, inputs));
    const second = buildFigureData({ ...spec, smoothing: 0.95 }, inputs, cache);
    expect(second.traces[0].summary).toBe(first.traces[0].summary);
    // Another step range is another summary.
    const cropped = buildFigureData({ ...spec, steps: { from: 50, to: null } }, inputs, cache);
    expect(cropped.traces[0].summary).not.toEqual(first.traces[0].summary);
    expect(cropped.traces[0].summary).toEqual(
      buildFigureData({ ...spec, steps: { from: 50, to: null } }, inputs).traces[0].summary,
    );
  });
});

describe('finitePoints', () => {
  it('reads ascending steps as the general path reads the same points in another order', () => {
    const steps = [0, 1, 2, 5, 9, 10];
    const values = [1, null, Number.NaN, Number.POSITIVE_INFINITY, -2, 4];
    const shuffled = { steps: [9, 0, 10, 2, 1, 5], values: [-2, 1, 4, Number.NaN, null, Number.POSITIVE_INFINITY] };
    expect(finitePoints({ steps, values })).toEqual(finitePoints(shuffled));
    expect(finitePoints({ steps, values })).toEqual({ steps: [0, 9, 10], values: [1, -2, 4] });
    // A repeated step (a resumed run) still takes the later value.
    expect(finitePoints({ steps: [0, 1, 1, 2], values: [1, 2, 3, 4] })).toEqual({
      steps: [0, 1, 2],
      values: [1, 3, 4],
    });
  });
});
