import { describe, expect, it } from 'vitest';
import { buildChartConfig, buildFigureData, figureSpecSchema, smoothEma } from '../../../src-main/contract';
import { syntheticRun, wiggle } from './fixtures';

describe('smoothEma (debiased EMA)', () => {
  it('matches the debiased EMA worked out by hand', () => {
    // w = 0.5: m1 = 0.5, b1 = 0.5 -> 1; m2 = 1.25, b2 = 0.75 -> 5/3; m3 = 2.125, b3 = 0.875 -> 17/7
    const s = smoothEma([1, 2, 3], 0.5);
    expect(s[0]).toBe(1);
    expect(s[1]).toBeCloseTo(5 / 3, 14);
    expect(s[2]).toBeCloseTo(17 / 7, 14);
  });

  it('starts at the first value instead of being pulled towards zero (TensorBoard #610)', () => {
    const s = smoothEma([10, 10, 10, 0], 0.9);
    expect(s.slice(0, 3)).toEqual([10, 10, 10]);
    // m4 = 0.9 * m3 = 0.9 * 10 * (1 - 0.9^3); b4 = 1 - 0.9^4
    expect(s[3]).toBeCloseTo((0.9 * 10 * (1 - 0.9 ** 3)) / (1 - 0.9 ** 4), 12);
  });

  it('leaves a constant series exactly unchanged', () => {
    for (const w of [0, 0.3, 0.6, 0.9, 0.999]) {
      const values = Array.from({ length: 2000 }, () => 0.1);
      expect(smoothEma(values, w)).toEqual(values);
    }
  });

  it('is the identity at weight 0', () => {
    const values = Array.from({ length: 50 }, (_, i) => wiggle(i, 1));
    expect(smoothEma(values, 0)).toEqual(values);
  });

  it('keeps null and NaN as gaps that do not move the average', () => {
    const s = smoothEma([1, null, Number.NaN, 3], 0.5);
    expect(s[1]).toBeNull();
    expect(s[2]).toBeNull();
    // the second finite point is k = 2: m2 = 0.5 * 0.5 + 0.5 * 3 = 1.75, b2 = 0.75
    expect(s[3]).toBeCloseTo(1.75 / 0.75, 14);
  });

  it('rejects weights outside [0, 0.999]', () => {
    for (const w of [-0.1, 1, 0.9995, Number.NaN]) expect(() => smoothEma([1], w)).toThrow(/smoothing/);
  });

  it('runs before decimation: the chart draws the full-resolution smoothing at the kept points', () => {
    const input = syntheticRun(1, { steps: 5000, metrics: ['entropy'] });
    const spec = figureSpecSchema.parse({ runs: [1], metrics: ['entropy'], smoothing: 0.95, showRaw: false });
    const data = buildFigureData(spec, [input]);
    const config = buildChartConfig(spec, data, { target: 'screen', buckets: 50 });
    const drawn = config.data.datasets[0].data;
    expect(drawn.length).toBeLessThanOrEqual(200);

    const fullSmoothed = smoothEma(input.series[0].values, 0.95);
    for (const p of drawn) expect(p.y).toBe(fullSmoothed[p.x]);

    // Smoothing the decimated points instead gives a different curve: that is what we avoid.
    const smoothedAfter = smoothEma(
      drawn.map((p) => input.series[0].values[p.x]),
      0.95,
    );
    const differences = drawn.filter((p, i) => Math.abs(p.y - (smoothedAfter[i] as number)) > 1e-3);
    expect(differences.length).toBeGreaterThan(drawn.length / 2);
  });
});
