import { beforeAll, describe, expect, it } from 'vitest';
import {
  entropyOf,
  npgEntropyChange,
  pgEntropyChange,
  pgEntropyCoefficient,
  softmaxStats,
} from '../../../src-main/engine/rl/entropy';
import { tf } from '../../../src-main/engine/tf';
import { expectClose, useCpuBackend, values } from '../support';

beforeAll(useCpuBackend);

const LOGITS = [
  [2.0, 0.5, -1.0, 0.0, -3.0],
  [0.1, 0.2, 0.3, -Infinity, 0.0], // a forbidden token
];

const softmax = (z: number[], T: number) => {
  const m = Math.max(...z.filter(Number.isFinite)) / T;
  const e = z.map((x) => Math.exp(x / T - m));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((x) => x / s);
};

describe('exact entropy statistics', () => {
  it('match direct float64 sums, with -inf logits and a temperature', async () => {
    for (const T of [1, 0.7]) {
      const stats = softmaxStats(tf.tensor2d(LOGITS), T);
      const probs = LOGITS.map((z) => softmax(z, T));
      const H = probs.map(entropyOf);
      const sq = probs.map((p, r) => p.reduce((a, pb) => (pb > 0 ? a + pb * pb * (Math.log(pb) + H[r]) : a), 0));
      expectClose(await values(stats.entropy), H, 1e-5);
      expectClose(await values(stats.sqTerm), sq, 1e-5);
    }
  });

  it('the per-token coefficient equals the float64 PG term per unit eta * w', async () => {
    const T = 0.8;
    const probs = softmax(LOGITS[0], T);
    const stats = softmaxStats(tf.tensor2d([LOGITS[0]]), T);
    const logp = (await values(stats.logp)).slice(0, 5);
    const H = (await values(stats.entropy))[0];
    const sq = (await values(stats.sqTerm))[0];
    const coefficient = pgEntropyCoefficient(tf.tensor1d(logp), tf.fill([5], H), tf.fill([5], sq), T);
    expectClose(
      await values(coefficient),
      probs.map((_, a) => pgEntropyChange(probs, a, 1, 1, T)),
      1e-5,
    );
  });
});

describe('first-order entropy change of one token', () => {
  /** Entropy after the PG step dz = eta w (e_a - pi) / T, exactly. */
  function entropyAfterStep(z: number[], a: number, eta: number, w: number, T: number): number {
    const pi = softmax(z, T);
    const moved = z.map((x, b) => x + ((eta * w) / T) * ((b === a ? 1 : 0) - pi[b]));
    return entropyOf(softmax(moved, T));
  }

  it('predicts the exact change to first order (ratio -> 1 as eta -> 0)', () => {
    const z = LOGITS[0];
    const T = 1.3;
    for (const a of [0, 2, 4]) {
      const errors = [1e-1, 1e-2, 1e-3].map((eta) => {
        const exact = entropyAfterStep(z, a, eta, 0.7, T) - entropyOf(softmax(z, T));
        return Math.abs(pgEntropyChange(softmax(z, T), a, eta, 0.7, T) / exact - 1);
      });
      expect(errors[1]).toBeLessThan(errors[0]);
      expect(errors[2]).toBeLessThan(2e-3);
    }
  });

  it('has the paper signs: clip-low on a rare token drifts entropy up, clip-high drifts it down', () => {
    const pi = softmax(LOGITS[0], 1);
    const rare = 4; // pi = 0.008, surprisal far above H
    const H = entropyOf(pi);
    expect(-Math.log(pi[rare])).toBeGreaterThan(H);
    // clip-low deletes a push-down (A < 0, w < 0); drift = -dH of the deleted term
    expect(-pgEntropyChange(pi, rare, 0.1, -1)).toBeGreaterThan(0);
    expect(-npgEntropyChange(0.1, -1, -Math.log(pi[rare]), H)).toBeGreaterThan(0);
    // clip-high deletes a push-up (A > 0, w > 0)
    expect(-pgEntropyChange(pi, rare, 0.1, 1)).toBeLessThan(0);
    expect(-npgEntropyChange(0.1, 1, -Math.log(pi[rare]), H)).toBeLessThan(0);
    // the likeliest token has the opposite sign: pushing it up lowers entropy
    expect(pgEntropyChange(pi, 0, 0.1, 1)).toBeLessThan(0);
  });

  it('sums to zero over the policy: an expected-zero advantage moves entropy by nothing on average', () => {
    const pi = softmax(LOGITS[0], 1);
    const expected = pi.reduce((a, p, b) => a + p * pgEntropyChange(pi, b, 1, 1), 0);
    expect(Math.abs(expected)).toBeLessThan(1e-12);
  });
});
