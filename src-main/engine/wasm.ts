/**
 * Starting tfjs's wasm backend (issue 20): with XNNPACK's thread pool on Node worker threads, and
 * with an Identity kernel that shares its input's buffer instead of copying it.
 *
 * Threads. The pool runs on Node worker threads sharing the wasm memory (SharedArrayBuffer), through
 * tfjs-backend-wasm's own threaded SIMD build.
 * tfjs 4.22 ships that build and its pthread worker script but switches it off under Node, for
 * three reasons read in its source (dist/tf-backend-wasm.node.js, src/cc/backend.cc):
 *  1. the `WASM_HAS_MULTITHREAD_SUPPORT` flag answers false when `IS_NODE` (tensorflow/tfjs#3830);
 *  2. the pthread workers are started from blob: URLs (the worker script, and the main script handed
 *     to them as a Blob), which Node's `worker_threads.Worker` cannot load; and the inlined main
 *     script refers to its bundle's variables, so a worker could not run it anyway;
 *  3. the pool is capped at half the logical cores the process sees ("many x86-64 processors have
 *     2 threads per core"), so on a 2-core machine it never exceeds one thread.
 * Each is answered through the library's public surface or the globals it reads, without changing
 * its files: (1) the flag is an environment flag tfjs lets applications set; (2) the emscripten
 * glue creates workers with the global `Worker`, which we provide as a worker_threads.Worker that
 * runs the package's own worker script (wasm-out/*.worker.js) and loads the package's own
 * unbundled main script (wasm-out/*-threaded-simd.js) by file path; (3) while the module starts,
 * `os.cpus()` (what the glue asks) reports twice the threads requested, so the cap is the count the
 * run asked for. The threads are XNNPACK's only: ops outside XNNPACK stay on the calling thread.
 *
 * The wasm backend starts once per process: the thread count is fixed by the first start.
 *
 * Identity. tfjs clones every tensor it keeps for a gradient (customGrad's `save`, and the inputs of
 * every op recorded on the tape), and wasm's Identity copies the data: about 80 copies per update of
 * the default GPT. Tensors are immutable, so the clone may share the buffer, as tfjs's cpu backend
 * does for Identity and wasm's own Reshape does (a reference count keeps the buffer alive).
 */
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { Worker as NodeWorker, type WorkerOptions } from 'node:worker_threads';
import { registerSimdKernels } from './simd/kernels';
import { tf } from './tf';

const requireHere = createRequire(import.meta.url);

/** The threaded build's unbundled files inside the installed package. */
function threadedBuild(): { mainScript: string; workerSource: string } {
  const pkg = path.dirname(requireHere.resolve('@tensorflow/tfjs-backend-wasm/package.json'));
  const out = path.join(pkg, 'wasm-out');
  const { wasmWorkerContents } = requireHere(path.join(out, 'tfjs-backend-wasm-threaded-simd.worker.js')) as {
    wasmWorkerContents: string;
  };
  // The script holds "\n" inside string literals, unescaped by the template it ships in; tfjs
  // escapes it the same way before making its blob.
  return {
    mainScript: path.join(out, 'tfjs-backend-wasm-threaded-simd.js'),
    workerSource: wasmWorkerContents.replace(/\n/g, '\\n'),
  };
}

/**
 * The `Worker` the emscripten glue constructs for each pthread: it ignores the blob: URL, runs the
 * worker script from source, and rewrites the "load" message's main script (a Blob) to the file.
 * Pool threads never end, so they must not keep the process alive (the glue `ref()`s running ones).
 */
function pthreadWorkerClass(build: { mainScript: string; workerSource: string }) {
  return class PthreadWorker extends NodeWorker {
    constructor(_url: string | URL, options?: WorkerOptions) {
      super(build.workerSource, { ...options, eval: true });
      this.unref();
    }

    override postMessage(message: unknown, transfer?: Parameters<NodeWorker['postMessage']>[1]): void {
      const m = message as { cmd?: string; urlOrBlob?: unknown } | null;
      super.postMessage(m?.cmd === 'load' ? { ...m, urlOrBlob: build.mainScript } : message, transfer);
    }

    override ref(): void {}
  };
}

/** Identity without the copy: the output shares the input's buffer (one more reference). */
function shareIdentityBuffers(): void {
  const copying = tf.getKernel('Identity', 'wasm');
  if (!copying) throw new Error('tfjs-backend-wasm registers no Identity kernel');
  tf.unregisterKernel('Identity', 'wasm');
  tf.registerKernel({
    kernelName: 'Identity',
    backendName: 'wasm',
    kernelFunc: (args) => {
      const x = args.inputs.x as tf.TensorInfo;
      if (x.dtype === 'string') return copying.kernelFunc(args);
      (args.backend as { incRef(dataId: object): void }).incRef(x.dataId);
      return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
    },
  });
}

/** The threads of the first start: the wasm module starts once per process. */
let started: number | null = null;

/**
 * Makes tfjs's wasm backend current, started with `threads` XNNPACK threads when this is the
 * process's first start (later calls keep the first count). Resolves with the threads it runs
 * with, or null when the backend cannot start.
 */
export async function startWasm(threads: number, activate: () => Promise<boolean>): Promise<number | null> {
  if (!Number.isInteger(threads) || threads < 1) throw new Error(`threads: expected an integer >= 1, got ${threads}`);
  const wasm = await import('@tensorflow/tfjs-backend-wasm');
  if (started !== null) return (await activate()) ? wasm.getThreadsCount() : null;
  wasm.setThreadsCount(threads);
  shareIdentityBuffers();
  const restore = threads > 1 ? enableThreads(threads) : () => {};
  try {
    if (!(await activate())) return null;
  } finally {
    restore();
  }
  await registerSimdKernels();
  started = wasm.getThreadsCount();
  return started;
}

/** Answers (1)-(3) of the header until the module has started; returns what puts `os.cpus` back. */
function enableThreads(threads: number): () => void {
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', true);
  const Worker = pthreadWorkerClass(threadedBuild());
  // The glue assigns worker_threads.Worker to the global before creating its pool: ours stays.
  Object.defineProperty(globalThis, 'Worker', { configurable: true, get: () => Worker, set: () => {} });
  const cpus = os.cpus;
  os.cpus = () => {
    const real = cpus();
    return Array.from({ length: 2 * threads }, (_, i) => real[i % real.length]);
  };
  return () => {
    os.cpus = cpus;
  };
}
