/**
 * Our own kernels on tfjs's wasm backend (issue 20), registered as tfjs kernels so they run, are
 * tracked and freed like any other, and computing in place on the backend's heap (simd/module.ts).
 * Measured in CPU time on the default GPT's shapes ([1536, 64] activations, d 64, 4d 256):
 *  - GEMM A B: 33-37 GFLOP/s where XNNPACK gives 18-25 (it packs every right-hand operand it has
 *    not seen, and the weights change every update); x^T dy read in place: 26-30 GFLOP/s where
 *    XNNPACK plus the transposes it needs gives 16-23. For A B the sums run in XNNPACK's order.
 *  - LayerNorm forward and backward (with the gain and bias gradients), causal attention over a
 *    few positions (forward and backward), and a decoding step's attention over the KV cache, each
 *    one kernel instead of 9-40 small ones.
 * On the threaded build (threads > 1) the GEMMs, the LayerNorm forward and the attention kernels
 * cut their output rows into chunks that the kernel threads of simd/pool.ts take; each element is
 * still computed by one thread in the same order, so results do not depend on the `threads`
 * setting. The LayerNorm backward sums its gain and bias gradients over every row, so it stays on
 * one thread.
 * Each wrapper below states the shapes it takes; `*Fits` tell callers when to fall back.
 */
import { tf } from '../tf';
import { SIMD_FUNCTIONS, instantiateSimd, isShared, type SimdExports, type WasmMemory } from './module';
import { createKernelPool, MAX_CHUNKS, splitRange, type KernelPool } from './pool';

type Info = tf.TensorInfo;

interface WasmBackendLike {
  wasm: { asm?: { memory?: WasmMemory }; wasmMemory?: WasmMemory };
  dataIdMap: { get(dataId: object): { memoryOffset: number } };
  makeOutput(shape: number[], dtype: 'float32'): Info;
}

export const KERNEL_NAMES = {
  matMul: 'CliplabMatMul',
  matMulTN: 'CliplabMatMulTN',
  layerNorm: 'CliplabLayerNorm',
  layerNormGrad: 'CliplabLayerNormGrad',
  attention: 'CliplabAttention',
  attentionGrad: 'CliplabAttentionGrad',
  attentionDecode: 'CliplabAttentionDecode',
} as const;

/** Whether a product with an [M, N] output (inner size K) runs on our GEMMs (4 x 8 register blocks). */
export const gemmFits = (m: number, n: number, k: number) => m % 4 === 0 && n % 8 === 0 && k >= 1;

/** Rows of width d (LayerNorm) and heads of size D (attention) are read 4 floats at a time. */
export const vectorFits = (width: number) => width % 4 === 0 && width > 0;

function check(name: string, cond: boolean, what: string): void {
  if (!cond) throw new Error(`${name}: ${what}`);
}

function float2d(name: string, ...ts: Info[]): void {
  for (const t of ts)
    check(name, t.shape.length === 2 && t.dtype === 'float32', `expected 2-D float32, got [${t.shape}] ${t.dtype}`);
}

type KernelBody = (inputs: Record<string, Info>, attrs: Record<string, number>) => Info | Info[];

/**
 * The least work (floating-point operations) of a chunk handed to the kernel threads, a few
 * microseconds: below twice this a call stays whole on the calling thread.
 */
const MIN_CHUNK_FLOPS = 250_000;
/** Chunks per thread at most: enough that a helper waking late still finds some (simd/pool.ts). */
const CHUNKS_PER_THREAD = 8;

type Split = (name: keyof SimdExports, work: number, count: number, multiple: number, part: SliceArgs) => void;
/** The arguments of the call computing items [start, end) of a kernel's split dimension. */
type SliceArgs = (start: number, end: number) => number[];

/** Runs a kernel over `count` items (rows, batch rows), in chunks over the pool's threads when worth it. */
function splitter(simd: SimdExports, pool: KernelPool | null): Split {
  const most = pool ? Math.min(MAX_CHUNKS, CHUNKS_PER_THREAD * (pool.helpers + 1)) : 1;
  return (name, work, count, multiple, part) => {
    const fn = simd[name];
    const chunks = splitRange(count, Math.min(most, Math.floor(work / MIN_CHUNK_FLOPS)), multiple);
    if (!pool || chunks.length < 2) return fn(...part(0, count));
    const calls = chunks.map(([start, end]) => part(start, end));
    pool.run(name, fn, calls);
  };
}

/**
 * Registers each kernel; `out` allocates an output (this may grow the memory, so addresses are
 * read with `at` after every output of a call is allocated).
 */
