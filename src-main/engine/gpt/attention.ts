/**
 * Causal multi-head attention cores with hand-written gradients, on a position-major layout:
 * q, k, v are [T, G, D] where G = batch x heads ("groups") and D the head size, so projections of
 * the [T*B, d] residual stream reshape into heads for free and the KV cache grows along axis 0.
 *
 * Two cores compute the same thing:
 *  - `grouped`: every per-group matmul as one depthwise convolution (input [1, M, K, G], filter
 *    [1, K, G, N], channel multiplier N). XNNPACK runs that as a grouped GEMM; forward + backward
 *    measured 3-4x faster on wasm than its batched matmul, which falls back to a scalar loop
 *    (research/toolchain.md).
 *  - `batched`: plain batched matmuls, the natural form on backends with real batched kernels.
 */
import { tf } from '../tf';
import { reverseAxes3d } from './transpose';

type T3 = tf.Tensor3D;

/** What the backward pass needs from the forward pass. */
export interface AttentionSaved {
  q: T3;
  k: T3;
  v: T3;
  /** Attention weights, layout chosen by the core. */
  p: T3;
  /** A second layout of p the core reuses (may be p itself). */
  pAlt: T3;
}

export interface AttentionGrads {
  dq: T3;
  dk: T3;
  dv: T3;
}

export interface AttentionCore {
  /** Layout of the scores: [Tq, G, Tk] ("qgk") or [G, Tq, Tk] ("gqk"). */
  readonly scoreLayout: 'qgk' | 'gqk';
  /**
   * o [Tq, G, D] = softmax(q k^T / sqrt(D) + mask) v. Without `bias` the mask is causal, query i
   * sitting at key position i + Tk - Tq; an explicit additive `bias` (broadcastable to the scores in
   * `scoreLayout`, null for none) replaces it, for callers with padding or several queries per position.
   */
  forward(q: T3, k: T3, v: T3, bias?: tf.Tensor | null): { o: T3; saved: AttentionSaved };
  backward(dO: T3, saved: AttentionSaved): AttentionGrads;
}

const MASKED = -1e9;

/** Additive causal mask for Tq queries that are the last Tq of Tk positions; null when nothing is masked. */
function causalMask(tq: number, tk: number, shape: (tq: number, tk: number) => number[]): tf.Tensor | null {
  const offset = tk - tq;
  if (tq === 1 && offset >= 0) return null;
  const mask = new Float32Array(tq * tk);
  for (let i = 0; i < tq; i++) for (let j = i + offset + 1; j < tk; j++) mask[i * tk + j] = MASKED;
  return tf.tensor(mask, shape(tq, tk)); // [Tq, Tk] with a unit axis where the core's scores hold G
}

/** Scaled, masked softmax over the last axis (keys) of scores s, in the core's layout; same shape out. */
function attentionWeights(s: T3, scale: number, mask: tf.Tensor | null): T3 {
  const scaled = tf.mul(s, scale);
  return tf.softmax(mask ? tf.add(scaled, mask) : scaled) as T3;
}

/** Softmax backward, with the score scale folded in: dS = p * (dP - sum(dP * p)) * scale. */
function scoreGrad(dP: T3, p: T3, scale: number): T3 {
  const inner = tf.sum(tf.mul(dP, p), -1, true); // the scores' shape with the key axis summed to 1
  return tf.mul(tf.mul(p, tf.sub(dP, inner)), scale);
}

/** C[M, G, N] with C[m, g, n] = sum_k A[m, k, g] B[k, g, n]: one grouped GEMM as a depthwise conv. */
function groupedMatMulMK(a: T3, b: T3): T3 {
  const [m, k, g] = a.shape;
  const n = b.shape[2];
  const out = tf.depthwiseConv2d(
    a.reshape([1, m, k, g]) as tf.Tensor4D, // image [1, M, K, G]: G channels
    b.reshape([1, k, g, n]) as tf.Tensor4D, // filter [1, K, G, N]: N outputs per channel
    1,
    'valid',
  ); // [1, M, 1, G * N]
  return out.reshape([m, g, n]);
}

