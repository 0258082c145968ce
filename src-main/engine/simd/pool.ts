/**
 * Our kernels on more than one thread (issue 20). tfjs's threaded build keeps its heap in a shared
 * WebAssembly.Memory; the same compiled module is instantiated on that memory in `helpers` Node
 * worker threads. A kernel call is cut into chunks (bands of output rows, bands of batch rows),
 * and the calling thread and the helpers take chunks from a shared counter until none is left.
 * Every output element is computed by the same instructions in the same order whichever thread
 * takes its chunk, so results are bit for bit those of one thread.
 *
 * Why chunks taken from a counter rather than one fixed share per thread: a sleeping helper takes
 * 0.2-0.3 ms to wake on the virtual machines measured here, about what a whole GEMM of the default
 * model takes on one thread. With fixed shares the caller waited for each late helper; with
 * chunks the caller works through them meanwhile and the helper joins when it wakes. Helpers that
 * spin instead of sleeping were measured slower still on a busy 2-core machine: a spinning thread
 * holds a core other programs (and the caller's JavaScript between kernels) need.
 *
 * Calls are synchronous, as tfjs kernels must be. One job word holds the job's sequence number,
 * its chunk count and the next chunk to take; a thread claims chunk i by compare-and-exchange on
 * the word, so a claim can only succeed on the job it read (the word changes with each job).
 * The caller waits for the completed-chunks counter to reach the count: spinning briefly, then in
 * Atomics.wait, which needs a Node thread (worker, utility process or CLI), where the trainer runs.
 */
import { Worker } from 'node:worker_threads';
import type { WasmMemory } from './module';

/** Int32 indices of the control block; the word and the counter sit on cache lines of their own. */
const WORD = 0; // (seq & 0xffff) << 16 | count << 8 | next
const COMPLETED = 16;
const FAILED = 32; // 0, or 1 + the index of a chunk that trapped
const FN = 33;
const ARGC = 34;
const STOP = 35;
const ARGS_BYTE_OFFSET = 256;
/** Chunks per call and arguments per chunk: the job's float64 arguments follow the fields. */
export const MAX_CHUNKS = 64;
const MAX_ARGS = 12;
const CONTROL_BYTES = ARGS_BYTE_OFFSET + 8 * MAX_CHUNKS * MAX_ARGS;

/** Loads of the completed counter before the caller sleeps (a few hundred microseconds). */
const CALLER_SPINS = 200_000;
/** How long a caller waits for the chunks in flight before giving up (one takes milliseconds). */
const HELPER_TIMEOUT_MS = 120_000;

/**
 * The helper thread's program: instantiate the module on the shared memory, answer "ready", then
 * take chunks of each job until told to stop. Plain JavaScript, started with `eval`, so that it
 * needs no file of its own next to whichever bundle imports this module.
 */
