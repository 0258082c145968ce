/**
 * The step's metric map (contract METRIC keys). Update-level numbers are summed over all
 * optimizer updates of the step: fractions are over every response token each update saw.
 */
import { METRIC } from '../../contract';
import type { Evaluation } from '../types';
import type { UpdateRecord } from './update';

const sum = (records: readonly UpdateRecord[], f: (r: UpdateRecord) => number) => records.reduce((a, r) => a + f(r), 0);
const mean = (records: readonly UpdateRecord[], f: (r: UpdateRecord) => number) =>
  records.length === 0 ? 0 : sum(records, f) / records.length;

/** Clip fractions, surprisal gaps, drifts, PPO KL, ratio range, loss and gradient norm. */
export function updateMetrics(records: readonly UpdateRecord[]): Record<string, number> {
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
    [METRIC.clipLowDrift]: sum(records, (r) => r.lowDrift),
    [METRIC.clipHighDrift]: sum(records, (r) => r.highDrift),
    [METRIC.entropyDeltaPred]: sum(records, (r) => r.deltaPred),
    [METRIC.klPpo]: mean(records, (r) => (r.tokens > 0 ? r.klPpoSum / r.tokens : 0)),
    [METRIC.lossPg]: mean(records, (r) => r.lossPg),
    [METRIC.gradNorm]: mean(records, (r) => r.gradNorm),
  };
  if (records.some((r) => r.weightClip)) {
    // CISPO clips weights of either sign; the paper's events are above, the other clips here.
    out[METRIC.clipLowPosFrac] = sum(records, (r) => r.clipLowPositive) / tokens;
    out[METRIC.clipHighNegFrac] = sum(records, (r) => r.clipHighNegative) / tokens;
    out[METRIC.clipLowPosDrift] = sum(records, (r) => r.lowPosDrift);
    out[METRIC.clipHighNegDrift] = sum(records, (r) => r.highNegDrift);
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
