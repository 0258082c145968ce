/**
 * Activation checkpointing of HF blocks (model.ts): a scoring pass runs each block as one op that
 * keeps only its input and recomputes the block under a nested tape in the backward pass. Its value
 * and its gradients (for the block inputs, full fine-tuning's weights and LoRA adapters) must equal
 * those of the plain pass that keeps every intermediate, the nested tape must leave the outer
 * gradient computation working, and nothing may leak.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../../src-main/engine/backend';
import type { ForwardMode } from '../../../src-main/engine/policies/hf/model';
import type { HfPolicy } from '../../../src-main/engine/policies/hf/policy';
import { createRng } from '../../../src-main/engine/rng';
import { tf } from '../../../src-main/engine/tf';
import { python } from '../../support/python';
import { Reference, skipReason, START_TIMEOUT_MS, tempDir, type Arch } from './support';
import { tinyPolicy } from './policies';

const ROWS = 2;
const TOKENS = Int32Array.from([5, 250, 17, 3, 99, 33, 230, 120, 12, 77, 40, 18]); // 6 positions x 2 rows
const PADS = Int32Array.from([0, 2]);

describe.skipIf(!python)(`checkpointed HF blocks${skipReason}`, () => {
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

  const policyFor = async (arch: Arch, role: 'full' | 'lora') =>
    tinyPolicy(await ref.make(tmp.dir, arch, {}, `${arch}-${role}`), role, 4);

  /** A loss of every position's log-probabilities with fixed random weights, and its gradients. */
  function lossAndGrads(policy: HfPolicy, mode: ForwardMode) {
    const variables = policy.variables as tf.Variable[];
    return tf.tidy(() => {
      const V = policy.model.spec.vocab;
      const rng = createRng(3, 'w');
      const weights = tf.tensor2d(
        Float32Array.from({ length: TOKENS.length * V }, () => rng.normal()),
        [TOKENS.length, V],
      );
      const { value, grads } = tf.variableGrads(() => {
        const { hidden } = policy.model.forward({ tokens: TOKENS, batch: ROWS, pads: PADS }, null, mode);
        return tf.sum(tf.mul(tf.logSoftmax(policy.model.logits(hidden)), weights)) as tf.Scalar;
      }, variables);
      return { value, grads: variables.map((v) => grads[v.name]) };
    });
  }

  const cases: [Arch, 'full' | 'lora'][] = [
    ['llama3', 'full'],
    ['qwen3', 'lora'],
    ['gpt2', 'full'],
    ['gpt2', 'lora'],
  ];

  it.each(cases)('%s, %s: same value and gradients as the plain pass, nothing leaks', async (arch, role) => {
    const policy = await policyFor(arch, role);
    try {
      const plain = lossAndGrads(policy, 'cache');
      const before = tf.memory().numTensors;
      const checkpointed = lossAndGrads(policy, 'scores');
      const again = lossAndGrads(policy, 'scores'); // the outer tape survived the nested ones
      expect(tf.memory().numTensors - before).toBe(2 * (1 + policy.variables.length));
      expect(policy.variables.length).toBeGreaterThan(0);
      const value = plain.value.dataSync()[0];
      expect(checkpointed.value.dataSync()[0]).toBeCloseTo(value, 3);
      for (let i = 0; i < plain.grads.length; i++) {
        const [a, b, c] = [plain.grads[i], checkpointed.grads[i], again.grads[i]].map((g) => g.dataSync());
        const scale = Math.max(...a.map(Math.abs));
        expect(scale).toBeGreaterThan(0);
        const err = Math.max(...a.map((x, j) => Math.abs(x - b[j])));
        expect(err / scale).toBeLessThan(1e-4);
        expect(Array.from(c)).toEqual(Array.from(b));
      }
      tf.dispose([plain, checkpointed, again].flatMap((r) => [r.value, ...r.grads]));
    } finally {
      policy.dispose();
    }
  });
});
