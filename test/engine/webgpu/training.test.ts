/**
 * A small MLP's forward and backward pass and 20 Adam steps give the same numbers on webgpu
 * (software adapter) as on cpu, reading every value asynchronously and leaving no tensor behind.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../../src-main/engine/backend';
import { tf } from '../../../src-main/engine/tf';
import { countSyncReads, maxRelDiff, runOn, seededValues } from './compare';
import { skipWithoutSoftwareAdapter, useSoftwareAdapter } from './software-adapter';

const TOLERANCE = 1e-5;
const BATCH = 16;
const SIZES = [8, 32, 4]; // input, hidden, classes

/** Fixed starting weights (W1, b1, W2, b2), identical on every backend. */
function initialWeights(): tf.Tensor[] {
  const [inputs, hidden, classes] = SIZES;
  return [
    tf.tensor2d(seededValues(inputs * hidden, 21, 0.5), [inputs, hidden]),
    tf.tensor1d(seededValues(hidden, 22, 0.1)),
    tf.tensor2d(seededValues(hidden * classes, 23, 0.5), [hidden, classes]),
    tf.tensor1d(seededValues(classes, 24, 0.1)),
  ];
}

function batch(): { x: tf.Tensor2D; labels: tf.Tensor2D } {
  const classes = SIZES[2];
  const ids = Array.from(seededValues(BATCH, 25), (v) => Math.floor(((v + 1) / 2) * classes));
  return {
    x: tf.tensor2d(seededValues(BATCH * SIZES[0], 26), [BATCH, SIZES[0]]),
    labels: tf.tidy(() => tf.oneHot(tf.tensor1d(ids, 'int32'), classes).toFloat() as tf.Tensor2D),
  };
}

/** Mean softmax cross-entropy of a one-hidden-layer tanh MLP. */
function mlpLoss(x: tf.Tensor2D, labels: tf.Tensor2D, [w1, b1, w2, b2]: tf.Tensor[]): tf.Scalar {
  const hidden = tf.tanh(tf.add(tf.matMul(x, w1), b1)); // [B, H]
  const logits = tf.add(tf.matMul(hidden, w2), b2); // [B, C]
  return tf.losses.softmaxCrossEntropy(labels, logits) as tf.Scalar;
}

/** 20 Adam steps, reading the loss after each one as a trainer would; returns losses then weights. */
async function adamRun(): Promise<tf.Tensor[]> {
  const { x, labels } = batch();
  const variables = initialWeights().map((w) => {
    const v = tf.variable(w);
    w.dispose();
    return v;
  });
  const optimizer = tf.train.adam(0.05);
  const losses: number[] = [];
  for (let step = 0; step < 20; step++) {
    const cost = optimizer.minimize(() => mlpLoss(x, labels, variables), true, variables);
    losses.push((await cost!.data())[0]);
    cost!.dispose();
  }
  const out = [tf.tensor1d(losses), ...variables.map((v) => v.clone())];
  optimizer.dispose();
  tf.dispose([x, labels, ...variables]);
  return out;
}

describe.skipIf(skipWithoutSoftwareAdapter('webgpu training'))('webgpu training against cpu (software adapter)', () => {
  let cleanup = () => {};
  let syncReads: ReturnType<typeof countSyncReads>;

  beforeAll(async () => {
    cleanup = useSoftwareAdapter();
    await selectBackend('webgpu');
    syncReads = countSyncReads();
  });

  afterAll(async () => {
    syncReads?.restore();
    await selectBackend('cpu');
    cleanup();
  });

  it('MLP forward and backward: loss and every gradient', async () => {
    const compute = () =>
      tf.tidy(() => {
        const { x, labels } = batch();
        const { value, grads } = tf.valueAndGrads((...w: tf.Tensor[]) => mlpLoss(x, labels, w))(initialWeights());
        return [value, ...grads];
      });
    const cpu = await runOn('cpu', compute);
    const gpu = await runOn('webgpu', compute);
    expect([cpu.leaked, gpu.leaked]).toEqual([0, 0]);
    expect(cpu.values[0][0]).toBeGreaterThan(0);
    expect(maxRelDiff(gpu.values, cpu.values)).toBeLessThan(TOLERANCE);
  });

  it('20 Adam steps: the same loss curve and final weights', async () => {
    const cpu = await runOn('cpu', adamRun);
    const gpu = await runOn('webgpu', adamRun);
    expect([cpu.leaked, gpu.leaked]).toEqual([0, 0]);
    const losses = cpu.values[0];
    expect(losses[19]).toBeLessThan(losses[0] * 0.8); // it really trained
    expect(maxRelDiff(gpu.values, cpu.values)).toBeLessThan(TOLERANCE);
  });

  it('no value was read synchronously', () => {
    expect(syncReads.count()).toBe(0);
  });
});
