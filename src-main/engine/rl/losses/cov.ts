/**
 * Clip-Cov and KL-Cov (Cui et al. 2025, "The Entropy Mechanism of RL for Reasoning LMs",
 * arXiv 2505.22617). Entropy falls through tokens whose log-probability and advantage covary;
 * both methods act on a small share (covRatio) of tokens picked by the per-token covariance
 *   Cov_t = (log pi_t - mean log pi)(A_t - mean A),   means over the minibatch's response tokens.
 * Selections are made outside the gradient (detached), as in verl's implementations.
 */
import { asMask, detached } from '../../ops';
import { tf } from '../../tf';
import { aggregateLoss, clipEventMasks, clippedSurrogate, maskedLogRatio } from './surrogate';
import type { PolicyLoss, PolicyLossInput } from './types';

/** Per-token covariance term, 0 on padding. Not differentiable (call inside `detached`). */
export function tokenCovariance(logp: tf.Tensor, advantages: tf.Tensor, mask: tf.Tensor, count: number): tf.Tensor {
  const n = Math.max(count, 1);
  const safeLogp = tf.where(tf.greater(mask, 0), logp, tf.zerosLike(logp));
  const meanLogp = tf.div(tf.sum(tf.mul(safeLogp, mask)), n);
  const meanAdv = tf.div(tf.sum(tf.mul(advantages, mask)), n);
  return tf.mul(tf.mul(tf.sub(safeLogp, meanLogp), tf.sub(advantages, meanAdv)), mask); // [B, T]
}

/** Tokens chosen by Clip-Cov and KL-Cov: max(floor(covRatio * N), 1), verl's count. */
export function covSelectionSize(covRatio: number, tokenCount: number): number {
  return Math.max(Math.floor(covRatio * tokenCount), 1);
}

/** 1 on exactly min(k, eligible) entries: those of `eligible` with the smallest keys (ties by position). */
function smallestKeys(key: tf.Tensor, eligible: tf.Tensor, k: number): tf.Tensor {
  const keyed = tf.where(tf.greater(eligible, 0), key, tf.fill(key.shape, Infinity)); // [B, T]
  const flat = tf.reshape(keyed, [-1]);
  const n = flat.shape[0];
  const kk = Math.min(k, n);
  const { indices } = tf.topk(tf.neg(flat), kk);
  const chosen = tf.scatterND(tf.expandDims(indices, 1), tf.ones([kk]), [n]); // [B * T]
  return tf.mul(tf.reshape(chosen, key.shape), eligible);
}

/**
 * Clip-Cov: the clipped surrogate, plus the gradient of a random covRatio share of the tokens whose
 * Cov lies in (covLow, covHigh) is removed. Tokens already clipped by the ratio bounds are not
 * candidates (verl's clip_by_origin).
 */
export const clipCovLoss: PolicyLoss = (input) => {
  const { logp, oldLogp, advantages, mask, weights, uniforms, params, tokenCount } = input;
  const ratio = tf.exp(maskedLogRatio(logp, oldLogp, mask)) as tf.Tensor2D; // [B, T]
  const s = clippedSurrogate(ratio, advantages, mask, params);
  const k = covSelectionSize(params.covRatio, tokenCount);
  const covSelected = detached(
    (lp, r, adv, m, u) => {
      const cov = tokenCovariance(lp, adv, m, tokenCount);
      const events = clipEventMasks(r as tf.Tensor2D, adv as tf.Tensor2D, m as tf.Tensor2D, params);
      const unclipped = tf.sub(1, tf.add(events.clipLow, events.clipHigh));
      const inWindow = asMask(tf.logicalAnd(tf.greater(cov, params.covLow), tf.less(cov, params.covHigh)));
      return smallestKeys(u, tf.mul(tf.mul(inWindow, m), unclipped), k); // a uniform random subset of size k
    },
    logp,
    ratio,
    advantages,
    mask,
    uniforms,
  ) as tf.Tensor2D;
  const objective = tf.mul(s.objective, tf.sub(1, covSelected)); // J * (1 - selected)
  return {
    loss: aggregateLoss(weights, objective),
    ratio,
    clipLow: s.clipLow,
    clipHigh: s.clipHigh,
    dualClip: s.dualClip,
    covSelected,
  };
};

/**
 * KL-Cov: the unclipped surrogate r A, with a penalty klCovCoef |log r| on the top covRatio share of
 * tokens by Cov. Following Cui et al. (and verl), it replaces ratio clipping: clipLow / clipHigh /
 * dualClip are not used, so the clip masks are all zero.
 */
export const klCovLoss: PolicyLoss = (input: PolicyLossInput) => {
  const { logp, oldLogp, advantages, mask, weights, params, tokenCount } = input;
  const logRatio = maskedLogRatio(logp, oldLogp, mask); // [B, T]
  const ratio = tf.exp(logRatio) as tf.Tensor2D;
  const k = covSelectionSize(params.covRatio, tokenCount);
  const covSelected = detached(
    (lp, adv, m) => {
      const cov = tokenCovariance(lp, adv, m, tokenCount);
      return smallestKeys(tf.neg(cov), m, k); // largest Cov first
    },
    logp,
    advantages,
    mask,
  ) as tf.Tensor2D;
  // |log r| as log r * sign(log r): sign has a zero gradient, so d|x|/dx is 0 at x = 0 (tf.abs gives -1).
  const absLogRatio = tf.mul(logRatio, tf.sign(logRatio));
  const objective = tf.sub(tf.mul(ratio, advantages), tf.mul(covSelected, tf.mul(absLogRatio, params.klCovCoef)));
  const none = tf.zerosLike(mask) as tf.Tensor2D;
  return {
    loss: aggregateLoss(weights, tf.mul(objective, mask)),
    ratio,
    clipLow: none,
    clipHigh: none,
    dualClip: none,
    covSelected,
  };
};