function registerAll(backend: WasmBackendLike, simd: SimdExports, pool: KernelPool | null): void {
  const split = splitter(simd, pool);
  const at = (t: Info) => backend.dataIdMap.get(t.dataId).memoryOffset;
  const out = (shape: number[]) => backend.makeOutput(shape, 'float32');
  const register = (kernelName: string, body: KernelBody) =>
    tf.registerKernel({
      kernelName,
      backendName: 'wasm',
      kernelFunc: ({ inputs, attrs }) => body(inputs as Record<string, Info>, (attrs ?? {}) as Record<string, number>),
    });
  const K = KERNEL_NAMES;

  register(K.matMul, ({ a, b }, { relu }) => {
    float2d(K.matMul, a, b);
    const [[m, k], [kb, n]] = [a.shape, b.shape];
    check(K.matMul, k === kb && gemmFits(m, n, k), `[${a.shape}] x [${b.shape}] does not fit its 4 x 8 blocks`);
    const c = out([m, n]);
    const [pc, pa, pb] = [at(c), at(a), at(b)];
    // Bands of C's rows from bands of A's rows.
    split('gemm_nn', 2 * m * n * k, m, 4, (r0, r1) => [
      pc + 4 * r0 * n,
      pa + 4 * r0 * k,
      pb,
      r1 - r0,
      n,
      k,
      relu ? 1 : 0,
    ]);
    return c;
  });
  register(K.matMulTN, ({ a, b }) => {
    float2d(K.matMulTN, a, b);
    const [[k, m], [kb, n]] = [a.shape, b.shape];
    check(K.matMulTN, k === kb && gemmFits(m, n, k), `[${a.shape}]^T x [${b.shape}] does not fit its 4 x 8 blocks`);
    const c = out([m, n]);
    const [pc, pa, pb] = [at(c), at(a), at(b)];
    // Bands of C's rows from bands of A's columns (A's rows stay m floats apart).
    split('gemm_tn', 2 * m * n * k, m, 4, (r0, r1) => [pc + 4 * r0 * n, pa + 4 * r0, pb, r1 - r0, n, k, m]);
    return c;
  });
  register(K.layerNorm, ({ x, g, b }, { eps }) => {
    float2d(K.layerNorm, x);
    const [n, d] = x.shape;
    check(K.layerNorm, vectorFits(d) && g.shape[0] === d && b.shape[0] === d, `gain and bias of [${x.shape}]`);
    const [y, xhat, rstd] = [out([n, d]), out([n, d]), out([n, 1])];
    const [py, pxhat, prstd, px, pg, pb] = [at(y), at(xhat), at(rstd), at(x), at(g), at(b)];
    split('layer_norm', 8 * n * d, n, 1, (r0, r1) => {
      const row = 4 * r0 * d;
      return [py + row, pxhat + row, prstd + 4 * r0, px + row, pg, pb, r1 - r0, d, eps];
    });
    return [y, xhat, rstd];
  });
  register(K.layerNormGrad, ({ dy, xhat, rstd, g, res }) => {
    float2d(K.layerNormGrad, dy, xhat);
    const [n, d] = dy.shape;
    check(K.layerNormGrad, vectorFits(d) && xhat.shape[0] === n && rstd.shape[0] === n, `rows of [${dy.shape}]`);
    const [dx, dg, db] = [out([n, d]), out([d]), out([d])];
    const resAt = res ? at(res) : 0;
    simd.layer_norm_grad(at(dx), at(dg), at(db), at(dy), at(xhat), at(rstd), at(g), resAt, res ? 1 : 0, n, d);
    return [dx, dg, db];
  });
  register(K.attention, ({ qkv }, { positions, batch, heads, queries, scale }) => {
    const d = qkv.shape[1] / 3;
    const [o, p] = [out([queries * batch, d]), out([batch * heads * queries, positions])];
    const [po, pp, pqkv] = [at(o), at(p), at(qkv)];
    const work = 4 * batch * queries * positions * d;
    // Bands of batch rows: a row's attention reads only that row.
    split('attention', work, batch, 1, (b0, b1) => [
      ...[po, pp, pqkv, positions, batch, heads, d / heads, queries, scale, b0, b1],
    ]);
    return [o, p];
  });
  register(K.attentionGrad, ({ dO, qkv, p }, { positions, batch, heads, queries, scale }) => {
    const dqkv = out(qkv.shape);
    const d = qkv.shape[1] / 3;
    const [pdqkv, pdO, pqkv, pp] = [at(dqkv), at(dO), at(qkv), at(p)];
    const work = 8 * batch * queries * positions * d;
    split('attention_grad', work, batch, 1, (b0, b1) => [
      ...[pdqkv, pdO, pqkv, pp, positions, batch, heads, d / heads, queries, scale, b0, b1],
    ]);
    return dqkv;
  });
  register(K.attentionDecode, ({ q, k, v }, { batch, heads, scale }) => {
    const d = q.shape[1];
    const positions = k.shape[0] / batch;
    const [o, p] = [out([batch, d]), out([batch * heads, positions])];
    const [po, pp, pq, pk, pv] = [at(o), at(p), at(q), at(k), at(v)];
    const work = 4 * batch * positions * d;
    // Bands of batch rows: a row's attention reads only that row.
    split('attention_decode', work, batch, 1, (b0, b1) => [
      ...[po, pp, pq, pk, pv, positions, batch, heads, d / heads, scale, b0, b1],
    ]);
    return [o, p];
  });
}

/** Threads our kernels run on (1 until registered, or without a shared memory). */
let kernelThreads = 1;