/** Same product with A laid out [K, M, G] (kernel along the height axis instead of the width). */
function groupedMatMulKM(a: T3, b: T3): T3 {
  const [k, m, g] = a.shape;
  const n = b.shape[2];
  const out = tf.depthwiseConv2d(
    a.reshape([1, k, m, g]) as tf.Tensor4D, // image [1, K, M, G]
    b.reshape([k, 1, g, n]) as tf.Tensor4D, // filter [K, 1, G, N]
    1,
    'valid',
  ); // [1, 1, M, G * N]
  return out.reshape([m, g, n]);
}

/**
 * Grouped-GEMM core. Scores live as [Tq, G, Tk] (softmax over the last axis); pAlt = p as [Tq, Tk, G].
 * Every operand is either in its native layout or one cheap 3-D transpose away.
 */
export const groupedCore: AttentionCore = {
  scoreLayout: 'qgk',
  forward(q, k, v, bias) {
    const [tq, , d] = q.shape;
    const tk = k.shape[0];
    // [Tq, D, G] x [D, G, Tk] -> [Tq, G, Tk]
    const s = groupedMatMulMK(tf.transpose(q, [0, 2, 1]), reverseAxes3d(k));
    // p: [Tq, G, Tk]
    const p = attentionWeights(
      s,
      1 / Math.sqrt(d),
      bias !== undefined ? bias : causalMask(tq, tk, (a, b) => [a, 1, b]),
    );
    const pAlt = tf.transpose(p, [0, 2, 1]); // [Tq, Tk, G]
    const o = groupedMatMulMK(pAlt, v); // [Tq, G, D]
    return { o, saved: { q, k, v, p, pAlt } };
  },
  backward(dO, { q, k, v, p, pAlt }) {
    const scale = 1 / Math.sqrt(q.shape[2]);
    const dP = groupedMatMulMK(tf.transpose(dO, [0, 2, 1]), reverseAxes3d(v)); // [Tq, D, G] x [D, G, Tk] -> [Tq, G, Tk]
    const dv = groupedMatMulKM(pAlt, dO); // [Tk, G, D]: sum_i p[i, j] dO[i]
    const dSAlt = tf.transpose(scoreGrad(dP, p, scale), [0, 2, 1]); // [Tq, Tk, G]
    const dq = groupedMatMulMK(dSAlt, k); // [Tq, G, D]
    const dk = groupedMatMulKM(dSAlt, q); // [Tk, G, D]
    return { dq, dk, dv };
  },
};

/** Batched-matmul core: heads moved to the front, [G, T, D]. p is [G, Tq, Tk]; pAlt is p. */
export const batchedCore: AttentionCore = {
  scoreLayout: 'gqk',
  forward(q, k, v, bias) {
    const [tq, , d] = q.shape;
    const tk = k.shape[0];
    const qg = tf.transpose(q, [1, 0, 2]); // [G, Tq, D]
    const kg = tf.transpose(k, [1, 0, 2]); // [G, Tk, D]
    const vg = tf.transpose(v, [1, 0, 2]); // [G, Tk, D]
    const s = tf.matMul<T3>(qg, kg, false, true); // [G, Tq, Tk]
    // p: [G, Tq, Tk]
    const p = attentionWeights(
      s,
      1 / Math.sqrt(d),
      bias !== undefined ? bias : causalMask(tq, tk, (a, b) => [1, a, b]),
    );
    const o = tf.transpose(tf.matMul(p, vg), [1, 0, 2]) as T3; // [Tq, G, D]
    return { o, saved: { q: qg, k: kg, v: vg, p, pAlt: p } };
  },
  backward(dO, { q, k, v, p }) {
    const scale = 1 / Math.sqrt(q.shape[2]);
    const dOg = tf.transpose(dO, [1, 0, 2]); // [G, Tq, D]
    const dP = tf.matMul(dOg, v, false, true) as T3; // [G, Tq, Tk]
    const dv = tf.matMul<T3>(p, dOg, true, false); // [G, Tk, D]
    const dS = scoreGrad(dP, p, scale); // [G, Tq, Tk]
    const dq = tf.matMul<T3>(dS, k); // [G, Tq, D]
    const dk = tf.matMul<T3>(dS, q, true, false); // [G, Tk, D]
    const back = (t: T3) => tf.transpose(t, [1, 0, 2]) as T3; // [G, T, D] -> [T, G, D]
    return { dq: back(dq), dk: back(dk), dv: back(dv) };
  },
};
