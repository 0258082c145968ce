/**
 * Our own GEMM kernels on tfjs's wasm backend (issue 20): a small WebAssembly SIMD module
 * (gemm-wat.ts, compiled from its text with wabt when the backend starts) that imports the
 * backend's memory and computes on tensors where they live, registered as tfjs kernels so they run,
 * are tracked and freed like any other. Measured in CPU time on the default GPT's shapes ([1536, 64]
 * activations, d 64 and 4d 256 weights): 33-37 GFLOP/s for A B where XNNPACK gives 18-25 (it packs
 * every right-hand operand it has not seen, and the weights change every update), and 26-30 GFLOP/s
 * for the weight gradient x^T dy where XNNPACK plus the transposes it needs gives 16-23. Sums run
 * in the same order as XNNPACK's for A B (results agree bit for bit there). Single-threaded: the
 * same kernels run whatever the `threads` setting, so results do not depend on it.
 */
import { tf } from '../tf';
import { gemmWat } from './gemm-wat';

export const MATMUL = 'CliplabMatMul';
export const MATMUL_TN = 'CliplabMatMulTN';

/** The parts of the WebAssembly JS API used here (the Node lib this code compiles against has no types for it). */
interface WasmMemory {
  readonly buffer: ArrayBufferLike;
}
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
}
const WebAssemblyApi = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

interface WasmBackendLike {
  wasm: { asm?: { memory?: WasmMemory }; wasmMemory?: WasmMemory };
  dataIdMap: { get(dataId: object): { memoryOffset: number } };
  makeOutput(shape: number[], dtype: 'float32'): tf.TensorInfo;
}

type Gemm = (c: number, a: number, b: number, m: number, n: number, k: number, relu?: number) => void;

/** Whether a product with an [M, N] output runs on our kernels (their 4 x 8 register blocks). */
export const gemmFits = (m: number, n: number, k: number) => m % 4 === 0 && n % 8 === 0 && k >= 1;

/** The backend's memory: exported by the plain builds, imported (shared) by the threaded one. */
function backendMemory(backend: WasmBackendLike): WasmMemory | null {
  return backend.wasm.asm?.memory ?? backend.wasm.wasmMemory ?? null;
}

async function instantiate(memory: WasmMemory): Promise<{ nn: Gemm; tn: Gemm }> {
  const wabt = await (await import('wabt')).default();
  const shared = typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer;
  const parsed = wabt.parseWat('gemm.wat', gemmWat(shared), { simd: true, threads: shared });
  try {
    const { buffer } = parsed.toBinary({});
    const { exports } = new WebAssemblyApi.Instance(new WebAssemblyApi.Module(buffer), { env: { memory } });
    return { nn: exports.gemm_nn as Gemm, tn: exports.gemm_tn as Gemm };
  } finally {
    parsed.destroy();
  }
}

function checkFloat2d(name: string, ...ts: tf.TensorInfo[]): void {
  for (const t of ts) {
    if (t.shape.length !== 2 || t.dtype !== 'float32') {
      throw new Error(`${name}: expected 2-D float32 operands, got [${t.shape}] ${t.dtype}`);
    }
  }
}

/**
 * Compiles the module against the current wasm backend's memory and registers its kernels.
 * Resolves false (and registers nothing) where that cannot be done, e.g. without wasm SIMD.
 */
export async function registerSimdKernels(): Promise<boolean> {
  if (tf.getKernel(MATMUL, 'wasm')) return true;
  const backend = tf.findBackend('wasm') as unknown as WasmBackendLike | null;
  const memory = backend && backendMemory(backend);
  if (!backend || !memory) return false;
  let gemm: { nn: Gemm; tn: Gemm };
  try {
    gemm = await instantiate(memory);
  } catch {
    return false;
  }
  const at = (t: tf.TensorInfo) => backend.dataIdMap.get(t.dataId).memoryOffset;
  const product = (name: string, shapes: (a: number[], b: number[]) => [number, number, number], run: Gemm) =>
    tf.registerKernel({
      kernelName: name,
      backendName: 'wasm',
      kernelFunc: ({ inputs, attrs }) => {
        const { a, b } = inputs as { a: tf.TensorInfo; b: tf.TensorInfo };
        checkFloat2d(name, a, b);
        const [m, n, k] = shapes(a.shape, b.shape);
        if (!gemmFits(m, n, k)) throw new Error(`${name}: [${a.shape}] x [${b.shape}] does not fit its 4 x 8 blocks`);
        const c = backend.makeOutput([m, n], 'float32'); // may grow the memory: offsets are read after
        run(at(c), at(a), at(b), m, n, k, attrs?.relu ? 1 : 0);
        return c;
      },
    });
  product(MATMUL, (a, b) => checkInner(MATMUL, a[1], b[0], [a[0], b[1], a[1]]), gemm.nn);
  product(MATMUL_TN, (a, b) => checkInner(MATMUL_TN, a[0], b[0], [a[1], b[1], a[0]]), gemm.tn);
  return true;
}

function checkInner(name: string, ka: number, kb: number, mnk: [number, number, number]): [number, number, number] {
  if (ka !== kb) throw new Error(`${name}: inner dimensions ${ka} and ${kb} differ`);
  return mnk;
}

/** Whether our kernels are registered and the current backend is wasm. */
export function simdActive(): boolean {
  return tf.getBackend() === 'wasm' && tf.getKernel(MATMUL, 'wasm') !== undefined;
}

/** a [M, K] @ b [K, N], max(., 0) after when `relu`. */
export function simdMatMul(a: tf.Tensor2D, b: tf.Tensor2D, relu = false): tf.Tensor2D {
  return tf.engine().runKernel(MATMUL, { a, b }, { relu }) as tf.Tensor2D;
}

/** a^T @ b for a [K, M], b [K, N]: [M, N]. */
export function simdMatMulTN(a: tf.Tensor2D, b: tf.Tensor2D): tf.Tensor2D {
  return tf.engine().runKernel(MATMUL_TN, { a, b }) as tf.Tensor2D;
}
