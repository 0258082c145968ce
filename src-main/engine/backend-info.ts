/**
 * What a compute backend reports about itself: a leaf module, so that backend selection (backend.ts)
 * and the WebGPU loader (webgpu.ts) both use these types without importing each other.
 */

/** What an adapter is: a real GPU, or a CPU rasteriser standing in for one. */
export type AdapterType = 'hardware' | 'software';

/** The adapter a run computed on, as stored with the run. */
export interface GpuAdapter {
  /** The driver's description, e.g. "NVIDIA GeForce RTX 4070" or "llvmpipe: Mesa 25.0.7 (LLVM 15.0.6)". */
  name: string;
  vendor: string;
  /** The adapter's architecture string, e.g. "ampere", "rdna-3"; "software" for lavapipe. */
  architecture: string;
  type: AdapterType;
}

export interface BackendInfo {
  /** tfjs backend name that runs the math: "tensorflow", "wasm", "cpu", "webgpu". */
  name: string;
  /** Human detail, e.g. "tfjs-node-gpu (CUDA)" or "wasm (SIMD, 1 thread)". */
  detail: string;
  /** The GPU that ran the math, for the webgpu backend. */
  adapter?: GpuAdapter;
  /** Threads the backend computes with, where it is a choice (wasm). */
  threads?: number;
}
