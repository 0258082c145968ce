/**
 * Our kernels split over kernel threads (engine/simd/kernels.ts, pool.ts) give the same bytes as on
 * one thread, for every kernel that splits and for splits that do not divide evenly. Each thread
 * count runs in its own process (the wasm module starts once per process); 3 threads also runs on
 * a 2-core machine, more slowly.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

function runWith(threads: number): { threads: number; out: Record<string, string> } {
  const script = path.join(import.meta.dirname, 'split-child.ts');
  const child = spawnSync(process.execPath, ['--import', 'tsx', script, String(threads)], {
    encoding: 'utf8',
    timeout: 120_000,
  });
  if (child.status !== 0) throw new Error(`the ${threads}-thread child failed (${child.status}): ${child.stderr}`);
  return JSON.parse(child.stdout.trim().split('\n').at(-1)!) as { threads: number; out: Record<string, string> };
}

describe('kernels split over threads', () => {
  it('write the bytes of one thread at 2 and 3 threads', () => {
    const one = runWith(1);
    expect(one.threads).toBe(1);
    expect(Object.keys(one.out)).toHaveLength(10);
    for (const threads of [2, 3]) {
      const many = runWith(threads);
      expect(many.threads).toBe(threads);
      for (const [name, hash] of Object.entries(one.out))
        expect(many.out[name], `${name} at ${threads} threads`).toBe(hash);
    }
  }, 300_000);
});
