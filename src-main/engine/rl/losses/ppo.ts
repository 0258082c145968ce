/** PPO / GRPO token-level clipped surrogate with decoupled bounds (DAPO's clip-higher) and optional dual clip. */
import { tf } from '../../tf';
import { aggregateLoss, clippedSurrogate, maskedLogRatio } from './surrogate';
import type { PolicyLoss } from './types';

export const ppoLoss: PolicyLoss = ({ logp, oldLogp, advantages, mask, weights, params }) => {
  const ratio = tf.exp(maskedLogRatio(logp, oldLogp, mask)) as tf.Tensor2D; // [B, T] r = pi / pi_old
  const s = clippedSurrogate(ratio, advantages, mask, params);
  return {
    loss: aggregateLoss(weights, s.objective),
    ratio,
    clipLow: s.clipLow,
    clipHigh: s.clipHigh,
    dualClip: s.dualClip,
  };
};
