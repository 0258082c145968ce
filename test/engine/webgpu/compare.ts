/**
 * Runs the same computation on two backends and compares plain arrays. Every read is
 * `await t.data()`: `dataSync()`/`arraySync()` throw on GPU tensors in Node (no OffscreenCanvas).
 */
import { selectBackend } from '../../../src-main/engine/backend';
import { tf } from '../../../src-main/engine/tf';

type Compute = () => tf.Tensor[] | Promise<tf.Tensor[]>;

export interface BackendRun {
  values: Float32Array[];
  /** Tensors alive after the run that were not alive before it. */
  leaked: number;
}

/** Makes `backend` current, runs `compute`, reads and disposes its outputs; counts what was left. */
export async function runOn(backend: 'cpu' | 'webgpu', compute: Compute): Promise<BackendRun> {
  await selectBackend(backend);
  const before = tf.memory().numTensors;
  const outputs = await compute();
  const values = await readAll(outputs);
  return { values, leaked: tf.memory().numTensors - before };
}

/** Reads tensors asynchronously (the only read that works on every backend), then disposes them. */
export async function readAll(tensors: tf.Tensor[]): Promise<Float32Array[]> {
  const values = await Promise.all(tensors.map(async (t) => Float32Array.from(await t.data())));
  tf.dispose(tensors);
  return values;
}

/**
 * Largest |a - b| over each array, relative to that array's largest |b|: scale-free, so tiny
 * gradients are held to the same precision as O(1) activations.
 */
export function maxRelDiff(a: readonly Float32Array[], b: readonly Float32Array[]): number {
  if (a.length !== b.length) throw new Error(`compared ${a.length} arrays with ${b.length}`);
  let worst = 0;
  a.forEach((arr, i) => {
    if (arr.length !== b[i].length) throw new Error(`array ${i}: length ${arr.length} vs ${b[i].length}`);
    const scale = b[i].reduce((m, v) => Math.max(m, Math.abs(v)), 0) || 1;
    arr.forEach((v, j) => {
      const d = Math.abs(v - b[i][j]) / scale;
      worst = Number.isNaN(d) ? Infinity : Math.max(worst, d);
    });
  });
  return worst;
}

/** Deterministic values in [-scale, scale) (mulberry32), the same on every backend. */
export function seededValues(n: number, seed: number, scale = 1): Float32Array {
  let s = seed >>> 0;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    out[i] = (((t ^ (t >>> 14)) >>> 0) / 2 ** 32) * 2 * scale - scale;
  }
  return out;
}

/** Counts synchronous reads (which would throw on a GPU tensor) while installed; restore() undoes it. */
export function countSyncReads(): { count: () => number; restore: () => void } {
  const proto = tf.Tensor.prototype as unknown as Record<string, (...args: unknown[]) => unknown>;
  const names = ['dataSync', 'arraySync', 'bufferSync'];
  const originals = names.map((name) => proto[name]);
  let calls = 0;
  names.forEach((name, i) => {
    proto[name] = function (this: unknown, ...args: unknown[]) {
      calls++;
      return originals[i].apply(this, args);
    };
  });
  return { count: () => calls, restore: () => names.forEach((name, i) => (proto[name] = originals[i])) };
}
