/**
 * Outcome advantage estimators, keyed by `advantage.estimator`. Rewards are laid out group by group:
 * P prompts x G responses, response i of prompt p at index p * G + i. Every estimator returns one
 * advantage per response; the trainer broadcasts it to the response's tokens.
 * Arithmetic is done in float64 and stored as float32.
 */
import type { RunConfig } from '../../contract';

export type AdvantageEstimatorName = RunConfig['advantage']['estimator'];

export interface AdvantageInput {
  rewards: Float32Array; // [P * G]
  groupSize: number; // G
  /** Response lengths in tokens (including the end token); REINFORCE++ weights by them. */
  lengths: ArrayLike<number>; // [P * G]
}

export type AdvantageEstimator = (input: AdvantageInput) => Float32Array;

/** Added to the group std, as verl's compute_grpo_outcome_advantage does. */
const GRPO_EPS = 1e-6;
/** Inside the square root of the batch variance, as verl's masked_whiten does. */
const WHITEN_EPS = 1e-8;

function checkLayout({ rewards, groupSize, lengths }: AdvantageInput): number {
  if (!Number.isInteger(groupSize) || groupSize < 1)
    throw new Error(`advantages: expected groupSize >= 1, got ${groupSize}`);
  if (rewards.length % groupSize !== 0) {
    throw new Error(`advantages: ${rewards.length} rewards do not split into groups of ${groupSize}`);
  }
  if (lengths.length !== rewards.length) {
    throw new Error(`advantages: expected ${rewards.length} lengths, got ${lengths.length}`);
  }
  return rewards.length / groupSize;
}

/** Applies `fn(groupRewards) -> groupAdvantages` to each group. */
function perGroup(input: AdvantageInput, fn: (r: number[]) => number[]): Float32Array {
  const groups = checkLayout(input);
  const G = input.groupSize;
  const out = new Float32Array(input.rewards.length);
  for (let p = 0; p < groups; p++) {
    const r = Array.from(input.rewards.subarray(p * G, (p + 1) * G));
    out.set(fn(r), p * G);
  }
  return out;
}

const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

/** Unbiased (n - 1) standard deviation, like torch.std; 0 for a single value. */
export function unbiasedStd(xs: readonly number[]): number {
  if (xs.length < 2) return 0;
  const m = mean(xs);
  return Math.sqrt(xs.reduce((a, x) => a + (x - m) ** 2, 0) / (xs.length - 1));
}

/** GRPO (Shao et al. 2024): A_i = (R_i - mean_G R) / (std_G R + 1e-6); 0 for zero-variance groups. */
function grpo(input: AdvantageInput): Float32Array {
  return perGroup(input, (r) => {
    const m = mean(r);
    const s = unbiasedStd(r);
    return r.map((x) => (s === 0 ? 0 : (x - m) / (s + GRPO_EPS)));
  });
}

/** Dr. GRPO (Liu et al. 2025, arXiv 2503.20783): A_i = R_i - mean_G R, no std division. */
function drGrpo(input: AdvantageInput): Float32Array {
  return perGroup(input, (r) => {
    const m = mean(r);
    return r.map((x) => x - m);
  });
}

/** RLOO (Ahmadian et al. 2024): A_i = R_i - mean of the other G - 1 rewards = G/(G-1) (R_i - mean_G R). */
function rloo(input: AdvantageInput): Float32Array {
  if (input.groupSize < 2) throw new Error('advantages: rloo needs groups of at least 2 responses');
  return perGroup(input, (r) => {
    const sum = r.reduce((a, b) => a + b, 0);
    return r.map((x) => x - (sum - x) / (r.length - 1));
  });
}

/**
 * REINFORCE++ outcome advantage (Hu 2025, arXiv 2501.03262) with gamma = 1: the return at every
 * token is the sequence reward, and returns are whitened over all response tokens of the batch
 * (verl's masked_whiten: token-weighted mean, unbiased variance, rsqrt(var + 1e-8)). No group
 * baseline, so it also works with one response per prompt.
 */
function reinforcePlusPlus(input: AdvantageInput): Float32Array {
  checkLayout(input);
  const { rewards, lengths } = input;
  let tokens = 0;
  let sum = 0;
  for (let i = 0; i < rewards.length; i++) {
    tokens += lengths[i];
    sum += lengths[i] * rewards[i];
  }
  const out = new Float32Array(rewards.length);
  if (tokens < 2) return out;
  const m = sum / tokens;
  let sq = 0;
  for (let i = 0; i < rewards.length; i++) sq += lengths[i] * (rewards[i] - m) ** 2;
  const variance = sq / (tokens - 1);
  if (variance === 0) return out;
  const scale = 1 / Math.sqrt(variance + WHITEN_EPS);
  for (let i = 0; i < rewards.length; i++) out[i] = (rewards[i] - m) * scale;
  return out;
}

export const ADVANTAGE_ESTIMATORS: Record<AdvantageEstimatorName, AdvantageEstimator> = {
  grpo,
  dr_grpo: drGrpo,
  rloo,
  reinforce_pp: reinforcePlusPlus,
};

export function computeAdvantages(estimator: AdvantageEstimatorName, input: AdvantageInput): Float32Array {
  return ADVANTAGE_ESTIMATORS[estimator](input);
}

/** Share of groups whose rewards are all equal (they carry no GRPO signal). */
export function zeroStdFraction(rewards: Float32Array, groupSize: number): number {
  const groups = rewards.length / groupSize;
  let zero = 0;
  for (let p = 0; p < groups; p++) {
    const r = rewards.subarray(p * groupSize, (p + 1) * groupSize);
    if (r.every((x) => x === r[0])) zero++;
  }
  return groups === 0 ? 0 : zero / groups;
}
