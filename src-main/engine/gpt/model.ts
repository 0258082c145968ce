/**
 * A decoder-only transformer (GPT-2 layout: pre-LayerNorm blocks, learned position embedding, ReLU
 * MLP of width 4d, untied output head). The model knows nothing of tasks: it maps a position-major
 * grid of token ids (row t * B + b) to hidden states and logits over a chosen set of output tokens.
 */
import { tf } from '../tf';
import type { Rng, TensorMap } from '../types';
import type { GptKernels } from './kernels';
import {
  attentionForward,
  attentionSublayer,
  embed,
  headForward,
  headSublayer,
  mlpForward,
  mlpSublayer,
  type BlockWeights,
} from './layers';

export interface GptDims {
  vocab: number;
  context: number;
  dModel: number;
  layers: number;
  heads: number;
}

/** Keys and values per layer, [T, B * H, D] each, for incremental decoding. A type (not an
 * interface) so that tf.tidy accepts it as a tensor container. */
export type KvCache = {
  k: tf.Tensor3D[];
  v: tf.Tensor3D[];
  /** Positions already in the cache. */
  length: number;
};

/** Every weight's shape, by name (the keys of `getWeights()`). */
export function weightShapes(dims: GptDims): Record<string, number[]> {
  const { vocab, context, dModel: d, layers } = dims;
  const shapes: Record<string, number[]> = { wte: [vocab, d], wpe: [context, d] };
  for (let i = 0; i < layers; i++) {
    const p = `h${i}.`;
    Object.assign(shapes, {
      [`${p}ln1.g`]: [d],
      [`${p}ln1.b`]: [d],
      [`${p}attn.wq`]: [d, d],
      [`${p}attn.wk`]: [d, d],
      [`${p}attn.wv`]: [d, d],
      [`${p}attn.wo`]: [d, d],
      [`${p}ln2.g`]: [d],
      [`${p}ln2.b`]: [d],
      [`${p}mlp.w1`]: [d, 4 * d],
      [`${p}mlp.w2`]: [4 * d, d],
    });
  }
  return Object.assign(shapes, { 'lnf.g': [d], 'lnf.b': [d], head: [d, vocab] });
}

const INIT_STD = 0.02;

/**
 * GPT-2 initialisation from our seeded stream (never tfjs initialisers): N(0, 0.02), the two
 * projections into the residual stream scaled by 1/sqrt(2 * layers); LayerNorm gain 1, bias 0.
 */
export function initialWeights(dims: GptDims, rng: Rng): TensorMap {
  const residualStd = INIT_STD / Math.sqrt(2 * dims.layers);
  const out: TensorMap = {};
  for (const [name, shape] of Object.entries(weightShapes(dims))) {
    const data = new Float32Array(shape.reduce((a, b) => a * b, 1));
    if (name.endsWith('.g')) data.fill(1);
    else if (!name.endsWith('.b')) {
      const std = name.endsWith('attn.wo') || name.endsWith('mlp.w2') ? residualStd : INIT_STD;
      for (let i = 0; i < data.length; i++) data[i] = rng.normal() * std;
    }
    out[name] = { shape, data };
  }
  return out;
}

/** One-hot rows of (token, position) for a position-major grid, and their transpose for dW. */
function oneHotGrid(dims: GptDims, tokens: Int32Array, batch: number, firstPosition: number, transposed: boolean) {
  const width = dims.vocab + dims.context;
  const n = tokens.length;
  const rows = new Float32Array(n * width);
  const cols = transposed ? new Float32Array(n * width) : null;
  for (let r = 0; r < n; r++) {
    const token = tokens[r];
    const position = firstPosition + Math.floor(r / batch);
    if (!(token >= 0 && token < dims.vocab))
      throw new Error(`token ${token} is outside the vocabulary of ${dims.vocab}`);
    if (position >= dims.context) throw new Error(`position ${position} is beyond the context of ${dims.context}`);
    rows[r * width + token] = 1;
    rows[r * width + dims.vocab + position] = 1;
    if (cols) {
      cols[token * n + r] = 1;
      cols[(dims.vocab + position) * n + r] = 1;
    }
  }
  const oneHot = tf.tensor2d(rows, [n, width]); // [N, vocab + context]
  return { oneHot, oneHotT: cols ? tf.tensor2d(cols, [width, n]) : oneHot }; // oneHotT [vocab + context, N]
}

