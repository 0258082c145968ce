import { describe, expect, it } from 'vitest';
import { computeAdvantages, unbiasedStd, zeroStdFraction } from '../../../src-main/engine/rl/advantages';
import { expectClose } from '../support';

const rewards = Float32Array.from([1, 0, 0, 1, /* group 2 */ 1, 1, 1, 1, /* group 3 */ 0, 0, 0, 1]);
const lengths = new Float32Array(12).fill(1);
const input = { rewards, groupSize: 4, lengths };

describe('advantage estimators', () => {
  it('grpo: (R - mean) / (unbiased std + 1e-6), 0 for zero-variance groups', () => {
    const s1 = Math.sqrt(1 / 3); // std of [1, 0, 0, 1] with n - 1
    const s3 = Math.sqrt(0.25); // [0, 0, 0, 1]: mean 0.25, sum sq 0.75 / 3
    const a = 0.5 / (s1 + 1e-6);
    const expected = [a, -a, -a, a, 0, 0, 0, 0, ...[-0.25, -0.25, -0.25, 0.75].map((d) => d / (s3 + 1e-6))];
    expectClose(Array.from(computeAdvantages('grpo', input)), expected, 1e-6);
  });

  it('dr_grpo: R - mean, no std division', () => {
    const expected = [0.5, -0.5, -0.5, 0.5, 0, 0, 0, 0, -0.25, -0.25, -0.25, 0.75];
    expectClose(Array.from(computeAdvantages('dr_grpo', input)), expected, 1e-7);
  });

  it('rloo: R_i - mean of the other G - 1', () => {
    const expected = [1 - 1 / 3, -2 / 3, -2 / 3, 1 - 1 / 3, 0, 0, 0, 0, -1 / 3, -1 / 3, -1 / 3, 1];
    expectClose(Array.from(computeAdvantages('rloo', input)), expected, 1e-6);
  });

  it('reinforce_pp: rewards whitened over the batch (token-weighted, unbiased variance)', () => {
    const r = [1, 0, 2, 0];
    const len = [1, 2, 1, 4];
    const tokens = 8;
    const mean = (1 * 1 + 0 + 2 * 1 + 0) / tokens;
    const variance = len.reduce((a, l, i) => a + l * (r[i] - mean) ** 2, 0) / (tokens - 1);
    const expected = r.map((x) => (x - mean) / Math.sqrt(variance + 1e-8));
    const out = computeAdvantages('reinforce_pp', { rewards: Float32Array.from(r), groupSize: 1, lengths: len });
    expectClose(Array.from(out), expected, 1e-6);
    const uniform = computeAdvantages('reinforce_pp', {
      rewards: Float32Array.from([1, 0, 1, 0]),
      groupSize: 2,
      lengths: [1, 1, 1, 1],
    });
    expectClose(
      Array.from(uniform),
      [1, -1, 1, -1].map((s) => (s * 0.5) / Math.sqrt(1 / 3 + 1e-8)),
      1e-6,
    );
  });

  it('every estimator is zero-mean within each group when rewards are random', () => {
    for (const estimator of ['grpo', 'dr_grpo', 'rloo'] as const) {
      const a = computeAdvantages(estimator, input);
      for (let g = 0; g < 3; g++) expect(a.slice(4 * g, 4 * g + 4).reduce((x, y) => x + y, 0)).toBeCloseTo(0, 6);
    }
  });

  it('rejects rewards that do not split into groups', () => {
    expect(() =>
      computeAdvantages('grpo', { rewards: new Float32Array(5), groupSize: 2, lengths: new Float32Array(5) }),
    ).toThrow(/do not split into groups of 2/);
  });

  it('helpers: unbiased std and zero-variance share', () => {
    expect(unbiasedStd([1, 2, 3, 4])).toBeCloseTo(Math.sqrt(5 / 3), 12);
    expect(zeroStdFraction(rewards, 4)).toBeCloseTo(1 / 3, 12);
  });
});
