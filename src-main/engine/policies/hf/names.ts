/**
 * The one table from a Hugging Face checkpoint's tensor names to ours, per block family, with the
 * shape each weight has in our layout. Our linear weights are [in, out] (x @ W, the form wasm's
 * fast matmul runs untransposed); Hugging Face's nn.Linear stores [out, in] and is transposed on
 * load, GPT-2's Conv1D already stores [in, out].
 */
import type { ModelSpec } from './spec';

export interface WeightSlot {
  /** Our name, e.g. "h3.q.w". */
  name: string;
  /** The checkpoint's name, e.g. "model.layers.3.self_attn.q_proj.weight". */
  hf: string;
  /** Shape in our layout. */
  shape: number[];
  /** The checkpoint stores the transpose ([out, in]). */
  transpose: boolean;
}

/** Our linear layers and the Hugging Face module names (PEFT's `target_modules`) that select them. */
export const LORA_MODULES: Record<ModelSpec['family'], Record<string, readonly string[]>> = {
  llama: {
    q_proj: ['q'],
    k_proj: ['k'],
    v_proj: ['v'],
    o_proj: ['o'],
    gate_proj: ['gate'],
    up_proj: ['up'],
    down_proj: ['down'],
  },
  // GPT-2 names two modules c_proj (attention output and MLP output): PEFT's suffix match takes both.
  gpt2: { c_attn: ['qkv'], c_proj: ['o', 'down'], c_fc: ['up'] },
};

function llamaSlots(s: ModelSpec): WeightSlot[] {
  const d = s.dModel;
  const [q, kv] = [s.heads * s.headDim, s.kvHeads * s.headDim];
  const out: WeightSlot[] = [{ name: 'embed', hf: 'model.embed_tokens.weight', shape: [s.vocab, d], transpose: false }];
  for (let i = 0; i < s.layers; i++) {
    const [h, m] = [`h${i}.`, `model.layers.${i}.`];
    const linear = (ours: string, hf: string, inDim: number, outDim: number, bias: boolean) => {
      out.push({ name: `${h}${ours}.w`, hf: `${m}${hf}.weight`, shape: [inDim, outDim], transpose: true });
      if (bias) out.push({ name: `${h}${ours}.b`, hf: `${m}${hf}.bias`, shape: [outDim], transpose: false });
    };
    const norm = (ours: string, hf: string, dim: number) =>
      out.push({ name: `${h}${ours}.g`, hf: `${m}${hf}.weight`, shape: [dim], transpose: false });
    norm('norm1', 'input_layernorm', d);
    linear('q', 'self_attn.q_proj', d, q, s.qkvBias);
    linear('k', 'self_attn.k_proj', d, kv, s.qkvBias);
    linear('v', 'self_attn.v_proj', d, kv, s.qkvBias);
    linear('o', 'self_attn.o_proj', q, d, s.outBias);
    if (s.qkNorm) {
      norm('q_norm', 'self_attn.q_norm', s.headDim);
      norm('k_norm', 'self_attn.k_norm', s.headDim);
    }
    norm('norm2', 'post_attention_layernorm', d);
    linear('gate', 'mlp.gate_proj', d, s.ffn, s.mlpBias);
    linear('up', 'mlp.up_proj', d, s.ffn, s.mlpBias);
    linear('down', 'mlp.down_proj', s.ffn, d, s.mlpBias);
  }
  out.push({ name: 'norm.g', hf: 'model.norm.weight', shape: [d], transpose: false });
  if (!s.tiedEmbeddings) out.push({ name: 'head.w', hf: 'lm_head.weight', shape: [d, s.vocab], transpose: true });
  return out;
}

function gpt2Slots(s: ModelSpec): WeightSlot[] {
  const d = s.dModel;
  const out: WeightSlot[] = [
    { name: 'embed', hf: 'transformer.wte.weight', shape: [s.vocab, d], transpose: false },
    { name: 'pos', hf: 'transformer.wpe.weight', shape: [s.maxPositions, d], transpose: false },
  ];
  const add = (name: string, hf: string, shape: number[]) => out.push({ name, hf, shape, transpose: false });
  for (let i = 0; i < s.layers; i++) {
    const [h, m] = [`h${i}.`, `transformer.h.${i}.`];
    const conv = (ours: string, hf: string, inDim: number, outDim: number) => {
      add(`${h}${ours}.w`, `${m}${hf}.weight`, [inDim, outDim]);
      add(`${h}${ours}.b`, `${m}${hf}.bias`, [outDim]);
    };
    const norm = (ours: string, hf: string) => {
      add(`${h}${ours}.g`, `${m}${hf}.weight`, [d]);
      add(`${h}${ours}.b`, `${m}${hf}.bias`, [d]);
    };
    norm('norm1', 'ln_1');
    conv('qkv', 'attn.c_attn', d, 3 * d);
    conv('o', 'attn.c_proj', d, d);
    norm('norm2', 'ln_2');
    conv('up', 'mlp.c_fc', d, s.ffn);
    conv('down', 'mlp.c_proj', s.ffn, d);
  }
  add('norm.g', 'transformer.ln_f.weight', [d]);
  add('norm.b', 'transformer.ln_f.bias', [d]);
  if (!s.tiedEmbeddings) out.push({ name: 'head.w', hf: 'lm_head.weight', shape: [d, s.vocab], transpose: true });
  return out;
}

export function weightSlots(spec: ModelSpec): WeightSlot[] {
  return spec.family === 'llama' ? llamaSlots(spec) : gpt2Slots(spec);
}

/**
 * Checkpoint tensors that are not weights and are skipped: rotary tables and GPT-2's causal-mask
 * buffers that older checkpoints saved, and a copy of the tied output head.
 */
export function isIgnoredTensor(name: string, spec: ModelSpec): boolean {
  if (/rotary_emb\.inv_freq$/.test(name) || /\.attn\.(masked_)?bias$/.test(name)) return true;
  return spec.tiedEmbeddings && name === 'lm_head.weight';
}

/**
 * The checkpoint's name of a slot in a file that may lack the leading module prefix (some GPT-2
 * exports write `h.0.ln_1.weight` for `transformer.h.0.ln_1.weight`).
 */
export function resolveName(slot: WeightSlot, has: (name: string) => boolean): string | null {
  if (has(slot.hf)) return slot.hf;
  const bare = slot.hf.replace(/^(transformer|model)\./, '');
  return bare !== slot.hf && has(bare) ? bare : null;
}
