import { describe, expect, it } from 'vitest';
import { attributionCoverage } from '../../../src-main/lab/diagnostics/attribution';
import { KeyResolver, type SeriesByKey } from '../../../src-main/lab/diagnostics/keys';
import { fitEntropyAccuracyLaw } from '../../../src-main/lab/diagnostics/law';
import { diagnoseTheory, signAgreement } from '../../../src-main/lab/diagnostics/theory';
import { gaussian, seriesOf, stepsFrom } from './synthetic';

const steps = stepsFrom(1, 50);

describe('theory check', () => {
  it('compares predicted and measured change per step and cumulatively, carrying both series', () => {
    const pred = (s: number) => Math.sin(s / 3) * 0.01 - 0.002;
    const t = diagnoseTheory(
      new KeyResolver({
        'entropy/delta_pred': seriesOf(steps, pred),
        'entropy/delta': seriesOf(steps, (s) => 2 * pred(s)),
      }),
    );
    if (t.status !== 'ok') throw new Error(t.reason);
    expect(t.n).toBe(50);
    expect(t.pearson).toBeCloseTo(1, 12);
    expect(t.slope).toBeCloseTo(2, 12);
    expect(t.cumRatio).toBeCloseTo(2, 12);
    expect(t.signAgreement).toBe(1);
    expect(t.series.predicted).toHaveLength(50);
    expect(t.series.measured[9]).toBeCloseTo(2 * pred(10), 15);
    expect(t.series.measuredCum[49]).toBeCloseTo(t.measuredCum, 12);
  });

  it('counts sign agreement with zeros agreeing only with zeros', () => {
    expect(signAgreement([1, -1, 0, 0, 2], [3, 1, 0, 1, 0.1])).toBeCloseTo(3 / 5, 15);
  });

  it('reads the exact attribution when a run has it, else the logit-space estimate, and names which', () => {
    const measured = seriesOf(steps, (s) => Math.cos(s));
    const logit = seriesOf(steps, (s) => 1e-4 * Math.sin(s));
    const exact = seriesOf(stepsFrom(1, 10, 5), (s) => Math.cos(s));
    const both = diagnoseTheory(
      new KeyResolver({ 'entropy/delta': measured, 'entropy/delta_pred_logit': logit, 'entropy/delta_pred': exact }),
    );
    expect(both).toMatchObject({ status: 'ok', method: 'exact', predictedKey: 'entropy/delta_pred', n: 10 });
    const only = diagnoseTheory(new KeyResolver({ 'entropy/delta': measured, 'entropy/delta_pred_logit': logit }));
    expect(only).toMatchObject({
      status: 'ok',
      method: 'logit',
      predictedKey: 'entropy/delta_pred_logit',
      parts: null,
    });
    const coverage = attributionCoverage(new KeyResolver({ 'entropy/delta': measured }), null);
    expect(coverage).toMatchObject({ method: null, label: 'not computed', note: 'not logged by this trainer' });
  });

  it('never reports the prediction alone', () => {
    const t = diagnoseTheory(new KeyResolver({ 'entropy/delta_pred': seriesOf(steps, () => 0.1) }));
    expect(t).toMatchObject({ status: 'unavailable' });
    expect(t.status === 'unavailable' && t.reason).toContain('not shown alone');
  });
});

/** Entropy falling linearly from 2 to 0.2 over 200 steps, eval every 20 steps with acc = -a e^H + b. */
function lawSeries(a: number, b: number, noise = 0): SeriesByKey {
  const train = stepsFrom(0, 201);
  const evals = stepsFrom(0, 11, 20);
  const h = (s: number) => 2 - (1.8 * s) / 200;
  const n = gaussian(5);
  return {
    entropy: seriesOf(train, h),
    'eval/acc': seriesOf(evals, (s) => -a * Math.exp(h(s)) + b + noise * n()),
  };
}

