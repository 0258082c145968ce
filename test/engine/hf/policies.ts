/**
 * A trained-looking HF policy on a tiny checkpoint, as the update, attribution and checkpointing
 * tests need it: full fine-tuning, or LoRA adapters (rank 3) on the attention and MLP projections
 * whose B matrices are given values (at their zero start no gradient would reach A).
 */
import { LoadedCheckpoint } from '../../../src-main/engine/policies/hf/checkpoint';
import { loraLayers } from '../../../src-main/engine/policies/hf/lora';
import { HfPolicy } from '../../../src-main/engine/policies/hf/policy';
import type { ModelSpec } from '../../../src-main/engine/policies/hf/spec';
import { createRng } from '../../../src-main/engine/rng';

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
