/**
 * The clipped surrogate shared by PPO, GSPO and Clip-Cov, and its event masks.
 *   J = min(r A, clip(r, 1 - eps_low, 1 + eps_high) A)                       (Schulman et al. 2017)
 *   J = max(J, c A)  for A < 0, when dual clip c is set                      (Ye et al. 2020, arXiv 1912.09729)
 */
import { asMask } from '../../ops';
import { tf } from '../../tf';
import type { LossParams, PolicyLossInput, PolicyLossOutput } from './types';

export interface ClippedSurrogate {
  objective: tf.Tensor2D; // [B, T] J per token (0 on padding)
  clipLow: tf.Tensor2D; // [B, T]
  clipHigh: tf.Tensor2D; // [B, T]
  dualClip: tf.Tensor2D; // [B, T]
}

/** log r on response tokens, exactly 0 on padding (never NaN even if padding log-probs are -inf). */
export function maskedLogRatio(logp: tf.Tensor2D, oldLogp: tf.Tensor2D, mask: tf.Tensor2D): tf.Tensor2D {
  return tf.where(tf.greater(mask, 0), tf.sub(logp, oldLogp), tf.zerosLike(logp)) as tf.Tensor2D;
}

/** clip(r, 1 - clipLow, 1 + clipHigh); clipHigh null leaves r unbounded above. */
export function clipRatio(ratio: tf.Tensor, params: Pick<LossParams, 'clipLow' | 'clipHigh'>): tf.Tensor {
  const lower = 1 - params.clipLow;
  return params.clipHigh === null ? tf.maximum(ratio, lower) : tf.clipByValue(ratio, lower, 1 + params.clipHigh);
}

/** Where each bound acted (0/1 per token, 0 on padding). */
export function clipEventMasks(
  ratio: tf.Tensor2D, // [B, T]
  advantages: tf.Tensor2D, // [B, T]
  mask: tf.Tensor2D, // [B, T]
  params: LossParams,
): Omit<ClippedSurrogate, 'objective'> {
  const negative = tf.less(advantages, 0);
  const positive = tf.greater(advantages, 0);
  const none = tf.zerosLike(mask) as tf.Tensor2D;
  const event = (condition: tf.Tensor) => tf.mul(asMask(condition), mask) as tf.Tensor2D;
  return {
    clipLow: event(tf.logicalAnd(negative, tf.less(ratio, 1 - params.clipLow))),
    clipHigh: params.clipHigh === null ? none : event(tf.logicalAnd(positive, tf.greater(ratio, 1 + params.clipHigh))),
    dualClip: params.dualClip === null ? none : event(tf.logicalAnd(negative, tf.greater(ratio, params.dualClip))),
  };
}

export function clippedSurrogate(
  ratio: tf.Tensor2D, // [B, T]
  advantages: tf.Tensor2D, // [B, T]
  mask: tf.Tensor2D, // [B, T]
  params: LossParams,
): ClippedSurrogate {
  const clipped = clipRatio(ratio, params);
  let objective = tf.minimum(tf.mul(ratio, advantages), tf.mul(clipped, advantages)); // min(rA, clip(r) A)
  if (params.dualClip !== null) {
    const dual = tf.maximum(objective, tf.mul(advantages, params.dualClip)); // max(J, cA)
    objective = tf.where(tf.less(advantages, 0), dual, objective);
  }
  return { objective: tf.mul(objective, mask) as tf.Tensor2D, ...clipEventMasks(ratio, advantages, mask, params) };
}

/** -sum(weights * J) */
export function aggregateLoss(weights: tf.Tensor2D, objective: tf.Tensor): tf.Scalar {
  return tf.neg(tf.sum(tf.mul(weights, objective))) as tf.Scalar;
}

/** The clipped-surrogate loss on a given ratio (PPO's per token, GSPO's per sequence) with its clip events. */
export function clippedSurrogateLoss(
  ratio: tf.Tensor2D, // [B, T]
  { advantages, mask, weights, params }: Pick<PolicyLossInput, 'advantages' | 'mask' | 'weights' | 'params'>,
): PolicyLossOutput {
  const s = clippedSurrogate(ratio, advantages, mask, params);
  return {
    loss: aggregateLoss(weights, s.objective),
    ratio,
    clipLow: s.clipLow,
    clipHigh: s.clipHigh,
    dualClip: s.dualClip,
  };
}
