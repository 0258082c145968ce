/**
 * The ops the trainer is built from agree between webgpu (on the software adapter) and cpu
 * (issue 9): matmuls in the layouts the GPT uses, wide softmax, and an attention block forward and
 * backward. Also pins the two hazards engine code must avoid on webgpu.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../../src-main/engine/backend';
import { tf } from '../../../src-main/engine/tf';
import { countSyncReads, maxRelDiff, runOn, seededValues, type BackendRun } from './compare';
import { skipWithoutSoftwareAdapter, useSoftwareAdapter } from './software-adapter';

const TOLERANCE = 1e-5;

function tensor(shape: number[], seed: number, scale = 1): tf.Tensor {
  return tf.tensor(
    seededValues(
      shape.reduce((a, b) => a * b, 1),
      seed,
      scale,
    ),
    shape,
  );
}

/** Runs `compute` on cpu then webgpu; both runs must free every tensor they made. */
async function onBoth(compute: () => tf.Tensor[]): Promise<{ cpu: BackendRun; gpu: BackendRun }> {
  const cpu = await runOn('cpu', compute);
  const gpu = await runOn('webgpu', compute);
  expect(cpu.leaked).toBe(0);
  expect(gpu.leaked).toBe(0);
  return { cpu, gpu };
}

/** Causal self-attention with an output projection, laid out as the GPT lays it out (4-D head transposes). */
function attentionLoss(x: tf.Tensor, wqkv: tf.Tensor, wo: tf.Tensor, heads: number): tf.Scalar {
  const [batch, time, model] = x.shape;
  const headDim = model / heads;
  const qkv = tf.matMul(x.reshape([batch * time, model]), wqkv).reshape([batch, time, 3, heads, headDim]);
  const [q, k, v] = tf.unstack(qkv, 2).map((t) => t.transpose([0, 2, 1, 3])); // [B, H, T, D]
  const causal = tf.linalg.bandPart(tf.ones([time, time]), -1, 0);
  const blocked = tf.mul(tf.sub(1, causal), -1e9); // [T, T]
  // Broadcast the mask to the full shape first: no two-sided broadcast on webgpu.
  const scores = tf.add(
    tf.div(tf.matMul(q, k, false, true), Math.sqrt(headDim)),
    blocked.broadcastTo([batch, heads, time, time]),
  );
  const mixed = tf
    .matMul(tf.softmax(scores), v)
    .transpose([0, 2, 1, 3])
    .reshape([batch * time, model]);
  return tf.mean(tf.square(tf.matMul(mixed, wo)));
}

describe.skipIf(skipWithoutSoftwareAdapter('webgpu ops'))('webgpu ops against cpu (software adapter)', () => {
  let cleanup = () => {};
  let syncReads: ReturnType<typeof countSyncReads>;

  beforeAll(async () => {
    cleanup = useSoftwareAdapter();
    const info = await selectBackend('webgpu');
    expect(info.adapter?.type).toBe('software');
    syncReads = countSyncReads();
  });

  afterAll(async () => {
    syncReads?.restore();
    await selectBackend('cpu');
    cleanup();
  });

  it('matMul: plain, transposed and batched (explicitly broadcast) operands', async () => {
    const { cpu, gpu } = await onBoth(() =>
      tf.tidy(() => {
        const a = tensor([33, 65], 1);
        const b = tensor([65, 17], 2);
        const batchedA = tensor([4, 3, 9, 16], 3);
        const batchedB = tensor([1, 3, 16, 5], 4).broadcastTo([4, 3, 16, 5]);
        return [
          tf.matMul(a, b),
          tf.matMul(a, tensor([17, 65], 5), false, true),
          tf.matMul(tensor([65, 33], 6), b, true, false),
          tf.matMul(batchedA, batchedB),
        ];
      }),
    );
    expect(maxRelDiff(gpu.values, cpu.values)).toBeLessThan(TOLERANCE);
  });

  it('softmax and logSoftmax over 20k columns', async () => {
    const { cpu, gpu } = await onBoth(() =>
      tf.tidy(() => {
        const logits = tensor([3, 20_000], 7, 8);
        return [tf.softmax(logits), tf.logSoftmax(logits)];
      }),
    );
    expect(maxRelDiff(gpu.values, cpu.values)).toBeLessThan(TOLERANCE);
    const rowSums = cpu.values[0].reduce((s, p) => s + p, 0);
    expect(rowSums).toBeCloseTo(3, 4);
  });

  it('causal attention: loss and gradients of every weight', async () => {
    const { cpu, gpu } = await onBoth(() =>
      tf.tidy(() => {
        const x = tensor([2, 7, 16], 8);
        const weights = [tensor([16, 48], 9, 0.3), tensor([16, 16], 10, 0.3)];
        const { value, grads } = tf.valueAndGrads((wqkv: tf.Tensor, wo: tf.Tensor) => attentionLoss(x, wqkv, wo, 4))(
          weights,
        );
        return [value, ...grads];
      }),
    );
    expect(cpu.values[0][0]).toBeGreaterThan(0);
    expect(maxRelDiff(gpu.values, cpu.values)).toBeLessThan(TOLERANCE);
  });

  it('reads above never went through dataSync/arraySync', () => {
    expect(syncReads.count()).toBe(0);
  });

  describe('what engine code must avoid on webgpu', () => {
    it('synchronous reads of a GPU tensor throw in Node; await data() works', async () => {
      await selectBackend('webgpu');
      const t = tf.matMul(tensor([8, 8], 11), tensor([8, 8], 12));
      expect(() => t.dataSync()).toThrow(/OffscreenCanvas/);
      expect((await t.data()).length).toBe(64);
      t.dispose();
    });

    it('a batched matMul broadcasting both operands fails: broadcast one side first', async () => {
      await selectBackend('webgpu');
      expect(() => tf.tidy(() => tf.matMul(tensor([4, 1, 9, 16], 13), tensor([1, 3, 16, 5], 14)))).toThrow();
    });
  });
});
