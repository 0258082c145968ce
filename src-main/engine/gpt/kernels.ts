/**
 * The matmul forms of the GPT's forward and backward passes, and its attention core, per backend.
 * Backends with real transposed and batched kernels (cpu, tensorflow, webgpu) use them directly.
 * On wasm, the fused set (the default) runs our own SIMD kernels (engine/simd) where the sizes fit
 * them: products whose output tiles into 4 x 8 blocks (A B, and the weight gradient x^T dy read in
 * place, without a transpose), LayerNorm and its gradient, and causal attention over packed q | k | v.
 * The composite set runs tfjs's own ops only; the two agree within float32 rounding
 * (test/engine/simd, test/engine/gpt/fused.test.ts). The rest falls back to XNNPACK, which runs only a 2-D untransposed matmul (research/toolchain.md),
 * so there every transpose is materialised, and two more costs shape the choices:
 *  - its 2-D transpose walks the output a whole row apart (~6 ns per element for 3072 x 512);
 *    moving square tiles whole and then transposing inside each tile is ~4x faster;
 *  - XNNPACK repacks the right-hand operand of every matmul whose operand it has not seen, at a
 *    similar ~6 ns per element. A weight gradient x^T dy contracts over all N tokens, so one
 *    [N, *] activation is packed: we pick the narrower one, and reuse one packed x for q, k, v.
 */
import { tf } from '../tf';
import { batchedCore, groupedCore, type AttentionCore } from './attention';
import {
  gemmFits,
  simdActive,
  simdAttention,
  simdAttentionDecode,
  simdAttentionGrad,
  simdLayerNorm,
  simdLayerNormGrad,
  simdMatMul,
  simdMatMulTN,
  vectorFits,
  type AttentionDims,
  type DecodeDims,
} from '../simd/kernels';
import { layerNorm, layerNormGrad, LN_EPS, type Normed, type NormGrads } from './norm';
import { tiledTranspose } from './transpose';

type T1 = tf.Tensor1D;
type T2 = tf.Tensor2D;

export interface GptKernels {
  readonly name: string;
  /** a @ b, then max(., 0) when `relu`. */
  matMul(a: T2, b: T2, relu?: boolean): T2;
  /** a @ b^T */
  matMulBT(a: T2, b: T2): T2;
  /** Weight gradient x^T @ dy ([in, out] for x [N, in], dy [N, out]). */
  weightGrad(x: T2, dy: T2): T2;
  /** x^T @ dy for several dy sharing one x. */
  weightGrads(x: T2, dys: readonly T2[]): T2[];
  /** Sums over rows: [N, d] -> [d]. */
  columnSum(x: T2): T1;
  /** LayerNorm over the rows of x (gpt/norm.ts). */
  layerNorm(x: T2, g: T1, b: T1): Normed;
  /** Its gradient, plus `res` (a gradient arriving by the residual path) when given. */
  layerNormGrad(dy: T2, n: Normed, g: T1, res?: T2): NormGrads;
  readonly attention: AttentionCore;
  /**
   * Causal self-attention over q | k | v packed in one [positions * B, 3d] matrix, as one kernel
   * each way, where the backend has it for these sizes (null otherwise: use `attention`).
   */
  packedAttention(dims: AttentionDims, d: number): PackedAttention | null;
  /**
   * One new position's attention over a KV cache, o [B, d] from q [B, d] and k, v [T * B, d], as
   * one kernel, where the backend has it (null otherwise: use `attention`). No gradient.
   */
  decodeAttention(dims: DecodeDims, d: number): ((q: T2, k: T2, v: T2) => T2) | null;
}

export interface PackedAttention {
  /** o [queries * B, d] and the weights p the backward pass reads. */
  forward(qkv: T2): { o: T2; p: T2 };
  /** dqkv [positions * B, 3d] for dO [queries * B, d]. */
  backward(dO: T2, qkv: T2, p: T2): T2;
}

/**
 * (dy^T x)^T: dy^T [out, N] @ x [N, in] -> [out, in], transposed to [in, out]; packs x, the operand
 * XNNPACK caches by tensor.
 */
const gradPackingX = (x: T2, dy: T2): T2 => tiledTranspose(tf.matMul(tiledTranspose(dy), x));
/** x^T dy: x^T [in, N] @ dy [N, out] -> [in, out]; packs dy. */
const gradPackingDy = (x: T2, dy: T2): T2 => tf.matMul(tiledTranspose(x), dy);

const plainMatMul = (a: T2, b: T2, relu = false): T2 =>
  relu ? (tf.fused.matMul({ a, b, activation: 'relu' }) as T2) : tf.matMul(a, b);

/** a @ b on our kernels when they are there and the output tiles. */
function fusedMatMul(a: T2, b: T2, relu = false): T2 {
  return simdActive() && gemmFits(a.shape[0], b.shape[1], a.shape[1])
    ? simdMatMul(a, b, relu)
    : plainMatMul(a, b, relu);
}