export class GptModel {
  constructor(
    readonly dims: GptDims,
    readonly kernels: GptKernels,
    private readonly weights: Readonly<Record<string, tf.Tensor>>,
  ) {}

  private w<R extends tf.Tensor>(name: string): R {
    const t = this.weights[name];
    if (!t) throw new Error(`GPT weight "${name}" is missing`);
    return t as R;
  }

  private block(i: number): BlockWeights {
    const w = <R extends tf.Tensor>(n: string) => this.w<R>(`h${i}.${n}`);
    return {
      ln1g: w('ln1.g'),
      ln1b: w('ln1.b'),
      wq: w('attn.wq'),
      wk: w('attn.wk'),
      wv: w('attn.wv'),
      wo: w('attn.wo'),
      ln2g: w('ln2.g'),
      ln2b: w('ln2.b'),
      w1: w('mlp.w1'),
      w2: w('mlp.w2'),
    };
  }

  /** Output weights [d, A] of the tokens `select` picks ([vocab, A] one-hot columns); differentiable. */
  outputWeights(select: tf.Tensor2D): tf.Tensor2D {
    return tf.matMul(this.w<tf.Tensor2D>('head'), select); // [d, vocab] @ [vocab, A] -> [d, A]
  }

  /**
   * Differentiable forward over whole sequences of `positions` tokens: hidden states after the
   * last block (before the final LayerNorm) of the last `outputs` positions, [outputs * batch, d],
   * rows position-major. The last block computes nothing else for the earlier positions.
   */
  hidden(tokens: Int32Array, positions: number, batch: number, outputs = positions): tf.Tensor2D {
    const { oneHot, oneHotT } = oneHotGrid(this.dims, tokens, batch, 0, true);
    let x = embed(oneHot, oneHotT, this.w('wte'), this.w('wpe')); // [positions * batch, d]
    for (let i = 0; i < this.dims.layers; i++) {
      const queries = i === this.dims.layers - 1 ? outputs : positions;
      // [queries * batch, d]: every position but the last block's outputs keeps all its rows
      x = attentionSublayer(this.kernels, x, this.block(i), { heads: this.dims.heads, positions, queries });
      x = mlpSublayer(this.kernels, x, this.block(i)); // [queries * batch, d]
    }
    return x;
  }

  /** Differentiable logits [N, A] of hidden rows h over the selected outputs. */
  logits(h: tf.Tensor2D, select: tf.Tensor2D): tf.Tensor2D {
    return headSublayer(this.kernels, h, this.w('lnf.g'), this.w('lnf.b'), this.outputWeights(select));
  }

  /**
   * Runs `positions` new positions of `batch` rows through the model on top of `cache` (null: start
   * of the sequences). Returns logits of the last new position [batch, A] and the grown cache.
   * Not differentiable; call inside tf.tidy.
   */
  step(
    tokens: Int32Array,
    positions: number,
    batch: number,
    cache: KvCache | null,
    wOut: tf.Tensor2D,
  ): { logits: tf.Tensor2D; cache: KvCache } {
    const first = cache ? cache.length : 0;
    let x = oneHotGrid(this.dims, tokens, batch, first, false).oneHot; // [positions * batch, vocab + context]
    x = tf.matMul(x, tf.concat([this.w('wte'), this.w('wpe')], 0)); // [positions * batch, d]
    const next: KvCache = { k: [], v: [], length: first + positions };
    for (let i = 0; i < this.dims.layers; i++) {
      const past = cache ? { k: cache.k[i], v: cache.v[i] } : null;
      const queries = i === this.dims.layers - 1 ? 1 : positions;
      // a.y [queries * batch, d]; a.k, a.v [first + positions, batch * heads, D]
      const a = attentionForward(this.kernels, x, this.block(i), { heads: this.dims.heads, positions, queries }, past);
      next.k.push(a.k);
      next.v.push(a.v);
      x = mlpForward(this.kernels, a.y, this.block(i)).y; // [queries * batch, d]
    }
    return { logits: headForward(this.kernels, x, this.w('lnf.g'), this.w('lnf.b'), wOut), cache: next }; // logits [batch, A]
  }
}
