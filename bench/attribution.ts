/**
 * Entropy attribution benchmark (issue 13), on the default GPT (contract defaults: 3-digit addition,
 * d 64 x 2 layers, 64 prompts x 8, Adam, 2 epochs x 4 minibatches), against baselines measured in
 * the same run:
 *   1. Cost: training steps with `attribution.method` off, logit and exact (every step) under each
 *      rule (tangent, trapezoid, simpson), interleaved so that the machine's load hits all five
 *      alike; the exact method's cost per update, and each rule's against the trapezoid.
 *   2. Accuracy of the alternative the issue proposed: every c_t = <grad log pi_t, P grad Hbar> from
 *      one central difference of log pi along v = P grad Hbar, at several steps, against per-token
 *      autodiff (what rl/attribution.ts's reverse-mode sums equal to float32 rounding).
 * Run: `npm run bench -- attribution` (BENCH_BACKEND picks a backend; default wasm; BENCH_STEPS the
 * timed steps, default 4; BENCH_COST_ONLY=1 skips part 2).
 */
import { runConfigSchema, type Backend, type RunConfig } from '../src-main/contract';
import { selectBackend } from '../src-main/engine/backend';
import { trainBaseModel } from '../src-main/engine/base-model';
import { createGptPolicy } from '../src-main/engine/gpt';
import { createOptimizer } from '../src-main/engine/optim';
import { createRng } from '../src-main/engine/rng';
import { meanEntropyGradient } from '../src-main/engine/rl/attribution';
import { createTask } from '../src-main/engine/tasks';
import { tf } from '../src-main/engine/tf';
import { createTrainer } from '../src-main/engine/trainer';
import type { Policy, SequenceBatch, TensorMap } from '../src-main/engine/types';