/** x^T dy through XNNPACK, packing the narrower operand. */
const compositeWeightGrad = (x: T2, dy: T2): T2 =>
  x.shape[1] < dy.shape[1] ? gradPackingX(x, dy) : gradPackingDy(x, dy);

/** x^T dy read in place by our kernel, else through XNNPACK. */
const fusedWeightGrad = (x: T2, dy: T2): T2 =>
  simdActive() && gemmFits(x.shape[1], dy.shape[1], x.shape[0]) ? simdMatMulTN(x, dy) : compositeWeightGrad(x, dy);

const columnSumTransposed = (x: T2): T1 => tf.sum(tiledTranspose(x), -1); // [d, N] summed to [d]: wasm's axis-0 sum transposes naively first

/** wasm with tfjs's own kernels only: XNNPACK matmuls, LayerNorm and attention composed of small ops. */
const wasmCompositeKernels: GptKernels = {
  name: 'wasm composite: XNNPACK GEMMs, grouped-GEMM attention, materialised transposes',
  matMul: plainMatMul,
  matMulBT: (a, b) => tf.matMul(a, tiledTranspose(b)),
  weightGrad: compositeWeightGrad,
  weightGrads: (x, dys) => dys.map((dy) => gradPackingX(x, dy)),
  columnSum: columnSumTransposed,
  layerNorm,
  layerNormGrad: (dy, n, g, res) => layerNormGrad(columnSumTransposed, dy, n, g, res),
  attention: groupedCore,
  packedAttention: () => null,
  decodeAttention: () => null,
};

/**
 * wasm with our fused kernels (engine/simd) wherever they are registered and the sizes fit them;
 * the rest, and every size they do not take, as in the composite set.
 */
const wasmFusedKernels: GptKernels = {
  ...wasmCompositeKernels,
  name: 'wasm fused: own SIMD GEMMs, LayerNorm and packed-QKV attention kernels',
  matMul: fusedMatMul,
  matMulBT: (a, b) => fusedMatMul(a, tiledTranspose(b)),
  weightGrad: fusedWeightGrad,
  weightGrads: (x, dys) =>
    simdActive() && dys.every((dy) => gemmFits(x.shape[1], dy.shape[1], x.shape[0]))
      ? dys.map((dy) => simdMatMulTN(x, dy))
      : wasmCompositeKernels.weightGrads(x, dys),
  layerNorm: (x, g, b) =>
    simdActive() && vectorFits(x.shape[1]) ? simdLayerNorm(x, g, b, LN_EPS) : layerNorm(x, g, b),
  layerNormGrad: (dy, n, g, res) =>
    simdActive() && vectorFits(dy.shape[1])
      ? simdLayerNormGrad(dy, n.xhat, n.rstd, g, res)
      : wasmCompositeKernels.layerNormGrad(dy, n, g, res),
  packedAttention: (dims, d) =>
    simdActive() && d % dims.heads === 0 && vectorFits(d / dims.heads)
      ? {
          forward: (qkv) => simdAttention(qkv, dims),
          backward: (dO, qkv, p) => simdAttentionGrad(dO, qkv, p, dims),
        }
      : null,
  decodeAttention: (dims, d) =>
    simdActive() && d % dims.heads === 0 && vectorFits(d / dims.heads)
      ? (q, k, v) => simdAttentionDecode(q, k, v, dims)
      : null,
};

const nativeKernels: GptKernels = {
  name: 'batched attention, native transposed matmuls',
  matMul: plainMatMul,
  matMulBT: (a, b) => tf.matMul(a, b, false, true),
  weightGrad: (x, dy) => tf.matMul(x, dy, true, false),
  weightGrads: (x, dys) => dys.map((dy) => tf.matMul(x, dy, true, false)),
  columnSum: (x) => tf.sum(x, 0),
  layerNorm,
  layerNormGrad: (dy, n, g, res) => layerNormGrad((x) => tf.sum(x, 0), dy, n, g, res),
  attention: batchedCore,
  packedAttention: () => null,
  decodeAttention: () => null,
};

/** Per backend: the fused set (the default) and the set of tfjs's own ops it is checked against. */
const KERNELS: Record<string, { fused: GptKernels; composite: GptKernels }> = {
  wasm: { fused: wasmFusedKernels, composite: wasmCompositeKernels },
};

/**
 * Kernels for a tfjs backend name ("wasm", "cpu", "tensorflow", "webgpu"). `fused: false` picks
 * tfjs's own ops only, the baseline the fused kernels are tested and benchmarked against.
 */
export function kernelsFor(backend: string, { fused = true }: { fused?: boolean } = {}): GptKernels {
  const sets = KERNELS[backend];
  return sets ? (fused ? sets.fused : sets.composite) : nativeKernels;
}

/** Every kernel set, for tests that check they agree. */
export const ALL_KERNELS: readonly GptKernels[] = [wasmFusedKernels, wasmCompositeKernels, nativeKernels];
