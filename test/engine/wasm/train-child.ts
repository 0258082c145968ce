/**
 * Child process of wasm-threads.test.ts: starts the wasm backend with the thread count given as its
 * argument (the wasm module starts once per process), trains two RL steps of the default GPT (on
 * 16 prompts x 8 responses) from seeded initial weights, and prints one JSON line: the backend's
 * detail and threads, whether our fused kernels ran (engine/simd) and on how many threads, every
 * metric of each step, and the trained weights as hex of their float32 bytes.
 */
import { runConfigSchema } from '../../../src-main/contract';
import { selectBackend } from '../../../src-main/engine/backend';
import { gptDims, initialWeights } from '../../../src-main/engine/gpt';
import { createRng } from '../../../src-main/engine/rng';
import { simdActive, simdThreads } from '../../../src-main/engine/simd/kernels';
import { createTask } from '../../../src-main/engine/tasks';
import { createTrainer } from '../../../src-main/engine/trainer';

const threads = Number(process.argv[2]);
const config = runConfigSchema.parse({
  ...{ steps: 2, backend: 'wasm', threads, eval: { every: 0 }, rollout: { prompts: 16 } },
  reward: { kind: 'bernoulli', p: 0.5 }, // random rewards: nonzero advantages from the first step
});
if (config.policy.kind !== 'gpt') throw new Error('expected the default GPT policy');
const backend = await selectBackend('wasm', { threads });
const baseWeights = initialWeights(gptDims(config.policy, createTask(config.task)), createRng(5, 'test/threads'));
const trainer = await createTrainer(config, { baseWeights, backend });
const metrics = [];
for (let i = 0; i < config.steps; i++) metrics.push((await trainer.runStep()).metrics);
const { weights } = await trainer.state();
const hex = Object.fromEntries(
  Object.entries(weights).map(([name, w]) => [
    name,
    Buffer.from(w.data.buffer, w.data.byteOffset, w.data.byteLength).toString('hex'),
  ]),
);
trainer.dispose();
process.stdout.write(
  `${JSON.stringify({ detail: backend.detail, threads: backend.threads, fused: simdActive(), kernelThreads: simdThreads(), metrics, weights: hex })}\n`,
);
// No process.exit: the pool's worker threads must not keep the process alive.
