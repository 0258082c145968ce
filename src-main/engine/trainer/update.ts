/**
 * One optimizer update on one minibatch, and everything the step's metrics need from it: clip
 * events, the surprisal of clipped tokens, the logit-space entropy estimate (rl/entropy.ts), on
 * attributed steps the exact attribution (rl/attribution.ts), the PPO KL and the ratio
 * range. All tensor work happens in one tf.tidy; the loop reads the results with a single
 * `await data()` (no synchronous reads: GPU backends cannot do them).
 */
import type { RunConfig } from '../../contract';
import type { Optimizer, UpdateNorms } from '../optim';
import {
  attributeUpdate,
  clipSidesOf,
  type AttributionRule,
  type GradientCache,
  type TokenWeights,
  type WeightedBatch,
} from '../rl/attribution';
import { pgEntropyCoefficient } from '../rl/entropy';
import { POLICY_LOSSES, regularizedLoss, type PolicyLossInput, type PolicyLossOutput } from '../rl/losses';
import { gradientTap } from '../ops';
import { tf } from '../tf';
import type { Policy, SequenceBatch, TokenStats } from '../types';
import { selectRows } from './batch';

/** One minibatch, rows of the step's batch; every per-token array is [rows * T]. */
export interface Minibatch {
  batch: SequenceBatch;
  oldLogp: Float32Array; // log pi_old, recomputed before the first update
  oldEntropy: Float32Array; // exact entropy under pi_old
  refLogp: Float32Array; // log pi_ref (starting policy)
  advantages: Float32Array; // A_i on each token of response i
  contextWeights: Float32Array; // share of the rollout's positions that share the token's context
  weights: Float32Array; // aggregation weights (rl/aggregate.ts)
  uniforms: Float32Array; // U[0, 1) from the `loss` stream
  tokenCount: number; // sum(mask)
}

/**
 * The step's batch as the `entropy` metric evaluates it (the first epoch's minibatches, each in its
 * training shape): the exact attribution differentiates that mean entropy.
 */
export interface AttributionBatch {
  chunks: readonly SequenceBatch[];
  /** Config `attribution.rule`. */
  rule: AttributionRule;
  /**
   * Under "trapezoid" and "simpson", grad Hbar after the previous update of the step (kept tensors;
   * the step's owner disposes them): each update then costs one grad Hbar, as under "tangent", plus
   * one per step, and under "simpson" one more per update (the midpoint). Without it every update
   * recomputes grad Hbar at its start.
   */
  cache?: GradientCache;
}

/** Numbers read back after an update (sums over the minibatch's response tokens). */
const FIELDS = [
  'loss',
  'gradNorm',
  'updateNorm',
  'lossPg',
  'clipLow',
  'clipHigh',
  'dualClip',
  'lowGapSum',
  'highGapSum',
  'predUnit',
  'lowDriftUnit',
  'highDriftUnit',
  'klPpoSum',
  'clipLowPositive',
  'clipHighNegative',
  // The ratio range stays last: micro-batches combine these two by min and max, the rest by sums.
  'ratioMin',
  'ratioMax',
] as const;

/**
 * Exact attribution of an attributed update, in this order after FIELDS (rl/attribution.ts);
 * `tangent` is the first-order total (equal to `total` under the rule "tangent").
 */
const EXACT_FIELDS = [
  'total',
  'unclipped',
  'low',
  'high',
  'dual',
  'lowPos',
  'highNeg',
  'momentum',
  'other',
  'tangent',
] as const;

export type ExactAttribution = Record<(typeof EXACT_FIELDS)[number], number>;

export type UpdateRecord = Record<(typeof FIELDS)[number], number> & {
  tokens: number;
  /** Effective SGD step length ||d theta|| / ||g|| of this update (the logit-space estimate's eta). */
  eta: number;
  /** Logit-space estimate of this update's entropy terms (per-unit sums times eta; rl/entropy.ts). */
  deltaPredLogit: number;
  lowDriftLogit: number;
  highDriftLogit: number;
  /** The loss clipped importance weights of either advantage sign (CISPO): the *Positive / *Negative fields count. */
  weightClip: boolean;
  /** Exact attribution (config `attribution.rule`); null on updates that were not attributed. */
  exact: ExactAttribution | null;
};

