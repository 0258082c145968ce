/**
 * A pretrained causal LM as one forward function: embed, one block function per family, final
 * norm, output head. The same code serves training (whole sequences, differentiable) and KV-cache
 * decoding (new positions on top of a cache, inside tf.tidy). Weights are ours by name (names.ts);
 * LoRA adapters, when present, add their update to the linear layers they target.
 * Rows are position-major (row t * B + b); `pads[b]` left-pads row b's prompt.
 */
import type { GptKernels } from '../../gpt/kernels';
import { tf } from '../../tf';
import { attentionBias, groupedQueryAttention, type HeadShape } from './attention';
import { ACTIVATIONS, applyRope, embedRows, layerNorm, linear, linearTransposed, rmsNorm } from './layers';
import type { LoraSet } from './lora';
import { RopeTable } from './rope';
import type { ModelSpec } from './spec';

type T1 = tf.Tensor1D;
type T2 = tf.Tensor2D;
type T3 = tf.Tensor3D;

/** Keys and values per layer, [T, B * Hkv, D]. A type (not an interface) so tf.tidy can return it. */
export type KvCache = { k: T3[]; v: T3[]; length: number };

export interface ForwardInput {
  /** Token ids of the new positions, [T * B] position-major. */
  tokens: Int32Array;
  batch: number;
  /** Left padding per row, or null when no row is padded. */
  pads: Int32Array | null;
}

/** What a block needs besides its weights: the pass's geometry, position tables and mask. */
interface Pass {
  batch: number;
  positions: number; // new positions T
  rope: { cos: T3; sin: T3 } | null; // [T * B, 1, D]
  bias: tf.Tensor | null;
  past: KvCache | null;
}

export class HfModel {
  private readonly rope: RopeTable | null;
  private readonly heads: HeadShape;

  constructor(
    readonly spec: ModelSpec,
    readonly kern: GptKernels,
    private readonly weights: ReadonlyMap<string, tf.Tensor>,
    private readonly lora: LoraSet | null,
  ) {
    this.rope = spec.rope ? new RopeTable(spec.rope, spec.headDim) : null;
    this.heads = { heads: spec.heads, kvHeads: spec.kvHeads, headDim: spec.headDim };
  }

  w<R extends tf.Tensor>(name: string): R {
    const t = this.weights.get(name);
    if (!t) throw new Error(`model weight "${name}" is missing`);
    return t as R;
  }

  optional(name: string): T1 | null {
    return (this.weights.get(name) as T1 | undefined) ?? null;
  }

  /** Linear layer `h{i}.{name}` with its bias and LoRA update. */
  proj(layer: string, x: T2): T2 {
    const y = linear(this.kern, x, this.w<T2>(`${layer}.w`), this.optional(`${layer}.b`));
    const adapter = this.lora?.adapters.get(layer);
    if (!adapter) return y;
    const update = linear(this.kern, linear(this.kern, x, adapter.a as T2), adapter.b as T2); // (x A) B
    return tf.add(y, tf.mul(update, adapter.scale));
  }

  /** Position of every new row: t - pads[b] (pad positions clamp to 0; the mask hides them). */
  private positionIds(input: ForwardInput, first: number, positions: number): Int32Array {
    const b = input.batch;
    const ids = new Int32Array(positions * b);
    for (let t = 0; t < positions; t++) {
      for (let row = 0; row < b; row++) ids[t * b + row] = Math.max(0, first + t - (input.pads?.[row] ?? 0));
    }
    return ids;
  }

  private checkLength(keys: number): void {
    const s = this.spec;
    if (keys > s.maxPositions)
      throw new Error(`sequence of ${keys} tokens exceeds the model's ${s.maxPositions} positions`);
    if (s.slidingWindow !== null && keys > s.slidingWindow) {
      throw new Error(`sequence of ${keys} tokens exceeds the attention window of ${s.slidingWindow} (not supported)`);
    }
  }

  /**
   * Final-normed hidden states of the new positions [T * B, d] and the grown cache. Differentiable
   * w.r.t. the trainable weights when run under a gradient tape.
   */
  forward(input: ForwardInput, cache: KvCache | null): { hidden: T2; cache: KvCache } {
    const b = input.batch;
    const positions = input.tokens.length / b;
    const first = cache?.length ?? 0;
    this.checkLength(first + positions);
    const posIds = this.positionIds(input, first, positions);
    const mask = { batch: b, queries: positions, keys: first + positions, pads: input.pads };
    const pass: Pass = {
      batch: b,
      positions,
      rope: this.ropeTables(posIds),
      bias: attentionBias(mask, this.heads, this.kern.attention.scoreLayout),
      past: cache,
    };
    let x = embedRows(this.w<T2>('embed'), input.tokens);
    if (this.spec.family === 'gpt2') x = tf.add(x, embedRows(this.w<T2>('pos'), posIds));
    const next: KvCache = { k: [], v: [], length: first + positions };
    for (let i = 0; i < this.spec.layers; i++) {
      const out = BLOCKS[this.spec.family](this, i, x, pass);
      next.k.push(out.k);
      next.v.push(out.v);
      x = out.y;
    }
    return { hidden: this.finalNorm(x), cache: next };
  }

