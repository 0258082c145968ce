/**
 * GPT benchmark (issue 4): update and sampling speed on the current backend, against baselines
 * measured in the same run: the backend's own 2-D matmul rate (the floor), the textbook layout,
 * the other attention core, one process alone vs two side by side, and PyTorch where installed.
 * Run: `npm run bench -- gpt` (BENCH_BACKEND=wasm|cpu|... picks a backend; default auto).
 */
import { spawn, spawnSync } from 'node:child_process';
import path from 'node:path';
import type { Backend } from '../src-main/contract';
import { selectBackend, tfjsNodeInstalled } from '../src-main/engine/backend';
import { probeWebgpu } from '../src-main/engine/webgpu';
import { ALL_KERNELS } from '../src-main/engine/gpt/kernels';
import { tf } from '../src-main/engine/tf';
import { benchFused } from './gpt-fused';
import { benchTorchPeers } from './gpt-peer';
import { benchThreads } from './gpt-threads';
import { cpuMs, matmulRate, summarise, timeOptimizer, timeSampling, timeUpdates, type Timing } from './gpt-timing';
import { families, profileUpdates } from './gpt-profile';
import {
  adamFor,
  defaultWorkload,
  dimsOf,
  fullBatch,
  kernelTrainable,
  plainTrainable,
  policyTrainable,
  referenceWorkload,
  update,
  updateFlops,
  type Workload,
} from './gpt-workload';

const REPS = Number(process.env.BENCH_REPS ?? 10);
const fmt = (x: number, digits = 1) => x.toFixed(digits);
const ms = (t: Timing) => `${fmt(t.min)} ms (median ${fmt(t.median)})`;

interface UpdateResult {
  timing: Timing;
  flops: number;
}

async function wasmThreads(): Promise<number> {
  return (await import('@tensorflow/tfjs-backend-wasm')).getThreadsCount();
}

async function wasmThreadsLabel(): Promise<string> {
  return tf.getBackend() === 'wasm' ? `${await wasmThreads()} wasm thread(s)` : tf.getBackend();
}

/** The shapes of the workload's own linear layers. */
function layerShapes(w: Workload, positions: number): [number, number, number][] {
  const d = dimsOf(w.config, w.task).dModel;
  const n = w.updateRows * positions;
  return [
    [n, d, 4 * d],
    [n, 4 * d, d],
    [n, d, d],
  ];
}

/** The 2-D matmul rate on the shapes of the workload's own linear layers (GFLOP/s, best shape). */
async function workloadRate(w: Workload, positions: number): Promise<number> {
  const rate = await matmulRate(layerShapes(w, positions));
  console.log(`  2-D matmul rate on its layer shapes: ${fmt(rate.gflops)} GFLOP/s (${rate.shape})`);
  return rate.gflops;
}

async function benchUpdate(w: Workload): Promise<UpdateResult> {
  const dims = dimsOf(w.config, w.task);
  const positions = w.task.promptLen + w.task.maxAnswerLen - 1;
  const rate = await workloadRate(w, positions);
  const flops = updateFlops(dims, w.updateRows, positions, w.task.maxAnswerLen, w.task.allowedTokens.length);
  const timing = await timeUpdates(w, policyTrainable(w), w.updateRows, REPS);
  const floor = flops / rate / 1e6;
  console.log(`  update (fwd + bwd + Adam), ${w.updateRows} x ${positions} positions: ${ms(timing)}`);
  console.log(`    ${fmt(flops / 1e9, 2)} GFLOP -> ${fmt(flops / timing.min / 1e6)} GFLOP/s achieved`);
  console.log(`    ${fmt((w.updateRows * positions) / (timing.min / 1000), 0)} tokens/s trained`);
  console.log(`    floor at that matmul rate: ${fmt(floor)} ms; update / floor = ${fmt(timing.min / floor, 2)}x`);
  const optim = await timeOptimizer(w, REPS);
  const share = `${fmt((100 * optim.timing.min) / timing.min, 0)}% of the update`;
  console.log(`    of which the optimizer step (clip + Adam, ${optim.kernels} kernels): ${ms(optim.timing)}, ${share}`);
  // CPU time measures the work only where one thread does all of it.
  if (tf.getBackend() === 'cpu' || (tf.getBackend() === 'wasm' && (await wasmThreads()) === 1)) {
    await printWhereTimeGoes(w, flops, (await matmulRate(layerShapes(w, positions), 'cpu')).gflops);
  }
  return { timing, flops };
}

