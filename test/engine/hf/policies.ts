/**
 * A trained-looking HF policy on a tiny checkpoint, as the update, attribution and checkpointing
 * tests need it: full fine-tuning, or LoRA adapters (rank 3) on the attention and MLP projections
 * whose B matrices are given values (at their zero start no gradient would reach A); and the batch
 * the update and attribution tests train on (left-padded prompts, responses of several lengths).
 */
import { LoadedCheckpoint } from '../../../src-main/engine/policies/hf/checkpoint';
import { loraLayers } from '../../../src-main/engine/policies/hf/lora';
import { HfPolicy } from '../../../src-main/engine/policies/hf/policy';
import type { ModelSpec } from '../../../src-main/engine/policies/hf/spec';
import { createRng } from '../../../src-main/engine/rng';
import type { SequenceBatch } from '../../../src-main/engine/types';

/** The LoRA layers the tests train: q, v and down projections (GPT-2: the fused c_attn and c_fc). */
export function loraTestLayers(spec: ModelSpec): string[] {
  return loraLayers(spec, spec.family === 'gpt2' ? ['c_attn', 'c_fc'] : ['q_proj', 'v_proj', 'down_proj']);
}

export async function tinyPolicy(dir: string, role: 'full' | 'lora', maxNewTokens = 5): Promise<HfPolicy> {
  const ckpt = LoadedCheckpoint.open(dir);
  const layers = role === 'lora' ? loraTestLayers(ckpt.spec) : null;
  const policy = new HfPolicy(ckpt, {
    role,
    lora: layers ? { layers, rank: 3, alpha: 6 } : null,
    loraRng: createRng(5, 'test'),
    stopTokens: new Set<number>(),
    maxNewTokens,
    topP: 1,
    sampleBatch: null,
  });
  if (role === 'lora') {
    const w = await policy.getWeights();
    const rng = createRng(9, 'b');
    for (const [n, t] of Object.entries(w)) if (n.endsWith('.B')) t.data = t.data.map(() => 0.3 * rng.normal());
    policy.setWeights(w);
  }
  return policy;
}

export const PROMPTS = [
  [5, 17, 99, 230],
  [250, 3],
  [33, 120, 9],
  [7, 7, 300],
];
export const RESPONSES = [
  [12, 40, 41, 2, 9],
  [77, 18, 91],
  [200, 55, 71, 14, 260],
  [8, 150],
];
export const ADVANTAGES = [1, -1, 0.7, -0.4];
export const TEMPERATURE = 0.9;

/** The four rows as a SequenceBatch: prompts left-padded to the longest, responses masked past their end. */
export function batchOf(): SequenceBatch {
  const b = PROMPTS.length;
  const tp = Math.max(...PROMPTS.map((p) => p.length));
  const t = Math.max(...RESPONSES.map((r) => r.length));
  const batch: SequenceBatch = {
    size: b,
    promptLen: tp,
    responseLen: t,
    prompts: new Int32Array(b * tp),
    responses: new Int32Array(b * t),
    mask: new Float32Array(b * t),
    promptPad: Int32Array.from(PROMPTS, (p) => tp - p.length),
  };
  PROMPTS.forEach((p, i) => batch.prompts.set(p, i * tp + batch.promptPad![i]));
  RESPONSES.forEach((r, i) => r.forEach((tok, s) => ((batch.responses[i * t + s] = tok), (batch.mask[i * t + s] = 1))));
  return batch;
}
