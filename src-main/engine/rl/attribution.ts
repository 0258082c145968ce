/**
 * Exact entropy attribution (issue 13), for every policy behind the Policy interface:
 * it uses only `tokenStats` and `variables`, so the tabular policy, the GPT and any network policy
 * get the same method.
 *
 * Hbar(theta) is exactly what the `entropy` metric measures: the mean exact entropy at the rollout
 * temperature over every response position of the step's batch, evaluated chunk by chunk in the
 * shapes the metric uses. For one update theta_k -> theta_{k+1}:
 *
 *   total_k = <grad Hbar(theta_k), theta_{k+1} - theta_k>          (autodiff; exact to first order)
 *
 * That is the "tangent" rule. The update moves theta along the straight line theta_k + s d theta,
 * s in [0, 1], so the measured change is exactly the line integral of <g(s), d theta> over s,
 * g(s) = grad Hbar(theta_k + s d theta), and the rules are quadratures of it. The tangent takes
 * g(0) only; "trapezoid" replaces grad Hbar(theta_k) here and below by gbar = (g(0) + g(1)) / 2,
 * exact to second order (on a network the updates of a step largely cancel to first order, and
 * the second-order term ½ d theta^T H d theta then dominates the step's change, docs/results.md);
 * the default "simpson" by gbar = (g(0) + 4 g(1/2) + g(1)) / 6, exact to fourth order (its error
 * is ~||d theta||^5 where Hbar is smooth along the step). Everything below holds for any such vector.
 *
 * The optimizer writes its step as -P g + carry (optim.ts, StepMap; P diagonal, with the clip scale
 * and Adam's second moment frozen at the values the step used, so the identity is exact). The
 * policy loss's gradient is g_pg = -sum_t w_t grad log pi_t, w_t = -dL_policy / d log pi_t being the
 * weight token t really received, so by linearity its share of total_k splits over tokens:
 *
 *   <grad Hbar, -P g_pg> = sum_t w_t c_t,      c_t = <grad log pi_t, v>,   v = P grad Hbar
 *
 * A clipped token's removed push is (unclipped weight agg * r * A - applied weight) * c_t; its
 * side's drift is minus that (the entropy change clipping caused). The parts, summing to total_k:
 *
 *   unclipped  sum_t agg r A c_t: the change the unclipped surrogate would have made
 *   low, high, dual   - sum over the side's clipped tokens of the removed push
 *   lowPos, highNeg   the same for CISPO's weight clips outside the paper's events
 *   momentum   <grad Hbar, carry>: Adam's first moment from earlier updates (zero for SGD). Under
 *              Adam a minibatch's own gradient acts (1 - b1) / (1 - b1^t) at once and the rest
 *              through this carry over the next ~1 / (1 - b1) updates, so it holds earlier
 *              minibatches' unclipped and clipped pushes in their proportions.
 *   other      the rest: entropy-bonus and KL-penalty gradients, the reweighting of unclipped tokens
 *              by Clip-Cov / KL-Cov, and float32 rounding (~1e-6 of the parts on PPO).
 *
 * Adam's P is frozen at the step's own second moment (optim.ts): the split is exact for the step
 * taken, but where an update's gradient nearly cancels while a part's does not (a table's first
 * updates: group advantages sum to 0 at ratio 1) P reaches ~lr / eps there, and the parts, each
 * what its tokens alone would have moved under that P, grow large and cancel. On the GPT their sum
 * of sizes stays within a few times the total (docs/results.md).
 *
 * Each part is a sum sum_t a_t c_t = <grad sum_t a_t log pi_t, v>: one backward pass of the
 * minibatch with the weights a held constant, exact to float32 rounding. The issue proposed one
 * forward-mode derivative of every log pi_t along v by a central difference instead (tfjs has no
 * forward mode); measured on the GPT (bench/attribution.ts) its error is 0.1-10% per token, because
 * float32 rounding of log pi and the ReLU kinks of the MLP leave no good step, and under Adam's
 * first update it fails outright: P is ~lr / eps on weights the minibatch does not touch, so a
 * step scaled to ||v|| barely moves the ones it does.
 */
import type { ObjectiveConfig } from '../../contract';
import type { StepMap } from '../optim';
import { tf } from '../tf';
import type { Policy, SequenceBatch } from '../types';

/**
 * Sum of many scalars by chained adds: tf.addN packs every input into one kernel, and WebGPU allows
 * only 8 storage buffers per shader stage (a model has more variables than that).
 */
