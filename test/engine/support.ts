/** Shared helpers for engine tests: backend setup and float64 finite differences. */
import { selectBackend } from '../../src-main/engine/backend';
import type { tf } from '../../src-main/engine/tf';

/** Tests run on the pure-JS cpu backend: fast to load, deterministic, and enough for small sizes. */
export async function useCpuBackend(): Promise<void> {
  await selectBackend('cpu');
}

/** Central finite-difference gradient of a float64 function of a vector. */
export function numericGradient(f: (x: number[]) => number, x: readonly number[], h = 1e-6): number[] {
  return x.map((_, i) => {
    const up = [...x];
    const down = [...x];
    up[i] += h;
    down[i] -= h;
    return (f(up) - f(down)) / (2 * h);
  });
}

/** Reads a tensor as plain numbers (tests may read synchronously; the training loop never does). */
export async function values(t: tf.Tensor): Promise<number[]> {
  return Array.from(await t.data());
}

export function expectClose(actual: readonly number[], expected: readonly number[], tol: number): void {
  if (actual.length !== expected.length) throw new Error(`length ${actual.length} != ${expected.length}`);
  actual.forEach((a, i) => {
    const scale = Math.max(1, Math.abs(expected[i]));
    if (!(Math.abs(a - expected[i]) <= tol * scale)) {
      throw new Error(
        `index ${i}: got ${a}, expected ${expected[i]} (tol ${tol})\nactual   ${actual}\nexpected ${expected}`,
      );
    }
  });
}
