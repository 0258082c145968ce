/**
 * Kernel threads (engine/simd/pool.ts) on a shared memory of their own, without tfjs: a GEMM cut
 * into chunks of rows that the threads take writes exactly the bytes the whole call writes, every
 * chunk runs once, a trap in a chunk comes back as an error naming the kernel and leaves the pool
 * usable, and the ranges cover every item once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { instantiateSimd, SIMD_FUNCTIONS, type SimdExports } from '../../../src-main/engine/simd/module';
import { createKernelPool, splitRange, type KernelPool } from '../../../src-main/engine/simd/pool';

interface MemoryCtor {
  new (d: { initial: number; maximum: number; shared: boolean }): { buffer: SharedArrayBuffer };
}
const memory = new (globalThis as unknown as { WebAssembly: { Memory: MemoryCtor } }).WebAssembly.Memory({
  ...{ initial: 64, maximum: 64, shared: true },
});
const PAGE_BYTES = 65536;
let simd: SimdExports;
let pool: KernelPool;

beforeAll(async () => {
  const compiled = await instantiateSimd(memory);
  simd = compiled.exports;
  pool = await createKernelPool(compiled.module, memory, SIMD_FUNCTIONS, 2);
});
afterAll(() => pool.dispose());

/** Floats at byte offset `at`, filled from a fixed sequence. */
function fill(at: number, count: number, salt: number): void {
  const f = new Float32Array(memory.buffer, at, count);
  for (let i = 0; i < count; i++) f[i] = Math.sin(i * 0.37 + salt) * (1 + (i % 7));
}
const bytes = (at: number, count: number) => Buffer.from(new Uint8Array(memory.buffer, at, 4 * count));

describe('kernel threads', () => {
  it('GEMMs in chunks write the bytes of the whole call', () => {
    const [m, k, n] = [44, 37, 24]; // 11 bands of 4 rows: chunks of 1 or 2 bands
    const [a, b, c1, c2] = [0, 1, 2, 3].map((i) => i * 16384);
    fill(a, m * k, 1);
    fill(b, k * n, 2);
    for (const relu of [0, 1]) {
      simd.gemm_nn(c1, a, b, m, n, k, relu);
      const parts = splitRange(m, 7, 4).map(([r0, r1]) => [c2 + 4 * r0 * n, a + 4 * r0 * k, b, r1 - r0, n, k, relu]);
      expect(parts).toHaveLength(7);
      new Float32Array(memory.buffer, c2, m * n).fill(Number.NaN);
      pool.run('gemm_nn', simd.gemm_nn, parts);
      expect(bytes(c2, m * n).equals(bytes(c1, m * n)), `relu ${relu}`).toBe(true);
    }
    // C = A^T B with A [k, m]: bands of C's rows read bands of A's columns, rows m floats apart.
    fill(a, k * m, 3);
    fill(b, k * n, 4);
    simd.gemm_tn(c1, a, b, m, n, k, m);
    const parts = splitRange(m, 11, 4).map(([r0, r1]) => [c2 + 4 * r0 * n, a + 4 * r0, b, r1 - r0, n, k, m]);
    new Float32Array(memory.buffer, c2, m * n).fill(Number.NaN);
    pool.run('gemm_tn', simd.gemm_tn, parts);
    expect(bytes(c2, m * n).equals(bytes(c1, m * n))).toBe(true);
  });

  it('runs every chunk of a job, for many jobs in a row', () => {
    // Chunk i writes rows 4i .. 4i + 3 of C = A B, with A [4 * chunks, 1] all job + 1 and B [1, 8]
    // of ones: a chunk left out keeps the NaN C was filled with, one of the previous job a stale value.
    const [c, a, b] = [0, 1, 2].map((i) => 32768 + i * 16384);
    new Float32Array(memory.buffer, b, 8).fill(1);
    for (let job = 0; job < 500; job++) {
      const chunks = 1 + (job % 64);
      new Float32Array(memory.buffer, a, 4 * chunks).fill(job + 1);
      const out = new Float32Array(memory.buffer, c, 32 * chunks).fill(Number.NaN);
      const calls = Array.from({ length: chunks }, (_, i) => [c + 128 * i, a + 16 * i, b, 4, 8, 1, 0]);
      pool.run('gemm_nn', simd.gemm_nn, calls);
      const wrong = out.findIndex((x) => x !== job + 1);
      expect(wrong, `job ${job}: element ${wrong} is ${out[wrong]}`).toBe(-1);
    }
  });

  it('reports a trap in a chunk as an error naming the kernel, and keeps working', () => {
    const outside = 64 * PAGE_BYTES; // one past the memory's last byte
    const ok = [65536, 0, 0, 4, 8, 1, 0];
    expect(() => pool.run('gemm_nn', simd.gemm_nn, [ok, ok, [outside, 0, 0, 4, 8, 1, 0], ok])).toThrow(
      /kernel gemm_nn failed on chunk 2 of 4/,
    );
    expect(() => pool.run('gemm_nn', simd.gemm_nn, [ok, ok, ok])).not.toThrow();
    expect(() => pool.run('nope', simd.gemm_nn, [ok])).toThrow(/no function nope/);
    expect(() => pool.run('gemm_nn', simd.gemm_nn, Array(65).fill(ok))).toThrow(/65 chunks, at most 64/);
  });

  it('splits ranges into at most the parts asked, in multiples, covering every item once', () => {
    for (const [count, parts, multiple] of [
      [1536, 2, 4],
      [44, 3, 4],
      [5, 2, 1],
      [3, 8, 1],
      [4, 2, 4],
      [1, 3, 1],
    ]) {
      const ranges = splitRange(count, parts, multiple);
      expect(ranges.length).toBeLessThanOrEqual(parts);
      expect(ranges[0][0]).toBe(0);
      expect(ranges.at(-1)![1]).toBe(count);
      for (const [i, [start, end]] of ranges.entries()) {
        expect(end).toBeGreaterThan(start);
        if (i > 0) expect(start).toBe(ranges[i - 1][1]);
        if (i < ranges.length - 1) expect((end - start) % multiple).toBe(0);
      }
    }
    expect(splitRange(1536, 2, 4)).toEqual([
      [0, 768],
      [768, 1536],
    ]);
  });
});
