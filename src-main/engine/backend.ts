/**
 * Compute backend selection. `auto` tries, in order: tfjs-node-gpu, webgpu on a hardware adapter
 * (engine/webgpu.ts, issue 9), tfjs-node (tfjs-node and -gpu are optional dependencies, present
 * only where they installed), then wasm, then cpu. The backend that ran is reported and stored
 * with the run.
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { Backend, RunConfig } from '../contract';
import { tf } from './tf';
import type { BackendInfo } from './backend-info';
import { startWasm } from './wasm';
import { loadWebgpuBackend } from './webgpu';

export type { BackendInfo } from './backend-info';

export interface BackendOptions {
  /** Threads for backends that can use several (wasm: our kernels' threads). @default 1 */
  threads?: number;
  /**
   * wasm: give XNNPACK's own pool the threads too, for models whose work is XNNPACK's large
   * matmuls (the HF policy) rather than our kernels (engine/wasm.ts says why not by default).
   * @default false
   */
  xnnpackThreads?: boolean;
}

/** The backend options a run's config asks for, on `threads` threads. */
export const backendOptionsFor = (config: RunConfig, threads: number): BackendOptions => ({
  threads,
  xnnpackThreads: config.policy.kind === 'hf',
});

type Loader = (opts: BackendOptions) => Promise<BackendInfo | null>;

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

/**
 * Whether an installed tfjs-node package has its native addon. Their install script downloads
 * libtensorflow and fails offline, leaving the JavaScript without the addon; importing that
 * registers every kernel before it throws, so a second attempt warns for each kernel.
 */
function hasNativeAddon(pkg: string): boolean {
  try {
    const lib = path.join(path.dirname(createRequire(import.meta.url).resolve(`${pkg}/package.json`)), 'lib');
    return fs.readdirSync(lib).some((dir) => fs.existsSync(path.join(lib, dir, 'tfjs_binding.node')));
  } catch {
    return false;
  }
}

/** Whether the `tensorflow` backend (tfjs-node-gpu or tfjs-node) could load here, without loading it. */
export function tfjsNodeInstalled(): boolean {
  return hasNativeAddon('@tensorflow/tfjs-node-gpu') || hasNativeAddon('@tensorflow/tfjs-node');
}

/** tfjs-node-gpu and tfjs-node both register the "tensorflow" backend. */
async function loadTfjsNode(pkg: '@tensorflow/tfjs-node-gpu' | '@tensorflow/tfjs-node'): Promise<BackendInfo | null> {
  if (hasNativeAddon(pkg) && (await tryImport(pkg)) && (await activate('tensorflow'))) {
    return { name: 'tensorflow', detail: pkg.replace('@tensorflow/', '') };
  }
  return null;
}

const loaders: Record<Exclude<Backend, 'auto'>, Loader> = {
  tensorflow: async () => (await loadTfjsNode('@tensorflow/tfjs-node-gpu')) ?? loadTfjsNode('@tensorflow/tfjs-node'),
  // Named explicitly, any adapter will do, software included (that is how CI tests it).
  webgpu: () => loadWebgpuBackend({ allowSoftware: true }),
  wasm: async (opts) => {
    const threads = await startWasm(opts.threads ?? 1, opts.xnnpackThreads ?? false, () => activate('wasm'));
    if (threads === null) return null;
    const simd = (await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT')) ? 'SIMD' : 'no SIMD';
    return {
      name: 'wasm',
      detail: `wasm (XNNPACK, ${simd}, ${threads} thread${threads === 1 ? '' : 's'} per process)`,
      threads,
    };
  },
  cpu: async () => {
    await import('@tensorflow/tfjs-backend-cpu');
    if (!(await activate('cpu'))) return null;
    return { name: 'cpu', detail: 'cpu (pure JavaScript)' };
  },
};

const AUTO_ORDER: Loader[] = [
  () => loadTfjsNode('@tensorflow/tfjs-node-gpu'),
  // A software adapter (lavapipe, SwiftShader) is ~10x slower than wasm: auto never picks one.
  () => loadWebgpuBackend({ allowSoftware: false }),
  () => loadTfjsNode('@tensorflow/tfjs-node'),
  loaders.wasm,
  loaders.cpu,
];

/** The selection in progress: tfjs initialises a backend once, so two at a time would race. */
let selecting: Promise<unknown> = Promise.resolve();

/**
 * Makes the requested backend current for this process. A named backend that cannot load is an
 * error (the user asked for it); `auto` falls through the order above. Concurrent calls run one
 * after another.
 */
export function selectBackend(requested: Backend, opts: BackendOptions = {}): Promise<BackendInfo> {
  const selection = selecting.then(() => select(requested, opts));
  selecting = selection.catch(() => undefined);
  return selection;
}

async function select(requested: Backend, opts: BackendOptions): Promise<BackendInfo> {
  if (requested !== 'auto') {
    const info = await loaders[requested](opts);
    if (!info) throw new Error(`backend "${requested}" is not available on this machine`);
    return info;
  }
  for (const load of AUTO_ORDER) {
    const info = await load(opts);
    if (info) return info;
  }
  throw new Error('no TensorFlow.js backend could be loaded');
}
