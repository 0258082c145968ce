/**
 * Theory check (issue 5, item 3; issue 13): the predicted entropy change against the
 * measured change (`entropy/delta`), on the steps both were logged. The prediction is the exact
 * attribution when the run has it, else the logit-space estimate (attribution.ts), and the result
 * names which. It is never reported without the measurement beside it: without a measured series
 * this section is unavailable. The exact prediction also comes split into its parts, so that the
 * cumulative prediction and the clip balance's net drift read as one sum.
 */
import type { AttributionRule, PredictionParts, Section, TheoryCheck } from '../../contract/diagnostics';
import { attributionSeries, type AttributionSeries } from './attribution';
import type { KeyResolver, ResolvedSeries } from './keys';
import { alignOnCommonSteps, cumulativeSum } from './series';
import { pearson, slopeThroughOrigin, sum } from './stats';

/** Share of pairs with equal signs; a zero agrees only with a zero. */
export function signAgreement(a: readonly number[], b: readonly number[]): number {
  let agree = 0;
  for (let i = 0; i < a.length; i++) if (Math.sign(a[i]) === Math.sign(b[i])) agree++;
  return a.length === 0 ? NaN : agree / a.length;
}

/** A part summed over `steps` (0 when the part was not logged, e.g. no dual clip). */
function sumOn(series: ResolvedSeries | null, steps: ReadonlySet<number>): number {
  if (!series) return 0;
  return series.points.values.reduce((a, v, i) => (steps.has(series.points.steps[i]) ? a + v : a), 0);
}

function predictionParts(a: AttributionSeries, steps: readonly number[]): PredictionParts | null {
  if (a.method !== 'exact' || !a.unclipped) return null;
  const on = new Set(steps);
  const [low, high, dual] = [sumOn(a.low, on), sumOn(a.high, on), sumOn(a.dual, on)];
  return {
    unclipped: sumOn(a.unclipped, on),
    low,
    high,
    dual,
    clip: low + high + dual,
    momentum: sumOn(a.momentum, on),
    other: sumOn(a.other, on),
  };
}

/** `rule`: the run's exact rule (attribution.ts ruleOf), which names the prediction. */
export function diagnoseTheory(keys: KeyResolver, rule: AttributionRule | null = null): Section<TheoryCheck> {
  const attribution = attributionSeries(keys, rule);
  const predicted = attribution?.predicted ?? null;
  const measured = keys.get('entropyDelta');
  if (!attribution || !predicted || !measured) {
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
    method: attribution.method,
    label: attribution.label,
    predictedKey: predicted.key,
    measuredKey: measured.key,
    n,
    pearson: pearson(aligned.a, aligned.b),
    predictedCum: predictedTotal,
    measuredCum: sum(aligned.b),
    cumRatio: predictedTotal === 0 ? null : sum(aligned.b) / predictedTotal,
    slope: slopeThroughOrigin(aligned.a, aligned.b),
    signAgreement: signAgreement(aligned.a, aligned.b),
    parts: predictionParts(attribution, aligned.steps),
    series: { steps: aligned.steps, predicted: aligned.a, measured: aligned.b, predictedCum, measuredCum },
  };
}
