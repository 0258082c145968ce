/**
 * Exact entropy attribution on Hugging Face policies (tiny random checkpoints written by
 * transformers from a config, no download): for one clipped update through the trainer's own
 * runUpdate, `total` = <grad Hbar, theta_{k+1} - theta_k> must equal a central difference of the
 * measured mean entropy along the step actually taken, for full fine-tuning and for LoRA adapters
 * (only the adapters are variables, so only they move), with and without micro-batch gradient
 * accumulation (every micro-batch's tokens enter the split), under SGD and Adam.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { METRIC, runConfigSchema, type RunConfig } from '../../../src-main/contract';
import { selectBackend } from '../../../src-main/engine/backend';
import { createOptimizer } from '../../../src-main/engine/optim';
import type { HfPolicy } from '../../../src-main/engine/policies/hf/policy';
import { aggregationWeights } from '../../../src-main/engine/rl/aggregate';
import { createRng } from '../../../src-main/engine/rng';
import { createTrainer } from '../../../src-main/engine/trainer';
import { microChunks, selectRows } from '../../../src-main/engine/trainer/batch';
import { runUpdate, type ExactAttribution, type Minibatch } from '../../../src-main/engine/trainer/update';
import { tf } from '../../../src-main/engine/tf';
import type { SequenceBatch, TensorMap } from '../../../src-main/engine/types';
import { python } from '../../support/python';
import { tinyHfConfig, writeGsm8k } from './fixtures';
import { Reference, skipReason, tempDir, type Arch, START_TIMEOUT_MS } from './support';
import { ADVANTAGES, batchOf, TEMPERATURE, tinyPolicy } from './policies';

interface Case {
  arch: Arch;
  role: 'full' | 'lora';
  optimizer: 'sgd' | 'adam';
  lr: number;
  microBatch: number | null;
}

/** Hbar exactly as the `entropy` metric reads it: masked entropy summed over chunks / positions. */
async function meanEntropy(policy: HfPolicy, chunks: readonly SequenceBatch[]): Promise<number> {
  let [sum, positions] = [0, 0];
  for (const chunk of chunks) {
    const h = tf.tidy(() => policy.tokenStats(chunk, TEMPERATURE).entropy);
    const values = await h.data();
    h.dispose();
    values.forEach((x, i) => (sum += chunk.mask[i] * x));
    positions += chunk.mask.reduce((a, m) => a + m, 0);
  }
  return sum / positions;
}

/** before + s * (after - before), variable by variable. */
function along(before: TensorMap, after: TensorMap, s: number): TensorMap {
  return Object.fromEntries(
    Object.entries(before).map(([n, t]) => [
      n,
      { shape: t.shape, data: t.data.map((x, i) => x + s * (after[n].data[i] - x)) },
    ]),
  );
}

