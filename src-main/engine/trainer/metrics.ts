/**
 * The step's metric map (contract METRIC keys). Update-level numbers are summed over all
 * optimizer updates of the step: fractions are over every response token each update saw.
 */
import { METRIC, type AttributionConfig } from '../../contract';
import type { Evaluation } from '../types';
import type { ExactAttribution, UpdateRecord } from './update';

type Attribution = Pick<AttributionConfig, 'method' | 'rule'>;

const sum = (records: readonly UpdateRecord[], f: (r: UpdateRecord) => number) => records.reduce((a, r) => a + f(r), 0);
const mean = (records: readonly UpdateRecord[], f: (r: UpdateRecord) => number) =>
  records.length === 0 ? 0 : sum(records, f) / records.length;

/**
 * The step's entropy attribution (contract/metrics.ts): the logit-space estimate unless attribution
 * is off, and the exact parts when every update of the step was attributed (with the first-order
 * total beside them under the trapezoid and Simpson's rule).
 */
function attributionMetrics(records: readonly UpdateRecord[], attribution: Attribution) {
  const { method, rule } = attribution;
  const out: Record<string, number> = {};
  if (method === 'off') return out;
  out[METRIC.entropyDeltaPredLogit] = sum(records, (r) => r.deltaPredLogit);
  out[METRIC.clipLowDriftLogit] = sum(records, (r) => r.lowDriftLogit);
  out[METRIC.clipHighDriftLogit] = sum(records, (r) => r.highDriftLogit);
  if (records.length === 0 || records.some((r) => r.exact === null)) return out;
  const exact = (f: (e: ExactAttribution) => number) => sum(records, (r) => f(r.exact as ExactAttribution));
  out[METRIC.entropyDeltaPred] = exact((e) => e.total);
  out[METRIC.entropyDeltaPredUnclipped] = exact((e) => e.unclipped);
  out[METRIC.clipLowDrift] = exact((e) => e.low);
  out[METRIC.clipHighDrift] = exact((e) => e.high);
  out[METRIC.clipDualDrift] = exact((e) => e.dual);
  out[METRIC.entropyDeltaPredMomentum] = exact((e) => e.momentum);
  out[METRIC.entropyDeltaPredOther] = exact((e) => e.other);
  if (rule !== 'tangent') out[METRIC.entropyDeltaPredTangent] = exact((e) => e.tangent);
  return out;
}

/** Clip fractions, surprisal gaps, entropy attribution, PPO KL, ratio range, loss and gradient norm. */
export function updateMetrics(
  records: readonly UpdateRecord[],
  attribution: Attribution = { method: 'exact', rule: 'simpson' },
): Record<string, number> {
  const { method } = attribution;
  const tokens = Math.max(
    sum(records, (r) => r.tokens),
    1,
  );
  const low = sum(records, (r) => r.clipLow);
  const high = sum(records, (r) => r.clipHigh);
  const out: Record<string, number> = {
    [METRIC.clipLowFrac]: low / tokens,
    [METRIC.clipHighFrac]: high / tokens,
    [METRIC.clipDualFrac]: sum(records, (r) => r.dualClip) / tokens,
    // clip-low needs A < 0 and clip-high A > 0: disjoint, so the combined share is their sum.
    [METRIC.clipFrac]: (low + high) / tokens,
    ...attributionMetrics(records, attribution),
    [METRIC.klPpo]: mean(records, (r) => (r.tokens > 0 ? r.klPpoSum / r.tokens : 0)),
    [METRIC.lossPg]: mean(records, (r) => r.lossPg),
    [METRIC.gradNorm]: mean(records, (r) => r.gradNorm),
  };
  if (records.some((r) => r.weightClip)) {
    // CISPO clips weights of either sign; the paper's events are above, the other clips here.
    out[METRIC.clipLowPosFrac] = sum(records, (r) => r.clipLowPositive) / tokens;
    out[METRIC.clipHighNegFrac] = sum(records, (r) => r.clipHighNegative) / tokens;
    if (method === 'exact' && records.every((r) => r.exact !== null)) {
      // Exact only: the logit-space estimate never split CISPO's other weight clips.
      out[METRIC.clipLowPosDrift] = sum(records, (r) => (r.exact as ExactAttribution).lowPos);
      out[METRIC.clipHighNegDrift] = sum(records, (r) => (r.exact as ExactAttribution).highNeg);
    }
  }
  // A gap exists only when some token clipped on that side; otherwise the key is left out.
  if (low > 0) out[METRIC.clipLowGap] = sum(records, (r) => r.lowGapSum) / low;
  if (high > 0) out[METRIC.clipHighGap] = sum(records, (r) => r.highGapSum) / high;
  const withTokens = records.filter((r) => r.tokens > 0);
  if (withTokens.length > 0) {
    out[METRIC.ratioMin] = Math.min(...withTokens.map((r) => r.ratioMin));
    out[METRIC.ratioMax] = Math.max(...withTokens.map((r) => r.ratioMax));
  }
  return out;
}

export interface RolloutSummary {
  entropy: number;
  entropyAfter: number;
  rewardMean: number;
  accTrain: number;
  klRef: number;
  lenMean: number;
  groupDistinct: number;
  groupZeroStdFrac: number;
}

export function rolloutMetrics(s: RolloutSummary): Record<string, number> {
  return {
    [METRIC.entropy]: s.entropy,
    [METRIC.entropyDelta]: s.entropyAfter - s.entropy,
    [METRIC.rewardMean]: s.rewardMean,
    [METRIC.accTrain]: s.accTrain,
    [METRIC.klRef]: s.klRef,
    [METRIC.lenMean]: s.lenMean,
    [METRIC.groupDistinct]: s.groupDistinct,
    [METRIC.groupZeroStdFrac]: s.groupZeroStdFrac,
  };
}

export function timingMetrics(seconds: number, stepTokens: number, totalTokens: number): Record<string, number> {
  return {
    [METRIC.timeStep]: seconds,
    [METRIC.tokensPerS]: seconds > 0 ? stepTokens / seconds : 0,
    [METRIC.tokens]: totalTokens,
  };
}

export function evalMetrics(e: Evaluation): Record<string, number> {
  return { [METRIC.evalAcc]: e.acc, [METRIC.evalPassK]: e.passAtK, [METRIC.evalEntropy]: e.entropy };
}
