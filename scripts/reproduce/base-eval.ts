/**
 * The starting point of a true-reward run, measured the way the run measures itself: the stored base
 * model evaluated on the run's own held-out prompts with the run's eval settings (greedy accuracy,
 * pass@k, entropy). A run's first evaluation comes after its first step's updates, so it is not the
 * base model's accuracy.
 */
import type { RunConfig } from '../../src-main/contract';
import { selectBackend } from '../../src-main/engine/backend';
import { baseModelKey } from '../../src-main/engine/base-model';
import { createPolicy } from '../../src-main/engine/policies';
import { createRng } from '../../src-main/engine/rng';
import { createTask } from '../../src-main/engine/tasks';
import { evaluatePolicy } from '../../src-main/engine/trainer/evaluate';
import type { Evaluation } from '../../src-main/engine/types';
import type { LabService } from '../../src-main/lab';
import { decodeWeights } from '../../src-main/lab/runner/codec';

export interface BaseEvaluation extends Evaluation {
  /** Supervised steps the base model was trained for, from its stored info. */
  steps: number | null;
}

/** The base model of `config` on the run's evaluation; null when the store does not hold it. */
export async function evaluateBaseModel(lab: LabService, config: RunConfig): Promise<BaseEvaluation | null> {
  const stored = lab.context.store.getBaseModel(baseModelKey(config));
  if (!stored) return null;
  await selectBackend(config.backend);
  const task = createTask(config.task);
  const policy = createPolicy(config, task, { baseWeights: decodeWeights(stored.weights) });
  try {
    const evaluation = await evaluatePolicy(policy, task, config, createRng(config.seed, 'reproduce/base-eval'));
    const info = JSON.parse(stored.info) as { steps?: unknown };
    return { ...evaluation, steps: typeof info.steps === 'number' ? info.steps : null };
  } finally {
    policy.dispose();
  }
}
