import { describe, expect, it } from 'vitest';
import { aggregationWeights } from '../../../src-main/engine/rl/aggregate';
import { expectClose } from '../support';

// Two responses: lengths 3 and 1 in a batch padded to T = 3.
const input = { mask: Float32Array.from([1, 1, 1, 1, 0, 0]), rows: 2, cols: 3, maxAnswerLen: 4 };

describe('aggregation weights', () => {
  it('token-mean: 1 / sum|o_i| on every token', () => {
    expectClose(Array.from(aggregationWeights('token-mean', input)), [0.25, 0.25, 0.25, 0.25, 0, 0], 1e-7);
  });

  it('seq-mean-token-mean: 1 / (B |o_i|)', () => {
    expectClose(Array.from(aggregationWeights('seq-mean-token-mean', input)), [1 / 6, 1 / 6, 1 / 6, 0.5, 0, 0], 1e-7);
  });

  it('seq-mean-token-sum-norm (Dr. GRPO): 1 / (B L) with L the max answer length', () => {
    expectClose(
      Array.from(aggregationWeights('seq-mean-token-sum-norm', input)),
      [0.125, 0.125, 0.125, 0.125, 0, 0],
      1e-7,
    );
  });

  it('token-mean and seq-mean weights each sum to 1; padding never weighs', () => {
    for (const name of ['token-mean', 'seq-mean-token-mean'] as const) {
      const w = aggregationWeights(name, input);
      expect(w.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 6);
      expect([w[4], w[5]]).toEqual([0, 0]);
    }
  });

  it('rejects a mask of the wrong size', () => {
    expect(() => aggregationWeights('token-mean', { ...input, rows: 3 })).toThrow(/expected 3 x 3/);
  });
});
