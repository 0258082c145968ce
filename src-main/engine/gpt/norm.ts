/** LayerNorm and its gradient composed of tfjs ops: the form every backend runs (gpt/kernels.ts). */
import { tf } from '../tf';

type T1 = tf.Tensor1D;
type T2 = tf.Tensor2D;

export const LN_EPS = 1e-5;

/** y = xhat g + b, and what the gradient needs: xhat [N, d] and rstd [N, 1]. */
export interface Normed {
  y: T2;
  xhat: T2;
  rstd: T2;
}

export interface NormGrads {
  dx: T2;
  dg: T1;
  db: T1;
}

export function layerNorm(x: T2, g: T1, b: T1): Normed {
  const xc = tf.sub(x, tf.mean(x, -1, true)); // [N, d]
  const rstd = tf.rsqrt(tf.add(tf.mean(tf.square(xc), -1, true), LN_EPS)) as T2; // [N, 1]
  const xhat = tf.mul<T2>(xc, rstd); // [N, d]
  return { y: tf.add<T2>(tf.mul<T2>(xhat, g), b), xhat, rstd }; // y [N, d]
}

/**
 * dx = rstd * (gx - mean(gx) - xhat * mean(gx * xhat)) [+ res], gx = dy * g; dg = sum(dy xhat), db = sum(dy)
 * over rows (`columnSum`). `res` is a gradient arriving by another path (the residual stream).
 */
export function layerNormGrad(columnSum: (x: T2) => T1, dy: T2, n: Normed, g: T1, res?: T2): NormGrads {
  const gx = tf.mul(dy, g); // [N, d]
  const centred = tf.sub(gx, tf.mean(gx, -1, true)); // [N, d]
  const inner = tf.mul<T2>(tf.sub(centred, tf.mul(n.xhat, tf.mean(tf.mul(gx, n.xhat), -1, true))), n.rstd); // [N, d]
  const dx = res ? tf.add<T2>(res, inner) : inner;
  return { dx, dg: columnSum(tf.mul(dy, n.xhat)), db: columnSum(dy) }; // dg, db [d]
}
