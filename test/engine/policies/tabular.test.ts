import { beforeAll, describe, expect, it } from 'vitest';
import { runConfigSchema } from '../../../src-main/contract';
import { createPolicy } from '../../../src-main/engine/policies';
import { rowProbabilities } from '../../../src-main/engine/policies/tabular';
import { entropyOf } from '../../../src-main/engine/rl/entropy';
import { createRng } from '../../../src-main/engine/rng';
import { createTask } from '../../../src-main/engine/tasks';
import type { BanditMeta } from '../../../src-main/engine/tasks/bandit';
import { tf } from '../../../src-main/engine/tf';
import { expectClose, useCpuBackend, values } from '../support';

beforeAll(useCpuBackend);

const config = (seed = 1, taskSeed = 7) =>
  runConfigSchema.parse({
    seed,
    task: { kind: 'bandit', prompts: 4, actions: 5, correct: 1, seed: taskSeed },
    policy: { kind: 'tabular', logitStd: 2 },
  });

function build(seed = 1, taskSeed = 7) {
  const c = config(seed, taskSeed);
  const task = createTask(c.task);
  return { task, policy: createPolicy(c, task) };
}

describe('tabular policy', () => {
  it('starts from logits drawn with the task seed, equal for every run seed', async () => {
    const a = build(1, 7);
    const b = build(2, 7);
    const c = build(1, 8);
    const logits = async (p: typeof a.policy) => Array.from((await p.getWeights()).logits.data);
    expect(await logits(a.policy)).toEqual(await logits(b.policy));
    expect(await logits(a.policy)).not.toEqual(await logits(c.policy));
    const z = await logits(a.policy);
    const std = Math.sqrt(z.reduce((s, x) => s + x * x, 0) / z.length);
    expect(std).toBeGreaterThan(1);
    expect(std).toBeLessThan(3);
    [a, b, c].forEach((x) => x.policy.dispose());
  });

  it('samples from the exact probabilities at the temperature', async () => {
    const { task, policy } = build();
    const table = (await policy.getWeights()).logits.data;
    const prompt = task.evalPrompts(1)[0];
    const rows = Array.from({ length: 20000 }, () => prompt);
    const rollout = await policy.sample(rows, { temperature: 1.5, rng: createRng(3) });
    const probs = rowProbabilities(table, 0, 5, 1.5);
    const freq = new Array(5).fill(0);
    rollout.batch.responses.forEach((a) => freq[a]++);
    freq.forEach((f, a) => expect(Math.abs(f / 20000 - probs[a])).toBeLessThan(0.015));
    expectClose([rollout.logp[0]], [Math.log(probs[rollout.batch.responses[0]])], 1e-6);
    expectClose([rollout.entropy[0]], [entropyOf(Array.from(probs))], 1e-6);
    const greedy = await policy.sample([prompt], { temperature: 1.5, greedy: true, rng: createRng(3) });
    expect(greedy.batch.responses[0]).toBe(probs.indexOf(Math.max(...probs)));
    policy.dispose();
  });

  it('tokenStats match the sampler and differentiate w.r.t. the logits', async () => {
    const { task, policy } = build();
    const rollout = await policy.sample(task.evalPrompts(4), { temperature: 0.9, rng: createRng(4) });
    const stats = policy.tokenStats(rollout.batch, 0.9);
    expectClose(await values(stats.logp), Array.from(rollout.logp), 1e-5);
    expectClose(await values(stats.entropy), Array.from(rollout.entropy), 1e-5);
    const { grads } = tf.variableGrads(
      () => tf.sum(policy.tokenStats(rollout.batch, 0.9).logp) as tf.Scalar,
      [...policy.variables],
    );
    const g = await values(grads[policy.variables[0].name]);
    const table = (await policy.getWeights()).logits.data;
    for (let s = 0; s < 4; s++) {
      const p = rowProbabilities(table, s, 5, 0.9);
      const a = rollout.batch.responses[s];
      const expected = Array.from(p, (pb, b) => ((b === a ? 1 : 0) - pb) / 0.9); // d log pi_a / dz
      expectClose(g.slice(5 * s, 5 * s + 5), expected, 1e-5);
    }
    policy.dispose();
  });

  it('evaluates exactly: greedy accuracy, pass@k and mean entropy over all prompts', async () => {
    const { task, policy } = build();
    const prompts = task.evalPrompts(4);
    const table = (await policy.getWeights()).logits.data;
    let acc = 0;
    let pass = 0;
    let entropy = 0;
    prompts.forEach((p, s) => {
      const probs = Array.from(rowProbabilities(table, s, 5, 1));
      const right = (p.meta as BanditMeta).correct[0];
      acc += probs.indexOf(Math.max(...probs)) === right ? 1 : 0;
      pass += 1 - (1 - probs[right]) ** 3;
      entropy += entropyOf(probs);
    });
    const e = await policy.evaluateExactly!(prompts, { temperature: 1, k: 3 });
    expectClose([e.acc, e.passAtK, e.entropy], [acc / 4, pass / 4, entropy / 4], 1e-9);
    policy.dispose();
  });

  it('round-trips its weights and rejects a wrong shape', async () => {
    const { policy } = build();
    const w = await policy.getWeights();
    w.logits.data[0] = 5;
    policy.setWeights(w);
    expect((await policy.getWeights()).logits.data[0]).toBe(5);
    expect(() => policy.setWeights({ logits: { shape: [2, 2], data: new Float32Array(4) } })).toThrow(/shape \[4, 5\]/);
    policy.dispose();
  });
});
