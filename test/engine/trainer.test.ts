import { beforeAll, describe, expect, it } from 'vitest';
import {
  EVAL_METRICS,
  METRIC,
  STEP_METRICS,
  WEIGHT_CLIP_METRICS,
  runConfigSchema,
  type RunConfigInput,
} from '../../src-main/contract';
import { tf } from '../../src-main/engine/tf';
import { DivergedError, createTrainer } from '../../src-main/engine/trainer';
import type { StepResult, Trainer } from '../../src-main/engine/types';
import { useCpuBackend } from './support';

beforeAll(useCpuBackend);

const CPU = { name: 'cpu', detail: 'cpu' };

function config(over: Partial<RunConfigInput> = {}) {
  return runConfigSchema.parse({
    seed: 3,
    steps: 6,
    task: { kind: 'bandit', prompts: 24, actions: 8, correct: 1 },
    policy: { kind: 'tabular', logitStd: 2 },
    reward: { kind: 'bernoulli', p: 0.5 },
    rollout: { prompts: 12, groupSize: 4 },
    objective: { clipLow: 0.2, clipHigh: 0.2 },
    optim: { optimizer: 'adam', lr: 0.3, epochs: 2, minibatches: 2, gradClip: 1 },
    eval: { every: 2, prompts: 24, k: 4 },
    log: { samplesPerStep: 2 },
    attribution: { method: 'exact', every: 1 },
    backend: 'cpu',
    ...over,
  });
}

async function steps(trainer: Trainer, n: number): Promise<StepResult[]> {
  const out: StepResult[] = [];
  for (let i = 0; i < n; i++) out.push(await trainer.runStep());
  return out;
}

/** Metrics without wall-clock timings, which legitimately differ between runs. */
function untimed(results: StepResult[]) {
  return results.map((r) => {
    const { [METRIC.timeStep]: _t, [METRIC.tokensPerS]: _s, ...rest } = r.metrics;
    return { step: r.step, metrics: rest, samples: r.samples };
  });
}