/** A type, not an interface: tf.tidy returns only tensor containers (index-signature compatible). */
type MicroResult = {
  grads: tf.Tensor[];
  scalars: tf.Tensor1D;
  weightClip: boolean;
  weights: TokenWeights | undefined;
};

interface MinibatchTensors {
  oldLogp: tf.Tensor2D;
  oldEntropy: tf.Tensor2D;
  refLogp: tf.Tensor2D;
  advantages: tf.Tensor2D;
  contextWeights: tf.Tensor2D;
  weights: tf.Tensor2D;
  uniforms: tf.Tensor2D;
  mask: tf.Tensor2D;
}

function toTensors(mb: Minibatch): MinibatchTensors {
  const shape: [number, number] = [mb.batch.size, mb.batch.responseLen];
  const t = (values: Float32Array) => tf.tensor2d(values, shape, 'float32');
  return {
    oldLogp: t(mb.oldLogp),
    oldEntropy: t(mb.oldEntropy),
    refLogp: t(mb.refLogp),
    advantages: t(mb.advantages),
    contextWeights: t(mb.contextWeights),
    weights: t(mb.weights),
    uniforms: t(mb.uniforms),
    mask: t(mb.batch.mask),
  };
}

function lossInput(x: MinibatchTensors, logp: tf.Tensor2D, config: RunConfig, tokenCount: number): PolicyLossInput {
  return {
    logp,
    oldLogp: x.oldLogp,
    advantages: x.advantages,
    mask: x.mask,
    weights: x.weights,
    uniforms: x.uniforms,
    tokenCount,
    params: config.objective,
  };
}

/** What the training forward pass leaves for the diagnostics (kept past the gradient's tidy). */
interface Forward {
  stats: TokenStats;
  out: PolicyLossOutput;
  /** d L_policy / d log pi per token, read during the backward pass. */
  pgGrad?: tf.Tensor;
}

/**
 * Per-token weights at the pre-update policy. `applied` is the weight each token's log pi actually
 * received from the policy loss (-dL_policy / d log pi, from autodiff, so every loss variant is
 * covered by the same code); `unclipped` is the unclipped surrogate's weight (aggregation weight x
 * ratio x A); their difference is the term clipping deleted.
 */
function tokenWeights(f: Forward, x: MinibatchTensors): { applied: tf.Tensor2D; unclipped: tf.Tensor2D } {
  const applied = (f.pgGrad ? tf.neg(f.pgGrad) : tf.zerosLike(f.stats.logp)) as tf.Tensor2D; // [b, T]
  const unclipped = tf.mul(tf.mul(x.weights, f.out.ratio), x.advantages) as tf.Tensor2D; // [b, T] w = agg * r * A
  return { applied, unclipped };
}

/**
 * Diagnostics at the pre-update policy, with the logit-space entropy estimate (rl/entropy.ts). That
 * estimate covers the policy loss only: an entropy bonus or KL penalty also moves entropy, which the
 * exact attribution's `other` part and the measured entropy/delta show.
 */
function diagnostics(f: Forward, x: MinibatchTensors, config: RunConfig): tf.Scalar[] {
  const { stats, out } = f;
  const { applied, unclipped } = tokenWeights(f, x);
  const removed = tf.sub(unclipped, applied); // [b, T]
  const tokens = tf.greater(x.mask, 0);
  const coefficient = pgEntropyCoefficient(stats.logp, stats.entropy, stats.sqTerm, config.rollout.temperature);
  const perUnit = tf.mul(tf.where(tokens, coefficient, tf.zerosLike(coefficient)), x.contextWeights); // dH / (eta w)
  const surprisalGap = tf.sub(tf.neg(x.oldLogp), x.oldEntropy); // s - H under pi_old
  const sum = (t: tf.Tensor) => tf.sum(t) as tf.Scalar;
  const lowPositive = out.clipLowPositive ?? tf.zerosLike(x.mask);
  const highNegative = out.clipHighNegative ?? tf.zerosLike(x.mask);
  return [
    out.loss,
    sum(out.clipLow),
    sum(out.clipHigh),
    sum(out.dualClip),
    sum(tf.mul(out.clipLow, surprisalGap)),
    sum(tf.mul(out.clipHigh, surprisalGap)),
    sum(tf.mul(applied, perUnit)),
    tf.neg(sum(tf.mul(tf.mul(out.clipLow, removed), perUnit))),
    tf.neg(sum(tf.mul(tf.mul(out.clipHigh, removed), perUnit))),
    sum(tf.where(tokens, tf.sub(x.oldLogp, stats.logp), tf.zerosLike(stats.logp))),
    sum(lowPositive),
    sum(highNegative),
    tf.min(tf.where(tokens, out.ratio, tf.fill(out.ratio.shape, Infinity))) as tf.Scalar,
    tf.max(tf.where(tokens, out.ratio, tf.fill(out.ratio.shape, -Infinity))) as tf.Scalar,
  ];
}

