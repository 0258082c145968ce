/**
 * The same GPT written the textbook way: batch-major [B, T, d] tensors, batched matmuls and
 * automatic differentiation. It is the executable specification the fast layout is tested against,
 * and the "plain layout" baseline of the benchmark. Too slow on wasm to train with.
 */
import { tf } from '../tf';
import type { GptDims } from './model';

const LN_EPS = 1e-5;

function layerNorm(x: tf.Tensor, g: tf.Tensor, b: tf.Tensor): tf.Tensor {
  const { mean, variance } = tf.moments(x, -1, true); // [..., 1] each
  return tf.add(tf.mul(tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, LN_EPS))), g), b);
}

function attention(x: tf.Tensor3D, w: (n: string) => tf.Tensor, heads: number): tf.Tensor3D {
  const [b, t, d] = x.shape;
  const split = (y: tf.Tensor) => tf.transpose(y.reshape([b, t, heads, d / heads]), [0, 2, 1, 3]); // [B, H, T, D]
  const flat = x.reshape([b * t, d]); // [B * T, d]
  const q = split(tf.matMul(flat, w('attn.wq'))); // [B, H, T, D]
  const k = split(tf.matMul(flat, w('attn.wk'))); // [B, H, T, D]
  const v = split(tf.matMul(flat, w('attn.wv'))); // [B, H, T, D]
  const causal = tf.linalg.bandPart(tf.ones([t, t]), -1, 0); // [T, T], ones on and below the diagonal
  const masked = tf.mul(tf.sub(1, causal), -1e9); // [T, T]
  const scores = tf.add(tf.div(tf.matMul(q, k, false, true), Math.sqrt(d / heads)), masked); // [B, H, T, T]
  const o = tf.transpose(tf.matMul(tf.softmax(scores), v), [0, 2, 1, 3]).reshape([b * t, d]); // [B * T, d]
  return tf.matMul(o, w('attn.wo')).reshape([b, t, d]); // [B, T, d]
}

/**
 * Logits [B, T, A] for token ids [B, T] (all sequences start at position 0), over the output
 * tokens picked by `select` ([vocab, A] one-hot columns).
 */
export function referenceLogits(
  dims: GptDims,
  weights: Readonly<Record<string, tf.Tensor>>,
  tokens: tf.Tensor2D,
  select: tf.Tensor2D,
): tf.Tensor3D {
  const [b, t] = tokens.shape;
  const d = dims.dModel;
  const oneHot = tf.oneHot(tokens.reshape([b * t]), dims.vocab); // [B * T, vocab]
  const pos = tf.tile(tf.oneHot(tf.range(0, t, 1, 'int32'), dims.context), [b, 1]); // [B * T, context]
  // [B, T, d]
  let x = tf.add(tf.matMul(oneHot, weights.wte), tf.matMul(pos, weights.wpe)).reshape([b, t, d]) as tf.Tensor3D;
  for (let i = 0; i < dims.layers; i++) {
    const w = (n: string) => weights[`h${i}.${n}`];
    x = tf.add(x, attention(layerNorm(x, w('ln1.g'), w('ln1.b')) as tf.Tensor3D, w, dims.heads));
    const h = tf.relu(tf.matMul(layerNorm(x, w('ln2.g'), w('ln2.b')).reshape([b * t, d]), w('mlp.w1'))); // [B * T, 4d]
    x = tf.add(x, tf.matMul(h, w('mlp.w2')).reshape([b, t, d])); // [B, T, d]
  }
  const out = tf.matMul(weights.head, select); // [d, A]
  // [B, T, A]
  return tf.matMul(layerNorm(x, weights['lnf.g'], weights['lnf.b']).reshape([b * t, d]), out).reshape([b, t, -1]);
}
