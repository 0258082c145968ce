/**
 * Backend agreement at the trainer's level (issue 3): the same run on the cpu and wasm backends
 * samples the same tokens and gives the same metrics, step for step, to float32 rounding.
 * Sampling draws from the run's own seeded streams on probabilities read back from the backend,
 * so the sampled tokens match exactly as long as the probabilities agree to ~1e-6.
 */
import { describe, expect, it } from 'vitest';
import { runConfigSchema, type RunConfig, type RunConfigInput } from '../../src-main/contract';
import { selectBackend } from '../../src-main/engine/backend';
import { createGptPolicy } from '../../src-main/engine/gpt';
import { createTask } from '../../src-main/engine/tasks';
import { createTrainer } from '../../src-main/engine/trainer';
import type { StepResult, TensorMap } from '../../src-main/engine/types';

/** Wall-clock metrics differ between any two runs. */
const TIMED = /^(time|throughput)\//;

const tabular: RunConfigInput = {
  seed: 5,
  steps: 3,
  task: { kind: 'bandit', prompts: 12, actions: 10, correct: 2 },
  policy: { kind: 'tabular', logitStd: 2 },
  reward: { kind: 'bernoulli', p: 0.5 },
  rollout: { prompts: 12, groupSize: 4 },
  objective: { clipLow: 0.1, clipHigh: 0.1 },
  optim: { optimizer: 'sgd', lr: 20, epochs: 2, minibatches: 2, gradClip: null },
  eval: { every: 2, prompts: 12, k: 4 },
};

const gpt: RunConfigInput = {
  seed: 3,
  steps: 2,
  task: { kind: 'reverse', size: 3 },
  policy: { kind: 'gpt', dModel: 16, layers: 1, heads: 2 },
  reward: { kind: 'verifier' },
  rollout: { prompts: 6, groupSize: 4 },
  objective: { clipLow: 0.05, clipHigh: 0.05 },
  optim: { optimizer: 'adam', lr: 3e-3, epochs: 2, minibatches: 2 },
  eval: { every: 1, prompts: 8, k: 2 },
};

async function runOn(backend: 'cpu' | 'wasm', config: RunConfig, baseWeights?: TensorMap): Promise<StepResult[]> {
  const info = await selectBackend(backend);
  const trainer = await createTrainer(config, { backend: info, baseWeights });
  const steps: StepResult[] = [];
  while (trainer.step < config.steps) steps.push(await trainer.runStep());
  trainer.dispose();
  return steps;
}

function expectAgreement(cpu: StepResult[], wasm: StepResult[], tolerance: number): void {
  expect(wasm.length).toBe(cpu.length);
  cpu.forEach((step, i) => {
    const tokens = (s: StepResult) => s.samples.map((x) => x.responses.map((r) => r.tokens.join(' ')));
    expect(tokens(wasm[i]), `sampled tokens at step ${i}`).toEqual(tokens(step));
    const keys = Object.keys(step.metrics).filter((k) => !TIMED.test(k));
    expect(
      Object.keys(wasm[i].metrics)
        .filter((k) => !TIMED.test(k))
        .sort(),
    ).toEqual([...keys].sort());
    for (const key of keys) {
      const want = step.metrics[key];
      const got = wasm[i].metrics[key];
      expect(Math.abs(got - want), `step ${i} ${key}: wasm ${got} vs cpu ${want}`).toBeLessThanOrEqual(
        tolerance * Math.max(1, Math.abs(want)),
      );
    }
  });
}

describe('cpu and wasm backends agree on whole training steps', () => {
  it('a tabular run', async () => {
    const config = runConfigSchema.parse(tabular);
    const cpu = await runOn('cpu', config);
    const wasm = await runOn('wasm', config);
    expectAgreement(cpu, wasm, 1e-4);
    expect(cpu.some((s) => s.metrics['clip/high_frac'] > 0 || s.metrics['clip/low_frac'] > 0)).toBe(true);
  });

  it('a GPT run from the same starting weights', async () => {
    const config = runConfigSchema.parse(gpt);
    await selectBackend('cpu');
    const init = createGptPolicy(config, createTask(config.task));
    const baseWeights = await init.getWeights();
    init.dispose();
    const cpu = await runOn('cpu', config, baseWeights);
    const wasm = await runOn('wasm', config, baseWeights);
    // wasm sums in float32 one element at a time where cpu accumulates differently: allow 1e-3.
    expectAgreement(cpu, wasm, 1e-3);
    expect(cpu.every((s) => Number.isFinite(s.metrics['eval/acc']))).toBe(true);
  });
});
