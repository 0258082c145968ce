/**
 * What a run of a Hugging Face model will hold in memory, estimated from the architecture and the
 * run config before any weight is loaded: the checkpoint's weights (shared by the policy and its
 * frozen reference), trained copies or LoRA adapters, gradients, optimizer slots, and the larger of
 * one micro-batch's activations and sampling's KV cache. Float32 throughout. On wasm, XNNPACK also
 * keeps a packed copy of every matmul weight it has used (`packed`). The run is refused when the
 * peak exceeds what the backend can address, with what to lower.
 */
import os from 'node:os';
import { formatMemory, type RunConfig } from '../../../contract';
import { parameterCount, type ModelSpec } from './spec';

const F32 = 4;
/** wasm32 addresses at most 4 GiB, the tfjs wasm backend's heap included (measured: it fails past 4096 MiB). */
const WASM_LIMIT = 4 * 1024 ** 3;
/** Share of the machine's memory a run may plan to use on backends without their own limit. */
const HOST_SHARE = 0.8;

export interface MemoryPlan {
  weights: number; // the checkpoint, float32, once
  trainable: number; // full fine-tuning's trained copy, or LoRA adapters
  gradients: number;
  optimizer: number;
  activations: number; // one micro-batch, forward + backward
  sampling: number; // KV cache and logits while decoding
  /** wasm only: XNNPACK's packed copy of each weight matrix, kept while the weight lives. */
  packed: number;
  peak: number; // without `packed`: what every backend holds
}

export interface MemoryShape {
  /** Longest prompt in tokens (the task's promptLen). */
  promptLen: number;
  /** Longest response in tokens. */
  responseLen: number;
  /** LoRA parameters (0 for full fine-tuning). */
  loraParameters: number;
}

/**
 * Floats one block holds per position while it is recomputed and differentiated (model.ts
 * checkpoints blocks): every intermediate of its forward pass under the tape, about twice the inputs
 * its ops save (measured on SmolLM2-135M: ~35k floats per position at d 576, ffn 1536, 9 heads),
 * and as much again for the gradients being formed.
 */
function blockFloatsPerPosition(s: ModelSpec, positions: number): number {
  const width = Math.max(s.dModel, s.heads * s.headDim);
  const attentionWeights = 2 * s.heads * positions; // p and its second layout
  return 2 * 2 * (12 * width + 5 * s.ffn + attentionWeights);
}

/** Rows of one forward/backward pass: the micro-batch, else the minibatch. */
export function microRows(config: RunConfig): number {
  const batch = config.rollout.prompts * config.rollout.groupSize;
  return config.optim.microBatch ?? Math.ceil(batch / config.optim.minibatches);
}

export function planMemory(spec: ModelSpec, config: RunConfig, shape: MemoryShape): MemoryPlan {
  const params = parameterCount(spec);
  const full = config.policy.kind === 'hf' && config.policy.finetune === 'full';
  const trained = full ? params : shape.loraParameters;
  const positions = shape.promptLen + shape.responseLen;
  const rows = microRows(config);
  // Each block keeps its input and output for the backward pass; one block at a time is recomputed.
  const saved = spec.layers * 2 * spec.dModel * positions * rows;
  const block = blockFloatsPerPosition(spec, positions) * positions * rows;
  const head = 6 * rows * shape.responseLen * spec.vocab; // logits, log-softmax, probabilities and products
  const sampleRows =
    (config.policy.kind === 'hf' ? config.policy.sampleBatch : null) ??
    config.rollout.prompts * config.rollout.groupSize;
  const kv = 2 * spec.layers * sampleRows * positions * spec.kvHeads * spec.headDim;
  const plan = {
    weights: params * F32,
    trainable: trained * F32,
    gradients: trained * F32,
    optimizer: (config.optim.optimizer === 'adam' ? 2 : 0) * trained * F32,
    activations: (saved + block + head) * F32,
    // The cache grows by concatenation: old and new copies exist together for a moment.
    sampling: (2 * kv + 3 * sampleRows * spec.vocab) * F32,
    packed: params * F32,
  };
  const peak =
    plan.weights + plan.trainable + plan.optimizer + Math.max(plan.activations + plan.gradients, plan.sampling);
  return { ...plan, peak };
}

/** Bytes a backend can hold: wasm's 4 GiB address space, else most of the machine's memory. */
export function memoryBudget(backend: string): number {
  return backend === 'wasm' ? WASM_LIMIT : Math.floor(os.totalmem() * HOST_SHARE);
}

/** The plan's peak on a backend: wasm adds XNNPACK's packed weights. */
export function peakOn(p: MemoryPlan, backend: string): number {
  return backend === 'wasm' ? p.peak + p.packed : p.peak;
}

/** One line per part, for `cliplab train` and the New run form. */
export function describePlan(p: MemoryPlan): string {
  return (
    `weights ${formatMemory(p.weights)}, trained ${formatMemory(p.trainable)}, optimizer ${formatMemory(p.optimizer)}, ` +
    `gradients ${formatMemory(p.gradients)}, activations ${formatMemory(p.activations)}, sampling ${formatMemory(p.sampling)}; ` +
    `peak ${formatMemory(p.peak)} (wasm: ${formatMemory(p.peak + p.packed)} with packed weights)`
  );
}

/** What to lower, biggest part first. */
function advice(p: MemoryPlan, config: RunConfig): string[] {
  const out: string[] = [];
  const rows = microRows(config);
  if (p.activations + p.gradients >= p.sampling && p.activations > p.weights / 4) {
    out.push(`optim.microBatch (now ${rows} rows per pass)`, 'task.maxNewTokens');
  }
  if (p.sampling > p.activations + p.gradients) out.push('policy.sampleBatch (rows decoded together)');
  if (config.policy.kind === 'hf' && config.policy.finetune === 'full') out.push('policy.finetune=lora');
  out.push('a smaller model, or a backend with more memory');
  return out;
}

/** Throws, naming what to lower, when the plan does not fit the backend. */
export function assertFits(p: MemoryPlan, config: RunConfig, backend: string): void {
  const budget = memoryBudget(backend);
  const peak = peakOn(p, backend);
  if (peak <= budget) return;
  throw new Error(
    `memory: this run needs about ${formatMemory(peak)} on the ${backend} backend, which has ${formatMemory(budget)} ` +
      `(${describePlan(p)}). Lower: ${advice(p, config).join('; ')}`,
  );
}
