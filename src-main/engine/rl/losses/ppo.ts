/** PPO / GRPO token-level clipped surrogate with decoupled bounds (DAPO's clip-higher) and optional dual clip. */
import { tf } from '../../tf';
import { clippedSurrogateLoss, maskedLogRatio } from './surrogate';
import type { PolicyLoss } from './types';

export const ppoLoss: PolicyLoss = (input) => {
  const { logp, oldLogp, mask } = input;
  const ratio = tf.exp(maskedLogRatio(logp, oldLogp, mask)) as tf.Tensor2D; // [B, T] r = pi / pi_old
  return clippedSurrogateLoss(ratio, input);
};