  private ropeTables(posIds: Int32Array): Pass['rope'] {
    if (!this.rope) return null;
    const { cos, sin } = this.rope.rows(posIds);
    const shape: [number, number, number] = [posIds.length, 1, this.spec.headDim];
    return { cos: tf.tensor3d(cos, shape), sin: tf.tensor3d(sin, shape) };
  }

  private finalNorm(x: T2): T2 {
    const { kern, spec } = this;
    return spec.family === 'llama'
      ? rmsNorm(kern, x, this.w('norm.g'), spec.normEps)
      : layerNorm(kern, x, this.w('norm.g'), this.w('norm.b'), spec.normEps);
  }

  /** Logits over the whole vocabulary [N, V] of final-normed hidden rows. */
  logits(h: T2): T2 {
    if (this.spec.tiedEmbeddings) return linearTransposed(this.kern, h, this.w('embed'));
    return linear(this.kern, h, this.w('head.w'));
  }

  /** Keys and values of the new positions appended to the cache's, [Tk, B * Hkv, D]. */
  attend(i: number, q: T2, k: T2, v: T2, pass: Pass): { o: T2; k: T3; v: T3 } {
    const groups = pass.batch * this.spec.kvHeads;
    const heads3 = (t: T2) => t.reshape([pass.positions, groups, this.spec.headDim]) as T3;
    const [kNew, vNew] = [heads3(k), heads3(v)];
    const kAll = pass.past ? tf.concat([pass.past.k[i], kNew], 0) : kNew;
    const vAll = pass.past ? tf.concat([pass.past.v[i], vNew], 0) : vNew;
    return { o: groupedQueryAttention(this.kern, q, kAll, vAll, this.heads, pass.bias), k: kAll, v: vAll };
  }
}

type Block = (m: HfModel, i: number, x: T2, pass: Pass) => { y: T2; k: T3; v: T3 };

/**
 * Llama family: x + Attn(RMSNorm(x)), then + down(silu(gate(h)) * up(h)) on h = RMSNorm(x).
 * Qwen3 normalises each head of q and k (RMSNorm over D) before RoPE.
 */
const llamaBlock: Block = (m, i, x, pass) => {
  const { kern, spec } = m;
  const [w, proj] = [m.w.bind(m), m.proj.bind(m)];
  const p = `h${i}`;
  const D = spec.headDim;
  const h = rmsNorm(kern, x, w(`${p}.norm1.g`), spec.normEps); // [N, d]
  let q = proj(`${p}.q`, h); // [N, H * D]
  let k = proj(`${p}.k`, h); // [N, Hkv * D]
  const v = proj(`${p}.v`, h); // [N, Hkv * D]
  if (spec.qkNorm) {
    const perHead = (t: T2, g: string) =>
      rmsNorm(kern, t.reshape([-1, D]) as T2, w(g), spec.normEps).reshape(t.shape) as T2; // over D
    q = perHead(q, `${p}.q_norm.g`);
    k = perHead(k, `${p}.k_norm.g`);
  }
  const { cos, sin } = pass.rope!;
  const a = m.attend(i, applyRope(q, cos, sin, D), applyRope(k, cos, sin, D), v, pass);
  const x1 = tf.add(x, proj(`${p}.o`, a.o)) as T2;
  const h2 = rmsNorm(kern, x1, w(`${p}.norm2.g`), spec.normEps);
  const gated = tf.mul(ACTIVATIONS.silu(proj(`${p}.gate`, h2)), proj(`${p}.up`, h2)) as T2; // [N, ffn]
  return { y: tf.add(x1, proj(`${p}.down`, gated)) as T2, k: a.k, v: a.v };
};

/** GPT-2: x + Attn(LN(x)) with a fused q|k|v projection, then + down(gelu(up(LN(x)))). */
const gpt2Block: Block = (m, i, x, pass) => {
  const { kern, spec } = m;
  const [w, proj] = [m.w.bind(m), m.proj.bind(m)];
  const p = `h${i}`;
  const d = spec.dModel;
  const h = layerNorm(kern, x, w(`${p}.norm1.g`), w(`${p}.norm1.b`), spec.normEps);
  const [q, k, v] = tf.split(proj(`${p}.qkv`, h), [d, d, d], 1) as T2[]; // [N, d] each
  const a = m.attend(i, q, k, v, pass);
  const x1 = tf.add(x, proj(`${p}.o`, a.o)) as T2;
  const h2 = layerNorm(kern, x1, w(`${p}.norm2.g`), w(`${p}.norm2.b`), spec.normEps);
  const act = ACTIVATIONS[spec.activation](proj(`${p}.up`, h2)); // [N, ffn]
  return { y: tf.add(x1, proj(`${p}.down`, act)) as T2, k: a.k, v: a.v };
};

const BLOCKS: Record<ModelSpec['family'], Block> = { llama: llamaBlock, gpt2: gpt2Block };
