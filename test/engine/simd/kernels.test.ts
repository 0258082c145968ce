/**
 * Our fused wasm kernels (engine/simd) against the tfjs ops they replace, on the wasm backend:
 * forward values and gradients, at the model's sizes and at odd ones (sizes the kernels do not take
 * fall back to the composite ops, so those agree by construction and are checked through the model).
 * The GEMMs add in the same order as XNNPACK only for A B; LayerNorm and attention reduce in another
 * order than tfjs's ops, so they agree within float32 rounding (tolerances below), not bit for bit.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../../src-main/engine/backend';
import { layerNorm, layerNormGrad, LN_EPS } from '../../../src-main/engine/gpt/norm';
import {
  simdActive,
  simdAttention,
  simdAttentionDecode,
  simdAttentionGrad,
  simdLayerNorm,
  simdLayerNormGrad,
  simdMatMul,
  simdMatMulTN,
  type AttentionDims,
} from '../../../src-main/engine/simd/kernels';
import { tf } from '../../../src-main/engine/tf';
import { values } from '../support';

beforeAll(async () => {
  await selectBackend('wasm', { threads: 1 });
});

/**
 * Worst difference relative to the largest value wanted: elementwise tolerances would fail on sums
 * that cancel to near zero, where float32 rounding of the large terms dominates.
 */
async function expectClose(got: tf.Tensor, want: tf.Tensor, tol: number): Promise<void> {
  expect(got.shape).toEqual(want.shape);
  const [g, w] = [await values(got), await values(want)];
  const scale = w.reduce((m, x) => Math.max(m, Math.abs(x)), 1e-30);
  const worst = g.reduce((m, x, i) => Math.max(m, Math.abs(x - w[i])), 0);
  expect(worst / scale, `worst difference ${worst} for values up to ${scale}`).toBeLessThanOrEqual(tol);
}

let seed = 1;
const normal = (shape: number[], std = 1) => tf.randomNormal(shape, 0, std, 'float32', seed++);
const matrix = (rows: number, cols: number, std = 1) => normal([rows, cols], std) as tf.Tensor2D;
const vector = (n: number) => normal([n]) as tf.Tensor1D;