const addAll = (xs: readonly tf.Tensor[]) => xs.reduce((a, x) => tf.add(a, x), tf.scalar(0)) as tf.Scalar;

const sumAll = (xs: readonly tf.Tensor[]) => addAll(xs.map((x) => tf.sum(x)));

/** <a, b> over tensor lists aligned with the same variables. */
export function dotAll(a: readonly tf.Tensor[], b: readonly tf.Tensor[]): tf.Scalar {
  return sumAll(a.map((x, i) => tf.mul(x, b[i])));
}

const maskOf = (batch: SequenceBatch) => tf.tensor2d(batch.mask, [batch.size, batch.responseLen]); // [b, T]

/**
 * grad_theta Hbar, aligned with `policy.variables`: Hbar = sum over chunks of the masked entropy
 * sum / (response positions of all chunks). One backward pass per chunk, in the chunk's shape.
 */
export function meanEntropyGradient(
  policy: Policy,
  chunks: readonly SequenceBatch[],
  temperature: number,
): tf.Tensor[] {
  const positions = chunks.reduce((a, c) => a + c.mask.reduce((s, m) => s + m, 0), 0);
  const variables = policy.variables as tf.Variable[];
  let total = variables.map((v) => tf.zerosLike(v) as tf.Tensor);
  if (positions === 0) return total;
  for (const chunk of chunks) {
    // Each chunk's gradients are freed once added: one running sum, not one copy per chunk.
    const next = tf.tidy(() => {
      const mask = maskOf(chunk);
      const { grads } = tf.variableGrads(() => {
        const { entropy } = policy.tokenStats(chunk, temperature); // [b, T]
        return tf.div(tf.sum(tf.mul(entropy, mask)), positions) as tf.Scalar;
      }, variables);
      return total.map((t, i) => (grads[variables[i].name] ? tf.add(t, grads[variables[i].name]) : tf.clone(t)));
    });
    tf.dispose(total);
    total = next;
  }
  return total;
}

/**
 * grad_theta sum_t a_t log pi_t on `batch` for constant weights a ([b, T]), aligned with
 * `policy.variables`: its inner product with v is sum_t a_t c_t. One backward pass for all tokens.
 */
export function weightedLogpGradient(
  policy: Policy,
  batch: SequenceBatch,
  temperature: number,
  weights: tf.Tensor2D,
): tf.Tensor[] {
  const variables = policy.variables as tf.Variable[];
  const mask = maskOf(batch);
  const a = tf.mul(weights, mask); // [b, T] constants: no gradient flows into them
  const { grads } = tf.variableGrads(() => {
    const { logp } = policy.tokenStats(batch, temperature); // [b, T]
    return tf.sum(tf.mul(tf.where(tf.greater(mask, 0), logp, tf.zerosLike(logp)), a)) as tf.Scalar;
  }, variables);
  return variables.map((v) => grads[v.name] ?? tf.zerosLike(v));
}

/** Per-token weights of one update, all [b, T] on the minibatch at the pre-update policy. */
export type TokenWeights = {
  /** Weight each token's log pi received from the policy loss: -dL_policy / d log pi_t. */
  applied: tf.Tensor2D;
  /** Weight of the unclipped surrogate: aggregation weight * ratio * advantage. */
  unclipped: tf.Tensor2D;
  clipLow: tf.Tensor2D;
  clipHigh: tf.Tensor2D;
  dualClip: tf.Tensor2D;
  /** Weight clips outside the paper's events (CISPO only; rl/losses/cispo.ts): A > 0 below, A < 0 above. */
  clipLowPositive?: tf.Tensor2D;
  clipHighNegative?: tf.Tensor2D;
};

/** Which clip sides can act under the objective: a side that cannot act has a drift of exactly 0. */
export interface ClipSides {
  low: boolean;
  high: boolean;
  dual: boolean;
}

/** eps_low = 1 (r >= 0 always), no upper clip, no dual clip: those sides never act. */
export function clipSidesOf(objective: Pick<ObjectiveConfig, 'clipLow' | 'clipHigh' | 'dualClip'>): ClipSides {
  return { low: objective.clipLow < 1, high: objective.clipHigh !== null, dual: objective.dualClip !== null };
}

/** One (micro-)batch an update trained on, with its tokens' weights. */
export interface WeightedBatch {
  batch: SequenceBatch;
  weights: TokenWeights;
}

