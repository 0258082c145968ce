/**
 * Multi-threaded wasm under Node (engine/wasm.ts, engine/simd/pool.ts, issue 20): the threaded
 * build starts with the threads asked for, our kernels split their rows over that many threads, the
 * threads do not keep a process alive, and results are bit for bit the same at 1 and 2 threads
 * (each output element is computed by one thread in one order, never a split reduction), so the
 * `threads` setting only changes speed. Each thread count needs its own process: the wasm module
 * starts once per process.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

interface ChildResult {
  detail: string;
  threads: number;
  fused: boolean;
  kernelThreads: number;
  metrics: Record<string, number>[];
  weights: Record<string, string>;
}

/** Runs train-child.ts with `threads`; rejects if it fails or has not exited by itself in time. */
function trainIn(threads: number): Promise<ChildResult> {
  const script = path.join(import.meta.dirname, 'train-child.ts');
  const child = spawn(process.execPath, ['--import', 'tsx', script, String(threads)], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr.on('data', (c: Buffer) => (err += c.toString()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the ${threads}-thread child did not exit by itself; output: ${out}${err}`));
    }, 100_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      if (code !== 0) reject(new Error(`the ${threads}-thread child exited with ${code}: ${err}`));
      else resolve(JSON.parse(out.trim().split('\n').at(-1)!) as ChildResult);
    });
  });
}

/** A step's metrics without the ones that measure time. */
const results = (m: Record<string, number>) =>
  Object.fromEntries(Object.entries(m).filter(([k]) => !k.startsWith('time/') && !k.startsWith('throughput/')));

describe('wasm with kernel threads under Node', () => {
  it('trains the default GPT bit for bit the same on 1 and 2 threads, and exits by itself', async () => {
    // One after the other: side by side they would fight over the cores they measure nothing about.
    const one = await trainIn(1);
    const two = await trainIn(2);
    expect(one.threads).toBe(1);
    expect(two.threads).toBe(2);
    expect([one.fused, two.fused]).toEqual([true, true]);
    expect([one.kernelThreads, two.kernelThreads]).toEqual([1, 2]); // the second run split its kernels
    expect(two.detail).toContain('2 threads per process');
    expect(two.metrics.map(results)).toEqual(one.metrics.map(results));
    expect(one.metrics[1].grad_norm).toBeGreaterThan(0); // the updates really moved the weights
    expect(Object.keys(two.weights)).toEqual(Object.keys(one.weights));
    for (const name of Object.keys(one.weights)) expect(two.weights[name], name).toBe(one.weights[name]);
  }, 240_000);
});
