/**
 * The matmul forms of the GPT's backward pass, and its attention core, per backend. Backends with
 * real transposed and batched kernels (cpu, tensorflow, webgpu) use them directly. wasm runs only a
 * 2-D untransposed matmul through XNNPACK (research/toolchain.md), so there every transpose is
 * materialised, and two more costs shape the choices:
 *  - its 2-D transpose walks the output a whole row apart (~6 ns per element for 3072 x 512);
 *    moving square tiles whole and then transposing inside each tile is ~4x faster;
 *  - XNNPACK repacks the right-hand operand of every matmul whose operand it has not seen, at a
 *    similar ~6 ns per element. A weight gradient x^T dy contracts over all N tokens, so one
 *    [N, *] activation is packed: we pick the narrower one, and reuse one packed x for q, k, v.
 */
import { tf } from '../tf';
import { batchedCore, groupedCore, type AttentionCore } from './attention';
import { tiledTranspose } from './transpose';

type T1 = tf.Tensor1D;
type T2 = tf.Tensor2D;

export interface GptKernels {
  readonly name: string;
  /** a @ b^T */
  matMulBT(a: T2, b: T2): T2;
  /** Weight gradient x^T @ dy ([in, out] for x [N, in], dy [N, out]). */
  weightGrad(x: T2, dy: T2): T2;
  /** x^T @ dy for several dy sharing one x. */
  weightGrads(x: T2, dys: readonly T2[]): T2[];
  /** Sums over rows: [N, d] -> [d]. */
  columnSum(x: T2): T1;
  readonly attention: AttentionCore;
}

/**
 * (dy^T x)^T: dy^T [out, N] @ x [N, in] -> [out, in], transposed to [in, out]; packs x, the operand
 * XNNPACK caches by tensor.
 */
const gradPackingX = (x: T2, dy: T2): T2 => tiledTranspose(tf.matMul(tiledTranspose(dy), x));
/** x^T dy: x^T [in, N] @ dy [N, out] -> [in, out]; packs dy. */
const gradPackingDy = (x: T2, dy: T2): T2 => tf.matMul(tiledTranspose(x), dy);

const wasmKernels: GptKernels = {
  name: 'wasm: grouped-GEMM attention, materialised transposes',
  matMulBT: (a, b) => tf.matMul(a, tiledTranspose(b)),
  weightGrad: (x, dy) => (x.shape[1] < dy.shape[1] ? gradPackingX(x, dy) : gradPackingDy(x, dy)),
  weightGrads: (x, dys) => dys.map((dy) => gradPackingX(x, dy)),
  columnSum: (x) => tf.sum(tiledTranspose(x), -1), // [d, N] summed to [d]: wasm's axis-0 sum transposes naively first
  attention: groupedCore,
};

const nativeKernels: GptKernels = {
  name: 'batched attention, native transposed matmuls',
  matMulBT: (a, b) => tf.matMul(a, b, false, true),
  weightGrad: (x, dy) => tf.matMul(x, dy, true, false),
  weightGrads: (x, dys) => dys.map((dy) => tf.matMul(x, dy, true, false)),
  columnSum: (x) => tf.sum(x, 0),
  attention: batchedCore,
};

const KERNELS: Record<string, GptKernels> = { wasm: wasmKernels };

/** Kernels for a tfjs backend name ("wasm", "cpu", "tensorflow", "webgpu"). */
export function kernelsFor(backend: string): GptKernels {
  return KERNELS[backend] ?? nativeKernels;
}

/** Every kernel set, for tests that check they agree. */
export const ALL_KERNELS: readonly GptKernels[] = [wasmKernels, nativeKernels];
