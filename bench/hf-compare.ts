/**
 * The HF benchmarks' shared measurement (bench/hf.ts on a small random checkpoint, bench/smollm2.ts
 * on the real GGUF model): sampling tokens/s and one GRPO update in cliplab on the current backend,
 * then the same checkpoint, prompts and batch in PyTorch (bench/hf_torch.py: transformers' generate;
 * a TRL-equivalent loss, backward, AdamW; LoRA through PEFT) in the same run, printed as ratios.
 */
import { spawnSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { runConfigSchema } from '../src-main/contract';
import type { BackendInfo } from '../src-main/engine/backend';
import { createOptimizer } from '../src-main/engine/optim';
import type { LoadedCheckpoint } from '../src-main/engine/policies/hf/checkpoint';
import { loraLayers } from '../src-main/engine/policies/hf/lora';
import { HfPolicy, type HfRole } from '../src-main/engine/policies/hf/policy';
import { aggregationWeights } from '../src-main/engine/rl/aggregate';
import { createRng } from '../src-main/engine/rng';
import { runUpdate, type Minibatch } from '../src-main/engine/trainer/update';
import type { Prompt, Rollout } from '../src-main/engine/types';
import { pythonPath } from '../test/support/python';

export const REPS = Number(process.env.BENCH_REPS ?? 3);
export const LORA = {
  rank: 16,
  alpha: 32,
  targets: ['q_proj', 'k_proj', 'v_proj', 'o_proj', 'gate_proj', 'up_proj', 'down_proj'],
};

/** What both sides run: equal-length prompts, every row decoding `newTokens`. */
export interface Workload {
  prompts: Prompt[];
  newTokens: number;
  /** Time a full fine-tuning update too (LoRA's is always timed). */
  full: boolean;
  /** Rows per micro-batch of the update (a large vocabulary's logits must fit wasm's 4 GiB); null: all. */
  microBatch: number | null;
  /** How PyTorch opens the same model: a folder, and the .gguf file in it for a GGUF model. */
  torchModel: { dir: string; ggufFile?: string };
}

const fmt = (x: number, digits = 2) => x.toFixed(digits);
export const python = pythonPath();
const root = path.resolve(import.meta.dirname, '..');

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the Python side's JSON, read field by field below
export function runPythonJson(script: string, args: string[], input: unknown): any {
  const r = spawnSync(python!, [script, ...args], {
    input: JSON.stringify(input),
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
    env: { ...process.env, TRANSFORMERS_VERBOSITY: 'error', HF_HUB_OFFLINE: '1', TOKENIZERS_PARALLELISM: 'false' },
  });
  if (r.status !== 0) throw new Error(`${script} failed:\n${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!);
}

/** Seconds of wall clock and of CPU (what a busy machine distorts least): the fastest of REPS runs. */
export interface Time {
  wall: number;
  cpu: number;
}

export async function timed(f: () => Promise<unknown>, reps = REPS): Promise<Time> {
  const best = { wall: Infinity, cpu: Infinity };
  for (let i = 0; i < reps; i++) {
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

function policyFor(ckpt: LoadedCheckpoint, role: HfRole, newTokens: number): HfPolicy {
  return new HfPolicy(ckpt, {
    role,
    lora: role === 'lora' ? { layers: loraLayers(ckpt.spec, LORA.targets), rank: LORA.rank, alpha: LORA.alpha } : null,
    loraRng: createRng(1, 'lora'),
    stopTokens: new Set(), // every row decodes all new tokens, as min_new_tokens makes generate do
    maxNewTokens: newTokens,
    topP: 1,
    sampleBatch: null,
  });
}

/** One update of `policy` on the rollout, Adam, token-mean clipped surrogate at 0.2 / 0.2. */
async function timeUpdate(policy: HfPolicy, rollout: Rollout, advantages: Float32Array, w: Workload): Promise<Time> {
  const config = runConfigSchema.parse({
    task: { kind: 'dataset', path: 'x', maxNewTokens: w.newTokens },
    policy: { kind: 'hf', path: 'x' },
    optim: { optimizer: 'adam', lr: 1e-6, minibatches: 1, epochs: 1, microBatch: w.microBatch },
    rollout: { prompts: w.prompts.length / 2, groupSize: 2 },
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
      maxAnswerLen: w.newTokens,
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

/** cliplab's sampling and updates, then PyTorch's at 1 and all cores; prints times and ratios. */
export async function compareWithTorch(ckpt: LoadedCheckpoint, backend: BackendInfo, w: Workload): Promise<void> {
  const rows = w.prompts.length;
  const promptLen = w.prompts[0].tokens.length;
  console.log(`  batch: ${rows} rows, prompts of ${promptLen} tokens, ${w.newTokens} new tokens; best of ${REPS}`);
  console.log(`  cliplab backend: ${backend.detail}`);
  const rng = createRng(2, 'sampling');
  const frozen = policyFor(ckpt, 'frozen', w.newTokens);
  let rollout: Rollout | null = null;
  // Sampling draws from the seeded stream; every repetition draws afresh (same cost per token).
  const sampleS = await timed(async () => (rollout = await frozen.sample(w.prompts, { temperature: 1, rng })));
  frozen.dispose();
  const { batch } = rollout!;
  const advantages = Float32Array.from(batch.mask, (m, i) => m * (Math.floor(i / w.newTokens) % 2 ? 1 : -1));
  const lora = policyFor(ckpt, 'lora', w.newTokens);
  const loraS = await timeUpdate(lora, rollout!, advantages, w);
  lora.dispose();
  let fullS: Time | null = null;
  if (w.full) {
    const full = policyFor(ckpt, 'full', w.newTokens);
    fullS = await timeUpdate(full, rollout!, advantages, w);
    full.dispose();
  }

  const sequences = Array.from({ length: rows }, (_, r) => [
    ...batch.prompts.subarray(r * batch.promptLen, (r + 1) * batch.promptLen),
    ...batch.responses.subarray(r * batch.responseLen, (r + 1) * batch.responseLen),
  ]);
  const perRow = (a: Float32Array) =>
    Array.from({ length: rows }, (_, r) => Array.from(a.subarray(r * w.newTokens, (r + 1) * w.newTokens)));
  const torch = runPythonJson(path.join(root, 'bench', 'hf_torch.py'), [], {
    dir: w.torchModel.dir,
    gguf_file: w.torchModel.ggufFile ?? null,
    full: w.full,
    prompts: w.prompts.map((p) => p.tokens),
    new_tokens: w.newTokens,
    sequences,
    prompt_len: promptLen,
    old_logp: perRow(rollout!.logp),
    advantages: perRow(advantages),
    mask: perRow(batch.mask),
    lora: LORA,
    reps: REPS,
    threads: [1, os.cpus().length],
  });
  const tokens = rows * w.newTokens;
  const load = os.loadavg()[0];
  const cores = os.cpus().length;
  console.log(`  PyTorch ${torch.torch}, BLAS ${torch.blas}; cliplab ${backend.detail}`);
  console.log(
    `  machine load average ${fmt(load)} on ${cores} cores${load > cores ? ' (busy: wall times are noisy, CPU times less so)' : ''}`,
  );
  const fullText = (t: Time | null) => (t ? `, full ${both(t)}` : '');
  console.log(
    `  cliplab: sampling ${fmt(tokens / sampleS.wall, 0)} tokens/s, ${both(sampleS)}; update LoRA ${both(loraS)}${fullText(fullS)}`,
  );
  for (const t of torch.results) {
    const [sample, loraT, fullT] = [t.sample, t.update_lora, t.update_full ?? null] as (Time | null)[];
    console.log(
      `  PyTorch ${t.threads} thread${t.threads > 1 ? 's' : ''}: sampling ${fmt(tokens / sample!.wall, 0)} tokens/s, ` +
        `${both(sample!)}; update LoRA ${both(loraT!)}${fullText(fullT)}`,
    );
    const fullRatio = fullS && fullT ? `, full ${ratio(fullS, fullT)}` : '';
    console.log(
      `    cliplab / PyTorch time: sampling ${ratio(sampleS, sample!)}, update LoRA ${ratio(loraS, loraT!)}${fullRatio}`,
    );
  }
}
