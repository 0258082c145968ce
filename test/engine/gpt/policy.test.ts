import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runConfigSchema, type RunConfigInput } from '../../../src-main/contract';
import { selectBackend } from '../../../src-main/engine/backend';
import { createGptPolicy, initialWeights, type GptPolicy } from '../../../src-main/engine/gpt';
import { referenceLogits } from '../../../src-main/engine/gpt/reference';
import { createPolicy } from '../../../src-main/engine/policies';
import { createRng } from '../../../src-main/engine/rng';
import { createTask } from '../../../src-main/engine/tasks';
import { tf } from '../../../src-main/engine/tf';
import type { Prompt, SequenceBatch, Task, TensorMap } from '../../../src-main/engine/types';
import { expectClose, useCpuBackend, values } from '../support';

beforeAll(useCpuBackend);
afterAll(useCpuBackend);

const configOf = (over: RunConfigInput = {}) =>
  runConfigSchema.parse({
    task: { kind: 'add', size: 2 },
    policy: { kind: 'gpt', dModel: 16, layers: 2, heads: 2 },
    ...over,
  });

/** Weights away from initialisation, so that the policy is far from uniform. */
function perturbed(weights: TensorMap, seed: number, scale = 0.5): TensorMap {
  const rng = createRng(seed, 'perturb');
  return Object.fromEntries(
    Object.entries(weights).map(([n, w]) => [n, { shape: w.shape, data: w.data.map((x) => x + scale * rng.normal()) }]),
  );
}

function build(seed = 1): { task: Task; policy: GptPolicy; weights: TensorMap } {
  const config = configOf();
  const task = createTask(config.task);
  const dims = { vocab: task.vocab, context: task.promptLen + task.maxAnswerLen, dModel: 16, layers: 2, heads: 2 };
  const weights = perturbed(initialWeights(dims, createRng(seed, 'init')), seed);
  return { task, policy: createGptPolicy(config, task, { baseWeights: weights }), weights };
}

const statsOf = (policy: GptPolicy, batch: SequenceBatch, t = 1) =>
  tf.tidy(() => {
    const s = policy.tokenStats(batch, t);
    return [s.logp, s.entropy, s.sqTerm];
  });

/** Checks a rollout's shape and that its pi_old equals a full recomputation (tokenStats). */
async function checkRollout(task: Task, policy: GptPolicy, prompts: Prompt[]) {
  const r = await policy.sample(prompts, { temperature: 1.3, rng: createRng(3, 's') });
  const t = r.batch.responseLen;
  expect(t).toBeLessThanOrEqual(task.maxAnswerLen);
  for (let row = 0; row < prompts.length; row++) {
    const tokens = Array.from(r.batch.responses.subarray(row * t, row * t + t));
    const mask = Array.from(r.batch.mask.subarray(row * t, row * t + t));
    const len = mask.reduce((a, b) => a + b, 0);
    expect(mask).toEqual([...Array(len).fill(1), ...Array(t - len).fill(0)]);
    tokens.slice(0, len).forEach((tok) => expect(task.allowedTokens).toContain(tok));
    const eosAt = tokens.indexOf(task.eosToken!);
    expect(eosAt === -1 ? len === task.maxAnswerLen : eosAt === len - 1).toBe(true);
    for (let s = 0; s < t; s++) {
      const e = r.entropy[row * t + s];
      expect(e).toBeGreaterThanOrEqual(0);
      expect(e).toBeLessThanOrEqual(Math.log(task.allowedTokens.length) + 1e-5);
      if (!mask[s]) expect([r.logp[row * t + s], e]).toEqual([0, 0]);
    }
  }
  // The KV cache's pi_old equals a full recomputation on the sampled batch.
  const stats = statsOf(policy, r.batch, 1.3);
  expectClose(Array.from(r.logp), await values(stats[0]), 1e-5);
  expectClose(Array.from(r.entropy), await values(stats[1]), 1e-5);
  tf.dispose(stats);
}

