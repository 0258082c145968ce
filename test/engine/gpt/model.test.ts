import { beforeAll, describe, expect, it } from 'vitest';
import { ALL_KERNELS, kernelsFor } from '../../../src-main/engine/gpt/kernels';
import { GptModel, initialWeights, weightShapes, type GptDims } from '../../../src-main/engine/gpt/model';
import { referenceLogits } from '../../../src-main/engine/gpt/reference';
import { createRng } from '../../../src-main/engine/rng';
import { tf } from '../../../src-main/engine/tf';
import { expectClose, useCpuBackend, values } from '../support';

beforeAll(useCpuBackend);

const dims: GptDims = { vocab: 13, context: 9, dModel: 16, layers: 2, heads: 4 };

/** Weights away from initialisation (LayerNorm gains and biases too), so every path carries signal. */
function variables(seed: number): Record<string, tf.Variable> {
  const rng = createRng(seed, 'test');
  return tf.tidy(() =>
    Object.fromEntries(
      Object.entries(initialWeights(dims, rng)).map(([name, w]) => {
        const data = w.data.map((x) => x + 0.3 * rng.normal());
        return [name, tf.variable(tf.tensor(data, w.shape))];
      }),
    ),
  );
}

/** Position-major grid (row t * B + b) from batch-major token rows. */
function grid(rows: number[][]): Int32Array {
  const b = rows.length;
  const out = new Int32Array(rows[0].length * b);
  rows.forEach((r, i) => r.forEach((tok, t) => (out[t * b + i] = tok)));
  return out;
}

const rows = [
  [1, 5, 7, 2, 9, 0, 3],
  [4, 4, 12, 0, 1, 8, 8],
  [11, 2, 3, 6, 6, 10, 5],
];
const OUTPUT_TOKENS = [0, 2, 3, 5, 7, 11];
const select = () => tf.oneHot(tf.tensor1d(OUTPUT_TOKENS, 'int32'), dims.vocab).transpose() as tf.Tensor2D;

describe('GPT model (fast layout)', () => {
  it('has GPT-2 shaped weights drawn from the seeded stream', () => {
    const a = initialWeights(dims, createRng(3, 'init'));
    const b = initialWeights(dims, createRng(3, 'init'));
    expect(Object.keys(a)).toEqual(Object.keys(weightShapes(dims)));
    expect(a['h0.attn.wq'].data).toEqual(b['h0.attn.wq'].data);
    expect(Array.from(a['h1.ln2.g'].data).every((x) => x === 1)).toBe(true);
    const std = (x: Float32Array) => Math.sqrt(x.reduce((s, v) => s + v * v, 0) / x.length);
    expect(std(a['h0.mlp.w1'].data)).toBeCloseTo(0.02, 2);
    expect(std(a['h0.mlp.w2'].data)).toBeCloseTo(0.01, 2); // 0.02 / sqrt(2 * layers)
  });

  it.each(ALL_KERNELS.flatMap((k) => [7, 3].map((outputs) => [k.name, outputs, k] as const)))(
    '%s kernels, outputs for the last %i positions, match the autodiff reference in logits and every gradient',
    async (_name, outputs, kernels) => {
      const vars = variables(1);
      const model = new GptModel(dims, kernels, vars);
      const [b, t] = [rows.length, rows[0].length];
      const sel = select();
      const weights = tf.randomNormal([outputs * b, sel.shape[1]], 0, 1, 'float32', 5);
      const fast = () =>
        tf.sum(tf.mul(model.logits(model.hidden(grid(rows), t, b, outputs), sel), weights)) as tf.Scalar;
      const weightsRef = tf.transpose(weights.reshape([outputs, b, sel.shape[1]]), [1, 0, 2]);
      const ref = () => {
        const logits = referenceLogits(dims, vars, tf.tensor2d(rows, [b, t], 'int32'), sel);
        return tf.sum(tf.mul(logits.slice([0, t - outputs, 0], [b, outputs, -1]), weightsRef)) as tf.Scalar;
      };
      const got = tf.variableGrads(fast);
      const want = tf.variableGrads(ref);
      expectClose(await values(got.value), await values(want.value), 1e-5);
      for (const name of Object.keys(vars)) {
        expectClose(await values(got.grads[vars[name].name]), await values(want.grads[vars[name].name]), 1e-4);
      }
      tf.dispose([
        got.value,
        want.value,
        Object.values(got.grads),
        Object.values(want.grads),
        sel,
        weights,
        weightsRef,
      ]);
      tf.dispose(Object.values(vars));
    },
  );

  it('KV-cache decoding gives the logits of full recomputation at every position', async () => {
    const vars = variables(2);
    const model = new GptModel(dims, kernelsFor(tf.getBackend()), vars);
    const [b, t] = [rows.length, rows[0].length];
    const sel = select();
    const wOut = model.outputWeights(sel);
    const full = tf.tidy(() => model.logits(model.hidden(grid(rows), t, b), sel).reshape([t, b, OUTPUT_TOKENS.length]));
    const prefill = 3;
    let state = model.step(grid(rows.map((r) => r.slice(0, prefill))), prefill, b, null, wOut);
    for (let p = prefill - 1; p < t; p++) {
      const want = tf.tidy(() =>
        full.slice([p, 0, 0], [1, b, OUTPUT_TOKENS.length]).reshape([b, OUTPUT_TOKENS.length]),
      );
      expectClose(await values(state.logits), await values(want), 1e-5);
      want.dispose();
      if (p + 1 === t) break;
      const next = model.step(grid(rows.map((r) => [r[p + 1]])), 1, b, state.cache, wOut);
      tf.dispose(state);
      state = next;
    }
    expect(state.cache.length).toBe(t);
    tf.dispose([state, full, wOut, sel, Object.values(vars)]);
  });

  it('rejects tokens outside the vocabulary and positions beyond the context', () => {
    const vars = variables(3);
    const model = new GptModel(dims, kernelsFor(tf.getBackend()), vars);
    expect(() => model.hidden(grid([[1, 13]]), 2, 1)).toThrow(/outside the vocabulary/);
    expect(() => model.hidden(new Int32Array(10), 10, 1)).toThrow(/beyond the context/);
    tf.dispose(Object.values(vars));
  });
});
