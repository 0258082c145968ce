/**
 * One process of the parallel GPT benchmark: warms up the default model's update, reports ready,
 * and on "go" times `reps` updates and sends the milliseconds back to its parent.
 */
import type { Backend } from '../src-main/contract';
import { selectBackend } from '../src-main/engine/backend';
import { adamFor, defaultWorkload, fullBatch, policyTrainable, update } from './gpt-workload';

const reps = Number(process.argv[2] ?? 10);
const w = defaultWorkload();
await selectBackend((process.env.BENCH_BACKEND ?? 'auto') as Backend);
const trainable = policyTrainable(w);
const optimizer = adamFor(w.config, trainable.variables);
const batch = fullBatch(w, w.updateRows);
for (let i = 0; i < 2; i++) await update(trainable, optimizer, batch);
process.send!({ type: 'ready' });
process.once('message', async () => {
  const ms: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    await update(trainable, optimizer, batch);
    ms.push(performance.now() - t0);
  }
  process.send!({ type: 'times', ms }, () => process.exit(0));
});