describe('GPT policy', () => {
  it('is the "gpt" entry of the policy registry and starts from the base seed without base weights', async () => {
    const config = configOf();
    const task = createTask(config.task);
    const a = createPolicy(config, task);
    const b = createPolicy(configOf({ seed: 99 }), task);
    const c = createPolicy(
      configOf({ policy: { kind: 'gpt', dModel: 16, layers: 2, heads: 2, base: { seed: 2 } } }),
      task,
    );
    expect(a.kind).toBe('gpt');
    const w = async (p: typeof a) => Array.from((await p.getWeights())['h0.attn.wq'].data);
    expect(await w(a)).toEqual(await w(b));
    expect(await w(a)).not.toEqual(await w(c));
    [a, b, c].forEach((p) => p.dispose());
  });

  it('samples only allowed tokens, stops each row at the end token, and reports pi_old exactly', async () => {
    const { task, policy } = build();
    const before = tf.memory().numTensors;
    // Repeated prompts share their prompt pass: in consecutive groups as in a rollout, and in any order.
    const drawn = task.sampleTrain(createRng(2, 'p'), 12);
    const grouped = drawn.flatMap((p) => [p, p, p]);
    const shuffled = [...drawn.slice(0, 8), ...drawn.slice(0, 8).reverse(), ...drawn.slice(8)];
    for (const prompts of [grouped, shuffled]) await checkRollout(task, policy, prompts);
    expect(tf.memory().numTensors).toBe(before);
    policy.dispose();
  });

  it('is deterministic for a seed; greedy decoding ignores the stream', async () => {
    const { task, policy } = build();
    const prompts = task.sampleTrain(createRng(2, 'p'), 30);
    const run = async (seed: number, greedy = false) =>
      Array.from((await policy.sample(prompts, { temperature: 1, greedy, rng: createRng(seed, 's') })).batch.responses);
    expect(await run(5)).toEqual(await run(5));
    expect(await run(5)).not.toEqual(await run(6));
    expect(await run(5, true)).toEqual(await run(6, true));
    policy.dispose();
  });

  it('tokenStats are the exact softmax quantities (float64) of the reference model over the allowed tokens', async () => {
    const { task, policy, weights } = build(4);
    const temperature = 0.7;
    const r = await policy.sample(task.sampleTrain(createRng(2, 'p'), 6), { temperature, rng: createRng(1, 's') });
    const { size: b, promptLen: tp, responseLen: t } = r.batch;
    const got = await Promise.all(
      statsOf(policy, r.batch, temperature).map((x) => values(x).finally(() => x.dispose())),
    );
    const dims = { ...policy.dims };
    const logits = tf.tidy(() => {
      const w = Object.fromEntries(Object.entries(weights).map(([n, x]) => [n, tf.tensor(x.data, x.shape)]));
      const rows = Array.from({ length: b }, (_, i) => [
        ...r.batch.prompts.subarray(i * tp, i * tp + tp),
        ...r.batch.responses.subarray(i * t, i * t + t - 1),
      ]);
      const sel = tf
        .oneHot(tf.tensor1d(task.allowedTokens as number[], 'int32'), task.vocab)
        .transpose() as tf.Tensor2D;
      return referenceLogits(dims, w, tf.tensor2d(rows, [b, tp + t - 1], 'int32'), sel).slice(
        [0, tp - 1, 0],
        [b, t, -1],
      );
    });
    const z = await values(logits);
    logits.dispose();
    const a = task.allowedTokens.length;
    const want = [[], [], []] as number[][];
    for (let i = 0; i < b * t; i++) {
      const row = z.slice(i * a, i * a + a).map((x) => x / temperature);
      const max = Math.max(...row);
      const lse = max + Math.log(row.reduce((s, x) => s + Math.exp(x - max), 0));
      const lp = row.map((x) => x - lse);
      const h = -lp.reduce((s, l) => s + Math.exp(l) * l, 0);
      const sq = lp.reduce((s, l) => s + Math.exp(2 * l) * (l + h), 0);
      const m = r.batch.mask[i];
      want[0].push(m ? lp[task.allowedTokens.indexOf(r.batch.responses[i])] : 0);
      want[1].push(m ? h : 0);
      want[2].push(m ? sq : 0);
    }
    got.forEach((g, k) => expectClose(g, want[k], 1e-5));
    policy.dispose();
  });

  it('masked (padding) positions cannot change the result or the gradient', async () => {
    const { task, policy } = build(5);
    const r = await policy.sample(task.sampleTrain(createRng(2, 'p'), 24), { temperature: 1, rng: createRng(1, 's') });
    expect(r.batch.mask.some((m) => m === 0)).toBe(true);
    const noisy = { ...r.batch, responses: r.batch.responses.map((tok, i) => (r.batch.mask[i] ? tok : 2 + (i % 13))) };
    const coef = tf.randomNormal([r.batch.size, r.batch.responseLen], 0, 1, 'float32', 3);
    const run = (batch: SequenceBatch) => {
      const { value, grads } = tf.variableGrads(() => {
        const s = policy.tokenStats(batch, 1);
        return tf.sum(tf.mul(tf.addN([s.logp, s.entropy, s.sqTerm]), coef)) as tf.Scalar;
      }, policy.variables as tf.Variable[]);
      return [value, ...policy.variables.map((v) => grads[v.name])];
    };
    const a = run(r.batch);
    const b = run(noisy);
    for (let i = 0; i < a.length; i++) expect(await values(b[i])).toEqual(await values(a[i]));
    tf.dispose([a, b, coef]);
    policy.dispose();
  });

  it('tokenStats gradients match finite differences', async () => {
    const { task, policy, weights } = build(6);
    const r = await policy.sample(task.sampleTrain(createRng(2, 'p'), 8), { temperature: 1, rng: createRng(1, 's') });
    const coef = [0.7, -1.3, 2.1];
    const loss = () =>
      tf.tidy(() => {
        const s = policy.tokenStats(r.batch, 0.9);
        return tf.addN([s.logp, s.entropy, s.sqTerm].map((x, i) => tf.mul(tf.sum(x), coef[i]))) as tf.Scalar;
      });
    const { grads } = tf.variableGrads(loss, policy.variables as tf.Variable[]);
    const names = Object.keys(weights).sort();
    const rng = createRng(9, 'direction');
    const raw = Object.fromEntries(names.map((n) => [n, weights[n].data.map(() => rng.normal())]));
    const norm = Math.sqrt(names.reduce((s, n) => s + raw[n].reduce((a, x) => a + x * x, 0), 0));
    const direction = Object.fromEntries(names.map((n) => [n, raw[n].map((x) => x / norm)])); // unit length
    let analytic = 0;
    for (const [i, n] of names.entries()) {
      const g = await values(grads[policy.variables[i].name]);
      analytic += g.reduce((s, x, j) => s + x * direction[n][j], 0);
    }
    const at = async (eps: number) => {
      const moved = Object.fromEntries(
        names.map((n) => [
          n,
          { shape: weights[n].shape, data: weights[n].data.map((x, j) => x + eps * direction[n][j]) },
        ]),
      );
      policy.setWeights(moved);
      const l = loss();
      const v = (await values(l))[0];
      l.dispose();
      return v;
    };
    const eps = 1e-2;
    const numeric = ((await at(eps)) - (await at(-eps))) / (2 * eps);
    expect(Math.abs(analytic)).toBeGreaterThan(0.1);
    expect(Math.abs(numeric - analytic)).toBeLessThan(2e-3 * Math.abs(analytic));
    tf.dispose(Object.values(grads));
    policy.dispose();
  });

  it('round-trips weights and names the bad one', async () => {
    const { policy, weights } = build(7);
    const got = await policy.getWeights();
    expect(Object.keys(got).sort()).toEqual(Object.keys(weights).sort());
    expect(got['h1.mlp.w2'].data).toEqual(weights['h1.mlp.w2'].data);
    const bad = { ...weights, 'h0.attn.wk': { shape: [3, 3], data: new Float32Array(9) } };
    expect(() => policy.setWeights(bad)).toThrow(/"h0.attn.wk" has shape \[3,3\], expected \[16,16\]/);
    const { wte: _wte, ...missing } = weights;
    expect(() => policy.setWeights(missing)).toThrow(/missing "wte"/);
    expect(() => policy.setWeights({ ...weights, extra: weights.wte })).toThrow(/unexpected "extra"/);
    const before = tf.memory().numTensors;
    policy.setWeights(weights);
    await policy.getWeights();
    expect(tf.memory().numTensors).toBe(before);
    policy.dispose();
  });

  it('frees every tensor it made when disposed', () => {
    const before = tf.memory().numTensors;
    build(9).policy.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('cpu and wasm agree on a forward/backward step', async () => {
    const results: number[][][] = [];
    for (const backend of ['cpu', 'wasm'] as const) {
      await selectBackend(backend);
      const { task, policy } = build(8);
      const r = await policy.sample(task.sampleTrain(createRng(2, 'p'), 16), {
        temperature: 1,
        greedy: true,
        rng: createRng(1, 's'),
      });
      const { value, grads } = tf.variableGrads(() => {
        const s = policy.tokenStats(r.batch, 1);
        return tf.sum(tf.addN([s.logp, tf.mul(s.entropy, 0.5), s.sqTerm])) as tf.Scalar;
      }, policy.variables as tf.Variable[]);
      results.push(await Promise.all([value, ...policy.variables.map((v) => grads[v.name])].map(values)));
      tf.dispose([value, Object.values(grads)]);
      policy.dispose();
    }
    results[0].forEach((cpu, i) => expectClose(results[1][i], cpu, 1e-4));
  });
});