const HELPER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { module, memory, control, names } = workerData;
const instance = new WebAssembly.Instance(module, { env: { memory } });
const fns = names.map((n) => instance.exports[n]);
const ctl = new Int32Array(control, 0, ${ARGS_BYTE_OFFSET / 4});
const args = new Float64Array(control, ${ARGS_BYTE_OFFSET}, ${MAX_CHUNKS * MAX_ARGS});
parentPort.postMessage('ready');
for (;;) {
  let w = Atomics.load(ctl, ${WORD});
  while ((w & 0xff) < ((w >> 8) & 0xff)) {
    const seen = Atomics.compareExchange(ctl, ${WORD}, w, w + 1);
    if (seen !== w) {
      w = seen;
      continue;
    }
    const chunk = w & 0xff;
    const argc = ctl[${ARGC}];
    try {
      fns[ctl[${FN}]](...args.subarray(chunk * ${MAX_ARGS}, chunk * ${MAX_ARGS} + argc));
    } catch {
      Atomics.compareExchange(ctl, ${FAILED}, 0, 1 + chunk);
    }
    Atomics.add(ctl, ${COMPLETED}, 1);
    Atomics.notify(ctl, ${COMPLETED});
    w = Atomics.load(ctl, ${WORD});
  }
  if (Atomics.load(ctl, ${STOP})) break;
  Atomics.wait(ctl, ${WORD}, w);
}
`;

export interface KernelPool {
  /** Threads besides the calling one. */
  readonly helpers: number;
  /**
   * Runs each chunk, a call of the module's function `name` with those arguments, on whichever
   * thread takes it first (`local` is the function on the calling thread); returns when all are done.
   */
  run(name: string, local: (...args: number[]) => void, chunks: readonly (readonly number[])[]): void;
  /** Stops the helpers. */
  dispose(): Promise<void>;
}

/**
 * Starts `helpers` threads running `module` (compiled for a shared memory) on `memory`; `names`
 * lists the exported functions jobs may name. Resolves when every helper has instantiated it.
 */
export async function createKernelPool(
  module: object,
  memory: WasmMemory,
  names: readonly string[],
  helpers: number,
): Promise<KernelPool> {
  if (!Number.isInteger(helpers) || helpers < 1) throw new Error(`helpers: expected an integer >= 1, got ${helpers}`);
  const control = new SharedArrayBuffer(CONTROL_BYTES);
  const ctl = new Int32Array(control, 0, ARGS_BYTE_OFFSET / 4);
  const args = new Float64Array(control, ARGS_BYTE_OFFSET, MAX_CHUNKS * MAX_ARGS);
  const workers = Array.from({ length: helpers }, () => {
    const worker = new Worker(HELPER_SOURCE, {
      eval: true,
      workerData: { module, memory, control, names: [...names] },
    });
    // Idle helpers sleep in Atomics.wait; they must not keep a finished process alive.
    worker.unref();
    return worker;
  });
  await Promise.all(
    workers.map(
      (w, i) =>
        new Promise<void>((resolve, reject) => {
          w.once('message', () => resolve());
          w.once('error', (e) => reject(new Error(`kernel thread ${i + 1} failed to start: ${e.message}`)));
        }),
    ),
  );
  let seq = 0;

  /** Publishes a job of `count` chunks: its fields first, then the word that makes it claimable. */
  const publish = (fn: number, chunks: readonly (readonly number[])[]) => {
    const argc = chunks[0].length;
    chunks.forEach((c, i) => {
      if (c.length !== argc) throw new Error(`kernel ${names[fn]}: chunks with ${argc} and ${c.length} arguments`);
      args.set(c, i * MAX_ARGS);
    });
    ctl[FN] = fn;
    ctl[ARGC] = argc;
    Atomics.store(ctl, COMPLETED, 0);
    seq = (seq + 1) & 0xffff;
    Atomics.store(ctl, WORD, (seq << 16) | (chunks.length << 8));
    Atomics.notify(ctl, WORD);
  };

  /** Takes chunks on this thread until none is left. */
  const work = (local: (...a: number[]) => void) => {
    for (let w = Atomics.load(ctl, WORD); (w & 0xff) < ((w >> 8) & 0xff); w = Atomics.load(ctl, WORD)) {
      if (Atomics.compareExchange(ctl, WORD, w, w + 1) !== w) continue;
      const chunk = w & 0xff;
      try {
        local(...args.subarray(chunk * MAX_ARGS, chunk * MAX_ARGS + ctl[ARGC]));
      } catch {
        Atomics.compareExchange(ctl, FAILED, 0, 1 + chunk);
      }
      Atomics.add(ctl, COMPLETED, 1);
    }
  };

  /** Waits for the chunks helpers still hold. */
  const awaitCompleted = (count: number, name: string) => {
    for (let n = 0; n < CALLER_SPINS && Atomics.load(ctl, COMPLETED) !== count; n++);
    const deadline = Date.now() + HELPER_TIMEOUT_MS;
    for (let done = Atomics.load(ctl, COMPLETED); done !== count; done = Atomics.load(ctl, COMPLETED)) {
      if (Date.now() > deadline) throw new Error(`kernel ${name}: a kernel thread did not finish its chunk`);
      Atomics.wait(ctl, COMPLETED, done, 1000);
    }
  };

  return {
    helpers,
    run(name, local, chunks) {
      const fn = names.indexOf(name);
      if (fn < 0) throw new Error(`kernel pool: no function ${name}`);
      if (chunks.length === 0) return;
      if (chunks.length > MAX_CHUNKS) throw new Error(`kernel ${name}: ${chunks.length} chunks, at most ${MAX_CHUNKS}`);
      if (chunks[0].length > MAX_ARGS)
        throw new Error(`kernel ${name}: ${chunks[0].length} arguments, at most ${MAX_ARGS}`);
      publish(fn, chunks);
      work(local);
      awaitCompleted(chunks.length, name);
      const failed = Atomics.exchange(ctl, FAILED, 0);
      if (failed) throw new Error(`kernel ${name} failed on chunk ${failed - 1} of ${chunks.length}`);
    },
    async dispose() {
      Atomics.store(ctl, STOP, 1);
      Atomics.notify(ctl, WORD);
      await Promise.all(workers.map((w) => w.terminate()));
    },
  };
}

/**
 * Splits `count` items into at most `parts` contiguous ranges [start, end), each a multiple of
 * `multiple` long except the last; ranges are as equal as that allows and none is empty.
 */
export function splitRange(count: number, parts: number, multiple = 1): [number, number][] {
  const units = Math.ceil(count / multiple);
  const n = Math.max(1, Math.min(parts, units));
  const out: [number, number][] = [];
  for (let i = 0, start = 0; i < n; i++) {
    const end = Math.min(count, Math.round(((i + 1) * units) / n) * multiple);
    if (end > start) out.push([start, end]);
    start = end;
  }
  return out;
}
