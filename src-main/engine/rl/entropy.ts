/**
 * Exact softmax entropy and the first-order entropy change of a policy-gradient step
 * (research/paper.md, "Derived first-order formulas").
 *
 * Model. At a position with logits z and temperature T, pi = softmax(z / T) and
 * H = -sum_b pi_b log pi_b. A token a whose log-probability carries gradient weight w in the
 * objective (aggregation weight x importance ratio x advantage, for the unclipped surrogate) moves
 * the logits, under plain gradient ascent with step eta, by dz = eta w d(log pi_a)/dz
 * = (eta w / T) (e_a - pi). With dH/dz_b = -(1/T) pi_b (log pi_b + H):
 *
 *     dH_a = -(eta / T^2) w [ pi_a (log pi_a + H) - sum_b pi_b^2 (log pi_b + H) ]
 *
 * This is exact to first order for the tabular policy (its parameters are the logits); for a
 * network it is the logit-space model (each context's logits moved independently). For optimizers
 * other than SGD the trainer uses as eta the update's effective SGD step length ||d theta|| / ||g||
 * (= lr for SGD without gradient clipping), which puts Adam runs on a comparable scale; the
 * prediction is then a model, not an identity, and is always shown beside the measured change.
 */
import { tf } from '../tf';

/** Logits of forbidden tokens may be -inf; they are floored here so that 0 * log 0 reads 0, not NaN. */
const LOG_FLOOR = -1e30;

export interface SoftmaxStats {
  logp: tf.Tensor2D; // [N, V] log pi at temperature T
  entropy: tf.Tensor1D; // [N] H = -sum_b pi_b log pi_b
  sqTerm: tf.Tensor1D; // [N] sum_b pi_b^2 (log pi_b + H)
}

/** Exact per-row entropy statistics of softmax(logits / T). Differentiable. */
export function softmaxStats(logits: tf.Tensor2D, temperature: number): SoftmaxStats {
  const logp = tf.logSoftmax(tf.div(logits, temperature)) as tf.Tensor2D; // [N, V]
  const p = tf.exp(logp); // [N, V]
  const safeLogp = tf.maximum(logp, LOG_FLOOR); // [N, V]
  const entropy = tf.neg(tf.sum(tf.mul(p, safeLogp), 1)) as tf.Tensor1D; // [N]
  const centred = tf.add(safeLogp, tf.expandDims(entropy, 1)); // [N, V] log pi_b + H
  const sqTerm = tf.sum(tf.mul(tf.square(p), centred), 1) as tf.Tensor1D; // [N]
  return { logp, entropy, sqTerm };
}

/**
 * Per-token first-order entropy change per unit (eta * w), dH_a / (eta w), from the policy's token
 * statistics: -(1/T^2) [pi_a (log pi_a + H) - sqTerm]. Shapes follow the inputs (e.g. [B, T]).
 */
export function pgEntropyCoefficient(
  logp: tf.Tensor, // log pi_a of the sampled token
  entropy: tf.Tensor, // H at the token's position
  sqTerm: tf.Tensor, // sum_b pi_b^2 (log pi_b + H)
  temperature: number,
): tf.Tensor {
  const own = tf.mul(tf.exp(logp), tf.add(logp, entropy)); // pi_a (log pi_a + H)
  return tf.mul(tf.sub(own, sqTerm), -1 / (temperature * temperature));
}

/** Exact entropy of a probability vector, in nats (float64 reference). */
export function entropyOf(probs: readonly number[]): number {
  return -probs.reduce((a, p) => (p > 0 ? a + p * Math.log(p) : a), 0);
}

/** Float64 reference of the PG term for token a of distribution pi (see the model above). */
export function pgEntropyChange(
  probs: readonly number[],
  action: number,
  eta: number,
  w: number,
  temperature = 1,
): number {
  const H = entropyOf(probs);
  const sq = probs.reduce((a, p) => (p > 0 ? a + p * p * (Math.log(p) + H) : a), 0);
  const pa = probs[action];
  return -(eta / temperature ** 2) * w * (pa * (Math.log(pa) + H) - sq);
}

/**
 * Natural policy gradient counterpart (paper.md): dz = eta w e_a / pi_a gives dH_a = eta w (s_a - H),
 * s_a = -log pi_a. Pushing a rare token (s_a > H) up raises entropy, pushing it down lowers it.
 */
export function npgEntropyChange(eta: number, w: number, surprisal: number, entropy: number): number {
  return eta * w * (surprisal - entropy);
}
