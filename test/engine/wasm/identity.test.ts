/**
 * wasm's Identity shares its input's buffer (engine/wasm.ts): a clone reads the same values, each
 * tensor outlives the other's disposal, and the buffer is freed once both are gone.
 */
import { describe, expect, it } from 'vitest';
import { selectBackend } from '../../../src-main/engine/backend';
import { tf } from '../../../src-main/engine/tf';

describe('wasm Identity without a copy', () => {
  it('shares the buffer, reference-counted', async () => {
    await selectBackend('wasm');
    const buffers = () => (tf.backend() as unknown as { numDataIds(): number }).numDataIds();
    const before = buffers();
    const x = tf.tensor2d([
      [1, 2],
      [3, 4],
    ]);
    const c = tf.clone(x);
    expect(buffers() - before).toBe(1); // one buffer for two tensors
    x.dispose();
    expect(Array.from(c.dataSync())).toEqual([1, 2, 3, 4]);
    const d = tf.clone(c);
    c.dispose();
    expect(Array.from(d.dataSync())).toEqual([1, 2, 3, 4]);
    d.dispose();
    expect(buffers()).toBe(before);
    // A clone saved for a gradient still gives the right gradient: d(x * x)/dx = 2x.
    const g = tf.grad((v: tf.Tensor) => tf.sum(tf.mul(v, v)))(tf.tensor1d([1.5, -2]));
    expect(Array.from(g.dataSync())).toEqual([3, -4]);
  });
});