/**
 * The update against its floor again, both in CPU time (steady on a shared machine, where wall
 * times also count the time other programs held the core), and its kernel profile by family.
 */
async function printWhereTimeGoes(w: Workload, flops: number, cpuRate: number): Promise<void> {
  const trainable = policyTrainable(w);
  const optimizer = adamFor(w.config, trainable.variables);
  const batch = fullBatch(w, w.updateRows);
  const step = () => update(trainable, optimizer, batch);
  for (let i = 0; i < 2; i++) await step();
  const cpu: number[] = [];
  for (let i = 0; i < 5; i++) {
    const c0 = cpuMs();
    await step();
    cpu.push(cpuMs() - c0);
  }
  const p = await profileUpdates(step, 3, 'cpu');
  optimizer.dispose();
  trainable.dispose();
  // The profiler's own bookkeeping runs outside kernels: the time outside is read from unprofiled updates.
  const total = summarise(cpu).median;
  const floor = flops / cpuRate / 1e6;
  console.log(
    `    in CPU time of the process (V8's collector and compiler threads included): update ${fmt(total)} ms (median of 5), ` +
      `matmul ${fmt(cpuRate)} GFLOP/s -> floor ${fmt(floor)} ms; ` +
      `update / floor = ${fmt(total / floor, 2)}x`,
  );
  console.log(`    where the time goes (CPU ms of an update, ${fmt(p.kernels, 0)} kernels):`);
  for (const f of families({ ...p, wall: Math.max(total, p.inKernels) })) {
    const calls = f.calls > 0 ? `, ${fmt(f.calls, 0)} calls` : '';
    console.log(`      ${f.name.padEnd(52)} ${fmt(f.ms).padStart(6)} ms (${fmt((100 * f.ms) / total, 0)}%${calls})`);
  }
  console.log('      (profiling adds a little to each kernel; the time outside kernels is read unprofiled)');
}

async function benchSampling(w: Workload): Promise<void> {
  const { timing, tokens } = await timeSampling(w, Math.max(3, Math.floor(REPS / 2)));
  const rows = `${w.samplePrompts} prompts x ${w.group} responses`;
  console.log(`  KV-cache sampling, ${rows}, up to ${w.task.maxAnswerLen} new tokens each: ${ms(timing)}`);
  console.log(`    ${tokens} new tokens -> ${fmt(tokens / (timing.min / 1000), 0)} tokens/s`);
}

/** The layout ideas against each other on one workload (same backend, same run). */
async function benchLayouts(w: Workload, fast: Timing): Promise<void> {
  for (const kernels of ALL_KERNELS) {
    const t = await timeUpdates(w, kernelTrainable(w, kernels), w.updateRows, Math.max(3, Math.floor(REPS / 2)));
    console.log(`  ${kernels.name} kernels: ${ms(t)} (${fmt(t.min / fast.min, 2)}x the policy's update)`);
  }
  const plain = await timeUpdates(w, plainTrainable(w), w.updateRows, 2);
  console.log(`  textbook layout (batch-major, autodiff): ${ms(plain)} (${fmt(plain.min / fast.min, 2)}x slower)`);
}

/** Median ms per update of the default model in `n` processes started together. */
async function parallelRun(backend: string, n: number, reps: number): Promise<Timing[]> {
  const file = path.join(import.meta.dirname, 'gpt-child.ts');
  const children = Array.from({ length: n }, () =>
    spawn(process.execPath, [...process.execArgv, file, String(reps)], {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      env: { ...process.env, BENCH_BACKEND: backend },
    }),
  );
  const message = (c: (typeof children)[number], type: string) =>
    new Promise<{ ms: number[] }>((resolve, reject) => {
      c.on('message', (m: { type: string; ms: number[] }) => m.type === type && resolve(m));
      c.on('exit', (code) => code !== 0 && reject(new Error(`benchmark child exited with ${code}`)));
    });
  await Promise.all(children.map((c) => message(c, 'ready')));
  const results = children.map((c) => message(c, 'times'));
  children.forEach((c) => c.send('go'));
  return (await Promise.all(results)).map((r) => summarise(r.ms));
}

