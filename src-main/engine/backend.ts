/**
 * Compute backend selection. `auto` tries, in order: tfjs-node-gpu, tfjs-node (optional
 * dependencies, present only where they installed), then wasm, then cpu. The backend that ran is
 * reported and stored with the run.
 */
import type { Backend } from '../contract';
import { tf } from './tf';

export interface BackendInfo {
  /** tfjs backend name that runs the math: "tensorflow", "wasm", "cpu", "webgpu". */
  name: string;
  /** Human detail, e.g. "tfjs-node-gpu (CUDA)" or "wasm (SIMD, 1 thread)". */
  detail: string;
}

type Loader = () => Promise<BackendInfo | null>;

/** Loads an optional package; resolves null when it is not installed or fails to load. */
async function tryImport(specifier: string): Promise<boolean> {
  try {
    await import(/* @vite-ignore */ specifier);
    return true;
  } catch {
    return false;
  }
}

async function activate(name: string): Promise<boolean> {
  if (!tf.findBackendFactory(name)) return false;
  try {
    return await tf.setBackend(name);
  } catch {
    return false;
  }
}

const loaders: Record<Exclude<Backend, 'auto'>, Loader> = {
  tensorflow: async () => {
    for (const pkg of ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node']) {
      if ((await tryImport(pkg)) && (await activate('tensorflow'))) {
        return { name: 'tensorflow', detail: pkg.replace('@tensorflow/', '') };
      }
    }
    return null;
  },
  webgpu: async () => null,
  wasm: async () => {
    await import('@tensorflow/tfjs-backend-wasm');
    if (!(await activate('wasm'))) return null;
    return { name: 'wasm', detail: 'wasm (XNNPACK, 1 thread per process)' };
  },
  cpu: async () => {
    await import('@tensorflow/tfjs-backend-cpu');
    if (!(await activate('cpu'))) return null;
    return { name: 'cpu', detail: 'cpu (pure JavaScript)' };
  },
};

const AUTO_ORDER: Exclude<Backend, 'auto'>[] = ['tensorflow', 'webgpu', 'wasm', 'cpu'];

/**
 * Makes the requested backend current for this process. A named backend that cannot load is an
 * error (the user asked for it); `auto` falls through the order above.
 */
export async function selectBackend(requested: Backend): Promise<BackendInfo> {
  if (requested !== 'auto') {
    const info = await loaders[requested]();
    if (!info) throw new Error(`backend "${requested}" is not available on this machine`);
    return info;
  }
  for (const name of AUTO_ORDER) {
    const info = await loaders[name]();
    if (info) return info;
  }
  throw new Error('no TensorFlow.js backend could be loaded');
}
