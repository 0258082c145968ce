/**
 * Canonical metric keys (design.md). Local runs log exactly these; imported runs keep their own keys
 * and gain these as aliases where the meaning is the same.
 */
export const METRIC = {
  entropy: 'entropy',
  rewardMean: 'reward/mean',
  accTrain: 'acc/train',
  clipLowFrac: 'clip/low_frac',
  clipHighFrac: 'clip/high_frac',
  clipDualFrac: 'clip/dual_frac',
  clipLowGap: 'clip/low_surprisal_gap',
  clipHighGap: 'clip/high_surprisal_gap',
  clipLowDrift: 'clip/low_drift',
  clipHighDrift: 'clip/high_drift',
  /**
   * CISPO only (it clips the importance weight of every token, whatever A's sign): share of tokens
   * with A > 0 whose weight was clipped at the lower bound (r < 1 - eps_low, weight raised to it).
   * Not clip-low in the paper's sense (that needs A < 0), so never counted in clip/low_frac.
   */
  clipLowPosFrac: 'clip/low_pos_frac',
  /** CISPO only: share of tokens with A < 0 whose weight was clipped at the upper bound (r > 1 + eps_high). */
  clipHighNegFrac: 'clip/high_neg_frac',
  /** CISPO only: first-order entropy change from clipping the weights counted in clip/low_pos_frac. */
  clipLowPosDrift: 'clip/low_pos_drift',
  /** CISPO only: first-order entropy change from clipping the weights counted in clip/high_neg_frac. */
  clipHighNegDrift: 'clip/high_neg_drift',
  entropyDelta: 'entropy/delta',
  entropyDeltaPred: 'entropy/delta_pred',
  klPpo: 'kl/ppo',
  klRef: 'kl/ref',
  ratioMin: 'ratio/min',
  ratioMax: 'ratio/max',
  lossPg: 'loss/pg',
  gradNorm: 'grad_norm',
  lenMean: 'len/mean',
  groupDistinct: 'group/distinct',
  groupZeroStdFrac: 'group/zero_std_frac',
  timeStep: 'time/step_s',
  tokensPerS: 'throughput/tokens_per_s',
  /** Cumulative response tokens trained on, for the "tokens" x axis. */
  tokens: 'tokens',
  evalAcc: 'eval/acc',
  evalPassK: 'eval/pass@k',
  evalEntropy: 'eval/entropy',
} as const;

export type MetricKey = (typeof METRIC)[keyof typeof METRIC];

/** Keys only losses that clip importance weights (CISPO) log, at every training step. */
export const WEIGHT_CLIP_METRICS: readonly MetricKey[] = [
  METRIC.clipLowPosFrac,
  METRIC.clipHighNegFrac,
  METRIC.clipLowPosDrift,
  METRIC.clipHighNegDrift,
];

/** Keys logged at every training step by a local run (with WEIGHT_CLIP_METRICS for CISPO). */
export const STEP_METRICS: readonly MetricKey[] = Object.values(METRIC).filter(
  (k) => !k.startsWith('eval/') && !WEIGHT_CLIP_METRICS.includes(k),
) as MetricKey[];

/** Keys logged at evaluation steps only. */
export const EVAL_METRICS: readonly MetricKey[] = [METRIC.evalAcc, METRIC.evalPassK, METRIC.evalEntropy];

/** Human labels for charts and tables. */
export const METRIC_LABELS: Record<MetricKey, string> = {
  entropy: 'Entropy (nats)',
  'reward/mean': 'Mean reward',
  'acc/train': 'Train accuracy',
  'clip/low_frac': 'Clip-low fraction',
  'clip/high_frac': 'Clip-high fraction',
  'clip/dual_frac': 'Dual-clip fraction',
  'clip/low_surprisal_gap': 'Clip-low surprisal gap (s − H)',
  'clip/high_surprisal_gap': 'Clip-high surprisal gap (s − H)',
  'clip/low_drift': 'Clip-low entropy drift',
  'clip/high_drift': 'Clip-high entropy drift',
  'clip/low_pos_frac': 'Lower-bound weight clips, A > 0 (CISPO)',
  'clip/high_neg_frac': 'Upper-bound weight clips, A < 0 (CISPO)',
  'clip/low_pos_drift': 'Entropy drift of lower-bound weight clips, A > 0',
  'clip/high_neg_drift': 'Entropy drift of upper-bound weight clips, A < 0',
  'entropy/delta': 'Measured entropy change',
  'entropy/delta_pred': 'Predicted entropy change',
  'kl/ppo': 'KL(old ‖ new)',
  'kl/ref': 'KL to start',
  'ratio/min': 'Ratio min',
  'ratio/max': 'Ratio max',
  'loss/pg': 'Policy loss',
  grad_norm: 'Gradient norm',
  'len/mean': 'Response length',
  'group/distinct': 'Distinct responses per group',
  'group/zero_std_frac': 'Groups with zero reward variance',
  'time/step_s': 'Step time (s)',
  'throughput/tokens_per_s': 'Tokens per second',
  tokens: 'Tokens trained',
  'eval/acc': 'Eval accuracy (greedy)',
  'eval/pass@k': 'Eval pass@k',
  'eval/entropy': 'Eval entropy',
};

export function metricLabel(key: string): string {
  return (METRIC_LABELS as Record<string, string>)[key] ?? key;
}
