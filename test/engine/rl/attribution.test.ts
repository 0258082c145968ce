/**
 * The exact attribution's building blocks (engine/rl/attribution.ts) against independent
 * computations: grad Hbar against a float64 finite difference of the mean entropy, the reverse-mode
 * token sums against per-token autodiff, and one update's parts against the same update taken
 * without clipping (the drift of a side is exactly what undoing its clipping changes), and the
 * cached grad Hbar of the trapezoid and Simpson's rule against recomputing it at every update.
 */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { runConfigSchema, type RunConfig, type RunConfigInput } from '../../../src-main/contract';
import { createGptPolicy, gptDims, initialWeights } from '../../../src-main/engine/gpt';
import { createOptimizer } from '../../../src-main/engine/optim';
import { createPolicy } from '../../../src-main/engine/policies';
import { createReward } from '../../../src-main/engine/rewards';
import { createRngStreams, createRng } from '../../../src-main/engine/rng';
import {
  disposeGradientCache,
  dotAll,
  meanEntropyGradient,
  weightedLogpGradient,
  type GradientCache,
} from '../../../src-main/engine/rl/attribution';
import { entropyOf } from '../../../src-main/engine/rl/entropy';
import { createTask } from '../../../src-main/engine/tasks';
import { tf } from '../../../src-main/engine/tf';
import { selectRows } from '../../../src-main/engine/trainer/batch';
import { makeMinibatch, prepareStep, type StepContext } from '../../../src-main/engine/trainer/step';
import { runUpdate, type Minibatch, type UpdateRecord } from '../../../src-main/engine/trainer/update';
import { POLICY_LOSSES } from '../../../src-main/engine/rl/losses';
import type { Policy, SequenceBatch, TensorMap } from '../../../src-main/engine/types';
import { useCpuBackend, values } from '../support';

beforeAll(useCpuBackend);

let numTensors = 0;
afterEach(() => {
  // Every test disposes what it made: the attribution leaves nothing behind.
  expect(tf.memory().numTensors).toBe(numTensors);
});
beforeAll(() => {
  numTensors = tf.memory().numTensors;
});

const bandit = (over: RunConfigInput = {}) =>
  runConfigSchema.parse({
    seed: 2,
    task: { kind: 'bandit', prompts: 12, actions: 6, correct: 1 },
    policy: { kind: 'tabular', logitStd: 2 },
    reward: { kind: 'bernoulli', p: 0.5 },
    rollout: { prompts: 12, groupSize: 4 },
    backend: 'cpu',
    ...over,
  });

const tinyGpt = (over: RunConfigInput = {}) =>
  runConfigSchema.parse({
    seed: 2,
    task: { kind: 'add', size: 1 },
    policy: { kind: 'gpt', dModel: 16, layers: 1, heads: 2 },
    reward: { kind: 'bernoulli', p: 0.5 },
    rollout: { prompts: 6, groupSize: 4 },
    backend: 'cpu',
    ...over,
  });

/** GPT weights away from initialisation, so that the policy is far from uniform. */
function gptWeights(config: RunConfig): TensorMap {
  const task = createTask(config.task);
  const rng = createRng(9, 'test/perturb');
  const init = initialWeights(gptDims(config.policy as never, task), createRng(1, 'test/init'));
  return Object.fromEntries(
    Object.entries(init).map(([n, w]) => [n, { shape: w.shape, data: w.data.map((x) => x + 0.15 * rng.normal()) }]),
  );
}

/** Mean entropy of the tabular policy over a batch's rows, in float64 from the table's logits. */
function tabularMeanEntropy(table: Float64Array, batch: SequenceBatch, actions: number): number {
  let total = 0;
  for (let b = 0; b < batch.size; b++) {
    const row = table.subarray(batch.prompts[b] * actions, (batch.prompts[b] + 1) * actions);
    const max = Math.max(...row);
    const e = Array.from(row, (z) => Math.exp(z - max));
    const sum = e.reduce((a, x) => a + x, 0);
    total += entropyOf(e.map((x) => x / sum));
  }
  return total / batch.size;
}

