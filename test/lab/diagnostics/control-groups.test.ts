import { describe, expect, it } from 'vitest';
import { runConfigSchema } from '../../../src-main/contract/config';
import type { RunDiagnosis } from '../../../src-main/contract/diagnostics';
import { controlMismatches, splitByControl } from '../../../src-main/lab/diagnostics/control';
import { compareGroups, diagnoseGroup, diagnoseGroupOf } from '../../../src-main/lab/diagnostics';
import { resolveQuantity } from '../../../src-main/lab/diagnostics/keys';
import { cohensD, hedgesG, welchTTest } from '../../../src-main/lab/diagnostics/welch';
import { gaussian, seriesOf, stepsFrom } from './synthetic';

const steps = stepsFrom(0, 101);
const entropyOf = (f: (s: number) => number) => resolveQuantity({ entropy: seriesOf(steps, f) }, 'entropy');

describe('random-reward control split', () => {
  const base = runConfigSchema.parse({ seed: 3 });
  const control = runConfigSchema.parse({ seed: 3, name: 'ctl', reward: { kind: 'bernoulli', p: 0.4 } });

  it('splits the change into the part the control shows and the reward-driven rest', () => {
    // run: 2 -> 1 linearly; control: 2 -> 1.7. Changes are final minus start (last and first logged values).
    const split = splitByControl(
      { id: 1, name: 'run', entropy: entropyOf((s) => 2 - s / 100), config: base },
      { id: 2, name: 'ctl', entropy: entropyOf((s) => 2 - (0.3 * s) / 100), config: control },
    );
    if (split.status !== 'ok') throw new Error(split.reason);
    // step 100 minus step 0: -1 for the run, -0.3 for the control
    expect(split.runChange).toBeCloseTo(-1, 12);
    expect(split.controlChange).toBeCloseTo(-0.3, 12);
    expect(split.rewardChange).toBeCloseTo(-0.7, 12);
    expect(split.controlShare).toBeCloseTo(0.3, 12);
    expect(split.mismatches).toEqual([]);
    expect(split.series.difference[100]).toBeCloseTo(-0.7, 12);
  });

  it('uses only the steps both runs cover', () => {
    const shorter = resolveQuantity({ entropy: seriesOf(stepsFrom(0, 51), () => 2) }, 'entropy');
    const split = splitByControl(
      { id: 1, name: 'run', entropy: entropyOf((s) => 2 - s / 100), config: null },
      { id: 2, name: 'ctl', entropy: shorter, config: null },
    );
    expect(split).toMatchObject({ status: 'ok', firstStep: 0, lastStep: 50, controlChange: 0, mismatches: null });
  });

  it('lists config differences other than the reward', () => {
    const other = runConfigSchema.parse({ seed: 4, reward: { kind: 'bernoulli' }, objective: { clipLow: 0.1 } });
    const diffs = controlMismatches(base, other);
    expect(diffs.some((d) => d.startsWith('seed:'))).toBe(true);
    expect(diffs.some((d) => d.startsWith('objective.clipLow:'))).toBe(true);
    expect(diffs).toHaveLength(2);
    expect(controlMismatches(base, runConfigSchema.parse({ seed: 3 }))).toEqual([
      'reward.kind: control uses "verifier", expected "bernoulli"',
    ]);
  });
});