const STEPS = Number(process.env.BENCH_STEPS ?? 4);
const fmt = (x: number, digits = 2) => x.toFixed(digits);
const median = (xs: readonly number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** The contract defaults with a short supervised base model (so the policy is not near uniform). */
function benchConfig(
  method: RunConfig['attribution']['method'],
  backend: Backend,
  rule: RunConfig['attribution']['rule'] = 'trapezoid',
): RunConfig {
  return runConfigSchema.parse({
    steps: 1000,
    reward: { kind: 'bernoulli', p: 0.5 },
    policy: { kind: 'gpt', base: { steps: 150, targetAcc: null } },
    eval: { every: 0 },
    log: { samplesPerStep: 0 },
    attribution: { method, every: 1, rule },
    backend,
  });
}

async function benchCost(weights: TensorMap, backend: Backend): Promise<void> {
  const methods = [['off'], ['logit'], ['exact', 'tangent'], ['exact', 'trapezoid'], ['exact', 'simpson']] as const;
  const info = await selectBackend(backend);
  const trainers = await Promise.all(
    methods.map(([m, rule]) => createTrainer(benchConfig(m, backend, rule), { backend: info, baseWeights: weights })),
  );
  const seconds = methods.map(() => [] as number[]);
  for (let s = 0; s <= STEPS; s++) {
    for (const [i, trainer] of trainers.entries()) {
      const t0 = performance.now();
      await trainer.runStep();
      if (s > 0) seconds[i].push((performance.now() - t0) / 1000); // step 0 warms up kernels
    }
  }
  trainers.forEach((t) => t.dispose());
  const cfg = benchConfig('exact', backend);
  const updates = cfg.optim.epochs * cfg.optim.minibatches;
  const [off, logit, tangent, trapezoid, simpson] = seconds.map(median);
  console.log(`  step time, median of ${STEPS} (rollout + ${updates} updates), attribution off: ${fmt(off)} s`);
  console.log(`  logit-space estimate: ${fmt(logit)} s (${fmt(logit / off)}x off)`);
  for (const [rule, exact] of [
    ['tangent', tangent],
    ['trapezoid', trapezoid],
    ['simpson', simpson],
  ] as const) {
    console.log(
      `  exact (${rule}), every step: ${fmt(exact)} s (${fmt(exact / off)}x off, ${fmt(exact / trapezoid)}x the trapezoid)`,
    );
    const perUpdate = ((exact - off) * 1000) / updates;
    console.log(`  exact attribution (${rule}) costs ${fmt(perUpdate, 0)} ms per update`);
    for (const every of [5, 10]) {
      console.log(`  every ${every} steps: ${fmt(1 + (exact / off - 1) / every)}x the step time of a run without it`);
    }
  }
}

const flat = (xs: readonly tf.Tensor[]) => tf.concat(xs.map((x) => tf.reshape(x, [-1])));

/** log pi of every token at weights theta + s v. */
function logpAlong(policy: Policy, batch: SequenceBatch, at: tf.Tensor[], v: tf.Tensor[], s: tf.Scalar | number) {
  const variables = policy.variables as tf.Variable[];
  variables.forEach((x, i) => x.assign(tf.add(at[i], tf.mul(v[i], s))));
  return policy.tokenStats(batch, 1).logp;
}

/** Per-token c_t by autodiff for the first `n` response tokens of `batch` (one backward pass each). */
function autodiffC(policy: Policy, batch: SequenceBatch, v: tf.Tensor[], tokens: number[]): tf.Tensor1D {
  const variables = policy.variables as tf.Variable[];
  const out = tokens.map((index) => {
    const pick = tf.reshape(tf.oneHot(tf.tensor1d([index], 'int32'), batch.size * batch.responseLen), [
      batch.size,
      batch.responseLen,
    ]);
    const { grads } = tf.variableGrads(() => tf.sum(tf.mul(policy.tokenStats(batch, 1).logp, pick)) as tf.Scalar);
    return tf.sum(tf.mul(flat(variables.map((x) => grads[x.name])), flat(v)));
  });
  return tf.stack(out) as tf.Tensor1D;
}

/**
 * Relative L2 error of the central difference over `tokens`, for steps ||h v|| = rel ||theta||,
 * at the update an Adam optimizer takes after `warmup` updates on the batch's mean log-likelihood.
 */
async function fdErrors(weights: TensorMap, warmup: number, rels: readonly number[]): Promise<number[]> {
  const config = benchConfig('exact', 'wasm');
  const task = createTask(config.task);
  const policy = createGptPolicy(config, task, { baseWeights: weights });
  const prompts = task.sampleTrain(createRng(2, 'bench/prompts'), 16).flatMap((p) => Array(8).fill(p));
  const { batch } = await policy.sample(prompts, { temperature: 1, rng: createRng(3, 'bench/sampling') });
  const variables = policy.variables as tf.Variable[];
  const optimizer = createOptimizer(config.optim, variables);
  const nll = () => tf.neg(tf.mean(policy.tokenStats(batch, 1).logp)) as tf.Scalar;
  const grads = () => {
    const { grads } = tf.variableGrads(nll, variables);
    return variables.map((x) => grads[x.name]);
  };
  for (let i = 0; i < warmup; i++) tf.tidy(() => void optimizer.apply(grads()));
  const tokens = Array.from(batch.mask.keys())
    .filter((i) => batch.mask[i] > 0)
    .slice(0, 40);
  const errors = tf.tidy(() => {
    const at = variables.map((x) => tf.clone(x));
    const gradH = meanEntropyGradient(policy, [batch], 1);
    const { map } = optimizer.applyMapped(grads());
    variables.forEach((x, i) => x.assign(at[i])); // back to theta_k, where c_t is defined
    const v = map.precondition(gradH);
    const reference = autodiffC(policy, batch, v, tokens);
    const norm = (xs: tf.Tensor[]) => tf.norm(flat(xs));
    const out = rels.map((rel) => {
      const h = tf.div(tf.mul(norm(at), rel), norm(v)) as tf.Scalar;
      const up = logpAlong(policy, batch, at, v, h);
      const down = logpAlong(policy, batch, at, v, tf.neg(h));
      const c = tf.gather(tf.reshape(tf.div(tf.sub(up, down), tf.mul(h, 2)), [-1]), tokens);
      return tf.div(tf.norm(tf.sub(c, reference)), tf.norm(reference));
    });
    return tf.stack(out);
  });
  const values = Array.from(await errors.data());
  errors.dispose();
  optimizer.dispose();
  policy.dispose();
  return values;
}

async function benchCentralDifference(weights: TensorMap): Promise<void> {
  const rels = [1e-6, 1e-5, 1e-4, 1e-3, 1e-2];
  console.log(`  step ||h v|| / ||theta||:             ${rels.map((r) => r.toExponential(0).padStart(7)).join(' ')}`);
  for (const [label, warmup] of [
    ["Adam's first update", 0],
    ['after 5 Adam updates', 5],
  ] as const) {
    const errors = await fdErrors(weights, warmup, rels);
    console.log(`  ${label.padEnd(22)} rel. error: ${errors.map((e) => fmt(100 * e, 2).padStart(6) + '%').join(' ')}`);
  }
  console.log('  (reverse-mode sums, rl/attribution.ts, are exact to float32 rounding: no step to choose)');
}

export async function run(): Promise<void> {
  const backend = (process.env.BENCH_BACKEND as Backend | undefined) ?? 'wasm';
  const info = await selectBackend(backend);
  console.log(`Entropy attribution on ${info.detail}; the machine's other load adds noise: compare the ratios`);
  const { weights, info: base } = await trainBaseModel(benchConfig('exact', backend), { backend: info });
  console.log(`base model: ${base.steps} supervised steps, entropy ${fmt(base.entropy, 3)}`);
  console.log('\nCost on the default GPT (random rewards)');
  await benchCost(weights, backend);
  if (process.env.BENCH_COST_ONLY === '1') return;
  console.log('\nCentral difference of log pi along P grad Hbar vs per-token autodiff (40 tokens)');
  await benchCentralDifference(weights);
}
