/**
 * Policy losses keyed by `objective.loss`, and the full RL objective the optimizer minimises:
 *   L = L_policy - entropyCoef * H_agg + klCoef * KL_agg(pi || pi_ref)
 */
import type { ObjectiveConfig } from '../../../contract';
import { tf } from '../../tf';
import { clipCovLoss, klCovLoss } from './cov';
import { cispoLoss } from './cispo';
import { gspoLoss } from './gspo';
import { ppoLoss } from './ppo';
import { entropyBonus, klPenalty } from './regularizers';
import type { LossName, PolicyLoss, PolicyLossInput, PolicyLossOutput } from './types';

export type { LossName, LossParams, PolicyLoss, PolicyLossInput, PolicyLossOutput } from './types';
export { KL_ESTIMATORS, entropyBonus, klPenalty } from './regularizers';

export const POLICY_LOSSES: Record<LossName, PolicyLoss> = {
  ppo: ppoLoss,
  gspo: gspoLoss,
  cispo: cispoLoss,
  clip_cov: clipCovLoss,
  kl_cov: klCovLoss,
};

export interface RegularizerInput {
  logp: tf.Tensor2D; // [B, T] log pi_theta of the tokens (differentiable)
  entropy: tf.Tensor2D; // [B, T] exact entropy of pi_theta at each position (differentiable)
  refLogp: tf.Tensor2D; // [B, T] log pi_ref of the tokens
  mask: tf.Tensor2D; // [B, T]
  weights: tf.Tensor2D; // [B, T] aggregation weights
}

/** L = L_policy - entropyCoef * sum(w H) + klCoef * sum(w k(pi, pi_ref)); terms with a zero coefficient are skipped. */
export function regularizedLoss(objective: ObjectiveConfig, policyLoss: tf.Scalar, input: RegularizerInput): tf.Scalar {
  let total = policyLoss;
  if (objective.entropyCoef > 0) {
    total = tf.sub(total, tf.mul(entropyBonus(input.entropy, input.weights), objective.entropyCoef));
  }
  if (objective.klCoef > 0) {
    const kl = klPenalty(input.logp, input.refLogp, input.mask, input.weights, objective.klEstimator);
    total = tf.add(total, tf.mul(kl, objective.klCoef));
  }
  return total;
}

export interface ObjectiveOutput {
  /** The scalar the optimizer minimises. */
  total: tf.Scalar;
  policy: PolicyLossOutput;
}

/** The full objective: the configured policy loss plus its regularizers. */
export function rlObjective(
  objective: ObjectiveConfig,
  input: PolicyLossInput & Omit<RegularizerInput, keyof PolicyLossInput>,
): ObjectiveOutput {
  const policy = POLICY_LOSSES[objective.loss](input);
  return { total: regularizedLoss(objective, policy.loss, input), policy };
}
