/**
 * Terms added to the policy loss: an entropy bonus (verl's entropy_coeff) and a KL penalty to the
 * starting policy (Schulman's k1 / k3 estimators, http://joschu.net/blog/kl-approx.html), both
 * reduced with the same aggregation weights as the policy loss.
 */
import type { ObjectiveConfig } from '../../../contract';
import { tf } from '../../tf';

export type KlEstimatorName = ObjectiveConfig['klEstimator'];

/** Per-token estimate of KL(pi_theta || pi_ref) from tokens sampled by pi (log r = log pi_ref - log pi). */
export const KL_ESTIMATORS: Record<KlEstimatorName, (logRefRatio: tf.Tensor) => tf.Tensor> = {
  /** k1 = -log r: unbiased, high variance, can be negative. */
  k1: (logRefRatio) => tf.neg(logRefRatio),
  /** k3 = r - 1 - log r: unbiased, always >= 0. */
  k3: (logRefRatio) => tf.sub(tf.sub(tf.exp(logRefRatio), 1), logRefRatio),
};

/** sum(weights * H): the entropy the bonus rewards. */
export function entropyBonus(entropy: tf.Tensor2D, weights: tf.Tensor2D): tf.Scalar {
  return tf.sum(tf.mul(weights, entropy)) as tf.Scalar;
}

/** sum(weights * k(log pi_ref - log pi)) on response tokens. */
export function klPenalty(
  logp: tf.Tensor2D, // [B, T]
  refLogp: tf.Tensor2D, // [B, T]
  mask: tf.Tensor2D, // [B, T]
  weights: tf.Tensor2D, // [B, T]
  estimator: KlEstimatorName,
): tf.Scalar {
  const logRefRatio = tf.where(tf.greater(mask, 0), tf.sub(refLogp, logp), tf.zerosLike(logp)); // [B, T]
  return tf.sum(tf.mul(weights, KL_ESTIMATORS[estimator](logRefRatio))) as tf.Scalar;
}