/** The parts of one update's predicted entropy change (see the header); they sum to `total`. */
export type AttributionParts = {
  total: tf.Scalar;
  unclipped: tf.Scalar;
  low: tf.Scalar;
  high: tf.Scalar;
  dual: tf.Scalar;
  /** CISPO's weight clips of A > 0 below 1 - eps_low and A < 0 above 1 + eps_high (0 elsewhere). */
  lowPos: tf.Scalar;
  highNeg: tf.Scalar;
  momentum: tf.Scalar;
  other: tf.Scalar;
};

type PartGradients = {
  unclipped: tf.Tensor[];
  low: tf.Tensor[] | null;
  high: tf.Tensor[] | null;
  dual: tf.Tensor[] | null;
  lowPos: tf.Tensor[] | null;
  highNeg: tf.Tensor[] | null;
};

/**
 * The per-token sums the parts need, as gradients at the pre-update policy (before the optimizer
 * moves the weights): the unclipped surrogate's and each possible side's removed weights, summed over
 * the update's (micro-)batches.
 */
export function partGradients(
  policy: Policy,
  temperature: number,
  batches: readonly WeightedBatch[],
  sides: ClipSides,
): PartGradients {
  const add = (a: tf.Tensor[] | null, b: tf.Tensor[] | null) => (a && b ? a.map((x, i) => tf.add(x, b[i])) : (a ?? b));
  let sum: PartGradients = { unclipped: [], low: null, high: null, dual: null, lowPos: null, highNeg: null };
  batches.forEach(({ batch, weights: w }, i) => {
    const removed = tf.sub(w.unclipped, w.applied); // [b, T] the weight the objective took away
    const side = (on: boolean, events: tf.Tensor2D | undefined) =>
      on && events ? weightedLogpGradient(policy, batch, temperature, tf.mul(events, removed) as tf.Tensor2D) : null;
    const part: PartGradients = {
      unclipped: weightedLogpGradient(policy, batch, temperature, w.unclipped),
      low: side(sides.low, w.clipLow),
      high: side(sides.high, w.clipHigh),
      dual: side(sides.dual, w.dualClip),
      lowPos: side(sides.low, w.clipLowPositive),
      highNeg: side(sides.high, w.clipHighNegative),
    };
    sum =
      i === 0
        ? part
        : {
            unclipped: add(sum.unclipped, part.unclipped) as tf.Tensor[],
            low: add(sum.low, part.low),
            high: add(sum.high, part.high),
            dual: add(sum.dual, part.dual),
            lowPos: add(sum.lowPos, part.lowPos),
            highNeg: add(sum.highNeg, part.highNeg),
          };
  });
  return sum;
}

/**
 * Splits an update's exact total over the unclipped surrogate, each clip side, Adam's momentum and
 * the rest, given v = P grad Hbar. `other` is the remainder, so the parts sum to the total exactly.
 */
export function attributionParts(
  grads: PartGradients,
  v: readonly tf.Tensor[],
  total: tf.Scalar,
  momentum: tf.Scalar,
): AttributionParts {
  const drift = (g: tf.Tensor[] | null) => (g ? tf.neg(dotAll(g, v)) : tf.scalar(0)) as tf.Scalar; // - removed push
  const unclipped = dotAll(grads.unclipped, v);
  const [low, high, dual] = [drift(grads.low), drift(grads.high), drift(grads.dual)];
  const [lowPos, highNeg] = [drift(grads.lowPos), drift(grads.highNeg)];
  const other = tf.sub(total, addAll([unclipped, low, high, dual, lowPos, highNeg, momentum])) as tf.Scalar;
  return { total, unclipped, low, high, dual, lowPos, highNeg, momentum, other };
}

/** How an update's total is taken (contract `attribution.rule`). */
export type AttributionRule = 'trapezoid' | 'tangent' | 'simpson';

/**
 * grad Hbar at the midpoint theta_k + d theta / 2 of an update just applied (the variables hold
 * theta_{k+1}, `delta` is d theta). The variables are moved to theta_{k+1} - d theta / 2 (the
 * midpoint to float32 rounding), the gradient is taken on the same chunks, and theta_{k+1} is put
 * back by assigning the saved post-update tensors themselves, so training continues bit for bit as
 * under any other rule, also when the gradient throws. Call inside tf.tidy.
 */
