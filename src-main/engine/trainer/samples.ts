/** The few prompts and responses a step keeps for the samples table. */
import type { Prompt, Rollout, StepSample, Task } from '../types';
import { answerTokens, responseTokens } from './batch';

export interface SampleSource {
  prompts: readonly Prompt[]; // [B] rows, G per prompt
  rollout: Rollout;
  rewards: Float32Array; // [B]
  advantages: Float32Array; // [B]
  entropy: Float32Array; // [B * T] under pi_old
  groupSize: number;
}

/** The first `count` groups of the step (prompts are drawn at random, so these are a random pick). */
export function collectSamples(task: Task, source: SampleSource, count: number): StepSample[] {
  const { prompts, rollout, rewards, advantages, entropy, groupSize: G } = source;
  const T = rollout.batch.responseLen;
  const groups = Math.min(count, Math.floor(prompts.length / G));
  return Array.from({ length: groups }, (_, g) => {
    const prompt = prompts[g * G];
    return {
      prompt: prompt.text ?? task.decode(prompt.tokens),
      responses: Array.from({ length: G }, (_, i) => {
        const row = g * G + i;
        const tokens = responseTokens(rollout.batch, row);
        return {
          text: task.decode(answerTokens(rollout.batch, row, task.eosToken)),
          tokens: tokens.map((t) => task.decode([t])),
          reward: rewards[row],
          advantage: advantages[row],
          entropies: Array.from(entropy.subarray(row * T, row * T + tokens.length)),
        };
      }),
    };
  });
}
