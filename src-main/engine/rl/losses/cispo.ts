/**
 * CISPO (MiniMax-M1, arXiv 2506.13585): J = sg(clip(r, 1 - eps_low, 1 + eps_high)) A log pi.
 * Only the importance weight is clipped; no token loses its gradient. The masks mark tokens whose
 * weight was clipped at each bound (of either advantage sign); the trainer's drift then counts the
 * part of the gradient the clip removed or added, (r - clip(r)) A, rather than the whole term.
 */
import { asMask, detached } from '../../ops';
import { tf } from '../../tf';
import { aggregateLoss, clipRatio, maskedLogRatio } from './surrogate';
import type { PolicyLoss } from './types';

export const cispoLoss: PolicyLoss = ({ logp, oldLogp, advantages, mask, weights, params }) => {
  const ratio = tf.exp(maskedLogRatio(logp, oldLogp, mask)) as tf.Tensor2D; // [B, T]
  const isWeight = detached((r) => clipRatio(r, params), ratio); // [B, T] sg(clip(r))
  const tokenLogp = tf.where(tf.greater(mask, 0), logp, tf.zerosLike(logp)); // [B, T]
  const objective = tf.mul(tf.mul(isWeight, advantages), tokenLogp); // sg(clip(r)) A log pi
  const active = tf.mul(asMask(tf.notEqual(advantages, 0)), mask);
  const clipLow = tf.mul(asMask(tf.less(ratio, 1 - params.clipLow)), active) as tf.Tensor2D;
  const clipHigh = (
    params.clipHigh === null ? tf.zerosLike(mask) : tf.mul(asMask(tf.greater(ratio, 1 + params.clipHigh)), active)
  ) as tf.Tensor2D;
  return {
    loss: aggregateLoss(weights, objective),
    ratio,
    clipLow,
    clipHigh,
    dualClip: tf.zerosLike(mask) as tf.Tensor2D,
  };
};
