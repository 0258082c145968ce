/**
 * Hugging Face benchmark (issue 16): sampling tokens/s and one GRPO update (LoRA and full
 * fine-tuning) of a small random Llama-family checkpoint made by transformers, in cliplab on the
 * current backend and in PyTorch on the same checkpoint, prompts and batch, in the same run
 * (bench/hf-compare.ts). Prints ratios.
 * Run: `npm run bench -- hf` (BENCH_BACKEND=wasm|cpu|webgpu|tensorflow; default wasm).
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Backend } from '../src-main/contract';
import { selectBackend } from '../src-main/engine/backend';
import { LoadedCheckpoint } from '../src-main/engine/policies/hf/checkpoint';
import { createRng } from '../src-main/engine/rng';
import type { Prompt } from '../src-main/engine/types';
import { compareWithTorch, python } from './hf-compare';

const ROWS = 16;
const PROMPT_LEN = 64;
const NEW_TOKENS = 32;
/** A small Llama-family model: big enough that matmuls, not per-op overhead, dominate. */
const DIMS = {
  hidden_size: 256,
  intermediate_size: 688,
  num_hidden_layers: 4,
  num_attention_heads: 8,
  num_key_value_heads: 2,
  vocab_size: 2048,
};

const root = path.resolve(import.meta.dirname, '..');

function makeModel(dir: string): void {
  const ref = path.join(root, 'test', 'reference', 'hf_reference.py');
  const request = { cmd: 'make', arch: 'llama', out: dir, dims: DIMS, seed: 3 };
  const r = spawnSync(python!, [ref, 'serve'], { input: JSON.stringify(request) + '\n', encoding: 'utf8' });
  if (r.status !== 0 || r.stdout.includes('"error"'))
    throw new Error(`making the model failed:\n${r.stdout}${r.stderr}`);
}

export async function run(): Promise<void> {
  if (!python) {
    console.log('  skipped: no Python environment (`npm run setup:python`) for the PyTorch side');
    return;
  }
  const backend = await selectBackend((process.env.BENCH_BACKEND as Backend) ?? 'wasm');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cliplab-bench-hf-'));
  try {
    makeModel(dir);
    const ckpt = LoadedCheckpoint.open(dir).acquire();
    const s = ckpt.spec;
    console.log(
      `  model: llama, d ${s.dModel}, ${s.layers} layers, ${s.heads} heads / ${s.kvHeads} kv, ffn ${s.ffn}, vocab ${s.vocab}`,
    );
    const rng = createRng(2, 'prompts');
    const prompts: Prompt[] = Array.from({ length: ROWS }, (_, i) => ({
      key: `p${i}`,
      tokens: Array.from({ length: PROMPT_LEN }, () => 10 + rng.int(300)),
      meta: null,
    }));
    try {
      await compareWithTorch(ckpt, backend, {
        prompts,
        newTokens: NEW_TOKENS,
        full: true,
        microBatch: null,
        torchModel: { dir },
      });
    } finally {
      ckpt.release();
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