describe.skipIf(!python)(`exact attribution on Hugging Face policies${skipReason}`, () => {
  const tmp = tempDir();
  let ref: Reference;
  beforeAll(async () => {
    ref = await Reference.start();
    await selectBackend('cpu');
  }, START_TIMEOUT_MS);
  afterAll(() => {
    ref?.close();
    tmp.remove();
  });

  /** A policy at a point where clipping acts, the minibatch, and the step's entropy chunks. */
  async function setUp(c: Case, dir: string) {
    const policy = await tinyPolicy(dir, c.role);
    const batch = batchOf();
    const stats = policy.tokenStats(batch, TEMPERATURE);
    const [logp, entropy] = [await stats.logp.data(), await stats.entropy.data()];
    tf.dispose(Object.values(stats));
    // pi_old away from pi, so that both clip sides act on the first update.
    const rng = createRng(11, 'old');
    const oldLogp = Float32Array.from(logp, (x, i) => (batch.mask[i] ? x + 0.35 * rng.normal() : 0));
    const T = batch.responseLen;
    const mb: Minibatch = {
      batch,
      oldLogp,
      oldEntropy: entropy as Float32Array,
      refLogp: logp as Float32Array,
      advantages: Float32Array.from(batch.mask, (m, i) => m * ADVANTAGES[Math.floor(i / T)]),
      contextWeights: new Float32Array(batch.mask.length),
      weights: aggregationWeights('token-mean', { mask: batch.mask, rows: batch.size, cols: T, maxAnswerLen: 5 }),
      uniforms: new Float32Array(batch.mask.length),
      tokenCount: batch.mask.reduce((a, b) => a + b, 0),
    };
    const rows = Array.from({ length: batch.size }, (_, i) => i);
    const chunks = microChunks([rows], c.microBatch).map((r) => selectRows(batch, r));
    return { policy, mb, chunks };
  }

  /** One attributed update: its record, and Hbar along the step it took at s = -1, 0, 1. */
  async function attributedStep(c: Case, checkpoint?: string) {
    const dir =
      checkpoint ?? (await ref.make(tmp.dir, c.arch, {}, `${c.arch}-${c.role}-${c.optimizer}-${c.microBatch}`));
    const { policy, mb, chunks } = await setUp(c, dir);
    try {
      const config: RunConfig = runConfigSchema.parse(
        tinyHfConfig(dir, 'unused.jsonl', {
          objective: { clipLow: 0.2, clipHigh: 0.28 },
          optim: {
            optimizer: c.optimizer,
            lr: c.lr,
            gradClip: null,
            epochs: 1,
            minibatches: 1,
            microBatch: c.microBatch,
          },
          rollout: { prompts: 2, groupSize: 2, temperature: TEMPERATURE },
          attribution: { method: 'exact', every: 1 },
        }),
      );
      const names = policy.variables.map((v) => v.name);
      const before = await policy.getWeights();
      const optimizer = createOptimizer(config.optim, policy.variables);
      const record = await runUpdate(policy, optimizer, config, mb, { chunks, rule: 'tangent' });
      optimizer.dispose();
      const after = await policy.getWeights();
      const h: number[] = [];
      for (const s of [-1, 0, 1]) {
        policy.setWeights(along(before, after, s));
        h.push(await meanEntropy(policy, chunks));
      }
      return { record, exact: record.exact as ExactAttribution, h, names };
    } finally {
      policy.dispose();
    }
  }

  // Step sizes small enough that Hbar is nearly linear along the step (its curvature is what the
  // first order leaves out), large enough that the change stands far above float32 rounding.
  const cases: [string, Case][] = [
    ['Llama, LoRA, SGD, 2 micro-batches', { arch: 'llama', role: 'lora', optimizer: 'sgd', lr: 3e-3, microBatch: 2 }],
    ['Qwen2, full, SGD, one pass', { arch: 'qwen2', role: 'full', optimizer: 'sgd', lr: 1e-3, microBatch: null }],
    ['Qwen2, full, SGD, 2 micro-batches', { arch: 'qwen2', role: 'full', optimizer: 'sgd', lr: 1e-3, microBatch: 2 }],
    ['GPT-2, LoRA, Adam, 2 micro-batches', { arch: 'gpt2', role: 'lora', optimizer: 'adam', lr: 3e-4, microBatch: 2 }],
  ];

  it.each(cases)('entropy/delta_pred is <grad Hbar, d theta> (%s)', async (_name, c) => {
    const { record, exact, h, names } = await attributedStep(c);
    if (c.role === 'lora')
      expect(
        names.every((n) => /lora/.test(n)),
        'only adapters are trainable',
      ).toBe(true);
    expect(record.clipLow + record.clipHigh, 'clipping acted').toBeGreaterThan(0);
    // d/ds Hbar(theta + s d theta) at 0 by central difference: the first-order change along the step.
    const central = (h[2] - h[0]) / 2;
    const measured = h[2] - h[1];
    expect(Math.abs(exact.total), 'the step moves entropy measurably').toBeGreaterThan(1e-4);
    expect(Math.abs(exact.total - central)).toBeLessThan(0.01 * Math.abs(central));
    expect(exact.total / measured).toBeGreaterThan(0.8);
    expect(exact.total / measured).toBeLessThan(1.25);
    // The tokens' pushes account for the step: nothing but float32 rounding is left in `other`.
    const parts = [exact.unclipped, exact.low, exact.high, exact.dual, exact.momentum];
    const scale = parts.reduce((a, x) => a + Math.abs(x), 0);
    expect(Math.abs(exact.other)).toBeLessThan(1e-3 * scale);
    expect(exact.low, 'clip-low acted').not.toBe(0);
    expect(exact.high, 'clip-high acted').not.toBe(0);
  });

  it('micro-batch accumulation attributes the same step as one pass', async () => {
    const one: Case = { arch: 'qwen2', role: 'lora', optimizer: 'sgd', lr: 3e-3, microBatch: null };
    const dir = await ref.make(tmp.dir, one.arch, {}, 'accumulation');
    const [a, b] = [await attributedStep(one, dir), await attributedStep({ ...one, microBatch: 1 }, dir)];
    for (const k of ['total', 'unclipped', 'low', 'high'] as const) {
      expect(Math.abs(a.exact[k] - b.exact[k]), k).toBeLessThan(1e-4 * Math.abs(a.exact.total) + 1e-9);
    }
  });

  it('the trainer logs it on an HF run: predicted over measured near 1 for a small step', async () => {
    const dir = await ref.make(tmp.dir, 'qwen2', {}, 'trainer');
    const config = tinyHfConfig(dir, writeGsm8k(tmp.dir), {
      steps: 1,
      optim: { optimizer: 'sgd', lr: 3e-3, gradClip: null, epochs: 1, minibatches: 1, microBatch: 2 },
      eval: { every: 0, prompts: 2, k: 2 },
      attribution: { method: 'exact', every: 1 },
    });
    const trainer = await createTrainer(runConfigSchema.parse(config), { backend: await selectBackend('cpu') });
    try {
      const { metrics } = await trainer.runStep();
      const [predicted, measured] = [metrics[METRIC.entropyDeltaPred], metrics[METRIC.entropyDelta]];
      expect(Math.abs(measured), 'the step moved entropy').toBeGreaterThan(1e-5);
      expect(predicted / measured).toBeGreaterThan(0.8);
      expect(predicted / measured).toBeLessThan(1.25);
    } finally {
      trainer.dispose();
    }
  }, 300_000); // tfjs's JavaScript cpu backend: a minute on an idle machine
});