describe('grad Hbar', () => {
  it('is the gradient of the mean entropy the metric measures (float64 finite difference, chunked)', async () => {
    const config = bandit();
    const task = createTask(config.task);
    const policy = createPolicy(config, task);
    const prompts = task.sampleTrain(createRng(1, 'p'), 8).flatMap((p) => [p, p, p]);
    const { batch } = await policy.sample(prompts, { temperature: 1, rng: createRng(2, 's') });
    // Two uneven chunks, rows out of order, as minibatch splits are.
    const order = [5, 0, 17, 11, 2, 23, 8, 14, 20, 3, 1, 4, 6, 7, 9, 10, 12, 13, 15, 16, 18, 19, 21, 22];
    const chunks = [selectRows(batch, order.slice(0, 9)), selectRows(batch, order.slice(9))];
    const table = Float64Array.from((await policy.getWeights()).logits.data);
    const direction = Float32Array.from(table, (_, i) => Math.sin(1.3 * i));
    const gradient = tf.tidy(() => dotAll(meanEntropyGradient(policy, chunks, 1), [tf.tensor2d(direction, [12, 6])]));
    const eps = 1e-4;
    const at = (s: number) =>
      tabularMeanEntropy(
        table.map((x, i) => x + s * direction[i]),
        batch,
        6,
      );
    const reference = (at(eps) - at(-eps)) / (2 * eps);
    expect((await values(gradient))[0]).toBeCloseTo(reference, 5);
    gradient.dispose();
    policy.dispose();
  });
});

describe('reverse-mode token sums', () => {
  it('sum_t a_t <grad log pi_t, v> equals per-token autodiff on a GPT', async () => {
    const config = tinyGpt();
    const task = createTask(config.task);
    const policy = createGptPolicy(config, task, { baseWeights: gptWeights(config) });
    const prompts = task.sampleTrain(createRng(1, 'p'), 3).flatMap((p) => [p, p]);
    const { batch } = await policy.sample(prompts, { temperature: 1, rng: createRng(2, 's') });
    const variables = policy.variables as tf.Variable[];
    const [summed, perToken] = tf.tidy(() => {
      const rng = createRng(4, 'v');
      const v = variables.map((x) =>
        tf.tensor(
          Array.from({ length: x.size }, () => rng.normal()),
          x.shape,
        ),
      );
      const weights = Array.from(batch.mask, (m, i) => m * Math.cos(i));
      const a = tf.tensor2d(weights, [batch.size, batch.responseLen]);
      const summed = dotAll(weightedLogpGradient(policy, batch, 1, a), v);
      const terms = weights.map((w, i) => {
        if (w === 0) return tf.scalar(0);
        const pick = tf.reshape(tf.oneHot(tf.tensor1d([i], 'int32'), weights.length), [batch.size, batch.responseLen]);
        const { grads } = tf.variableGrads(() => tf.sum(tf.mul(policy.tokenStats(batch, 1).logp, pick)) as tf.Scalar);
        return tf.mul(
          dotAll(
            variables.map((x) => grads[x.name]),
            v,
          ),
          w,
        );
      });
      return [summed, tf.addN(terms)];
    });
    const [s, p] = [(await values(summed))[0], (await values(perToken))[0]];
    expect(Math.abs(s - p)).toBeLessThan(1e-4 * Math.abs(p));
    tf.dispose([summed, perToken]);
    policy.dispose();
  });
});

interface UpdatePair {
  clipped: UpdateRecord;
  unclipped: UpdateRecord;
  /** What both updates started from, for independent checks. */
  moved: TensorMap;
  minibatch: Minibatch;
  chunks: SequenceBatch[];
}

/**
 * One SGD update (no gradient clip, so P = lr for both) from the same moved policy, once with the
 * objective's clipping and once without; returns both records. The policy is first moved by a few
 * plain updates so that ratios leave 1 and clipping acts.
 */
