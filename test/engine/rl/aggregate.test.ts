import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { AGGREGATIONS, aggregationWeights } from '../../../src-main/engine/rl/aggregate';
import { createRng } from '../../../src-main/engine/rng';
import { python, pythonMissing, runPython } from '../../support/python';
import { expectClose } from '../support';

const VERL_AGG_LOSS = path.join(import.meta.dirname, '..', '..', 'reference', 'verl_agg_loss.py');
const AGGREGATION_NAMES = Object.keys(AGGREGATIONS) as (keyof typeof AGGREGATIONS)[];

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

describe('seq-mean-token-sum (verl and TRL luspo): 1 / B', () => {
  it('weighs every token of every response 1 / B, so longer responses weigh more', () => {
    expectClose(Array.from(aggregationWeights('seq-mean-token-sum', input)), [0.5, 0.5, 0.5, 0.5, 0, 0], 1e-7);
  });
});

describe.skipIf(!python)(
  `every aggregation equals verl's agg_loss${python ? '' : ` (skipped: ${pythonMissing})`}`,
  () => {
    it('on ragged random batches (seq-mean-token-sum-norm with loss_scale_factor = L)', () => {
      const random = createRng(18, 'aggregation');
      const rng = () => random.next();
      const cases: { mode: string; loss_mat: number[][]; mask: number[][]; loss_scale_factor: number }[] = [];
      const ours: number[] = [];
      for (const mode of AGGREGATION_NAMES) {
        for (let trial = 0; trial < 4; trial++) {
          const rows = 2 + trial;
          const cols = 3 + trial;
          const lengths = Array.from({ length: rows }, () => 1 + Math.floor(rng() * cols));
          const mask = lengths.flatMap((len) => Array.from({ length: cols }, (_, t) => (t < len ? 1 : 0)));
          const loss = mask.map(() => rng() * 2 - 1);
          const maxAnswerLen = cols + 2;
          const w = aggregationWeights(mode, { mask: Float32Array.from(mask), rows, cols, maxAnswerLen });
          ours.push(loss.reduce((sum, l, i) => sum + w[i] * l, 0));
          const grid = (flat: number[]) => Array.from({ length: rows }, (_, b) => flat.slice(b * cols, (b + 1) * cols));
          cases.push({ mode, loss_mat: grid(loss), mask: grid(mask), loss_scale_factor: maxAnswerLen });
        }
      }
      const verl = JSON.parse(runPython(VERL_AGG_LOSS, [], { input: JSON.stringify(cases) })) as number[];
      expect(verl).toHaveLength(ours.length);
      // Weights are float32; verl's sums here are float64.
      ours.forEach((v, i) => expect(v, `${cases[i].mode} case ${i % 4}`).toBeCloseTo(verl[i], 6));
    });
  },
  120_000,
);
