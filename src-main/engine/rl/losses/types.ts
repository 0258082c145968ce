/**
 * The shape every policy loss shares (one function per `objective.loss`, registered in index.ts).
 * A loss is pure tfjs math: tensors in, the scalar loss and its diagnostics out. Randomness (Clip-Cov's
 * token choice) comes in as `uniforms` drawn from the run's `loss` stream, so a loss stays a function.
 */
import type { ObjectiveConfig } from '../../../contract';
import type { tf } from '../../tf';

export type LossName = ObjectiveConfig['loss'];

export type LossParams = Pick<
  ObjectiveConfig,
  'clipLow' | 'clipHigh' | 'dualClip' | 'covRatio' | 'covLow' | 'covHigh' | 'klCovCoef'
>;

export interface PolicyLossInput {
  logp: tf.Tensor2D; // [B, T] log pi_theta(o_t), differentiable
  oldLogp: tf.Tensor2D; // [B, T] log pi_old(o_t)
  advantages: tf.Tensor2D; // [B, T] A_i on every token of response i
  mask: tf.Tensor2D; // [B, T] 1 on response tokens
  weights: tf.Tensor2D; // [B, T] aggregation weights (rl/aggregate.ts), 0 on padding
  uniforms: tf.Tensor2D; // [B, T] U[0, 1) draws from the `loss` stream
  /** sum(mask), known on the host: sizes the top-k choices of Clip-Cov / KL-Cov. */
  tokenCount: number;
  params: LossParams;
}

export interface PolicyLossOutput {
  /** -sum(weights * J): minimised by the optimizer. */
  loss: tf.Scalar;
  /** [B, T] the importance ratio the objective uses: per token, or GSPO's sequence ratio s_i. */
  ratio: tf.Tensor2D;
  /** [B, T] 1 where the lower bound acted: A < 0 and ratio < 1 - clipLow (the token lost its gradient). */
  clipLow: tf.Tensor2D;
  /** [B, T] 1 where the upper bound acted: A > 0 and ratio > 1 + clipHigh. */
  clipHigh: tf.Tensor2D;
  /** [B, T] 1 where the dual clip acted: A < 0 and ratio > c. */
  dualClip: tf.Tensor2D;
  /** [B, T] Clip-Cov / KL-Cov: the tokens chosen by covariance. */
  covSelected?: tf.Tensor2D;
  /**
   * [B, T] Losses that clip the importance weight rather than the objective (CISPO): 1 where the
   * weight was clipped at the lower bound although A > 0 (r < 1 - clipLow; the weight was raised to
   * 1 - clipLow). Not a clip-low event of the paper, which needs A < 0. As for clipLow, the gradient
   * the clip added or removed on such a token is w (r - clip(r)) A. Absent for losses where the
   * bound does not act on these tokens (PPO's min keeps r A there).
   */
  clipLowPositive?: tf.Tensor2D;
  /** [B, T] Likewise: 1 where the weight was clipped at the upper bound although A < 0 (r > 1 + clipHigh). */
  clipHighNegative?: tf.Tensor2D;
}

export type PolicyLoss = (input: PolicyLossInput) => PolicyLossOutput;