/**
 * Compiles the module against the wasm backend's memory and registers its kernels, on `threads`
 * threads where the memory is shared (the threaded build). Resolves false (registering nothing)
 * where that cannot be done, e.g. without wasm SIMD.
 */
export async function registerSimdKernels(threads = 1): Promise<boolean> {
  if (tf.getKernel(KERNEL_NAMES.matMul, 'wasm')) return true;
  const backend = tf.findBackend('wasm') as unknown as WasmBackendLike | null;
  const memory = backend && (backend.wasm.asm?.memory ?? backend.wasm.wasmMemory);
  if (!backend || !memory) return false;
  let simd: Awaited<ReturnType<typeof instantiateSimd>>;
  try {
    simd = await instantiateSimd(memory);
  } catch {
    return false;
  }
  const pool =
    threads > 1 && isShared(memory) ? await createKernelPool(simd.module, memory, SIMD_FUNCTIONS, threads - 1) : null;
  registerAll(backend, simd.exports, pool);
  kernelThreads = pool ? pool.helpers + 1 : 1;
  return true;
}

/** Threads our kernels split their work over (engine/simd/pool.ts). */
export const simdThreads = () => kernelThreads;

/** Whether the current backend is wasm with our kernels registered. */
export function simdActive(): boolean {
  return tf.getBackend() === 'wasm' && tf.getKernel(KERNEL_NAMES.matMul, 'wasm') !== undefined;
}

const run = <R>(name: string, inputs: Record<string, tf.Tensor>, attrs: Record<string, number> = {}) =>
  tf.engine().runKernel(name, inputs as tf.NamedTensorMap, attrs) as unknown as R;

/** a [M, K] @ b [K, N], then max(., 0) when `relu`. */
export const simdMatMul = (a: tf.Tensor2D, b: tf.Tensor2D, relu = false) =>
  run<tf.Tensor2D>(KERNEL_NAMES.matMul, { a, b }, { relu: relu ? 1 : 0 });

/** a^T @ b for a [K, M], b [K, N]: [M, N]. */
export const simdMatMulTN = (a: tf.Tensor2D, b: tf.Tensor2D) => run<tf.Tensor2D>(KERNEL_NAMES.matMulTN, { a, b });

/** LayerNorm of x [N, d] over its rows: y, xhat [N, d] and rstd [N, 1]. */
export function simdLayerNorm(x: tf.Tensor2D, g: tf.Tensor1D, b: tf.Tensor1D, eps: number) {
  const [y, xhat, rstd] = run<tf.Tensor2D[]>(KERNEL_NAMES.layerNorm, { x, g, b }, { eps });
  return { y, xhat, rstd };
}

/** LayerNorm backward: dx [N, d] (plus `res` when given), dg and db [d]. */
export function simdLayerNormGrad(
  dy: tf.Tensor2D,
  xhat: tf.Tensor2D,
  rstd: tf.Tensor2D,
  g: tf.Tensor1D,
  res?: tf.Tensor2D,
) {
  const inputs: Record<string, tf.Tensor> = res ? { dy, xhat, rstd, g, res } : { dy, xhat, rstd, g };
  const [dx, dg, db] = run<[tf.Tensor2D, tf.Tensor1D, tf.Tensor1D]>(KERNEL_NAMES.layerNormGrad, inputs);
  return { dx, dg, db };
}

/** Sizes of a causal attention over `positions` positions of `batch` rows, with outputs for the last `queries`. */
export interface AttentionDims {
  positions: number;
  batch: number;
  heads: number;
  queries: number;
  scale: number;
}

/** o [queries * B, d] and the weights p [B * H * queries, positions] of qkv [positions * B, 3d]. */
export function simdAttention(qkv: tf.Tensor2D, dims: AttentionDims): { o: tf.Tensor2D; p: tf.Tensor2D } {
  const [o, p] = run<tf.Tensor2D[]>(KERNEL_NAMES.attention, { qkv }, { ...dims });
  return { o, p };
}

/** Sizes of a decoding step's attention: `batch` rows of `heads` heads. */
export interface DecodeDims {
  batch: number;
  heads: number;
  scale: number;
}

/**
 * o [B, d] of one new position's queries q [B, d] over keys and values k, v [T * B, d] (rows
 * position-major, the new position last): decoding with a KV cache, no gradient.
 */
export function simdAttentionDecode(q: tf.Tensor2D, k: tf.Tensor2D, v: tf.Tensor2D, dims: DecodeDims): tf.Tensor2D {
  const [o, p] = run<tf.Tensor2D[]>(KERNEL_NAMES.attentionDecode, { q, k, v }, { ...dims });
  p.dispose();
  return o;
}

/** dqkv [positions * B, 3d] from dO [queries * B, d]. */
export const simdAttentionGrad = (dO: tf.Tensor2D, qkv: tf.Tensor2D, p: tf.Tensor2D, dims: AttentionDims) =>
  run<tf.Tensor2D>(KERNEL_NAMES.attentionGrad, { dO, qkv, p }, { ...dims });
