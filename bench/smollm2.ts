/**
 * The real model (issue 21): SmolLM2-135M-Instruct from the GGUF file `npm run fetch:smollm2`
 * puts in the models folder. Sampling tokens/s and one LoRA GRPO update in cliplab (wasm, with
 * BENCH_THREADS threads) against transformers + PyTorch on the same file, prompts and batch
 * (bench/hf-compare.ts), as ratios; then one forward pass of a chat prompt on WebGPU (the software
 * adapter in .vendor/mesa when there is no GPU) against the same forward on wasm.
 * Run: `npm run bench -- smollm2` (BENCH_THREADS=n, BENCH_ROWS=8, BENCH_MICRO=2 rows per micro-batch, BENCH_FULL=1 to time full
 * fine-tuning too; it holds 135M parameters' gradients and Adam state).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SMOLLM2_GGUF } from '../src-main/contract';
import { selectBackend } from '../src-main/engine/backend';
import { ALL_KERNELS } from '../src-main/engine/gpt/kernels';
import { LoadedCheckpoint } from '../src-main/engine/policies/hf/checkpoint';
import { openGgufFile } from '../src-main/engine/policies/hf/gguf';
import { HfModel } from '../src-main/engine/policies/hf/model';
import type { TextTokenizer } from '../src-main/engine/policies/hf/tokenizer';
import { wordProblems } from '../src-main/engine/tasks/dataset/word-problems';
import { tf } from '../src-main/engine/tf';
import type { Prompt } from '../src-main/engine/types';
import { modelsDir } from '../src-main/lab/models-folder';
import { missingSoftwareAdapter, useSoftwareAdapter } from '../test/engine/webgpu/software-adapter';
import { compareWithTorch, python } from './hf-compare';

const ROWS = Number(process.env.BENCH_ROWS ?? 8);
const NEW_TOKENS = 32;
const THREADS = Number(process.env.BENCH_THREADS ?? 1);

/**
 * Chat prompts of word problems, all cut to the shortest one's length from the front (both sides
 * need one prompt length; the end, the assistant header the answer follows, stays whole).
 */
function chatPrompts(tok: TextTokenizer, rows: number): Prompt[] {
  const encoded = wordProblems(rows, 11).map((p) =>
    tok.encode(tok.chatPrompt([{ role: 'user', content: p.question }])!, { addSpecialTokens: false }),
  );
  const len = Math.min(...encoded.map((ids) => ids.length));
  return encoded.map((ids, i) => ({ key: `p${i}`, tokens: ids.slice(ids.length - len), meta: null }));
}

/** The logits of one prompt, [T * V], on the current backend (weights loaded on it). */
async function forwardLogits(file: string, tokens: readonly number[]): Promise<Float32Array> {
  const ckpt = LoadedCheckpoint.fromSource(await openGgufFile(file)).acquire();
  try {
    const model = new HfModel(ckpt.spec, ALL_KERNELS[1], ckpt.weights, null);
    const logits = tf.tidy(() =>
      model.logits(model.forward({ tokens: Int32Array.from(tokens), batch: 1, pads: null }, null).hidden),
    );
    const values = Float32Array.from(await logits.data());
    logits.dispose();
    return values;
  } finally {
    ckpt.release();
  }
}

/** Largest |a - b| relative to the largest |b|, and how many positions have the same argmax. */
function agreement(a: Float32Array, b: Float32Array, vocab: number) {
  let [worst, scale, same] = [0, 0, 0];
  for (let i = 0; i < a.length; i++)
    [worst, scale] = [Math.max(worst, Math.abs(a[i] - b[i])), Math.max(scale, Math.abs(b[i]))];
  const argmax = (x: Float32Array, t: number) => {
    let best = t * vocab;
    for (let v = t * vocab; v < (t + 1) * vocab; v++) if (x[v] > x[best]) best = v;
    return best;
  };
  const positions = a.length / vocab;
  for (let t = 0; t < positions; t++) same += argmax(a, t) === argmax(b, t) ? 1 : 0;
  return { worst, relative: worst / scale, same, positions };
}

async function webgpuAgainstWasm(file: string, tokens: readonly number[], vocab: number): Promise<void> {
  const missing = missingSoftwareAdapter();
  const cleanup = missing ? () => undefined : useSoftwareAdapter();
  try {
    const wasm = await forwardLogits(file, tokens);
    const gpu = await selectBackend('webgpu').catch((e: Error) => e);
    if (gpu instanceof Error) {
      console.log(`  webgpu: not available (${gpu.message}${missing ? `; ${missing}` : ''})`);
      return;
    }
    const start = performance.now();
    const webgpu = await forwardLogits(file, tokens);
    const a = agreement(webgpu, wasm, vocab);
    console.log(
      `  forward of a ${tokens.length}-token chat prompt on ${gpu.detail} (${((performance.now() - start) / 1000).toFixed(1)} s with loading): ` +
        `max |webgpu - wasm| ${a.worst.toExponential(2)} (${a.relative.toExponential(2)} of the largest logit), ` +
        `same argmax at ${a.same}/${a.positions} positions`,
    );
  } finally {
    cleanup();
  }
}

export async function run(): Promise<void> {
  const file = path.join(modelsDir(), SMOLLM2_GGUF);
  if (!fs.existsSync(file)) {
    console.log(`  skipped: no ${file}; run \`npm run fetch:smollm2\``);
    return;
  }
  if (!python) {
    console.log('  skipped: no Python environment (`npm run setup:python`) for the PyTorch side');
    return;
  }
  // The HF policy's work is XNNPACK's matmuls: give its pool the threads, as training runs do (backendOptionsFor).
  const backend = await selectBackend('wasm', { threads: THREADS, xnnpackThreads: true });
  const ckpt = LoadedCheckpoint.fromSource(await openGgufFile(file)).acquire();
  const s = ckpt.spec;
  console.log(
    `  model: ${SMOLLM2_GGUF}, d ${s.dModel}, ${s.layers} layers, vocab ${s.vocab}; ${os.cpus().length} cores`,
  );
  const prompts = chatPrompts(ckpt.tokenizer, ROWS);
  try {
    await compareWithTorch(ckpt, backend, {
      prompts,
      newTokens: NEW_TOKENS,
      full: process.env.BENCH_FULL === '1',
      // 8 rows' logits over 49152 tokens, kept for backward, do not fit wasm's 4 GiB at once.
      microBatch: Number(process.env.BENCH_MICRO ?? 2),
      torchModel: { dir: path.dirname(file), ggufFile: path.basename(file) },
    });
  } finally {
    ckpt.release();
  }
  await webgpuAgainstWasm(file, prompts[0].tokens, s.vocab);
}
