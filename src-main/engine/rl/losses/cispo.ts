/**
 * CISPO (MiniMax-M1, arXiv 2506.13585): J = sg(clip(r, 1 - eps_low, 1 + eps_high)) A log pi.
 * Only the importance weight is clipped; no token loses its gradient. A weight is clipped at a bound
 * whatever the advantage's sign, but only two of the four cases are the paper's clip events
 * (arXiv 2509.26114): clip-low (A < 0, r < 1 - eps_low) and clip-high (A > 0, r > 1 + eps_high).
 * Those are `clipLow` / `clipHigh`, as for PPO; the other clipped weights, A > 0 below the lower
 * bound (weight raised) and A < 0 above the upper one (weight lowered), are `clipLowPositive` /
 * `clipHighNegative`. The trainer's drift counts, for each mask, the part of the gradient the clip
 * removed or added, (r - clip(r)) A, rather than the whole term.
 */
import { asMask, detached } from '../../ops';
import { tf } from '../../tf';
import { aggregateLoss, clipEventMasks, clipRatio, maskedLogRatio } from './surrogate';
import type { PolicyLoss } from './types';

export const cispoLoss: PolicyLoss = ({ logp, oldLogp, advantages, mask, weights, params }) => {
  const ratio = tf.exp(maskedLogRatio(logp, oldLogp, mask)) as tf.Tensor2D; // [B, T]
  const isWeight = detached((r) => clipRatio(r, params), ratio); // [B, T] sg(clip(r))
  const tokenLogp = tf.where(tf.greater(mask, 0), logp, tf.zerosLike(logp)); // [B, T]
  const objective = tf.mul(tf.mul(isWeight, advantages), tokenLogp); // sg(clip(r)) A log pi
  // The paper's events: A < 0 below the lower bound, A > 0 above the upper one (no dual clip in CISPO).
  const { clipLow, clipHigh } = clipEventMasks(ratio, advantages, mask, { ...params, dualClip: null });
  const event = (condition: tf.Tensor) => tf.mul(asMask(condition), mask) as tf.Tensor2D; // [B, T]
  const clipLowPositive = event(tf.logicalAnd(tf.greater(advantages, 0), tf.less(ratio, 1 - params.clipLow)));
  const clipHighNegative =
    params.clipHigh === null
      ? (tf.zerosLike(mask) as tf.Tensor2D)
      : event(tf.logicalAnd(tf.less(advantages, 0), tf.greater(ratio, 1 + params.clipHigh)));
  return {
    loss: aggregateLoss(weights, objective),
    ratio,
    clipLow,
    clipHigh,
    dualClip: tf.zerosLike(mask) as tf.Tensor2D,
    clipLowPositive,
    clipHighNegative,
  };
};