/**
 * Loss, gradients and diagnostics of one micro-batch at the current weights; nothing is applied.
 * The policy loss sees log pi through a gradient tap, so the same backward pass that yields the
 * weights' gradients also yields each token's applied gradient weight. Returns the gradients
 * aligned with the variables, [loss, ...diagnostics] and, for an attributed update, the tokens'
 * weights the exact attribution splits the step by.
 */
function microGradients(policy: Policy, config: RunConfig, mb: Minibatch, attributed: boolean): MicroResult {
  const x = toTensors(mb);
  const kept: tf.Tensor[] = [];
  const keep = <T extends tf.Tensor>(t: T): T => {
    kept.push(tf.keep(t));
    return t;
  };
  const variables = policy.variables as tf.Variable[];
  let forward: Forward | undefined;
  try {
    const { value, grads } = tf.variableGrads(() => {
      const stats = policy.tokenStats(mb.batch, config.rollout.temperature);
      const tapped = gradientTap(stats.logp, (dy) => {
        if (forward) forward.pgGrad = keep(dy);
      });
      const out = POLICY_LOSSES[config.objective.loss](lossInput(x, tapped, config, mb.tokenCount));
      forward = { stats: keepAll(stats, keep), out: keepAll(out, keep) };
      return regularizedLoss(config.objective, out.loss, { ...x, logp: stats.logp, entropy: stats.entropy });
    }, variables);
    const f = forward as Forward;
    const diag = diagnostics(f, x, config);
    return {
      grads: variables.map((v) => grads[v.name] ?? tf.zerosLike(v)),
      scalars: tf.stack([value, ...diag]) as tf.Tensor1D,
      weightClip: f.out.clipLowPositive !== undefined,
      weights: attributed ? attributionWeights(f, x) : undefined,
    };
  } finally {
    tf.dispose(kept);
  }
}

/** The minibatch in consecutive parts of at most `rows` rows (gradient accumulation); whole when null. */
export function microBatches(mb: Minibatch, rows: number | null): Minibatch[] {
  const B = mb.batch.size;
  if (rows === null || rows >= B) return [mb];
  const T = mb.batch.responseLen;
  const parts: Minibatch[] = [];
  for (let first = 0; first < B; first += rows) {
    const picked = Array.from({ length: Math.min(rows, B - first) }, (_, i) => first + i);
    const cut = (a: Float32Array) => a.slice(first * T, (first + picked.length) * T);
    const batch = selectRows(mb.batch, picked);
    parts.push({
      batch,
      oldLogp: cut(mb.oldLogp),
      oldEntropy: cut(mb.oldEntropy),
      refLogp: cut(mb.refLogp),
      advantages: cut(mb.advantages),
      contextWeights: cut(mb.contextWeights),
      weights: cut(mb.weights), // the minibatch's aggregation weights: the parts' losses add up to its loss
      uniforms: cut(mb.uniforms),
      tokenCount: batch.mask.reduce((a, m) => a + m, 0),
    });
  }
  return parts;
}

/** [loss, ...diagnostics] of the parts combined: sums, except the ratio range (min, max). */
function combineParts(scalars: tf.Tensor1D[]): tf.Tensor1D {
  if (scalars.length === 1) return scalars[0];
  const all = tf.stack(scalars) as tf.Tensor2D; // [parts, fields]
  const n = all.shape[1];
  return tf.concat([
    tf.sum(all.slice([0, 0], [-1, n - 2]), 0),
    tf.min(all.slice([0, n - 2], [-1, 1]), 0),
    tf.max(all.slice([0, n - 1], [-1, 1]), 0),
  ]) as tf.Tensor1D;
}

/**
 * Forward + backward over the minibatch's micro-batches (`optim.microBatch` rows each), gradients
 * summed, then one optimizer step. With `attribution`, the exact attribution of that step over
 * every micro-batch's tokens (rl/attribution.ts) follows [loss, norms, ...diagnostics]. Call inside
 * tf.tidy.
 */
