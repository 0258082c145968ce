/**
 * Hugging Face benchmark (issue 16): sampling tokens/s and one GRPO update (LoRA and full
 * fine-tuning) of a small random Llama-family checkpoint made by transformers, in cliplab on the
 * current backend and in PyTorch (transformers' generate; a TRL-equivalent loss, backward, AdamW;
 * LoRA through PEFT) on the same checkpoint, prompts and batch, in the same run. Prints ratios.
 * Run: `npm run bench -- hf` (BENCH_BACKEND=wasm|cpu|webgpu|tensorflow; default wasm).
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runConfigSchema, type Backend } from '../src-main/contract';
import { selectBackend } from '../src-main/engine/backend';
import { createOptimizer } from '../src-main/engine/optim';
import { LoadedCheckpoint } from '../src-main/engine/policies/hf/checkpoint';
import { loraLayers } from '../src-main/engine/policies/hf/lora';
import { HfPolicy, type HfRole } from '../src-main/engine/policies/hf/policy';
import { aggregationWeights } from '../src-main/engine/rl/aggregate';
import { createRng } from '../src-main/engine/rng';
import { runUpdate, type Minibatch } from '../src-main/engine/trainer/update';
import type { Prompt, Rollout } from '../src-main/engine/types';
import { pythonPath } from '../test/support/python';

const REPS = Number(process.env.BENCH_REPS ?? 3);
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
const LORA = {
  rank: 16,
  alpha: 32,
  targets: ['q_proj', 'k_proj', 'v_proj', 'o_proj', 'gate_proj', 'up_proj', 'down_proj'],
};

const fmt = (x: number, digits = 2) => x.toFixed(digits);
const python = pythonPath();
const root = path.resolve(import.meta.dirname, '..');

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the Python side's JSON, read field by field below
function runPythonJson(script: string, args: string[], input: unknown): any {
  const r = spawnSync(python!, [script, ...args], {
    input: JSON.stringify(input),
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
    env: { ...process.env, TRANSFORMERS_VERBOSITY: 'error', HF_HUB_OFFLINE: '1', TOKENIZERS_PARALLELISM: 'false' },
  });
  if (r.status !== 0) throw new Error(`${script} failed:\n${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!);
}

function makeModel(dir: string): void {
  const ref = path.join(root, 'test', 'reference', 'hf_reference.py');
  const request = { cmd: 'make', arch: 'llama', out: dir, dims: DIMS, seed: 3 };
  const r = spawnSync(python!, [ref, 'serve'], { input: JSON.stringify(request) + '\n', encoding: 'utf8' });
  if (r.status !== 0 || r.stdout.includes('"error"'))
    throw new Error(`making the model failed:\n${r.stdout}${r.stderr}`);
}

/** Seconds of wall clock and of CPU (what a busy machine distorts least): the fastest of REPS runs. */
interface Time {
  wall: number;
  cpu: number;
}

async function timed(f: () => Promise<unknown>): Promise<Time> {
  const best = { wall: Infinity, cpu: Infinity };
  for (let i = 0; i < REPS; i++) {
    const [start, startCpu] = [performance.now(), process.cpuUsage()];
    await f();
    const cpu = process.cpuUsage(startCpu);
    best.wall = Math.min(best.wall, (performance.now() - start) / 1000);
    best.cpu = Math.min(best.cpu, (cpu.user + cpu.system) / 1e6);
  }
  return best;
}

const both = (t: Time) => `${fmt(t.wall)} s (cpu ${fmt(t.cpu)} s)`;
const ratio = (a: Time, b: Time) => `${fmt(a.wall / b.wall)}x (cpu ${fmt(a.cpu / b.cpu)}x)`;

function policyFor(ckpt: LoadedCheckpoint, role: HfRole): HfPolicy {
  return new HfPolicy(ckpt, {
    role,
    lora: role === 'lora' ? { layers: loraLayers(ckpt.spec, LORA.targets), rank: LORA.rank, alpha: LORA.alpha } : null,
    loraRng: createRng(1, 'lora'),
    stopTokens: new Set(), // every row decodes all NEW_TOKENS, as min_new_tokens makes generate do
    maxNewTokens: NEW_TOKENS,
    topP: 1,
    sampleBatch: null,
  });
}

