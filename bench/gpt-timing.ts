/** Timing helpers of the GPT benchmark: best-of and median over repetitions after a warm-up. */
import { tf } from '../src-main/engine/tf';
import { createRng } from '../src-main/engine/rng';
import { adamFor, fullBatch, policyTrainable, update, type Trainable, type Workload } from './gpt-workload';

export interface Timing {
  /** Milliseconds per repetition. */
  min: number;
  median: number;
}

export function summarise(ms: readonly number[]): Timing {
  const sorted = [...ms].sort((a, b) => a - b);
  return { min: sorted[0], median: sorted[Math.floor(sorted.length / 2)] };
}

async function repeat(
  reps: number,
  warmup: number,
  fn: () => Promise<void> | void,
  now: () => number = () => performance.now(),
): Promise<Timing> {
  for (let i = 0; i < warmup; i++) await fn();
  const ms: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t0 = now();
    await fn();
    ms.push(now() - t0);
  }
  return summarise(ms);
}

/** CPU milliseconds of this process (all its threads). */
export const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

/**
 * The backend's 2-D matmul rate (GFLOP/s, best of several square and model-like shapes): the
 * ceiling the update's floor is computed from. With `clock` cpu, in CPU time of this process, which
 * other programs on a shared machine disturb far less than wall time (single-threaded backends only).
 */
export async function matmulRate(
  shapes: [number, number, number][],
  clock: 'wall' | 'cpu' = 'wall',
): Promise<{ gflops: number; shape: string }> {
  let best = { gflops: 0, shape: '' };
  for (const [m, k, n] of shapes) {
    const a = tf.randomNormal([m, k], 0, 1, 'float32', 1);
    const b = tf.randomNormal([k, n], 0, 1, 'float32', 2);
    const t = await repeat(
      8,
      2,
      async () => {
        const c = tf.matMul(a, b);
        await c.data();
        c.dispose();
      },
      clock === 'cpu' ? cpuMs : undefined,
    );
    const gflops = (2 * m * k * n) / t.min / 1e6;
    if (gflops > best.gflops) best = { gflops, shape: `${m}x${k} @ ${k}x${n}` };
    tf.dispose([a, b]);
  }
  return best;
}

/** Milliseconds per optimizer update of `trainable` on a full-length minibatch of `rows` (`clock`: see matmulRate). */
export async function timeUpdates(
  w: Workload,
  trainable: Trainable,
  rows: number,
  reps: number,
  clock: 'wall' | 'cpu' = 'wall',
): Promise<Timing> {
  const optimizer = adamFor(w.config, trainable.variables);
  const batch = fullBatch(w, rows);
  try {
    return await repeat(reps, 2, () => update(trainable, optimizer, batch), clock === 'cpu' ? cpuMs : undefined);
  } finally {
    optimizer.dispose();
    trainable.dispose();
  }
}

/**
 * Milliseconds per optimizer step alone (global-norm clip + Adam on fixed gradients of a full
 * minibatch), and the kernels one step runs: the optimizer's share of the update.
 */
export async function timeOptimizer(w: Workload, reps: number): Promise<{ timing: Timing; kernels: number }> {
  const trainable = policyTrainable(w);
  const optimizer = adamFor(w.config, trainable.variables);
  const batch = fullBatch(w, w.updateRows);
  const grads = tf.tidy(() => {
    const { grads } = tf.variableGrads(() => trainable.loss(batch), trainable.variables);
    return trainable.variables.map((v) => tf.keep(grads[v.name]));
  });
  const step = async () => {
    const norm = tf.tidy(() => optimizer.apply(grads).updateNorm);
    await norm.data();
    norm.dispose();
  };
  try {
    const timing = await repeat(reps, 2, step);
    return { timing, kernels: (await tf.profile(step)).kernels.length };
  } finally {
    tf.dispose(grads);
    optimizer.dispose();
    trainable.dispose();
  }
}

/** Milliseconds per KV-cache sampling batch (`clock`: see matmulRate), and the new tokens it drew. */
export async function timeSampling(
  w: Workload,
  reps: number,
  fusedKernels = true,
  clock: 'wall' | 'cpu' = 'wall',
): Promise<{ timing: Timing; tokens: number }> {
  const { policy } = policyTrainable(w, fusedKernels);
  const prompts = w.task
    .sampleTrain(createRng(3, 'bench/prompts'), w.samplePrompts)
    .flatMap((p) => Array(w.group).fill(p));
  const rng = createRng(4, 'bench/sampling');
  let tokens = 0;
  try {
    const draw = async () => {
      const r = await policy.sample(prompts, { temperature: 1, rng });
      tokens = r.batch.mask.reduce((a, b) => a + b, 0);
    };
    const timing = await repeat(reps, 1, draw, clock === 'cpu' ? cpuMs : undefined);
    return { timing, tokens };
  } finally {
    policy.dispose();
  }
}
