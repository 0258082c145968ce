/**
 * Theory check (issue 5, item 3): the first-order predicted entropy change (`entropy/delta_pred`,
 * research/paper.md) against the measured change (`entropy/delta`). The prediction gets signs and
 * ordering right but its size can be off by 2x or more, so it is never reported without the
 * measurement beside it: without a measured series this section is unavailable.
 */
import type { Section, TheoryCheck } from '../../contract/diagnostics';
import type { KeyResolver } from './keys';
import { alignOnCommonSteps, cumulativeSum } from './series';
import { pearson, slopeThroughOrigin, sum } from './stats';

/** Share of pairs with equal signs; a zero agrees only with a zero. */
export function signAgreement(a: readonly number[], b: readonly number[]): number {
  let agree = 0;
  for (let i = 0; i < a.length; i++) if (Math.sign(a[i]) === Math.sign(b[i])) agree++;
  return a.length === 0 ? NaN : agree / a.length;
}

export function diagnoseTheory(keys: KeyResolver): Section<TheoryCheck> {
  const predicted = keys.get('entropyDeltaPred');
  const measured = keys.get('entropyDelta');
  if (!predicted || !measured) {
    const missing = [predicted ? null : '"entropy/delta_pred"', measured ? null : '"entropy/delta"'].filter(Boolean);
    const alone = predicted && !measured ? ' (the prediction is not shown alone)' : '';
    return { status: 'unavailable', reason: `not logged: ${missing.join(' and ')}${alone}` };
  }
  const aligned = alignOnCommonSteps(predicted.points, measured.points);
  const n = aligned.steps.length;
  if (n < 2) return { status: 'unavailable', reason: `predicted and measured share ${n} step(s); need at least 2` };
  const predictedCum = cumulativeSum(aligned.a);
  const measuredCum = cumulativeSum(aligned.b);
  const predictedTotal = sum(aligned.a);
  return {
    status: 'ok',
    predictedKey: predicted.key,
    measuredKey: measured.key,
    n,
    pearson: pearson(aligned.a, aligned.b),
    predictedCum: predictedTotal,
    measuredCum: sum(aligned.b),
    cumRatio: predictedTotal === 0 ? null : sum(aligned.b) / predictedTotal,
    slope: slopeThroughOrigin(aligned.a, aligned.b),
    signAgreement: signAgreement(aligned.a, aligned.b),
    series: { steps: aligned.steps, predicted: aligned.a, measured: aligned.b, predictedCum, measuredCum },
  };
}