describe("Welch's t-test and effect sizes", () => {
  // Reference: scipy.stats.ttest_ind(a, b, equal_var=False) and its confidence_interval(0.95).
  const a = [0.74, 0.62, 0.85, 0.71];
  const b = [1.19, 1.05, 1.33];

  it('matches an independent computation', () => {
    const w = welchTTest(a, b);
    if (typeof w === 'string') throw new Error(w);
    expect(w.t).toBeCloseTo(-4.908266658804095, 10);
    expect(w.df).toBeCloseTo(3.3498860168622664, 10);
    expect(w.p).toBeCloseTo(0.012446822351114878, 10);
    expect(w.ci95[0]).toBeCloseTo(-0.7413852595869004, 9);
    expect(w.ci95[1]).toBeCloseTo(-0.1786147404131, 9);
    expect(cohensD(a, b)).toBeCloseTo(-3.997733496843241, 10);
    expect(hedgesG(a, b)).toBeCloseTo(-3.361089170295921, 10);
  });

  it('gives a large p for overlapping groups', () => {
    const w = welchTTest([2.08, 1.95, 2.21, 2.02, 1.99], [1.91, 2.05, 1.87, 1.98, 2.1]);
    if (typeof w === 'string') throw new Error(w);
    expect(w.t).toBeCloseTo(1.093932068549235, 10);
    expect(w.df).toBeCloseTo(7.970268097459313, 9);
    expect(w.p).toBeCloseTo(0.30594040064011857, 9);
  });

  it('says why no test is possible', () => {
    expect(welchTTest([1], [1, 2])).toMatch(/at least 2 values per group/);
    expect(welchTTest([1, 1], [2, 2])).toMatch(/no variation/);
  });
});

/** A run whose entropy decays to `final` with seeded noise. */
function runAt(id: number, seed: number, final: number) {
  const noise = gaussian(seed);
  return {
    series: { entropy: seriesOf(steps, (s) => 2 + ((final - 2) * s) / 100 + 0.01 * noise()) },
    meta: { id, name: `g seed ${seed}`, origin: 'local' as const, seed, groupKey: final > 1 ? 'high' : 'low' },
  };
}

describe('seed groups', () => {
  const low = diagnoseGroup([runAt(1, 1, 0.7), runAt(2, 2, 0.8), runAt(3, 3, 0.75), runAt(4, 4, 0.72)], {}, 'low');
  const high = diagnoseGroup([runAt(5, 5, 1.2), runAt(6, 6, 1.1), runAt(7, 7, 1.3)], {}, 'high');

  it('aggregates every scalar over the seeds as mean ± std, n', () => {
    const final = low.scalars['entropy.final'];
    expect(final.n).toBe(4);
    const values = low.runs.map((r) => r.scalars['entropy.final'] as number);
    const m = values.reduce((x, y) => x + y) / 4;
    expect(final.mean).toBeCloseTo(m, 12);
    expect(final.std).toBeCloseTo(Math.sqrt(values.reduce((t, v) => t + (v - m) ** 2, 0) / 3), 12);
    expect(low.scalars['law.a']).toMatchObject({ n: 0, mean: null, std: null });
    expect(low.groupKey).toBe('low');
    expect(low.verdicts.collapsing + low.verdicts.collapsed).toBe(4);
  });

  it('compares two groups on final entropy with Welch t, df, p and Hedges g', () => {
    const c = compareGroups(low, high);
    const t = c.tests.find((x) => x.scalar === 'entropy.final')!;
    const w = welchTTest(
      low.runs.map((r) => r.scalars['entropy.final'] as number),
      high.runs.map((r) => r.scalars['entropy.final'] as number),
    );
    if (typeof w === 'string') throw new Error(w);
    expect(t.t).toBeCloseTo(w.t, 12);
    expect(t.df).toBeCloseTo(w.df, 12);
    expect(t.p).toBeLessThan(0.01);
    expect(t.hedgesG).toBeLessThan(-2);
    expect(t.warnings).toEqual([]);
    expect(t.summary).toContain('Welch t =');
    expect(c.warnings).toEqual([]);
  });

  it('warns "too few seeds to say anything" below 3 per group', () => {
    const two = diagnoseGroup([runAt(8, 8, 1.2), runAt(9, 9, 1.1)], {}, 'two');
    const c = compareGroups(low, two);
    const t = c.tests.find((x) => x.scalar === 'entropy.final')!;
    expect(t.warnings[0]).toContain('too few seeds to say anything (n = 4 and 2');
    expect(t.summary).toContain('too few seeds to say anything');
    expect(t.p).not.toBeNull();
    expect(c.warnings[0]).toContain('too few seeds');
    expect(two.advice[0]).toMatchObject({ id: 'too-few-seeds', severity: 'warning' });
    const one = diagnoseGroupOf([low.runs[0] as RunDiagnosis]);
    expect(compareGroups(one, high).tests[0].t).toBeNull();
  });
});