export function midpointEntropyGradient(
  policy: Policy,
  chunks: readonly SequenceBatch[],
  temperature: number,
  delta: readonly tf.Tensor[],
): tf.Tensor[] {
  const variables = policy.variables as tf.Variable[];
  const after = variables.map((v) => tf.clone(v)); // shares the post-update buffers: nothing is copied
  try {
    variables.forEach((v, i) => v.assign(tf.sub(after[i], tf.mul(delta[i], 0.5))));
    return meanEntropyGradient(policy, chunks, temperature);
  } finally {
    variables.forEach((v, i) => v.assign(after[i]));
  }
}

/**
 * grad Hbar at the current weights, carried from one update of a step to the next under the
 * trapezoid and Simpson's rule (it is the update's grad Hbar(theta_{k+1}) and the next one's grad Hbar(theta_k): same
 * chunks, same weights). Its tensors are kept past the updates' tidy scopes: the owner disposes
 * `gradient` when the step ends or fails (`disposeGradientCache`).
 */
export interface GradientCache {
  gradient: tf.Tensor[] | null;
}

export function disposeGradientCache(cache: GradientCache): void {
  if (cache.gradient) tf.dispose(cache.gradient);
  cache.gradient = null;
}

/** An update's parts, with its first-order total <grad Hbar(theta_k), d theta> (equal to `total` under "tangent"). */
export type UpdateAttribution = AttributionParts & { tangent: tf.Scalar };

/**
 * The exact attribution of one update. `batches` are what it trained on, with their tokens'
 * weights; `chunks` the step's batch as the entropy metric evaluates it. `step` runs the optimizer
 * and returns its map: everything that needs the pre-update weights (grad Hbar unless cached, the
 * parts' gradients) is taken before it.
 *
 * "tangent" dots everything with g0 = grad Hbar(theta_k). "trapezoid" dots with
 * gbar = (g0 + g1) / 2, g1 = grad Hbar(theta_{k+1}) taken after the step: the total
 * <gbar, d theta> = Hbar(theta_{k+1}) - Hbar(theta_k) + O(||d theta||^3), and since the step is
 * -P g + carry with P frozen, <gbar, -P g_pg> = sum_t w_t <grad log pi_t, P gbar> still splits over
 * tokens (the part gradients stay those at theta_k, which the step used), so the parts sum to the
 * total exactly as under the tangent. "simpson" dots with gbar = (g0 + 4 gmid + g1) / 6, gmid the
 * gradient at the midpoint (midpointEntropyGradient, which leaves the weights at theta_{k+1} bit for
 * bit): the total is then exact to fourth order and the parts split along the same gbar. With
 * `cache` (trapezoid and simpson), g0 is taken from it when present and g1 is left in it for the
 * next update (kept; the previous g0 is disposed). Call inside tf.tidy.
 */
export function attributeUpdate(
  policy: Policy,
  temperature: number,
  batches: readonly WeightedBatch[],
  chunks: readonly SequenceBatch[],
  sides: ClipSides,
  step: () => StepMap,
  rule: AttributionRule = 'tangent',
  cache?: GradientCache,
): UpdateAttribution {
  const parts = partGradients(policy, temperature, batches, sides);
  const cached = rule === 'tangent' ? null : (cache?.gradient ?? null);
  const start = cached ?? meanEntropyGradient(policy, chunks, temperature);
  const map = step();
  const tangent = dotAll(start, map.delta);
  if (rule === 'tangent') {
    const momentum = map.carry ? dotAll(start, map.carry) : tf.scalar(0);
    return { ...attributionParts(parts, map.precondition(start), tangent, momentum), tangent };
  }
  const end = meanEntropyGradient(policy, chunks, temperature);
  const gbar =
    rule === 'trapezoid'
      ? start.map((g, i) => tf.mul(tf.add(g, end[i]), 0.5))
      : midpointEntropyGradient(policy, chunks, temperature, map.delta).map((mid, i) =>
          tf.div(tf.add(tf.add(start[i], tf.mul(mid, 4)), end[i]), 6),
        );
  const total = dotAll(gbar, map.delta);
  const momentum = map.carry ? dotAll(gbar, map.carry) : tf.scalar(0);
  const out = { ...attributionParts(parts, map.precondition(gbar), total, momentum), tangent };
  if (cache) {
    cache.gradient = end.map((t) => tf.keep(t));
    if (cached) tf.dispose(cached);
  }
  return out;
}