function updateAndDiagnose(
  policy: Policy,
  optimizer: Optimizer,
  config: RunConfig,
  mb: Minibatch,
  attribution?: AttributionBatch,
): { packed: tf.Tensor1D; weightClip: boolean } {
  let grads: tf.Tensor[] | null = null;
  let weightClip = false;
  const scalars: tf.Tensor1D[] = [];
  const weighted: WeightedBatch[] = [];
  for (const part of microBatches(mb, config.optim.microBatch)) {
    const r = tf.tidy(() => microGradients(policy, config, part, attribution !== undefined));
    weightClip = r.weightClip;
    if (grads) {
      const previous: tf.Tensor[] = grads;
      grads = previous.map((g, i) => tf.add(g, r.grads[i]));
      tf.dispose([...previous, ...r.grads]); // keep one running sum in memory
    } else grads = r.grads;
    scalars.push(r.scalars);
    if (r.weights) weighted.push({ batch: part.batch, weights: r.weights });
  }
  const s = combineParts(scalars);
  const [loss, rest] = [s.slice(0, 1), s.slice(1)];
  const pack = (norms: UpdateNorms, exact: tf.Scalar[]) =>
    tf.concat([loss, tf.stack([norms.gradNorm, norms.updateNorm]), rest, ...(exact.length ? [tf.stack(exact)] : [])]);
  if (!attribution) return { packed: pack(optimizer.apply(grads ?? []), []) as tf.Tensor1D, weightClip };
  let norms: UpdateNorms | undefined;
  const sides = clipSidesOf(config.objective);
  const parts = attributeUpdate(
    policy,
    config.rollout.temperature,
    weighted,
    attribution.chunks,
    sides,
    () => {
      const { map, ...rest } = optimizer.applyMapped(grads ?? []);
      norms = rest;
      return map;
    },
    attribution.rule,
    attribution.cache,
  );
  const exact = EXACT_FIELDS.map((k) => parts[k]);
  return { packed: pack(norms as UpdateNorms, exact) as tf.Tensor1D, weightClip };
}

/** The tokens' weights (copies: the forward pass's tensors are freed when the micro-batch is done). */
function attributionWeights(f: Forward, x: MinibatchTensors): TokenWeights {
  const { out } = f;
  const copy = (t: tf.Tensor2D | undefined) => (t ? tf.clone(t) : undefined);
  return {
    ...tokenWeights(f, x),
    clipLow: tf.clone(out.clipLow),
    clipHigh: tf.clone(out.clipHigh),
    dualClip: tf.clone(out.dualClip),
    clipLowPositive: copy(out.clipLowPositive),
    clipHighNegative: copy(out.clipHighNegative),
  };
}

/** Keeps every tensor field of a record (they must outlive the gradient's internal tidy). */
function keepAll<T extends object>(record: T, keep: (t: tf.Tensor) => tf.Tensor): T {
  for (const value of Object.values(record)) if (value instanceof tf.Tensor) keep(value);
  return record;
}

/** Applies one update and returns its record; with `attribution`, its exact attribution too. */
export async function runUpdate(
  policy: Policy,
  optimizer: Optimizer,
  config: RunConfig,
  mb: Minibatch,
  attribution?: AttributionBatch,
): Promise<UpdateRecord> {
  let weightClip = false;
  const packed = tf.tidy(() => {
    const done = updateAndDiagnose(policy, optimizer, config, mb, attribution);
    weightClip = done.weightClip;
    return done.packed;
  });
  const values = await packed.data();
  packed.dispose();
  const raw = Object.fromEntries(FIELDS.map((name, i) => [name, values[i]])) as Record<(typeof FIELDS)[number], number>;
  const exact = attribution
    ? (Object.fromEntries(EXACT_FIELDS.map((name, i) => [name, values[FIELDS.length + i]])) as ExactAttribution)
    : null;
  const eta = raw.gradNorm > 0 ? raw.updateNorm / raw.gradNorm : 0;
  return {
    ...raw,
    tokens: mb.tokenCount,
    eta,
    deltaPredLogit: eta * raw.predUnit,
    lowDriftLogit: eta * raw.lowDriftUnit,
    highDriftLogit: eta * raw.highDriftUnit,
    weightClip,
    exact,
  };
}
