/**
 * Child process of split.test.ts: starts wasm with the thread count given as its argument (the wasm
 * module starts once per process), runs each of our kernels on shapes large enough to be split over
 * the kernel threads, with uneven splits (row bands of 4 that do not divide evenly, an odd batch),
 * and prints one JSON line: the kernel threads, and a sha256 of each output's float32 bytes.
 */
import { createHash } from 'node:crypto';
import { selectBackend } from '../../../src-main/engine/backend';
import {
  simdAttention,
  simdAttentionDecode,
  simdAttentionGrad,
  simdLayerNorm,
  simdMatMul,
  simdMatMulTN,
  simdThreads,
} from '../../../src-main/engine/simd/kernels';
import { tf } from '../../../src-main/engine/tf';

await selectBackend('wasm', { threads: Number(process.argv[2]) });
let seed = 1;
const matrix = (rows: number, cols: number) => tf.randomNormal([rows, cols], 0, 1, 'float32', seed++) as tf.Tensor2D;
const digest = async (t: tf.Tensor) =>
  createHash('sha256')
    .update(new Uint8Array((await t.data()).buffer))
    .digest('hex');

const out: Record<string, string> = {};
const [m, k, n] = [1028, 72, 136]; // 257 bands of 4 rows
const [a, b, at, bt] = [matrix(m, k), matrix(k, n), matrix(k, m), matrix(k, n)];
out.gemm = await digest(simdMatMul(a, b));
out.gemmRelu = await digest(simdMatMul(a, b, true));
out.gemmTN = await digest(simdMatMulTN(at, bt));
const ln = simdLayerNorm(matrix(1027, 64), matrix(1, 64).reshape([64]), matrix(1, 64).reshape([64]), 1e-5);
for (const [name, t] of Object.entries(ln)) out[`layerNorm.${name}`] = await digest(t);
// 37 rows (odd) of 13 positions, 4 heads of 16: queries are the last 12 positions.
const dims = { positions: 13, batch: 37, heads: 4, queries: 12, scale: 0.25 };
const qkv = matrix(dims.positions * dims.batch, 3 * 64);
const { o, p } = simdAttention(qkv, dims);
out.attention = await digest(o);
out.attentionWeights = await digest(p);
out.attentionGrad = await digest(simdAttentionGrad(matrix(dims.queries * dims.batch, 64), qkv, p, dims));
// Decoding: 101 rows (odd) over 24 cached positions.
const [keys, vals] = [matrix(24 * 101, 64), matrix(24 * 101, 64)];
out.attentionDecode = await digest(
  simdAttentionDecode(matrix(101, 64), keys, vals, { batch: 101, heads: 4, scale: 0.25 }),
);
process.stdout.write(`${JSON.stringify({ threads: simdThreads(), out })}\n`);