async function benchParallel(backend: string): Promise<void> {
  if (backend !== 'wasm' && backend !== 'cpu') {
    console.log(`  skipped: the ${backend} backend shares one device between processes`);
    return;
  }
  // Long enough (about 2 s at the default size) that both processes train over the same seconds.
  const reps = Math.max(40, REPS);
  const [alone] = await parallelRun(backend, 1, reps);
  const pair = await parallelRun(backend, 2, reps);
  console.log(`  one process alone: ${ms(alone)}`);
  pair.forEach((t, i) =>
    console.log(
      `  process ${i + 1} of 2: ${ms(t)} -> keeps ${fmt((100 * alone.median) / t.median, 0)}% of single speed`,
    ),
  );
}

function benchTorch(w: Workload, ours: UpdateResult, oursAt: ReadonlyMap<number, number>): void {
  const dims = dimsOf(w.config, w.task);
  const positions = w.task.promptLen + w.task.maxAnswerLen - 1;
  benchTorchPeers(
    {
      ...{ vocab: dims.vocab, context: dims.context, d: dims.dModel, heads: dims.heads, layers: dims.layers },
      ...{ outputs: w.task.allowedTokens.length, rows: w.updateRows, positions, predicted: w.task.maxAnswerLen },
      reps: REPS,
    },
    ours.timing,
    oursAt,
  );
}

/**
 * Without BENCH_BACKEND: wasm here, then the same figures for each faster backend this machine has
 * (WebGPU on a hardware adapter, tfjs-node), each in its own process since a process has one backend.
 */
export async function run(): Promise<void> {
  const requested = process.env.BENCH_BACKEND as Backend | undefined;
  if (requested) return benchBackend(requested);
  await benchBackend('wasm');
  for (const backend of await otherBackends()) {
    console.log(`\n=== gpt on ${backend} ===`);
    const child = spawnSync(process.execPath, [...process.execArgv, path.join(import.meta.dirname, 'gpt-main.ts')], {
      stdio: 'inherit',
      env: { ...process.env, BENCH_BACKEND: backend },
    });
    if (child.status !== 0) console.log(`  the ${backend} benchmark failed (exit ${child.status})`);
  }
}

/** GPU and native backends to benchmark beside wasm; says why each one is left out. */
async function otherBackends(): Promise<Backend[]> {
  const list: Backend[] = [];
  const probe = await probeWebgpu();
  if (probe.ok && probe.adapter.type === 'hardware') list.push('webgpu');
  else {
    const why = probe.ok ? `only a ${probe.adapter.type} adapter (${probe.adapter.name})` : probe.reason;
    console.log(`\nwebgpu: not benchmarked: ${why}`);
  }
  if (tfjsNodeInstalled()) list.push('tensorflow');
  else console.log('tensorflow (tfjs-node): not benchmarked: not installed');
  return list;
}

async function benchBackend(requested: Backend): Promise<void> {
  const backend = await selectBackend(requested);
  console.log(`GPT benchmark on ${backend.detail}; best of ${REPS} after warm-up (median in brackets)`);
  const peak = await matmulRate([[512, 512, 512]]);
  console.log(`2-D matmul rate, 512^3: ${fmt(peak.gflops)} GFLOP/s`);
  const workloads = [defaultWorkload(), referenceWorkload(1, 48)];
  const updates: UpdateResult[] = [];
  for (const w of workloads) {
    console.log(`\n${w.label}`);
    updates.push(await benchUpdate(w));
    await benchSampling(w.task.kind === 'lm' ? referenceWorkload(16, 32) : w);
  }
  console.log(`\nFused kernels against tfjs's own ops (the policy's update and sampling, ${await wasmThreadsLabel()})`);
  await benchFused(workloads, Math.max(5, Math.floor(REPS / 2)));
  console.log(`\nLayouts on the ${workloads[1].label}`);
  await benchLayouts(workloads[1], updates[1].timing);
  console.log('\nTwo training processes side by side (default model)');
  await benchParallel(backend.name);
  let threaded = new Map<number, number>();
  if (backend.name === 'wasm') {
    console.log('\nOne run on more threads (default model, our kernels split over kernel threads)');
    threaded = benchThreads(Math.max(20, REPS));
  }
  for (const [i, w] of workloads.entries()) {
    console.log(`\nPyTorch peer, ${w.label}`);
    benchTorch(w, updates[i], i === 0 ? threaded : new Map());
  }
  console.log(`\n(tensors still allocated: ${tf.memory().numTensors})`);
}