describe('trainer', () => {
  it('logs every step metric, the eval metrics at eval steps, and samples', async () => {
    const trainer = await createTrainer(config(), { backend: CPU });
    const [first, second] = await steps(trainer, 2);
    const optional = new Set<string>([METRIC.clipLowGap, METRIC.clipHighGap]);
    for (const key of STEP_METRICS) if (!optional.has(key)) expect(first.metrics).toHaveProperty([key]);
    for (const key of Object.keys(first.metrics)) expect([...STEP_METRICS, ...EVAL_METRICS]).toContain(key);
    for (const key of EVAL_METRICS) expect(first.metrics).toHaveProperty([key]);
    for (const key of EVAL_METRICS) expect(second.metrics).not.toHaveProperty([key]);
    for (const value of Object.values(first.metrics)) expect(Number.isFinite(value)).toBe(true);
    expect(first.metrics[METRIC.tokens]).toBe(48);
    expect(second.metrics[METRIC.tokens]).toBe(96);
    expect(first.metrics[METRIC.lenMean]).toBe(1);
    expect(first.metrics[METRIC.klRef]).toBe(0); // the policy starts at the reference
    expect(first.samples).toHaveLength(2);
    expect(first.samples[0].prompt).toMatch(/^state \d+$/);
    expect(first.samples[0].responses).toHaveLength(4);
    const response = first.samples[0].responses[0];
    expect(response.tokens).toHaveLength(1);
    expect(response.entropies).toHaveLength(1);
    expect(response.text).toMatch(/^a\d$/);
    expect(trainer.step).toBe(2);
    expect(trainer.backend).toBe('cpu');
    trainer.dispose();
  });

  it('starts each step on-policy: one update per step sees a ratio of exactly 1', async () => {
    const trainer = await createTrainer(config({ optim: { optimizer: 'sgd', lr: 5, epochs: 1, minibatches: 1 } }), {
      backend: CPU,
    });
    for (const { metrics } of await steps(trainer, 3)) {
      expect(metrics[METRIC.ratioMin]).toBe(1);
      expect(metrics[METRIC.ratioMax]).toBe(1);
      expect(metrics[METRIC.klPpo]).toBe(0);
      expect(metrics[METRIC.clipLowFrac] + metrics[METRIC.clipHighFrac]).toBe(0);
    }
    trainer.dispose();
  });

  it('is deterministic: the same seed gives identical metrics and samples', async () => {
    const [a, b, c] = await Promise.all(
      [config(), config(), config({ seed: 4 })].map((x) => createTrainer(x, { backend: CPU })),
    );
    const first = untimed(await steps(a, 4));
    expect(untimed(await steps(b, 4))).toEqual(first);
    expect(untimed(await steps(c, 1))[0].metrics).not.toEqual(first[0].metrics);
    [a, b, c].forEach((t) => t.dispose());
  });

  it.each([
    ['adam + ppo', {}],
    [
      'sgd + clip_cov + kl penalty',
      {
        objective: { loss: 'clip_cov', covRatio: 0.1, covLow: -10, covHigh: 10, klCoef: 0.1 },
        optim: { optimizer: 'sgd', lr: 3 },
      },
    ],
  ] as const)('resumes from state() exactly like the uninterrupted run (%s)', async (_name, over) => {
    const cfg = config(over as Partial<RunConfigInput>);
    const whole = await createTrainer(cfg, { backend: CPU });
    const expected = untimed(await steps(whole, 5));
    const first = await createTrainer(cfg, { backend: CPU });
    await steps(first, 2);
    const state = structuredClone(await first.state());
    first.dispose();
    const resumed = await createTrainer(cfg, { backend: CPU, resume: state });
    expect(resumed.step).toBe(2);
    expect(untimed(await steps(resumed, 3))).toEqual(expected.slice(2));
    whole.dispose();
    resumed.dispose();
  });

  it('leaks no tensors across steps', async () => {
    const trainer = await createTrainer(config({ objective: { loss: 'kl_cov', entropyCoef: 0.01, klCoef: 0.1 } }), {
      backend: CPU,
    });
    await trainer.runStep();
    const before = tf.memory().numTensors;
    await steps(trainer, 3);
    await trainer.state();
    expect(tf.memory().numTensors).toBe(before);
    trainer.dispose();
  });

  it('runs every loss, estimator and aggregation', async () => {
    for (const loss of ['ppo', 'gspo', 'cispo', 'clip_cov', 'kl_cov'] as const) {
      for (const [estimator, aggregation] of [
        ['grpo', 'token-mean'],
        ['dr_grpo', 'seq-mean-token-sum-norm'],
        ['rloo', 'seq-mean-token-mean'],
        ['grpo', 'seq-mean-token-sum'],
        ['reinforce_pp', 'token-mean'],
      ] as const) {
        const trainer = await createTrainer(
          config({ steps: 1, advantage: { estimator }, objective: { loss, aggregation, dualClip: 3 } }),
          { backend: CPU },
        );
        const [{ metrics }] = await steps(trainer, 1);
        for (const value of Object.values(metrics)) expect(Number.isFinite(value)).toBe(true);
        trainer.dispose();
      }
    }
  });

  it('refuses to run past the configured steps and a GPT policy without base weights', async () => {
    const trainer = await createTrainer(config({ steps: 1 }), { backend: CPU });
    await trainer.runStep();
    await expect(trainer.runStep()).rejects.toThrow(/all 1 steps have run/);
    trainer.dispose();
    const gpt = runConfigSchema.parse({ policy: { kind: 'gpt' }, task: { kind: 'add' }, backend: 'cpu' });
    await expect(createTrainer(gpt, { backend: CPU })).rejects.toThrow(/baseWeights/);
  });
});

describe('divergence guards', () => {
  it('an absurd step size ends the run with DivergedError naming the quantity and step', async () => {
    // The schema caps lr and the tabular log-softmax stays finite for any finite logits, so the
    // overflow comes from an absurd entropy-bonus coefficient on top of the largest lr.
    const absurd = config({
      objective: { entropyCoef: 1e36 },
      optim: { optimizer: 'sgd', lr: 10_000, gradClip: null },
    });
    const trainer = await createTrainer(absurd, { backend: CPU });
    const error = await steps(trainer, 3).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DivergedError);
    expect((error as DivergedError).step).toBe(0);
    expect((error as Error).message).toMatch(/diverged at step 0: .*(weights|loss|gradient norm)/);
    trainer.dispose();
  });

  it('a poisoned weight is caught at the step it first enters the loss', async () => {
    const clean = await createTrainer(config(), { backend: CPU });
    await steps(clean, 1);
    const state = await clean.state();
    clean.dispose();
    state.weights.logits.data.fill(NaN, 0, 8);
    const trainer = await createTrainer(config(), { backend: CPU, resume: state });
    const error = await trainer.runStep().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DivergedError);
    expect((error as DivergedError).step).toBe(1);
    trainer.dispose();
  });
});

