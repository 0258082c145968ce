/**
 * The parts of one training step before and around the updates: rollout, rewards, advantages,
 * pi_old / pi_ref statistics on the batch, and the minibatches.
 */
import type { RunConfig } from '../../contract';
import { computeAdvantages } from '../rl/advantages';
import { aggregationWeights } from '../rl/aggregate';
import type { RewardFn } from '../rewards';
import type { RngStreams } from '../rng';
import { tf } from '../tf';
import type { Policy, Prompt, Rollout, SequenceBatch, Task } from '../types';
import {
  answerTokens,
  broadcastToTokens,
  contextWeights,
  microChunks,
  minibatchSplits,
  responseLengths,
  scatterTokenRows,
  selectRows,
  selectTokenRows,
} from './batch';
import type { Minibatch } from './update';

export interface StepContext {
  config: RunConfig;
  task: Task;
  policy: Policy;
  reference: Policy;
  rngs: RngStreams;
  reward: RewardFn;
}

export interface StepData {
  prompts: Prompt[]; // [B] rows, each prompt repeated G times
  rollout: Rollout;
  correct: Uint8Array; // [B] verifier verdicts
  rewards: Float32Array; // [B]
  advantages: Float32Array; // [B]
  lengths: Float32Array; // [B]
  splits: number[][][]; // [epochs][minibatches] rows
  tokenAdvantages: Float32Array; // [B * T]
  contextWeights: Float32Array; // [B * T]
  oldLogp: Float32Array; // [B * T] log pi_old, recomputed with tokenStats
  oldEntropy: Float32Array; // [B * T]
  refLogp: Float32Array; // [B * T]
}

/**
 * Per-token log-probs and entropies of a policy on the batch, computed micro-batch by micro-batch
 * of the given split (`trainStatChunks`) so that each row is evaluated in exactly the tensor shape
 * it will be trained in: the first update then sees a ratio of exactly 1. Padding positions read 0.
 */
export async function readTokenStats(
  policy: Policy,
  batch: SequenceBatch,
  chunks: readonly number[][],
  temperature: number,
): Promise<{ logp: Float32Array; entropy: Float32Array }> {
  const T = batch.responseLen;
  const logp = new Float32Array(batch.size * T);
  const entropy = new Float32Array(batch.size * T);
  for (const rows of chunks) {
    const part = selectRows(batch, rows);
    const [lp, h] = tf.tidy(() => {
      const stats = policy.tokenStats(part, temperature);
      return [stats.logp, stats.entropy];
    });
    const [lpData, hData] = await Promise.all([lp.data(), h.data()]);
    tf.dispose([lp, h]);
    scatterTokenRows(logp, lpData, rows, T);
    scatterTokenRows(entropy, hData, rows, T);
  }
  for (let i = 0; i < batch.mask.length; i++) {
    if (batch.mask[i] === 0) logp[i] = entropy[i] = 0;
  }
  return { logp, entropy };
}

/** The row groups the first epoch trains on: its minibatches, cut into micro-batches. */
export function trainStatChunks(splits: number[][][], config: RunConfig): number[][] {
  return microChunks(splits[0], config.optim.microBatch);
}

async function sampleAndScore(ctx: StepContext) {
  const { config, task, policy, rngs } = ctx;
  const G = config.rollout.groupSize;
  const drawn = task.sampleTrain(rngs.prompts, config.rollout.prompts);
  const prompts = drawn.flatMap((p) => Array.from({ length: G }, () => p));
  const rollout = await policy.sample(prompts, { temperature: config.rollout.temperature, rng: rngs.sampling });
  const correct = Uint8Array.from(prompts, (p, b) =>
    task.verify(p, answerTokens(rollout.batch, b, task.eosToken)) ? 1 : 0,
  );
  const rewards = ctx.reward({ correct, rng: rngs.rewards });
  const lengths = responseLengths(rollout.batch);
  const advantages = computeAdvantages(config.advantage.estimator, { rewards, groupSize: G, lengths });
  return { prompts, rollout, correct, rewards, lengths, advantages };
}

/** Rollout, rewards, advantages, minibatch splits and the pi_old / pi_ref statistics of the batch. */
export async function prepareStep(ctx: StepContext): Promise<StepData> {
  const { config } = ctx;
  const scored = await sampleAndScore(ctx);
  const batch = scored.rollout.batch;
  const splits = minibatchSplits(ctx.rngs.minibatch, batch.size, config.optim.epochs, config.optim.minibatches);
  const T = config.rollout.temperature;
  const chunks = trainStatChunks(splits, config);
  const old = await readTokenStats(ctx.policy, batch, chunks, T);
  const ref = await readTokenStats(ctx.reference, batch, chunks, T);
  return {
    ...scored,
    splits,
    tokenAdvantages: broadcastToTokens(scored.advantages, batch.mask, batch.responseLen),
    contextWeights: contextWeights(batch),
    oldLogp: old.logp,
    oldEntropy: old.entropy,
    refLogp: ref.logp,
  };
}

export function makeMinibatch(data: StepData, rows: readonly number[], ctx: StepContext): Minibatch {
  const batch = selectRows(data.rollout.batch, rows);
  const T = batch.responseLen;
  const pick = (values: Float32Array) => selectTokenRows(values, rows, T);
  const weights = aggregationWeights(ctx.config.objective.aggregation, {
    mask: batch.mask,
    rows: batch.size,
    cols: T,
    maxAnswerLen: ctx.task.maxAnswerLen,
  });
  return {
    batch,
    oldLogp: pick(data.oldLogp),
    oldEntropy: pick(data.oldEntropy),
    refLogp: pick(data.refLogp),
    advantages: pick(data.tokenAdvantages),
    contextWeights: pick(data.contextWeights),
    weights,
    uniforms: Float32Array.from(batch.mask, () => ctx.rngs.loss.next()),
    tokenCount: batch.mask.reduce((a, m) => a + m, 0),
  };
}
