/**
 * Canonical metric keys (design.md). Local runs log exactly these; imported runs keep their own keys
 * and gain these as aliases where the meaning is the same.
 *
 * Entropy attribution (issue 13). Hbar is what `entropy` measures (mean exact entropy over the
 * step's response positions). The canonical prediction keys hold the exact attribution by autodiff,
 * summed over the step's updates (engine/rl/attribution.ts), logged only on attributed steps (config
 * `attribution`: method "exact", every N-th step). Per update theta_k -> theta_{k+1} = theta_k + d theta
 * it is <gbar, d theta> under `attribution.rule` "trapezoid" (exact to second order),
 * gbar = (grad Hbar(theta_k) + grad Hbar(theta_{k+1})) / 2, under "simpson" (the default; exact to
 * fourth order) gbar = (grad Hbar(theta_k) + 4 grad Hbar(theta_k + d theta / 2) + grad Hbar(theta_{k+1})) / 6, and
 * <grad Hbar(theta_k), d theta> under "tangent" (first order; every run recorded before the rule
 * existed). Every part uses the same vector:
 *   entropy/delta_pred = entropy/delta_pred_unclipped + clip/low_drift + clip/high_drift
 *                        + clip/dual_drift + entropy/delta_pred_momentum + entropy/delta_pred_other
 * Under "trapezoid" and "simpson", entropy/delta_pred_tangent holds the first-order total beside it.
 * The `*_logit` keys hold the cheap logit-space estimate (engine/rl/entropy.ts: each context's logits
 * moved independently by an SGD step of length ||d theta|| / ||g||), exact only for the tabular
 * policy under SGD; logged every step unless attribution is "off". Never mix the two families.
 */