async function updatePair(config: RunConfig, baseWeights?: TensorMap): Promise<UpdatePair> {
  const task = createTask(config.task);
  const make = () => createPolicy(config, task, { baseWeights });
  const [policy, reference] = [make(), make()];
  const ctx: StepContext = {
    config,
    task,
    policy,
    reference,
    rngs: createRngStreams(config.seed),
    reward: createReward(config.reward),
  };
  const data = await prepareStep(ctx);
  const minibatch = makeMinibatch(data, data.splits[0][0], ctx);
  // Moved by the other minibatch too, as in an epoch: some tokens of this one then move against
  // their own advantage (what the dual clip catches).
  const other = makeMinibatch(data, data.splits[0][1], ctx);
  const warm = createOptimizer(config.optim, policy.variables);
  for (const mb of [other, other, other]) await runUpdate(policy, warm, config, mb);
  warm.dispose();
  const attribution = {
    chunks: data.splits[0].map((rows) => selectRows(data.rollout.batch, rows)),
    rule: 'tangent' as const, // the checks below are of the first-order parts
  };
  const moved = await policy.getWeights();
  const run = async (objective: Partial<RunConfig['objective']>) => {
    const cfg = { ...config, objective: { ...config.objective, ...objective } };
    const p: Policy = make();
    p.setWeights(moved);
    const optimizer = createOptimizer(cfg.optim, p.variables);
    const record = await runUpdate(p, optimizer, cfg, minibatch, attribution);
    optimizer.dispose();
    p.dispose();
    return record;
  };
  const clipped = await run({});
  const unclipped = await run({ clipLow: 1, clipHigh: null, dualClip: null });
  policy.dispose();
  reference.dispose();
  return { clipped, unclipped, moved, minibatch, chunks: attribution.chunks };
}

const exactOf = (r: UpdateRecord) => r.exact ?? expect.unreachable('the update was attributed');

describe("an update's parts", () => {
  const sgd = { optimizer: 'sgd', lr: 2, epochs: 1, minibatches: 2, gradClip: null } as const;

  it.each([
    ['tabular, ppo with dual clip', bandit({ objective: { dualClip: 1.02 }, optim: sgd })],
    ['tabular, cispo', bandit({ objective: { loss: 'cispo' }, optim: sgd })],
    ['GPT, ppo', tinyGpt({ optim: { ...sgd, lr: 0.5 } })],
  ] as const)('each side drifts by what undoing its clipping changes (%s)', async (name, config) => {
    const gpt = config.policy.kind === 'gpt';
    const { clipped, unclipped } = await updatePair(config, gpt ? gptWeights(config) : undefined);
    const [c, u] = [exactOf(clipped), exactOf(unclipped)];
    expect(clipped.clipLow + clipped.clipHigh, 'clipping acted').toBeGreaterThan(0);
    if (name.includes('dual')) expect(clipped.dualClip, 'the dual clip acted').toBeGreaterThan(0);
    // CISPO also clips weights outside the paper's events (A > 0 below, A < 0 above): their own parts.
    const sides = (e: typeof c) => [e.low, e.high, e.dual, e.lowPos, e.highNeg];
    if (name.includes('cispo')) expect(clipped.clipLowPositive + clipped.clipHighNegative).toBeGreaterThan(0);
    else expect([c.lowPos, c.highNeg]).toEqual([0, 0]);
    const scale = [c.unclipped, ...sides(c)].reduce((a, x) => a + Math.abs(x), 0);
    // Without clipping the update is the unclipped surrogate's, and nothing drifts.
    expect(Math.abs(u.total - c.unclipped)).toBeLessThan(1e-4 * scale);
    expect(sides(u)).toEqual([0, 0, 0, 0, 0]);
    // Clipping changed the total by exactly its sides' drifts.
    const drifts = sides(c).reduce((a, x) => a + x, 0);
    expect(Math.abs(c.total - u.total - drifts)).toBeLessThan(1e-4 * scale);
    // SGD carries nothing; a PPO-family loss without regularisers leaves nothing else.
    expect(c.momentum).toBe(0);
    expect(Math.abs(c.other)).toBeLessThan(1e-4 * scale);
  });
});

