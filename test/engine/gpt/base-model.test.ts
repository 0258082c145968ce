import { beforeAll, describe, expect, it } from 'vitest';
import { runConfigSchema, type RunConfigInput } from '../../../src-main/contract';
import { baseModelKey, baseModelSpec, noisyTarget, trainBaseModel } from '../../../src-main/engine/base-model';
import { createGptPolicy } from '../../../src-main/engine/gpt';
import { createRng } from '../../../src-main/engine/rng';
import { createTask } from '../../../src-main/engine/tasks';
import { decode } from '../../../src-main/engine/tasks/sequence';
import { useCpuBackend } from '../support';

beforeAll(useCpuBackend);

const tiny = (base: Record<string, unknown> = {}, over: RunConfigInput = {}) =>
  runConfigSchema.parse({
    backend: 'cpu',
    task: { kind: 'reverse', size: 2 },
    policy: {
      kind: 'gpt',
      dModel: 16,
      layers: 1,
      heads: 2,
      base: { steps: 60, batchSize: 32, targetAcc: null, ...base },
    },
    ...over,
  });

describe('base model key', () => {
  const key = (input: RunConfigInput) => baseModelKey(runConfigSchema.parse(input));

  it('ignores everything of the RL run: seed, reward, clipping, optimizer, rollout, eval', () => {
    const a = key({});
    expect(key({ seed: 42 })).toBe(a);
    expect(key({ reward: { kind: 'bernoulli', p: 0.3 } })).toBe(a);
    expect(key({ objective: { clipLow: 0.05, clipHigh: null } })).toBe(a);
    expect(key({ optim: { lr: 1e-4, epochs: 4 } })).toBe(a);
    expect(key({ rollout: { prompts: 32, temperature: 0.7 }, eval: { prompts: 64 }, name: 'x', backend: 'cpu' })).toBe(
      a,
    );
  });

  it('changes with the task, the architecture and every base setting', () => {
    const a = key({});
    const variants: RunConfigInput[] = [
      { task: { kind: 'add', size: 4 } },
      { task: { kind: 'add', size: 3, seed: 8 } },
      { task: { kind: 'sort', size: 3 } },
      { policy: { kind: 'gpt', dModel: 32 } },
      { policy: { kind: 'gpt', layers: 3 } },
      { policy: { kind: 'gpt', heads: 2 } },
      { policy: { kind: 'gpt', context: 20 } },
      { policy: { kind: 'gpt', base: { seed: 2 } } },
      { policy: { kind: 'gpt', base: { labelNoise: 0.1 } } },
      { policy: { kind: 'gpt', base: { steps: 900 } } },
      { policy: { kind: 'gpt', base: { targetAcc: 0.6 } } },
      { policy: { kind: 'gpt', base: { lr: 2e-3 } } },
      { policy: { kind: 'gpt', base: { batchSize: 128 } } },
    ];
    const keys = variants.map(key);
    expect(new Set([a, ...keys]).size).toBe(variants.length + 1);
  });

  it('resolves the default context, so stating the task need explicitly is the same model', () => {
    expect(key({ policy: { kind: 'gpt', context: 13 } })).toBe(key({})); // add size 3: 8 + 5
    expect(baseModelSpec(runConfigSchema.parse({})).model.context).toBe(13);
  });

  it('rejects a tabular policy', () => {
    expect(() => key({ task: { kind: 'bandit' }, policy: { kind: 'tabular' } })).toThrow(/policy.kind/);
  });
});

describe('noisy targets', () => {
  const task = createTask({ kind: 'add', size: 3, seed: 7 });
  const prompts = task.sampleTrain(createRng(1, 'p'), 300);

  it('are the reference answer and the end token without noise', () => {
    const rng = createRng(2, 'n');
    for (const p of prompts.slice(0, 50)) {
      const target = noisyTarget(task, p, 0, rng);
      expect(target[target.length - 1]).toBe(task.eosToken);
      expect(task.verify(p, target.slice(0, -1))).toBe(true);
    }
  });

  it('replace exactly one digit of the share of answers given by the noise', () => {
    const rng = createRng(3, 'n');
    let noisy = 0;
    for (const p of prompts) {
      const clean = decode(task.reference(p, rng)!);
      const target = decode(noisyTarget(task, p, 0.3, rng).slice(0, -1));
      const changed = [...clean].filter((c, i) => c !== target[i]).length;
      expect(target).toHaveLength(clean.length);
      expect(changed).toBeLessThanOrEqual(1);
      noisy += changed;
    }
    expect(noisy / prompts.length).toBeGreaterThan(0.22);
    expect(noisy / prompts.length).toBeLessThan(0.38);
  });
});

describe('trainBaseModel', () => {
  it('trains from the base seed alone, deterministically, and reports how it turned out', async () => {
    const progress: { step: number; loss: number; evalAcc?: number }[] = [];
    const a = await trainBaseModel(tiny(), { onProgress: (p) => progress.push(p) });
    const b = await trainBaseModel(tiny({}, { seed: 77 }));
    expect(a.weights['h0.mlp.w1'].data).toEqual(b.weights['h0.mlp.w1'].data);
    expect(progress.map((p) => p.step)).toEqual(Array.from({ length: 60 }, (_, i) => i + 1));
    expect(progress.filter((p) => p.evalAcc !== undefined).map((p) => p.step)).toEqual([50, 60]);
    expect(progress[59].loss).toBeLessThan(progress[0].loss);
    expect(a.info).toMatchObject({ steps: 60, stoppedBy: 'steps', backend: 'cpu (pure JavaScript)' });
    expect(a.info.finalLoss).toBe(progress[59].loss);
    for (const acc of [a.info.evalAcc, a.info.sampledAcc]) expect(acc).toBeGreaterThanOrEqual(0);
    expect(a.info.entropy).toBeGreaterThan(0);
    expect(a.info.entropy).toBeLessThan(Math.log(11));
    const config = tiny();
    const policy = createGptPolicy(config, createTask(config.task), { baseWeights: a.weights });
    expect((await policy.getWeights())['lnf.g'].data).toEqual(a.weights['lnf.g'].data);
    policy.dispose();
    const oneStep = async (seed: number) => (await trainBaseModel(tiny({ seed, steps: 1 }))).weights['h0.mlp.w1'].data;
    expect(await oneStep(2)).not.toEqual(await oneStep(1));
  });

  it('stops at the target accuracy, or when asked to', async () => {
    const target = await trainBaseModel(tiny({ steps: 400, targetAcc: 0.05 }));
    expect(target.info.stoppedBy).toBe('target');
    expect(target.info.steps % 50).toBe(0);
    expect(target.info.steps).toBeLessThan(400);
    let calls = 0;
    const cancelled = await trainBaseModel(tiny(), { shouldStop: () => ++calls > 5 });
    expect(cancelled.info).toMatchObject({ steps: 5, stoppedBy: 'cancelled' });
  });
});
