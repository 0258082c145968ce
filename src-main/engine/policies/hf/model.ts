/**
 * A pretrained causal LM as one forward function: embed, one block function per family, final
 * norm, output head. The same code serves training (whole sequences, differentiable) and KV-cache
 * decoding (new positions on top of a cache, inside tf.tidy). Weights are ours by name (names.ts);
 * LoRA adapters, when present, add their update to the linear layers they target.
 * Rows are position-major (row t * B + b); `pads[b]` left-pads row b's prompt.
 *
 * A pass that needs no KV cache (scoring and training) runs each block as one op that keeps only its
 * input and recomputes the block in its backward pass (activation checkpointing): tfjs otherwise
 * holds every intermediate of the whole forward pass until the gradient is taken, which for
 * SmolLM2-135M is ~35k floats per position per layer, and 30 layers of two 105-token rows already
 * filled most of wasm's 4 GiB. The recomputation costs one more forward pass of each block.
 */
import type { GptKernels } from '../../gpt/kernels';
import { withGradient } from '../../gpt/layers';
import { tf } from '../../tf';
import { attentionBias, groupedQueryAttention, type HeadShape } from './attention';
import { ACTIVATIONS, applyRope, embedRows, isTrainable, layerNorm, linear, linearTransposed, rmsNorm } from './layers';
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

/** What a pass keeps: `cache` (decoding) returns every layer's keys and values; `scores` does not and checkpoints. */
export type ForwardMode = 'cache' | 'scores';

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
  forward(input: ForwardInput, cache: KvCache | null, mode: ForwardMode = 'cache'): { hidden: T2; cache: KvCache } {
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
      if (mode === 'scores' && cache === null) {
        x = this.checkpointedBlock(i, x, pass);
        continue;
      }
      const out = BLOCKS[this.spec.family](this, i, x, pass);
      next.k.push(out.k);
      next.v.push(out.v);
      x = out.y;
    }
    return { hidden: this.finalNorm(x), cache: mode === 'scores' ? { k: [], v: [], length: 0 } : next };
  }

  /** The trained tensors block i reads: its own weights under full fine-tuning, its LoRA adapters. */
  private layerVariables(i: number): tf.Variable[] {
    const prefix = `h${i}.`;
    const own = [...this.weights].filter(([name, t]) => name.startsWith(prefix) && isTrainable(t));
    const adapters = [...(this.lora?.adapters ?? [])].filter(([layer]) => layer.startsWith(prefix));
    return [...own.map(([, t]) => t as tf.Variable), ...adapters.flatMap(([, ad]) => [ad.a, ad.b])];
  }

  /**
   * Block i as one op that saves only its input: the backward pass runs the block again under its
   * own tape and differentiates that (gradients for x and the block's trained tensors).
   */
  private checkpointedBlock(i: number, x: T2, pass: Pass): T2 {
    const block = BLOCKS[this.spec.family];
    const variables = this.layerVariables(i);
    // The pass's tables are saved with the input: the outer forward pass frees them before the backward.
    const tables = [pass.rope?.cos, pass.rope?.sin, pass.bias].filter((t): t is tf.Tensor => t != null);
    return withGradient<T2>([x, ...variables], (save) => {
      save([x, ...tables]);
      return {
        value: block(this, i, x, pass).y,
        gradFunc: (dy, [xs, ...kept]) => {
          const again: Pass = { ...pass, rope: null, bias: null };
          if (pass.rope) again.rope = { cos: kept.shift() as tf.Tensor3D, sin: kept.shift() as tf.Tensor3D };
          if (pass.bias) again.bias = kept.shift()!;
          const { value, grads } = nestedGradients(
            () => block(this, i, xs as T2, again).y,
            [xs, ...variables],
            dy as T2,
          );
          value.dispose();
          return grads.map((g, j) => g ?? tf.zerosLike(j === 0 ? xs : variables[j - 1]));
        },
      };
    });
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

/** The engine's gradient tape (tfjs 4.22 internals; test/engine/hf/checkpoint.test.ts pins the behaviour). */
interface TapeEngine {
  state: { activeTape: unknown };
  gradients(
    f: () => T2,
    xs: tf.Tensor[],
    dy: T2,
    allowNoGradients: boolean,
  ): { value: T2; grads: (tf.Tensor | undefined)[] };
}

/**
 * tf's gradients of `f`, callable from inside another gradient's backward pass. tfjs keeps one
 * active tape, which a gradient taken at depth 0 replaces and then clears; the outer pass still
 * clears its own tape when it ends, so the outer tape is put back afterwards.
 */
function nestedGradients(f: () => T2, xs: tf.Tensor[], dy: T2) {
  const engine = tf.engine() as unknown as TapeEngine;
  const outer = engine.state.activeTape;
  try {
    return engine.gradients(f, xs, dy, true);
  } finally {
    engine.state.activeTape = outer;
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