describe('entropy–accuracy law', () => {
  it('recovers known a and b with R² ≈ 1 and predicts the accuracy at H = 0', () => {
    const law = fitEntropyAccuracyLaw(new KeyResolver(lawSeries(0.08, 0.95)));
    if (law.status !== 'ok') throw new Error(law.reason);
    expect(law.a).toBeCloseTo(0.08, 10);
    expect(law.b).toBeCloseTo(0.95, 10);
    expect(law.r2).toBeCloseTo(1, 10);
    expect(law.n).toBe(11);
    expect(law.accAtZeroEntropy).toBeCloseTo(0.87, 10);
    expect(law.entropySource).toBe('training entropy at or before the step');
  });

  it('stays within tolerance under noise', () => {
    const law = fitEntropyAccuracyLaw(new KeyResolver(lawSeries(0.08, 0.95, 0.005)));
    if (law.status !== 'ok') throw new Error(law.reason);
    expect(law.a).toBeGreaterThan(0.07);
    expect(law.a).toBeLessThan(0.09);
    expect(law.r2).toBeGreaterThan(0.95);
  });

  it('pairs eval points with eval/entropy when logged, else the training entropy at or before the step', () => {
    const series = {
      entropy: seriesOf([0, 10, 20, 30, 40], () => 5),
      'eval/acc': seriesOf([5, 15, 25, 35, 45], (s) => 0.9 - 0.1 * Math.exp(1 + s / 50)),
    };
    const nearest = fitEntropyAccuracyLaw(new KeyResolver(series));
    expect(nearest).toMatchObject({
      status: 'unavailable',
      reason: expect.stringMatching(/degenerate: exp\(H\) does not vary/),
    });
    const withEval = { ...series, 'eval/entropy': seriesOf([5, 15, 25, 35, 45], (s) => 1 + s / 50) };
    const exact = fitEntropyAccuracyLaw(new KeyResolver(withEval));
    if (exact.status !== 'ok') throw new Error(exact.reason);
    expect(exact.entropySource).toBe('eval entropy at the step');
    expect(exact.a).toBeCloseTo(0.1, 10);
    expect(exact.b).toBeCloseTo(0.9, 10);
  });

  it('refuses too few points with a clear message', () => {
    const series = { entropy: seriesOf(steps, (s) => 2 - s / 50), 'eval/acc': seriesOf([10, 20, 30], () => 0.5) };
    expect(fitEntropyAccuracyLaw(new KeyResolver(series))).toEqual({
      status: 'unavailable',
      reason: 'too few eval points with an entropy: n = 3; the law needs at least 4',
    });
    expect(fitEntropyAccuracyLaw(new KeyResolver({ entropy: series.entropy }))).toMatchObject({
      status: 'unavailable',
      reason: expect.stringContaining('no eval accuracy'),
    });
  });

  it('refuses a fit when accuracy barely moves, and warns on a weak one (issue 14)', () => {
    // A random-reward run: eval accuracy 0.6%–2.2%, nothing for a and b to describe.
    const flat = {
      entropy: seriesOf(steps, (s) => 2 - s / 50),
      'eval/acc': seriesOf([10, 20, 30, 40, 50, 60], (s) => [0.006, 0.022, 0.01, 0.015, 0.008, 0.012][s / 10 - 1]),
    };
    const refused = fitEntropyAccuracyLaw(new KeyResolver(flat));
    expect(refused.status).toBe('unavailable');
    if (refused.status === 'unavailable') expect(refused.reason).toMatch(/0\.6%–2\.2% .* at least 5%/);
    // Accuracy spans 40 points but does not follow exp(H): the fit is shown with a warning, marked weak.
    const noisy = {
      entropy: seriesOf(steps, (s) => 2 - s / 50),
      'eval/acc': seriesOf([10, 20, 30, 40, 50, 60], (s) => [0.3, 0.7, 0.35, 0.65, 0.4, 0.6][s / 10 - 1]),
    };
    const weak = fitEntropyAccuracyLaw(new KeyResolver(noisy));
    if (weak.status !== 'ok') throw new Error(weak.reason);
    expect(weak.r2).toBeLessThan(0.5);
    expect(weak.weak).toBe(true);
    expect(weak.warnings.join()).toMatch(/weak fit: R² = .* below 0\.5/);
    expect(weak.accRange).toEqual({ min: 0.3, max: 0.7 });
  });
});
