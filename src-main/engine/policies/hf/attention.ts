/**
 * Grouped-query attention (arXiv 2305.13245) on the GPT's attention cores (gpt/attention.ts).
 * Instead of repeating each key/value head for its `rep` query heads, the rep query heads are
 * folded into extra query rows: q [Tq * B, H * D] -> [Tq * rep, B * Hkv, D], so one K/V group
 * serves them all and the KV cache stays Hkv heads wide. The mask is built here, because folded
 * rows and left-padded prompts need more than the cores' plain causal mask.
 */
import type { GptKernels } from '../../gpt/kernels';
import { withGradient } from '../../gpt/layers';
import { tf } from '../../tf';

type T2 = tf.Tensor2D;
type T3 = tf.Tensor3D;

/** Matches the GPT's mask: exp underflows to exactly 0 in float32. */
const MASKED = -1e9;

export interface MaskSpec {
  batch: number; // B
  queries: number; // Tq: the new positions, the last Tq of the Tk keys
  keys: number; // Tk
  /** Left padding of each row (its first pads[b] positions are not real tokens), or null for none. */
  pads: Int32Array | null;
}

export interface HeadShape {
  heads: number; // H
  kvHeads: number; // Hkv
  headDim: number; // D
}

/**
 * Additive mask for folded queries in the core's score layout: row i = t * rep + r sits at key
 * position t + Tk - Tq and sees keys up to it (causal), except each row's left padding. Null when
 * nothing is masked (one new position, no padding).
 */
export function attentionBias(m: MaskSpec, h: HeadShape, layout: 'qgk' | 'gqk'): tf.Tensor | null {
  const rep = h.heads / h.kvHeads;
  const rows = m.queries * rep;
  const groups = m.batch * h.kvHeads;
  const tk = m.keys;
  const offset = tk - m.queries;
  let bias: tf.Tensor | null = null;
  if (m.queries > 1) {
    const causal = new Float32Array(rows * tk);
    for (let i = 0; i < rows; i++) {
      const t = Math.floor(i / rep);
      for (let j = t + offset + 1; j < tk; j++) causal[i * tk + j] = MASKED;
    }
    bias = tf.tensor3d(causal, layout === 'qgk' ? [rows, 1, tk] : [1, rows, tk]);
  }
  if (m.pads && m.pads.some((p) => p > 0)) {
    const pad = new Float32Array(groups * tk);
    for (let g = 0; g < groups; g++) {
      const padded = m.pads[Math.floor(g / h.kvHeads)];
      for (let j = 0; j < padded; j++) pad[g * tk + j] = MASKED;
    }
    const padBias = tf.tensor3d(pad, layout === 'qgk' ? [1, groups, tk] : [groups, 1, tk]);
    bias = bias ? tf.add(bias, padBias) : padBias;
  }
  return bias;
}

/** The core as one differentiable op of q, k, v (the bias is a constant). */
function attentionOp(kern: GptKernels, q: T3, k: T3, v: T3, bias: tf.Tensor | null): T3 {
  return withGradient<T3>([q, k, v], (save) => {
    const { o, saved } = kern.attention.forward(q, k, v, bias);
    save([saved.q, saved.k, saved.v, saved.p, saved.pAlt]);
    return {
      value: o,
      gradFunc: (dO, s) => {
        const [sq, sk, sv, p, pAlt] = s as T3[];
        const g = kern.attention.backward(dO as T3, { q: sq, k: sk, v: sv, p, pAlt });
        return [g.dq, g.dk, g.dv];
      },
    };
  });
}

/**
 * softmax(q k^T / sqrt(D) + bias) v for queries q [Tq * B, H * D] (rows position-major) against
 * keys and values k, v [Tk, B * Hkv, D]; returns [Tq * B, H * D].
 */
export function groupedQueryAttention(kern: GptKernels, q: T2, k: T3, v: T3, h: HeadShape, bias: tf.Tensor | null): T2 {
  const rep = h.heads / h.kvHeads;
  const groups = k.shape[1]; // B * Hkv
  const tq = (q.shape[0] * h.kvHeads) / groups;
  const D = h.headDim;
  const folded =
    rep === 1
      ? (q.reshape([tq, groups, D]) as T3)
      : (tf.transpose(q.reshape([tq, groups, rep, D]), [0, 2, 1, 3]).reshape([tq * rep, groups, D]) as T3);
  const o = attentionOp(kern, folded, k, v, bias); // [Tq * rep, B * Hkv, D]
  const rows = q.shape[0];
  if (rep === 1) return o.reshape([rows, h.heads * D]) as T2;
  return tf.transpose(o.reshape([tq, rep, groups, D]), [0, 2, 1, 3]).reshape([rows, h.heads * D]) as T2;
}
