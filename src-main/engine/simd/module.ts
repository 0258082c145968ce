/**
 * Our WebAssembly SIMD module (issue 20): the kernels' text (gemm-wat.ts, norm-attention-wat.ts)
 * compiled with wabt when the wasm backend starts, and instantiated on the backend's own memory,
 * so that it computes on tensors where tfjs keeps them (and, on a shared memory, in the kernel
 * threads of simd/pool.ts).
 */
import { GEMM_FUNCS } from './gemm-wat';
import { NORM_ATTENTION_FUNCS } from './norm-attention-wat';

/** The parts of the WebAssembly JS API used here (the Node lib this code compiles against has no types for it). */
export interface WasmMemory {
  readonly buffer: ArrayBufferLike;
}
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
}
const WebAssemblyApi = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

type Fn = (...args: number[]) => void;

/** The module's exports (pointers are byte offsets into the backend's memory). */
export interface SimdExports {
  gemm_nn: Fn;
  gemm_tn: Fn;
  layer_norm: Fn;
  layer_norm_grad: Fn;
  attention: Fn;
  attention_grad: Fn;
  attention_decode: Fn;
}

/**
 * The module's text, importing the backend's memory (`shared` for tfjs's threaded build, whose
 * memory is a SharedArrayBuffer: an import must declare it so).
 */
export function moduleWat(sharedMemory: boolean): string {
  const memory = sharedMemory ? '(memory 1 65536 shared)' : '(memory 1)';
  return `(module\n(import "env" "memory" ${memory})\n${GEMM_FUNCS}\n${NORM_ATTENTION_FUNCS})`;
}

/** Every export, listed once (a missing one fails to compile): kernel threads number them in this order. */
const EXPORTS: Record<keyof SimdExports, true> = {
  ...{ gemm_nn: true, gemm_tn: true, layer_norm: true, layer_norm_grad: true },
  ...{ attention: true, attention_grad: true, attention_decode: true },
};
export const SIMD_FUNCTIONS = Object.keys(EXPORTS) as (keyof SimdExports)[];

/** Whether `memory` is shared between threads (tfjs's threaded build). */
export const isShared = (memory: WasmMemory) =>
  typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer;

/** The compiled module for `memory` and its exports on this thread; throws where wasm SIMD is missing. */
export async function instantiateSimd(memory: WasmMemory): Promise<{ module: object; exports: SimdExports }> {
  const wabt = await (await import('wabt')).default();
  const shared = isShared(memory);
  const parsed = wabt.parseWat('cliplab-simd.wat', moduleWat(shared), { simd: true, threads: shared });
  try {
    const { buffer } = parsed.toBinary({});
    const module = new WebAssemblyApi.Module(buffer);
    const { exports } = new WebAssemblyApi.Instance(module, { env: { memory } });
    return { module, exports: exports as unknown as SimdExports };
  } finally {
    parsed.destroy();
  }
}