describe('first-order entropy prediction', () => {
  /** |delta_pred / delta - 1| of one SGD step without clipping. */
  async function relativeError(lr: number, epochs: number, minibatches: number): Promise<number> {
    const cfg = config({
      steps: 1,
      task: { kind: 'bandit', prompts: 16, actions: 8, correct: 1 },
      rollout: { prompts: 16, groupSize: 8 },
      objective: { clipLow: 1, clipHigh: null },
      optim: { optimizer: 'sgd', lr, epochs, minibatches, gradClip: null },
      attribution: { method: 'exact', every: 1, rule: 'tangent' }, // the first order, whose error shrinks with lr
    });
    const trainer = await createTrainer(cfg, { backend: CPU });
    const [{ metrics }] = await steps(trainer, 1);
    trainer.dispose();
    expect(Math.abs(metrics[METRIC.entropyDelta])).toBeGreaterThan(1e-5); // well above float32 noise
    return Math.abs(metrics[METRIC.entropyDeltaPred] / metrics[METRIC.entropyDelta] - 1);
  }

  it('matches the measured entropy change of a tabular SGD update as lr -> 0', async () => {
    const [large, small] = [await relativeError(1, 1, 1), await relativeError(0.25, 1, 1)];
    expect(small).toBeLessThan(large);
    expect(small).toBeLessThan(0.03);
    expect(await relativeError(0.25, 2, 2)).toBeLessThan(0.05); // summed over the step's updates
  });

  it("CISPO reports the paper's clip events and its other weight clips under their own keys", async () => {
    const cfg = config({
      steps: 3,
      task: { kind: 'bandit', prompts: 64, actions: 16, correct: 1 },
      rollout: { prompts: 64, groupSize: 8 },
      objective: { loss: 'cispo' },
      optim: { optimizer: 'sgd', lr: 40, epochs: 4, minibatches: 1, gradClip: null },
      eval: { every: 0 },
    });
    const trainer = await createTrainer(cfg, { backend: CPU });
    const results = await steps(trainer, 3);
    trainer.dispose();
    const total = (key: string) => results.reduce((a, r) => a + r.metrics[key], 0);
    for (const key of WEIGHT_CLIP_METRICS) expect(Number.isFinite(total(key)), key).toBe(true);
    // Large steps clip weights on every side; each token counts on one side only.
    for (const key of [METRIC.clipLowFrac, METRIC.clipHighFrac, METRIC.clipLowPosFrac, METRIC.clipHighNegFrac]) {
      expect(total(key), key).toBeGreaterThan(0);
    }
    expect(results.every((r) => r.metrics[METRIC.clipLowFrac] + r.metrics[METRIC.clipLowPosFrac] <= 1)).toBe(true);
    const ppo = await createTrainer({ ...cfg, objective: { ...cfg.objective, loss: 'ppo' } }, { backend: CPU });
    const [{ metrics }] = await steps(ppo, 1);
    ppo.dispose();
    for (const key of WEIGHT_CLIP_METRICS) expect(metrics).not.toHaveProperty([key]);
    // Gradient accumulation over micro-batches counts the same clipped tokens as one pass.
    const one = { ...cfg, optim: { ...cfg.optim, epochs: 1 } };
    const split = await createTrainer({ ...one, optim: { ...one.optim, microBatch: 100 } }, { backend: CPU });
    const whole = await createTrainer(one, { backend: CPU });
    const [[a], [b]] = [await steps(split, 1), await steps(whole, 1)];
    split.dispose();
    whole.dispose();
    for (const key of [METRIC.clipLowFrac, METRIC.clipHighFrac, METRIC.clipLowPosFrac, METRIC.clipHighNegFrac]) {
      expect(a.metrics[key], key).toBe(b.metrics[key]);
    }
    expect(a.metrics[METRIC.clipLowPosDrift]).toBeCloseTo(b.metrics[METRIC.clipLowPosDrift], 6);
  });

  it('credits clip-low with a positive drift and clip-high with a negative one', async () => {
    const cfg = config({
      steps: 6,
      task: { kind: 'bandit', prompts: 64, actions: 16, correct: 1 },
      rollout: { prompts: 64, groupSize: 8 },
      optim: { optimizer: 'sgd', lr: 40, epochs: 4, minibatches: 1, gradClip: null },
      eval: { every: 0 },
    });
    const trainer = await createTrainer(cfg, { backend: CPU });
    const results = await steps(trainer, 6);
    trainer.dispose();
    const total = (key: string) => results.reduce((a, r) => a + r.metrics[key], 0);
    expect(total(METRIC.clipLowFrac)).toBeGreaterThan(0);
    expect(total(METRIC.clipHighFrac)).toBeGreaterThan(0);
    expect(total(METRIC.clipLowDrift)).toBeGreaterThan(0);
    expect(total(METRIC.clipHighDrift)).toBeLessThan(0);
    // clipped tokens are rarer than average: surprisal above the entropy
    expect(results.every((r) => r.metrics[METRIC.clipHighGap] > 0 && r.metrics[METRIC.clipLowGap] > 0)).toBe(true);
  });
});