describe('fused wasm kernels agree with the composite tfjs ops', () => {
  it('are registered on the wasm backend', () => {
    expect(simdActive()).toBe(true);
  });

  it.each([
    [4, 1, 8],
    [12, 7, 24],
    [36, 33, 40],
    [1536, 64, 256],
    [1536, 256, 64],
  ])('GEMM A B, M %i, K %i, N %i (with and without ReLU)', async (m, k, n) => {
    const [a, b] = [matrix(m, k), matrix(k, n)];
    for (const relu of [false, true]) {
      const want = relu ? tf.fused.matMul({ a, b, activation: 'relu' }) : tf.matMul(a, b);
      const got = simdMatMul(a, b, relu);
      await expectClose(got, want, 1e-5);
      tf.dispose([got, want]);
    }
    tf.dispose([a, b]);
  });

  it.each([
    [5, 4, 8],
    [1536, 64, 256],
    [1536, 256, 64],
    [33, 12, 16],
  ])('weight gradient x^T dy, %i rows, M %i, N %i', async (rows, m, n) => {
    const [x, dy] = [matrix(rows, m), matrix(rows, n)];
    const want = tf.matMul(x, dy, true, false);
    const got = simdMatMulTN(x, dy);
    await expectClose(got, want, 1e-5);
    tf.dispose([x, dy, got, want]);
  });

  it.each([
    [1, 4],
    [7, 12],
    [37, 64],
    [1536, 64],
  ])('LayerNorm forward and backward (gain and bias sums, residual), [%i, %i]', async (n, d) => {
    const [x, g, b, dy, res] = [matrix(n, d, 3), vector(d), vector(d), matrix(n, d), matrix(n, d)];
    const want = layerNorm(x, g, b);
    const got = simdLayerNorm(x, g, b, LN_EPS);
    for (const k of ['y', 'xhat', 'rstd'] as const) await expectClose(got[k], want[k], 2e-5);
    for (const residual of [undefined, res]) {
      const w = layerNormGrad((t) => tf.sum(t, 0), dy, want, g, residual);
      const f = simdLayerNormGrad(dy, got.xhat, got.rstd, g, residual);
      for (const k of ['dx', 'dg', 'db'] as const) await expectClose(f[k], w[k], 1e-4);
      tf.dispose([Object.values(w), Object.values(f)]);
    }
    tf.dispose([x, g, b, dy, res, Object.values(want), Object.values(got)]);
  });

  it('LayerNorm gradients match autodiff of the composite forward', async () => {
    const [n, d] = [9, 20];
    const [x, g, b, dy] = [matrix(n, d, 2), vector(d), vector(d), matrix(n, d)];
    const loss = (xs: tf.Tensor, gs: tf.Tensor, bs: tf.Tensor) =>
      tf.sum(tf.mul(layerNorm(xs as tf.Tensor2D, gs as tf.Tensor1D, bs as tf.Tensor1D).y, dy));
    const [dx, dg, db] = tf.grads(loss)([x, g, b]);
    const n1 = simdLayerNorm(x, g, b, LN_EPS);
    const f = simdLayerNormGrad(dy, n1.xhat, n1.rstd, g);
    await expectClose(f.dx, dx, 1e-4);
    await expectClose(f.dg, dg, 1e-4);
    await expectClose(f.db, db, 1e-5);
    tf.dispose([x, g, b, dy, dx, dg, db, Object.values(n1), Object.values(f)]);
  });

  it.each<[string, Omit<AttentionDims, 'scale'>, number]>([
    ['every query, the default model', { positions: 12, batch: 128, heads: 4, queries: 12 }, 64],
    ['the last 3 queries, odd batch', { positions: 7, batch: 3, heads: 2, queries: 3 }, 8],
    ['one position', { positions: 1, batch: 5, heads: 1, queries: 1 }, 4],
    ['odd positions, one query, 3 heads', { positions: 11, batch: 2, heads: 3, queries: 1 }, 12],
  ])('causal attention over packed q | k | v, %s: output and dqkv', async (_what, shape, d) => {
    const dims = { ...shape, scale: 1 / Math.sqrt(d / shape.heads) };
    const qkv = matrix(shape.positions * shape.batch, 3 * d);
    const dO = matrix(shape.queries * shape.batch, d);
    const want = compositeAttention(qkv, dims);
    const wantGrad = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(compositeAttention(t as tf.Tensor2D, dims), dO)))(qkv);
    const { o, p } = simdAttention(qkv, dims);
    const got = simdAttentionGrad(dO, qkv, p, dims);
    await expectClose(o, want, 1e-5);
    await expectClose(got, wantGrad, 1e-4);
    tf.dispose([qkv, dO, want, wantGrad, o, p, got]);
  });

  it.each([
    [7, 5, 4, 64],
    [1, 3, 2, 8],
    [13, 128, 4, 64],
  ])('decoding attention over %i cached positions, batch %i, %i heads, d %i', async (t, batch, heads, d) => {
    // The last position's query over every position's keys and values: the packed kernel's last
    // query, bit for bit (same arithmetic), and the composite ops within float32 rounding.
    const dims = { positions: t, batch, heads, queries: 1, scale: 1 / Math.sqrt(d / heads) };
    const qkv = matrix(t * batch, 3 * d);
    const [q, k, v] = tf.split<tf.Tensor2D>(qkv, 3, 1);
    const qLast = q.slice([(t - 1) * batch, 0], [batch, d]);
    const got = simdAttentionDecode(qLast, k, v, { batch, heads, scale: dims.scale });
    const packed = simdAttention(qkv, dims);
    expect(await values(got)).toEqual(await values(packed.o));
    const want = compositeAttention(qkv, dims);
    await expectClose(got, want, 1e-5);
    tf.dispose([qkv, q, k, v, qLast, got, packed.o, packed.p, want]);
  });

  it('attention is causal: a change at the last position moves only the last query', async () => {
    const dims = { positions: 5, batch: 2, heads: 2, queries: 5, scale: 0.5 };
    const qkv = matrix(10, 24);
    const bumped = tf.add<tf.Tensor2D>(qkv, tf.concat([tf.zeros([8, 24]), tf.fill([2, 24], 1)], 0)); // rows 8, 9: position 4
    const [a, b] = [simdAttention(qkv, dims), simdAttention(bumped, dims)];
    const [oa, ob] = [await values(a.o), await values(b.o)];
    expect(ob.slice(0, 8 * 8)).toEqual(oa.slice(0, 8 * 8)); // positions 0-3, bit for bit
    expect(ob.slice(8 * 8)).not.toEqual(oa.slice(8 * 8));
    tf.dispose([qkv, bumped, a.o, a.p, b.o, b.p]);
  });

  it('refuses shapes its blocks do not take, naming the kernel', () => {
    const [a, b] = [matrix(6, 4), matrix(4, 8)];
    expect(() => simdMatMul(a, b)).toThrow(/CliplabMatMul/);
    tf.dispose([a, b]);
  });
});

/** Causal softmax attention from tfjs ops: qkv [T * B, 3d] (row t * B + b) -> o [queries * B, d]. */
function compositeAttention(qkv: tf.Tensor2D, dims: AttentionDims): tf.Tensor2D {
  const { positions: t, batch, heads, queries, scale } = dims;
  const d = qkv.shape[1] / 3;
  const split = (x: tf.Tensor) => x.reshape([t, batch, heads, d / heads]).transpose([1, 2, 0, 3]) as tf.Tensor4D; // [B, H, T, D]
  const [q, k, v] = tf.split(qkv, 3, 1).map(split);
  const qLast = q.slice([0, 0, t - queries, 0], [-1, -1, queries, -1]); // [B, H, Q, D]
  const mask = tf.tensor2d(
    Array.from({ length: queries * t }, (_, i) => (i % t <= t - queries + Math.floor(i / t) ? 0 : -1e9)),
    [queries, t],
  ); // [Q, T]: query i sits at position t - queries + i
  const weights = tf.softmax(tf.add(tf.mul(tf.matMul(qLast, k, false, true), scale), mask)); // [B, H, Q, T]
  const o = tf.matMul(weights, v); // [B, H, Q, D]
  return o.transpose([2, 0, 1, 3]).reshape([queries * batch, d]) as tf.Tensor2D;
}