describe('the pushes against the whole objective', () => {
  it('sum_t w_t c_t equals a central difference of the policy loss along P grad Hbar (tabular, float32)', async () => {
    const config = bandit({ optim: { optimizer: 'sgd', lr: 2, epochs: 1, minibatches: 2, gradClip: null } });
    const { clipped, moved, minibatch: mb, chunks } = await updatePair(config);
    const c = exactOf(clipped);
    // PPO removes weight only from clipped tokens: the applied pushes are the unclipped part minus
    // what each side removed.
    const pushes = c.unclipped + c.low + c.high + c.dual;
    const policy = createPolicy(config, createTask(config.task));
    policy.setWeights(moved);
    const variables = policy.variables as tf.Variable[];
    const slope = tf.tidy(() => {
      const shape: [number, number] = [mb.batch.size, mb.batch.responseLen];
      const t = (x: Float32Array) => tf.tensor2d(x, shape);
      const loss = () =>
        POLICY_LOSSES.ppo({
          logp: policy.tokenStats(mb.batch, 1).logp,
          oldLogp: t(mb.oldLogp),
          advantages: t(mb.advantages),
          mask: t(mb.batch.mask),
          weights: t(mb.weights),
          uniforms: t(mb.uniforms),
          tokenCount: mb.tokenCount,
          params: config.objective,
        }).loss;
      const at = variables.map((x) => tf.clone(x));
      const v = meanEntropyGradient(policy, chunks, 1).map((g) => tf.mul(g, config.optim.lr)); // P grad Hbar, P = lr
      const h = 1e-3;
      const along = (sign: number) => {
        variables.forEach((x, i) => x.assign(tf.add(at[i], tf.mul(v[i], sign * h))));
        return loss();
      };
      return tf.div(tf.sub(along(1), along(-1)), -2 * h); // -dL/dh: what the step's descent does to entropy
    });
    expect(Math.abs((await values(slope))[0] - pushes)).toBeLessThan(2e-3 * Math.abs(pushes));
    slope.dispose();
    policy.dispose();
  });
});

describe("the trapezoid and Simpson's rule across a step", () => {
  it.each([
    ['trapezoid', 'sgd'],
    ['trapezoid', 'adam'],
    ['simpson', 'sgd'],
    ['simpson', 'adam'],
  ] as const)(
    '%s: grad Hbar cached between updates gives what recomputing it at each update gives (GPT, %s)',
    async (rule, optimizer) => {
      const config = tinyGpt({ optim: { optimizer, lr: optimizer === 'sgd' ? 0.5 : 1e-2, epochs: 2, minibatches: 2 } });
      const task = createTask(config.task);
      const weights = gptWeights(config);
      const make = () => createPolicy(config, task, { baseWeights: weights });
      const [policy, reference] = [make(), make()];
      const ctx: StepContext = {
        config,
        task,
        policy,
        reference,
        rngs: createRngStreams(config.seed),
        reward: createReward(config.reward),
      };
      const data = await prepareStep(ctx);
      const chunks = data.splits[0].map((rows) => selectRows(data.rollout.batch, rows));
      const start = await policy.getWeights();
      const updates = async (cache?: GradientCache) => {
        policy.setWeights(start);
        const optimizer = createOptimizer(config.optim, policy.variables);
        const records: UpdateRecord[] = [];
        try {
          for (const epoch of data.splits) {
            for (const rows of epoch) {
              const mb = makeMinibatch(data, rows, ctx);
              records.push(await runUpdate(policy, optimizer, config, mb, { chunks, rule, cache }));
            }
          }
        } finally {
          if (cache) disposeGradientCache(cache);
          optimizer.dispose();
        }
        return records.map(exactOf);
      };
      const cached = await updates({ gradient: null });
      const recomputed = await updates();
      policy.dispose();
      reference.dispose();
      expect(cached).toHaveLength(4);
      cached.forEach((c, i) => {
        const r = recomputed[i];
        const scale = Math.abs(r.unclipped) + Math.abs(r.low) + Math.abs(r.high) + Math.abs(r.momentum);
        for (const key of Object.keys(c) as (keyof typeof c)[]) {
          expect(Math.abs(c[key] - r[key]), `update ${i} ${key}`).toBeLessThanOrEqual(1e-6 * scale);
        }
        // The rule is not the tangent: the updates are large enough to tell them apart.
        expect(Math.abs(c.total - c.tangent)).toBeGreaterThan(1e-4 * scale);
      });
    },
  );
});
