/**
 * Starting tfjs's wasm backend (issue 20): on a shared memory that our kernels' threads compute on,
 * and with an Identity kernel that shares its input's buffer instead of copying it.
 *
 * Threads. With `threads` > 1 the backend runs tfjs-backend-wasm's own threaded SIMD build, whose
 * heap is a shared WebAssembly.Memory, and our kernels (engine/simd) split their rows over
 * `threads` threads of simd/pool.ts that compute on that memory. tfjs 4.22 ships the build and
 * its pthread worker script but switches it off under Node, for two reasons read in its source
 * (dist/tf-backend-wasm.node.js, src/cc/backend.cc):
 *  1. the `WASM_HAS_MULTITHREAD_SUPPORT` flag answers false when `IS_NODE` (tensorflow/tfjs#3830);
 *  2. the emscripten glue starts its pthread workers (a pool of 8, created at start) from blob:
 *     URLs (the worker script, and the main script handed to them as a Blob), which Node's
 *     `worker_threads.Worker` cannot load; and the inlined main script refers to its bundle's
 *     variables, so a worker could not run it anyway.
 * Each is answered through the library's public surface or the globals it reads, without changing
 * its files: (1) the flag is an environment flag tfjs lets applications set; (2) the glue creates
 * workers with the global `Worker`, which we provide as a worker_threads.Worker that runs the
 * package's own worker script (wasm-out/*.worker.js) and loads the package's own unbundled main
 * script (wasm-out/*-threaded-simd.js) by file path.
 * XNNPACK's own thread pool stays at one thread unless asked (`xnnpackThreads`, for the HF
 * policy, whose work is XNNPACK's large matmuls). Measured on the default GPT's update (2 cores):
 * with XNNPACK on 2 threads as well, the update took longer than on one thread, since its pool
 * wakes for each of about a hundred small elementwise ops and its threads spin for the cores our
 * kernel threads need; our kernels hold most of the work (bench/gpt-threads.ts prints the split).
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
import { registerSimdKernels, simdThreads } from './simd/kernels';
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
 * Makes tfjs's wasm backend current, started for `threads` threads when this is the process's
 * first start (later calls keep the first count). Resolves with the threads it runs with (1 where
 * our kernels could not start a pool), or null when the backend cannot start.
 */
export async function startWasm(
  threads: number,
  xnnpackThreads: boolean,
  activate: () => Promise<boolean>,
): Promise<number | null> {
  if (!Number.isInteger(threads) || threads < 1) throw new Error(`threads: expected an integer >= 1, got ${threads}`);
  const wasm = await import('@tensorflow/tfjs-backend-wasm');
  if (started !== null) return (await activate()) ? started : null;
  wasm.setThreadsCount(xnnpackThreads ? threads : 1);
  shareIdentityBuffers();
  const restore = threads > 1 ? enableThreads(xnnpackThreads ? threads : 1) : () => {};
  try {
    if (!(await activate())) return null;
  } finally {
    restore();
  }
  await registerSimdKernels(threads);
  // The threads work is split over: our kernels' pool, or XNNPACK's where it was given them.
  started = Math.max(simdThreads(), wasm.getThreadsCount());
  return started;
}

/**
 * Answers (1) and (2) of the header until the module has started, and for an XNNPACK pool of more
 * than one thread a third: the glue caps the pool at half the logical cores the process sees ("many
 * x86-64 processors have 2 threads per core"), so while it starts `os.cpus()` reports twice the
 * threads asked for. Returns what puts `os.cpus` back.
 */
function enableThreads(xnnpackThreads: number): () => void {
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', true);
  const Worker = pthreadWorkerClass(threadedBuild());
  // The glue assigns worker_threads.Worker to the global before creating its pool: ours stays.
  Object.defineProperty(globalThis, 'Worker', { configurable: true, get: () => Worker, set: () => {} });
  const cpus = os.cpus;
  os.cpus = () => {
    const real = cpus();
    return Array.from({ length: 2 * xnnpackThreads }, (_, i) => real[i % real.length]);
  };
  return () => {
    os.cpus = cpus;
  };
}
