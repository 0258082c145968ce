/**
 * One process of the threads benchmark (gpt-threads.ts): starts wasm with the thread count given as
 * its first argument, then times `reps` updates and sampling batches of the default model and, with
 * `--profile`, profiles its updates; `--composite` runs tfjs's own ops instead of our fused kernels,
 * with XNNPACK's pool given the threads (their best setting).
 * Prints one JSON line (ThreadsChildResult).
 */
import { selectBackend } from '../src-main/engine/backend';
import { profileUpdates, type UpdateProfile } from './gpt-profile';
import { summarise, timeSampling, type Timing } from './gpt-timing';
import { adamFor, defaultWorkload, fullBatch, policyTrainable, update } from './gpt-workload';

export interface ThreadsChildResult {
  threads: number;
  update: Timing;
  /** CPU milliseconds per update, every thread of the process counted. */
  updateCpu: number;
  sampling: Timing;
  profile: UpdateProfile | null;
}

const [threadsArg, repsArg] = process.argv.slice(2);
const reps = Number(repsArg ?? 10);
const fused = !process.argv.includes('--composite');
const backend = await selectBackend('wasm', { threads: Number(threadsArg ?? 1), xnnpackThreads: !fused });
const w = defaultWorkload();
const trainable = policyTrainable(w, fused);
const optimizer = adamFor(w.config, trainable.variables);
const batch = fullBatch(w, w.updateRows);
const step = () => update(trainable, optimizer, batch);
for (let i = 0; i < 3; i++) await step();
const ms: number[] = [];
const cpu0 = process.cpuUsage();
for (let i = 0; i < reps; i++) {
  const t0 = performance.now();
  await step();
  ms.push(performance.now() - t0);
}
const cpu = process.cpuUsage(cpu0);
// CPU clock: steady on a shared machine; the profile is taken on 1 thread, where CPU time is the work.
const profile = process.argv.includes('--profile') ? await profileUpdates(step, 3, 'cpu') : null;
optimizer.dispose();
trainable.dispose();
const sampling = await timeSampling(w, Math.max(3, Math.floor(reps / 2)), fused);
const result: ThreadsChildResult = {
  threads: backend.threads ?? 1,
  update: summarise(ms),
  updateCpu: (cpu.user + cpu.system) / 1000 / reps,
  sampling: sampling.timing,
  profile,
};
process.stdout.write(`${JSON.stringify(result)}\n`);
