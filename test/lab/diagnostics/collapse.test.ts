import { describe, expect, it } from 'vitest';
import { diagnosisOptionsSchema, type CollapseDiagnosis } from '../../../src-main/contract/diagnostics';
import { diagnoseCollapse, windowSize } from '../../../src-main/lab/diagnostics/collapse';
import { resolveQuantity } from '../../../src-main/lab/diagnostics/keys';
import { gaussian, seriesOf, stepsFrom } from './synthetic';

const defaults = diagnosisOptionsSchema.parse({});

function collapseOf(values: (step: number) => number | null, steps = stepsFrom(0, 200), options = defaults) {
  const entropy = resolveQuantity({ entropy: seriesOf(steps, values) }, 'entropy');
  const result = diagnoseCollapse(entropy, options);
  if (result.status !== 'ok') throw new Error(`expected a diagnosis, got: ${result.reason}`);
  return result as CollapseDiagnosis;
}

/** Flat at 2 until step 60, then exp decay with tau 24.7: first below 0.2 at exactly step 117. */
const plateauThenDecay = (s: number) => (s <= 60 ? 2 : 2 * Math.exp(-(s - 60) / 24.7));

describe('collapse detection', () => {
  it('finds the exact step entropy falls below 10% of its start and stays', () => {
    const c = collapseOf(plateauThenDecay);
    expect(c.start).toBe(2);
    expect(c.collapseLevel).toBeCloseTo(0.2, 12);
    expect(c.collapseStep).toBe(117);
    expect(c.verdict).toBe('collapsed');
    expect(c.decidedBy).toContain('at step 117');
    // half-life: 2·exp(-(s-60)/24.7) <= 1  <=>  s - 60 >= 24.7 ln 2 = 17.12
    expect(c.halfLifeStep).toBe(78);
  });

  it('ignores a transient dip that recovers, for the collapse step and the half-life alike', () => {
    const dip = (s: number) => (s >= 30 && s <= 32 ? 0.05 : plateauThenDecay(s));
    expect(collapseOf(dip).collapseStep).toBe(117);
    expect(collapseOf(dip).halfLifeStep).toBe(78);
    const half = collapseOf(plateauThenDecay, undefined, { ...defaults, collapseFraction: 0.5 });
    expect(half.collapseStep).toBe(78);
  });

  it('defines start as the first logged value and final as the last, as every view shows them', () => {
    const c = collapseOf((s) => (s === 0 ? 7 : 1 + s / 1000));
    expect(c.start).toBe(7);
    expect(c.startStep).toBe(0);
    expect(c.final).toBeCloseTo(1.199, 12);
    expect(c.finalStep).toBe(199);
    expect(c.peak).toEqual({ step: 0, value: 7 });
    // 1.0 to 1.2 is below half of 7 from step 1 on.
    expect(c.halfLifeStep).toBe(1);
  });

  it('keeps a collapse through a noisy tail that pops above the level now and then', () => {
    // Below 0.2 from step 100, except every 10th logged point, which is back at 0.25.
    const noisy = (s: number) => (s < 100 ? 2 - s / 100 : s % 10 === 5 ? 0.25 : 0.1);
    const c = collapseOf(noisy);
    expect(c.verdict).toBe('collapsed');
    expect(c.collapseStep).toBe(100);
    expect(c.collapse).toMatchObject({ pointsFrom: 100, pointsPast: 90, previousStep: 99 });
    expect(c.decidedBy).toContain('at 90 of the 100 logged points from there on');
  });

  it('does not date a collapse at the last step from one noisy last point', () => {
    const c = collapseOf((s) => (s === 199 ? 0.05 : 1));
    expect(c.collapseStep).toBeNull();
    expect(c.verdict).not.toBe('collapsed');
  });

  it('dates a collapse on a sparse log at the first logged step below, with the step before it', () => {
    // Logged every 10 steps from step 10: below a tenth of 0.9 from step 130 on.
    const steps = stepsFrom(10, 50, 10);
    const c = collapseOf((s) => (s < 130 ? 0.9 - s / 500 : 0.05), steps);
    expect(c.collapseStep).toBe(130);
    expect(c.collapse?.previousStep).toBe(120);
    expect(c.logEvery).toBe(10);
    expect(c.decidedBy).toContain('step 130 (between steps 120 and 130)');
  });

  it('diagnoses a short run of three logged points', () => {
    const c = collapseOf((s) => [1, 0.05, 0.04][s], stepsFrom(0, 3));
    expect(c.verdict).toBe('collapsed');
    expect(c.collapseStep).toBe(1);
  });

  it('calls a steady exponential decay that has not yet collapsed "collapsing", with the time left', () => {
    const c = collapseOf((s) => 2 * Math.exp(-s / 144));
    expect(c.verdict).toBe('collapsing');
    expect(c.collapseStep).toBeNull();
    expect(c.logSlope).toBeCloseTo(-1 / 144, 9);
    // ln(0.1 · 2) = ln 2 - s/144 at s = 144 ln 10 = 331.6, so 132.6 steps after the last (199).
    expect(c.stepsToCollapse).toBeCloseTo(144 * Math.log(10) - 199, 0);
    expect(c.decidedBy).toContain('beyond the ±0.05 a trend needs');
  });

  it('calls a rising series "rising"', () => {
    const noise = gaussian(11);
    const c = collapseOf((s) => 0.5 * Math.exp(s / 200) * (1 + 0.01 * noise()));
    expect(c.verdict).toBe('rising');
    expect(c.windowLogChange).toBeGreaterThan(c.trendThreshold);
    expect(c.logSlope).toBeCloseTo(1 / 200, 3);
  });

  it.each([1, 2, 3, 4, 5, 6, 7, 8])('calls noise around a flat level "stable" (seed %d)', (seed) => {
    const noise = gaussian(seed);
    const c = collapseOf(() => 1 + 0.05 * noise(), stepsFrom(0, 300));
    expect(c.verdict).toBe('stable');
    // first and last are single noisy draws (5% each): their ratio stays within five of its sigmas.
    expect(Math.abs(c.finalOverStart - 1)).toBeLessThan(0.35);
    expect(c.decidedBy).toMatch(/no trend that differs from noise|within the/);
  });

  it('calls a slow drift below the trend threshold "stable" even when significant', () => {
    const c = collapseOf((s) => 1 - 0.0001 * s);
    expect(c.verdict).toBe('stable');
    expect(Math.abs(c.windowLogChange)).toBeLessThan(0.05);
    expect(c.decidedBy).toContain('within the ±0.05 a trend needs');
  });

  it('uses a quarter of the points (at least 20) as the default window, the option when given', () => {
    expect(windowSize(300, null)).toBe(75);
    expect(windowSize(40, null)).toBe(20);
    expect(windowSize(12, null)).toBe(12);
    expect(windowSize(300, 10)).toBe(10);
    const c = collapseOf((s) => 1 + 0.001 * s, stepsFrom(0, 300), { ...defaults, window: 30 });
    expect(c.windowPoints).toBe(30);
    expect(c.windowFirstStep).toBe(270);
  });

  it('skips nulls and unsorted or repeated steps', () => {
    const steps = [5, 1, 2, 3, 4, 3, 6, 7, 8];
    const values = [1, 1, 1, null, 1, 1, 1, 1, 1];
    const c = diagnoseCollapse(resolveQuantity({ entropy: { steps, values } }, 'entropy'), defaults);
    expect(c.status).toBe('ok');
    if (c.status === 'ok') expect(c.entropy.steps).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });

  it('says why it cannot diagnose', () => {
    expect(diagnoseCollapse(null, defaults)).toMatchObject({ status: 'unavailable', reason: /no entropy/ });
    const two = resolveQuantity({ entropy: seriesOf([1, 2], () => 1) }, 'entropy');
    expect(diagnoseCollapse(two, defaults)).toMatchObject({ status: 'unavailable', reason: /need at least 3/ });
    const zero = resolveQuantity({ entropy: seriesOf(stepsFrom(0, 10), () => 0) }, 'entropy');
    expect(diagnoseCollapse(zero, defaults)).toMatchObject({ status: 'unavailable', reason: /nothing to collapse/ });
  });
});