/** One update of `policy` on the rollout, Adam, token-mean clipped surrogate at 0.2 / 0.2. */
async function timeUpdate(policy: HfPolicy, rollout: Rollout, advantages: Float32Array): Promise<Time> {
  const config = runConfigSchema.parse({
    task: { kind: 'dataset', path: 'x', maxNewTokens: NEW_TOKENS },
    policy: { kind: 'hf', path: 'x' },
    optim: { optimizer: 'adam', lr: 1e-6, minibatches: 1, epochs: 1 },
    rollout: { prompts: ROWS / 2, groupSize: 2 },
  });
  const { batch } = rollout;
  const mb: Minibatch = {
    batch,
    oldLogp: rollout.logp,
    oldEntropy: rollout.entropy,
    refLogp: rollout.logp,
    advantages,
    contextWeights: new Float32Array(batch.mask.length),
    weights: aggregationWeights('token-mean', {
      mask: batch.mask,
      rows: batch.size,
      cols: batch.responseLen,
      maxAnswerLen: NEW_TOKENS,
    }),
    uniforms: new Float32Array(batch.mask.length),
    tokenCount: batch.mask.reduce((a, b) => a + b, 0),
  };
  const optimizer = createOptimizer(config.optim, policy.variables);
  try {
    return await timed(() => runUpdate(policy, optimizer, config, mb));
  } finally {
    optimizer.dispose();
  }
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
    console.log(`  batch: ${ROWS} rows, prompts of ${PROMPT_LEN} tokens, ${NEW_TOKENS} new tokens; best of ${REPS}`);
    console.log(`  cliplab backend: ${backend.detail}`);
    const rng = createRng(2, 'prompts');
    const prompts: Prompt[] = Array.from({ length: ROWS }, (_, i) => ({
      key: `p${i}`,
      tokens: Array.from({ length: PROMPT_LEN }, () => 10 + rng.int(300)),
      meta: null,
    }));
    const frozen = policyFor(ckpt, 'frozen');
    let rollout: Rollout | null = null;
    // Sampling draws from the seeded stream; every repetition draws afresh (same cost per token).
    const sampleS = await timed(async () => (rollout = await frozen.sample(prompts, { temperature: 1, rng })));
    frozen.dispose();
    const advantages = Float32Array.from(rollout!.batch.mask, (m, i) => m * (Math.floor(i / NEW_TOKENS) % 2 ? 1 : -1));
    const lora = policyFor(ckpt, 'lora');
    const loraS = await timeUpdate(lora, rollout!, advantages);
    lora.dispose();
    const full = policyFor(ckpt, 'full');
    const fullS = await timeUpdate(full, rollout!, advantages);
    full.dispose();
    ckpt.release();

    const { batch } = rollout!;
    const sequences = Array.from({ length: ROWS }, (_, r) => [
      ...batch.prompts.subarray(r * batch.promptLen, (r + 1) * batch.promptLen),
      ...batch.responses.subarray(r * batch.responseLen, (r + 1) * batch.responseLen),
    ]);
    const rows = (a: Float32Array) =>
      Array.from({ length: ROWS }, (_, r) => Array.from(a.subarray(r * NEW_TOKENS, (r + 1) * NEW_TOKENS)));
    const torch = runPythonJson(path.join(root, 'bench', 'hf_torch.py'), [], {
      dir,
      prompts: prompts.map((p) => p.tokens),
      new_tokens: NEW_TOKENS,
      sequences,
      prompt_len: PROMPT_LEN,
      old_logp: rows(rollout!.logp),
      advantages: rows(advantages),
      mask: rows(batch.mask),
      lora: LORA,
      reps: REPS,
      threads: [1, os.cpus().length],
    });
    const tokens = ROWS * NEW_TOKENS;
    const load = os.loadavg()[0];
    console.log(`  PyTorch ${torch.torch}, BLAS ${torch.blas}; cliplab ${backend.name} runs 1 thread per process`);
    console.log(
      `  machine load average ${fmt(load)} on ${os.cpus().length} cores${load > os.cpus().length ? ' (busy: wall times are noisy, CPU times less so)' : ''}`,
    );
    console.log(
      `  cliplab: sampling ${fmt(tokens / sampleS.wall, 0)} tokens/s, ${both(sampleS)}; update LoRA ${both(loraS)}, full ${both(fullS)}`,
    );
    for (const t of torch.results) {
      const [sample, lora, full] = [t.sample, t.update_lora, t.update_full] as Time[];
      console.log(
        `  PyTorch ${t.threads} thread${t.threads > 1 ? 's' : ''}: sampling ${fmt(tokens / sample.wall, 0)} tokens/s, ${both(sample)}; ` +
          `update LoRA ${both(lora)}, full ${both(full)}`,
      );
      console.log(
        `    cliplab / PyTorch time: sampling ${ratio(sampleS, sample)}, update LoRA ${ratio(loraS, lora)}, full ${ratio(fullS, full)}`,
      );
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
