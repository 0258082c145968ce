/**
 * Held-out evaluation: greedy accuracy, pass@k at the rollout temperature and mean token entropy.
 * Exact when the policy can enumerate its outputs (tabular), else estimated by sampling with the
 * run's `eval` stream (so evaluating never shifts the training streams).
 */
import type { RunConfig } from '../../contract';
import type { Evaluation, Policy, Prompt, Rng, Task } from '../types';
import { answerTokens, maskedMean } from './batch';

/** Whether step (0-based) evaluates: every `eval.every` steps from the first, and at the last; 0 is never. */
export function isEvalStep(config: RunConfig, step: number): boolean {
  const every = config.eval.every;
  return every > 0 && (step % every === 0 || step === config.steps - 1);
}

async function sampledEvaluation(
  policy: Policy,
  task: Task,
  prompts: readonly Prompt[],
  opts: { temperature: number; k: number; rng: Rng },
): Promise<Evaluation> {
  const greedy = await policy.sample(prompts, { temperature: opts.temperature, greedy: true, rng: opts.rng });
  const greedyCorrect = prompts.filter((p, i) => task.verify(p, answerTokens(greedy.batch, i, task.eosToken)));
  const rows = prompts.flatMap((p) => Array.from({ length: opts.k }, () => p));
  const samples = await policy.sample(rows, { temperature: opts.temperature, rng: opts.rng });
  let solved = 0;
  prompts.forEach((p, i) => {
    for (let j = 0; j < opts.k; j++) {
      if (task.verify(p, answerTokens(samples.batch, i * opts.k + j, task.eosToken))) {
        solved++;
        return;
      }
    }
  });
  const n = Math.max(prompts.length, 1);
  return {
    acc: greedyCorrect.length / n,
    passAtK: solved / n,
    entropy: maskedMean(samples.entropy, samples.batch.mask),
  };
}

export async function evaluatePolicy(policy: Policy, task: Task, config: RunConfig, rng: Rng): Promise<Evaluation> {
  const prompts = task.evalPrompts(config.eval.prompts);
  const opts = { temperature: config.rollout.temperature, k: config.eval.k };
  if (policy.evaluateExactly) return policy.evaluateExactly(prompts, opts);
  return sampledEvaluation(policy, task, prompts, { ...opts, rng });
}
