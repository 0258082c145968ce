import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { presetConfig } from '../../src-main/contract';
import { backendOptionsFor, selectBackend } from '../../src-main/engine/backend';
import { tf } from '../../src-main/engine/tf';

afterAll(() => selectBackend('cpu'));

/** Whether tfjs-node(-gpu) is installed with its native addon (it is not on machines without internet). */
function addonInstalled(pkg: string): boolean {
  try {
    const lib = path.join(path.dirname(createRequire(import.meta.url).resolve(`${pkg}/package.json`)), 'lib');
    return fs.readdirSync(lib).some((d) => fs.existsSync(path.join(lib, d, 'tfjs_binding.node')));
  } catch {
    return false;
  }
}

describe('selectBackend', () => {
  it('fails cleanly for "tensorflow" when no tfjs-node native addon is installed', async () => {
    const available = ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node'].some(addonInstalled);
    const warn = vi.spyOn(console, 'warn');
    try {
      if (available) {
        expect((await selectBackend('tensorflow')).name).toBe('tensorflow');
      } else {
        await expect(selectBackend('tensorflow')).rejects.toThrow(
          'backend "tensorflow" is not available on this machine',
        );
        await expect(selectBackend('tensorflow')).rejects.toThrow(/not available/);
        expect(warn).not.toHaveBeenCalled(); // nothing half-registered
      }
    } finally {
      warn.mockRestore();
    }
  });

  it('runs concurrent selections one after another, the last one winning', async () => {
    // wasm's first initialisation is asynchronous: two at once used to fail the second.
    const [first, second, third] = await Promise.all([
      selectBackend('wasm'),
      selectBackend('wasm'),
      selectBackend('cpu'),
    ]);
    expect([first.name, second.name, third.name]).toEqual(['wasm', 'wasm', 'cpu']);
    expect(tf.getBackend()).toBe('cpu');
  });

  it('makes wasm current and says how it runs', async () => {
    const info = await selectBackend('wasm');
    expect(info.name).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
    expect(info.detail).toMatch(/^wasm \(XNNPACK, (no )?SIMD, \d+ threads? per process\)$/);
  });
});

describe('backendOptionsFor', () => {
  it("gives XNNPACK's pool the threads for the HF policy only (its work is XNNPACK's matmuls)", () => {
    expect(backendOptionsFor(presetConfig('smollm2-gsm8k-random-sym'), 2)).toEqual({
      threads: 2,
      xnnpackThreads: true,
    });
    expect(backendOptionsFor(presetConfig('gpt-random-sym'), 2)).toEqual({ threads: 2, xnnpackThreads: false });
    expect(backendOptionsFor(presetConfig('tabular-random-sym'), 1)).toEqual({ threads: 1, xnnpackThreads: false });
  });
});
