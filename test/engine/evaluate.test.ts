import { beforeAll, describe, expect, it } from 'vitest';
import { runConfigSchema } from '../../src-main/contract';
import { createPolicy } from '../../src-main/engine/policies';
import { createRng } from '../../src-main/engine/rng';
import { createTask } from '../../src-main/engine/tasks';
import { evaluatePolicy, isEvalStep } from '../../src-main/engine/trainer/evaluate';
import type { Policy } from '../../src-main/engine/types';
import { useCpuBackend } from './support';

beforeAll(useCpuBackend);

const config = runConfigSchema.parse({
  steps: 25,
  task: { kind: 'bandit', prompts: 600, actions: 8, correct: 1 },
  policy: { kind: 'tabular', logitStd: 1 },
  rollout: { temperature: 1.2 },
  eval: { every: 10, prompts: 600, k: 4 },
});

/** The same policy without its exact evaluation, as a network policy would be. */
function samplingOnly(policy: Policy): Policy {
  return {
    kind: policy.kind,
    variables: policy.variables,
    sample: (prompts, opts) => policy.sample(prompts, opts),
    tokenStats: (batch, temperature) => policy.tokenStats(batch, temperature),
    getWeights: () => policy.getWeights(),
    setWeights: (w) => policy.setWeights(w),
    dispose: () => policy.dispose(),
  };
}

describe('evaluation', () => {
  it('estimates by sampling what the tabular policy computes exactly', async () => {
    const task = createTask(config.task);
    const policy = createPolicy(config, task);
    const exact = await evaluatePolicy(policy, task, config, createRng(1, 'eval'));
    const sampled = await evaluatePolicy(samplingOnly(policy), task, config, createRng(1, 'eval'));
    expect(sampled.acc).toBe(exact.acc); // greedy answers are the same
    expect(sampled.entropy).toBeCloseTo(exact.entropy, 5); // exact per-position entropy, averaged
    expect(Math.abs(sampled.passAtK - exact.passAtK)).toBeLessThan(0.08); // binomial noise over 600 prompts
    policy.dispose();
  });

  it('runs every eval.every steps from the first, and at the last step', () => {
    const due = Array.from({ length: 25 }, (_, s) => s).filter((s) => isEvalStep(config, s));
    expect(due).toEqual([0, 10, 20, 24]);
    expect(isEvalStep({ ...config, eval: { ...config.eval, every: 0 } }, 24)).toBe(false);
  });
});