export const METRIC = {
  entropy: 'entropy',
  rewardMean: 'reward/mean',
  accTrain: 'acc/train',
  clipLowFrac: 'clip/low_frac',
  clipHighFrac: 'clip/high_frac',
  clipDualFrac: 'clip/dual_frac',
  /**
   * Share of response tokens clipped on either side (clip-low or clip-high, the events are disjoint):
   * what verl (`actor/pg_clipfrac`), OpenRLHF (`ppo_clip_ratio`) and TRL (`clip_ratio/region_mean`)
   * log. Local runs log it too (clip/low_frac + clip/high_frac), so they compare with imports.
   */
  clipFrac: 'clip/frac',
  clipLowGap: 'clip/low_surprisal_gap',
  clipHighGap: 'clip/high_surprisal_gap',
  /** Exact entropy change clip-low caused (config `attribution.rule`): minus the push its clipped tokens lost. */
  clipLowDrift: 'clip/low_drift',
  /** The same for clip-high. */
  clipHighDrift: 'clip/high_drift',
  /** The same for the dual clip (A < 0, ratio > c). */
  clipDualDrift: 'clip/dual_drift',
  /**
   * CISPO only (it clips the importance weight of every token, whatever A's sign): share of tokens
   * with A > 0 whose weight was clipped at the lower bound (r < 1 - eps_low, weight raised to it).
   * Not clip-low in the paper's sense (that needs A < 0), so never counted in clip/low_frac.
   */
  clipLowPosFrac: 'clip/low_pos_frac',
  /** CISPO only: share of tokens with A < 0 whose weight was clipped at the upper bound (r > 1 + eps_high). */
  clipHighNegFrac: 'clip/high_neg_frac',
  /** CISPO only: exact entropy change from clipping the weights counted in clip/low_pos_frac. */
  clipLowPosDrift: 'clip/low_pos_drift',
  /** CISPO only: exact entropy change from clipping the weights counted in clip/high_neg_frac. */
  clipHighNegDrift: 'clip/high_neg_drift',
  /** Measured change of `entropy` across the step's updates (same batch, same positions). */
  entropyDelta: 'entropy/delta',
  /**
   * Exact prediction of entropy/delta: sum over updates of <gbar, d theta> ("trapezoid", second
   * order; "simpson", fourth order) or <grad Hbar(theta_k), d theta> ("tangent", first order), per
   * config `attribution.rule`.
   */
  entropyDeltaPred: 'entropy/delta_pred',
  /**
   * Under the rules "trapezoid" and "simpson" only: the first-order total sum over updates of
   * <grad Hbar(theta_k), d theta>, what entropy/delta_pred holds under "tangent".
   */
  entropyDeltaPredTangent: 'entropy/delta_pred_tangent',
  /** What the unclipped surrogate (every token at weight agg * ratio * A) would have contributed. */
  entropyDeltaPredUnclipped: 'entropy/delta_pred_unclipped',
  /** Adam's first moment carried from earlier updates (0 under SGD): pushes no token of the update owns. */
  entropyDeltaPredMomentum: 'entropy/delta_pred_momentum',
  /**
   * The rest of entropy/delta_pred: entropy-bonus and KL-penalty gradients, the reweighting of
   * unclipped tokens by GSPO / Clip-Cov / KL-Cov, and float32 rounding (tiny).
   */
  entropyDeltaPredOther: 'entropy/delta_pred_other',
  /** Logit-space estimate of entropy/delta (see above): not exact for networks or Adam. */
  entropyDeltaPredLogit: 'entropy/delta_pred_logit',
  clipLowDriftLogit: 'clip/low_drift_logit',
  clipHighDriftLogit: 'clip/high_drift_logit',
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

/**
 * Keys only losses that clip importance weights (CISPO) log: the fractions at every training step,
 * the drifts on the steps the exact attribution covers.
 */
export const WEIGHT_CLIP_METRICS: readonly MetricKey[] = [
  METRIC.clipLowPosFrac,
  METRIC.clipHighNegFrac,
  METRIC.clipLowPosDrift,
  METRIC.clipHighNegDrift,
];

/**
 * Keys a local run logs at training steps (with WEIGHT_CLIP_METRICS for CISPO; the attribution keys
 * only on the steps its config attributes).
 */
export const STEP_METRICS: readonly MetricKey[] = Object.values(METRIC).filter(
  (k) => !k.startsWith('eval/') && !WEIGHT_CLIP_METRICS.includes(k),
) as MetricKey[];

/**
 * The exact attribution's keys: logged on attributed steps only (config `attribution`);
 * entropy/delta_pred_tangent only under the rules "trapezoid" and "simpson".
 */
export const EXACT_ATTRIBUTION_METRICS: readonly MetricKey[] = [
  METRIC.entropyDeltaPred,
  METRIC.entropyDeltaPredTangent,
  METRIC.entropyDeltaPredUnclipped,
  METRIC.clipLowDrift,
  METRIC.clipHighDrift,
  METRIC.clipDualDrift,
  METRIC.entropyDeltaPredMomentum,
  METRIC.entropyDeltaPredOther,
];

/** The logit-space estimate's keys: logged every step unless attribution is "off". */
export const LOGIT_ATTRIBUTION_METRICS: readonly MetricKey[] = [
  METRIC.entropyDeltaPredLogit,
  METRIC.clipLowDriftLogit,
  METRIC.clipHighDriftLogit,
];

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
  'clip/frac': 'Clip fraction (both sides)',
  'clip/low_surprisal_gap': 'Clip-low surprisal gap (s − H)',
  'clip/high_surprisal_gap': 'Clip-high surprisal gap (s − H)',
  'clip/low_drift': 'Clip-low entropy drift',
  'clip/high_drift': 'Clip-high entropy drift',
  'clip/dual_drift': 'Dual-clip entropy drift',
  'clip/low_pos_frac': 'Lower-bound weight clips, A > 0 (CISPO)',
  'clip/high_neg_frac': 'Upper-bound weight clips, A < 0 (CISPO)',
  'clip/low_pos_drift': 'Entropy drift of lower-bound weight clips, A > 0',
  'clip/high_neg_drift': 'Entropy drift of upper-bound weight clips, A < 0',
  'entropy/delta': 'Measured entropy change',
  'entropy/delta_pred': 'Predicted entropy change',
  'entropy/delta_pred_tangent': 'Predicted entropy change, first order',
  'entropy/delta_pred_unclipped': 'Predicted change, unclipped surrogate',
  'entropy/delta_pred_momentum': 'Predicted change, Adam momentum',
  'entropy/delta_pred_other': 'Predicted change, other terms',
  'entropy/delta_pred_logit': 'Predicted entropy change (logit-space estimate)',
  'clip/low_drift_logit': 'Clip-low entropy drift (logit-space estimate)',
  'clip/high_drift_logit': 'Clip-high entropy drift (logit-space estimate)',
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

/** What each key measures, in a sentence: tooltips, the import preview and `cliplab show`. */
export const METRIC_DOCS: Record<MetricKey, string> = {
  entropy: 'Mean exact token entropy of the rollout under the sampling policy, in nats.',
  'reward/mean': 'Mean reward per response.',
  'acc/train': 'Share of rollout responses the verifier accepts.',
  'clip/low_frac': 'Share of response tokens clipped low: negative advantage and ratio below 1 − ε_low.',
  'clip/high_frac': 'Share of response tokens clipped high: positive advantage and ratio above 1 + ε_high.',
  'clip/dual_frac':
    'Share of response tokens hit by the dual clip: negative advantage and ratio above c (verl actor/pg_clipfrac_lower).',
  'clip/frac':
    'Share of response tokens clipped on either side, clip-low and clip-high together (verl actor/pg_clipfrac).',
  'clip/low_surprisal_gap': 'Mean surprisal minus entropy (s − H) of the clip-low tokens, in nats.',
  'clip/high_surprisal_gap': 'Mean surprisal minus entropy (s − H) of the clip-high tokens, in nats.',
  'clip/low_drift':
    'Exact entropy change clip-low caused this step: minus the push its clipped tokens lost (usually > 0).',
  'clip/high_drift':
    'Exact entropy change clip-high caused this step: minus the push its clipped tokens lost (usually < 0).',
  'clip/dual_drift': 'Exact entropy change the dual clip caused this step.',
  'clip/low_pos_frac':
    "CISPO only: share of response tokens with positive advantage whose importance weight was raised to 1 − ε_low (not clip-low in the paper's sense).",
  'clip/high_neg_frac':
    "CISPO only: share of response tokens with negative advantage whose importance weight was cut to 1 + ε_high (not clip-high in the paper's sense).",
  'clip/low_pos_drift': 'CISPO only: exact entropy change from the lower-bound weight clips with positive advantage.',
  'clip/high_neg_drift': 'CISPO only: exact entropy change from the upper-bound weight clips with negative advantage.',
  'entropy/delta': "Measured change of the rollout's entropy across the step's updates.",
  'entropy/delta_pred':
    'Exact prediction of the entropy change from the step’s updates by autodiff (attributed steps only): Σ ½ <grad H(θ) + grad H(θ + Δθ), Δθ>, second order, under attribution.rule "trapezoid"; Σ ⅙ <grad H(θ) + 4 grad H(θ + Δθ/2) + grad H(θ + Δθ), Δθ>, fourth order, under "simpson"; Σ <grad H, Δθ>, first order, under "tangent".',
  'entropy/delta_pred_tangent':
    'First-order prediction Σ <grad H, Δθ> of the entropy change, logged beside entropy/delta_pred under attribution.rule "trapezoid" or "simpson" (attributed steps only).',
  'entropy/delta_pred_unclipped': 'The part of entropy/delta_pred the unclipped surrogate would have made.',
  'entropy/delta_pred_momentum': 'The part of entropy/delta_pred carried by Adam’s momentum from earlier updates.',
  'entropy/delta_pred_other': 'The rest of entropy/delta_pred: regularisers, loss reweighting, float32 rounding.',
  'entropy/delta_pred_logit':
    'Logit-space estimate of the entropy change: exact for the tabular policy under SGD, not for networks or Adam.',
  'clip/low_drift_logit': 'Logit-space estimate of clip/low_drift.',
  'clip/high_drift_logit': 'Logit-space estimate of clip/high_drift.',
  'kl/ppo': 'Mean KL between the sampling policy and the updated one over response tokens.',
  'kl/ref': 'KL from the starting policy.',
  'ratio/min': 'Smallest importance ratio of the step.',
  'ratio/max': 'Largest importance ratio of the step.',
  'loss/pg': 'Clipped policy-gradient loss.',
  grad_norm: 'Global gradient norm before clipping.',
  'len/mean': 'Mean response length in tokens.',
  'group/distinct': 'Distinct responses per group of G.',
  'group/zero_std_frac':
    'Share of groups whose rewards are all equal: their advantages are 0, so they give no gradient (TRL frac_reward_zero_std).',
  'time/step_s': 'Wall time of the step in seconds.',
  'throughput/tokens_per_s': 'Response tokens trained per second.',
  tokens: 'Cumulative response tokens trained on.',
  'eval/acc': 'Greedy accuracy on held-out prompts.',
  'eval/pass@k': 'Share of held-out prompts with a correct answer among k samples.',
  'eval/entropy': 'Mean token entropy on held-out prompts.',
};

export function metricLabel(key: string): string {
  return (METRIC_LABELS as Record<string, string>)[key] ?? key;
}
