/**
 * The pieces every block family is built from, each one op with a hand-written gradient
 * (tf.customGrad, the GPT's `withGradient`) whose matmuls go through the backend's kernels
 * (gpt/kernels.ts): on wasm only 2-D untransposed matmuls are fast, and wasm has no gather
 * gradient (research/toolchain.md). A weight is trained when it is a trainable tf.Variable;
 * otherwise it is closed over and gets no gradient (LoRA's frozen base, the reference policy).
 * Activations are [N, d], rows position-major (row t * B + b), as in the GPT.
 */
import type { GptKernels } from '../../gpt/kernels';
import { withGradient } from '../../gpt/layers';
import { tf } from '../../tf';

type T1 = tf.Tensor1D;
type T2 = tf.Tensor2D;

export const isTrainable = (t: tf.Tensor | null | undefined): boolean => t instanceof tf.Variable && t.trainable;

/** y = x @ w + b for w [in, out]; gradients for x always, for w and b when they train. */
export function linear(kern: GptKernels, x: T2, w: T2, b: T1 | null = null): T2 {
  const [trainW, trainB] = [isTrainable(w), isTrainable(b)];
  const inputs: tf.Tensor[] = [x, ...(trainW ? [w] : []), ...(trainB ? [b!] : [])];
  return withGradient<T2>(inputs, (save) => {
    save(trainW ? [x, w] : [w]);
    return {
      value: b ? (tf.fused.matMul({ a: x, b: w, bias: b }) as T2) : tf.matMul(x, w),
      gradFunc: (dy, saved) => {
        const dy2 = dy as T2;
        const weight = saved[saved.length - 1] as T2;
        const grads: tf.Tensor[] = [kern.matMulBT(dy2, weight)];
        if (trainW) grads.push(kern.weightGrad(saved[0] as T2, dy2));
        if (trainB) grads.push(kern.columnSum(dy2));
        return grads;
      },
    };
  });
}

/** y = x @ e^T for a table e [V, d] (a tied output head): dx = dy @ e, de = dy^T @ x. */
export function linearTransposed(kern: GptKernels, x: T2, e: T2): T2 {
  const trainE = isTrainable(e);
  return withGradient<T2>(trainE ? [x, e] : [x], (save) => {
    save([x, e]);
    return {
      value: kern.matMulBT(x, e),
      gradFunc: (dy, [xs, es]) => {
        const dx = tf.matMul(dy as T2, es as T2);
        return trainE ? [dx, kern.weightGrad(dy as T2, xs as T2)] : [dx];
      },
    };
  });
}

/** Rows of a table [V, d] by id: gather forward, scatter-add backward (wasm has no gather gradient). */
export function embedRows(table: T2, ids: Int32Array): T2 {
  const idx = tf.tensor1d(ids, 'int32');
  if (!isTrainable(table)) return tf.gather(table, idx);
  const [rows, width] = table.shape;
  return withGradient<T2>([table], (save) => {
    save([idx]);
    return {
      value: tf.gather(table, idx),
      gradFunc: (dy, [i]) => [tf.scatterND(tf.expandDims(i, 1), dy as T2, [rows, width])],
    };
  });
}

/**
 * RMSNorm (arXiv 1910.07467) as Llama computes it: x * rsqrt(mean(x^2) + eps) * g.
 * dx = rstd * (gx - xhat * mean(gx * xhat)) with gx = dy * g; dg = sum over rows of dy * xhat.
 */
export function rmsNorm(kern: GptKernels, x: T2, g: T1, eps: number): T2 {
  const trainG = isTrainable(g);
  return withGradient<T2>(trainG ? [x, g] : [x], (save) => {
    const rstd = tf.rsqrt(tf.add(tf.mean(tf.square(x), -1, true), eps)); // [N, 1]
    const xhat = tf.mul(x, rstd) as T2;
    save([xhat, rstd, g]);
    return {
      value: tf.mul(xhat, g) as T2,
      gradFunc: (dy, [xh, r, gain]) => {
        const gx = tf.mul(dy, gain);
        const dx = tf.mul(tf.sub(gx, tf.mul(xh, tf.mean(tf.mul(gx, xh), -1, true))), r);
        return trainG ? [dx, kern.columnSum(tf.mul(dy, xh) as T2)] : [dx];
      },
    };
  });
}

/** LayerNorm (GPT-2): xhat * g + b; dx = rstd * (gx - mean(gx) - xhat * mean(gx * xhat)). */
export function layerNorm(kern: GptKernels, x: T2, g: T1, b: T1, eps: number): T2 {
  const train = isTrainable(g);
  return withGradient<T2>(train ? [x, g, b] : [x], (save) => {
    const xc = tf.sub(x, tf.mean(x, -1, true));
    const rstd = tf.rsqrt(tf.add(tf.mean(tf.square(xc), -1, true), eps)); // [N, 1]
    const xhat = tf.mul(xc, rstd) as T2;
    save([xhat, rstd, g]);
    return {
      value: tf.add(tf.mul(xhat, g), b) as T2,
      gradFunc: (dy, [xh, r, gain]) => {
        const gx = tf.mul(dy, gain);
        const centred = tf.sub(gx, tf.mean(gx, -1, true));
        const dx = tf.mul(tf.sub(centred, tf.mul(xh, tf.mean(tf.mul(gx, xh), -1, true))), r);
        return train ? [dx, kern.columnSum(tf.mul(dy, xh) as T2), kern.columnSum(dy as T2)] : [dx];
      },
    };
  });
}

/**
 * RoPE on [N, H * D] with per-row tables cos, sin [N, 1, D] (rope.ts: sin's first half negated):
 * x * cos + swap_halves(x) * sin, which is (x1 c - x2 s, x2 c + x1 s) per head.
 */
export function applyRope(x: T2, cos: tf.Tensor3D, sin: tf.Tensor3D, headDim: number): T2 {
  const [n, width] = x.shape;
  const heads = width / headDim;
  const x4 = x.reshape([n, heads, 2, headDim / 2]);
  const swapped = tf.reverse(x4, 2).reshape([n, heads, headDim]); // (x2, x1)
  const rotated = tf.add(tf.mul(x4.reshape([n, heads, headDim]), cos), tf.mul(swapped, sin));
  return rotated.reshape([n, width]) as T2;
}

const GELU_C = Math.sqrt(2 / Math.PI);

/** Activations by config name; elementwise, so tfjs's own gradients serve. */
export const ACTIVATIONS: Record<'silu' | 'gelu_new' | 'gelu', (x: T2) => T2> = {
  silu: (x) => tf.mul(x, tf.sigmoid(x)),
  // GPT-2's tanh approximation: 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))
  gelu_new: (x) =>
    tf.mul(tf.mul(x, 0.5), tf.add(1, tf.tanh(tf.mul(tf.add(x, tf.mul(tf.mul(tf.square(x), x), 0.044715)), GELU_C)))),
  gelu: (x) => tf.mul(tf.mul(x, 0.5), tf.add(1, tf.erf(tf.mul(x, Math.SQRT1_2)))),
};
