/**
 * GSPO (Zheng et al. 2025, arXiv 2507.18071): one importance ratio per response,
 *   s_i = exp(mean_t log r_{i,t}),  J_i = min(s_i A_i, clip(s_i, 1 - eps_low, 1 + eps_high) A_i),
 * clipped and credited per sequence (the paper uses tiny eps, e.g. 3e-4 / 4e-4). J_i is spread over
 * the response's tokens and reduced with the configured aggregation weights; with
 * seq-mean-token-mean (GSPO's own choice) that is the mean of J_i over responses, and for any
 * aggregation the per-token gradient equals verl's GSPO-token form.
 */
import { tf } from '../../tf';
import { clippedSurrogateLoss, maskedLogRatio } from './surrogate';
import type { PolicyLoss } from './types';

/** verl clamps log s_i at 10 so that exp cannot overflow on a wild sequence. */
const MAX_SEQ_LOG_RATIO = 10;

export const gspoLoss: PolicyLoss = (input) => {
  const { logp, oldLogp, mask } = input;
  const logRatio = maskedLogRatio(logp, oldLogp, mask); // [B, T]
  const lengths = tf.maximum(tf.sum(mask, 1), 1); // [B] |o_i|
  const seqLogRatio = tf.minimum(tf.div(tf.sum(logRatio, 1), lengths), MAX_SEQ_LOG_RATIO); // [B]
  const seqRatio = tf.exp(seqLogRatio); // [B] s_i
  const ratio = tf.add(tf.zerosLike(logp), tf.expandDims(seqRatio, 1)) as tf.Tensor2D; // [B, T] s_i on each token
  return clippedSurrogateLoss(ratio, input);
};
