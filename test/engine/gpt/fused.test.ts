/**
 * The GPT on the wasm backend with its fused kernels (kernelsFor('wasm'), the default) against the
 * same model on tfjs's own ops (kernelsFor('wasm', { fused: false })): logits and every weight's
 * gradient, at sizes the fused kernels take (d 16, rows a multiple of 4), sizes where only some
 * take (odd row counts fall back to XNNPACK for the GEMMs) and sizes none take (d 6, heads of 3).
 * KV-cache decoding with the fused kernels gives the logits of full recomputation.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../../src-main/engine/backend';
import { kernelsFor, type GptKernels } from '../../../src-main/engine/gpt/kernels';
import { GptModel, initialWeights, type GptDims } from '../../../src-main/engine/gpt/model';
import { createRng } from '../../../src-main/engine/rng';
import { simdActive } from '../../../src-main/engine/simd/kernels';
import { tf } from '../../../src-main/engine/tf';
import { values } from '../support';

beforeAll(async () => {
  await selectBackend('wasm', { threads: 1 });
});

/** Weights away from initialisation (LayerNorm gains and biases too), so every path carries signal. */
function variables(dims: GptDims, seed: number): Record<string, tf.Variable> {
  const rng = createRng(seed, 'test/fused');
  return tf.tidy(() =>
    Object.fromEntries(
      Object.entries(initialWeights(dims, rng)).map(([name, w]) => {
        const data = w.data.map((x) => x + 0.3 * rng.normal());
        return [name, tf.variable(tf.tensor(data, w.shape))];
      }),
    ),
  );
}

/** Position-major grid (row t * B + b) of seeded tokens. */
function grid(vocab: number, t: number, b: number, seed: number): Int32Array {
  const rng = createRng(seed, 'test/fused/tokens');
  return Int32Array.from({ length: t * b }, () => rng.int(vocab));
}

interface Case {
  dims: GptDims;
  batch: number;
  positions: number;
  outputs: number;
  /** Our kernels the fused set runs at these sizes. */
  fused: string[];
}

const ALL_FUSED = [
  'CliplabAttention',
  'CliplabAttentionGrad',
  'CliplabLayerNorm',
  'CliplabLayerNormGrad',
  'CliplabMatMul',
  'CliplabMatMulTN',
];

/** The loss sum(logits * weights) and its gradient for every weight, on one kernel set. */
async function lossAndGrads(kernels: GptKernels, c: Case) {
  const vars = variables(c.dims, 1);
  const model = new GptModel(c.dims, kernels, vars);
  const tokens = grid(c.dims.vocab, c.positions, c.batch, 2);
  const select = tf.eye(c.dims.vocab) as tf.Tensor2D; // every token is an output
  const weights = tf.randomNormal([c.outputs * c.batch, c.dims.vocab], 0, 1, 'float32', 3);
  const loss = () =>
    tf.sum(tf.mul(model.logits(model.hidden(tokens, c.positions, c.batch, c.outputs), select), weights)) as tf.Scalar;
  let result: ReturnType<typeof tf.variableGrads> | undefined;
  const profile = await tf.profile(() => {
    result = tf.variableGrads(loss);
  });
  const { value, grads } = result!;
  const out = {
    kernels: new Set(profile.kernelNames),
    value: (await values(value))[0],
    grads: Object.fromEntries(
      await Promise.all(Object.entries(vars).map(async ([n, v]) => [n, await values(grads[v.name])] as const)),
    ),
  };
  tf.dispose([value, Object.values(grads), select, weights, Object.values(vars)]);
  return out;
}

const relativeError = (got: number[], want: number[]) => {
  const scale = want.reduce((m, x) => Math.max(m, Math.abs(x)), 1e-30);
  return got.reduce((m, x, i) => Math.max(m, Math.abs(x - want[i])), 0) / scale;
};

describe('GPT on wasm: fused kernels against tfjs composite ops', () => {
  it('uses the fused kernels by default on wasm', () => {
    expect(simdActive()).toBe(true);
    expect(kernelsFor('wasm').name).toContain('fused');
    expect(kernelsFor('wasm', { fused: false }).name).toContain('composite');
  });

  it.each<[string, Case]>([
    [
      'every kernel fused (d 16, 4 heads, 4 x 7 rows)',
      {
        dims: { vocab: 13, context: 9, dModel: 16, layers: 2, heads: 4 },
        batch: 4,
        positions: 7,
        outputs: 7,
        fused: ALL_FUSED,
      },
    ],
    [
      'odd rows: GEMMs fall back (d 12, 3 heads, 3 x 7 rows, last 3 outputs)',
      {
        dims: { vocab: 11, context: 8, dModel: 12, layers: 2, heads: 3 },
        batch: 3,
        positions: 7,
        outputs: 3,
        fused: ALL_FUSED.filter((k) => k !== 'CliplabMatMul'),
      },
    ],
    [
      'nothing fits (d 6, heads of 3, 5 x 5 rows)',
      { dims: { vocab: 7, context: 6, dModel: 6, layers: 1, heads: 2 }, batch: 5, positions: 5, outputs: 5, fused: [] },
    ],
  ])('%s: loss and every gradient agree', async (_what, c) => {
    const fused = await lossAndGrads(kernelsFor('wasm'), c);
    const composite = await lossAndGrads(kernelsFor('wasm', { fused: false }), c);
    expect([...composite.kernels].filter((k) => k.startsWith('Cliplab'))).toEqual([]);
    expect([...fused.kernels].filter((k) => k.startsWith('Cliplab')).sort()).toEqual(c.fused);
    expect(Math.abs(fused.value - composite.value) / Math.max(1, Math.abs(composite.value))).toBeLessThan(1e-5);
    for (const name of Object.keys(composite.grads)) {
      expect(relativeError(fused.grads[name], composite.grads[name]), name).toBeLessThan(1e-4);
    }
  });

  it('KV-cache decoding with the fused kernels gives the logits of full recomputation', async () => {
    const dims: GptDims = { vocab: 13, context: 9, dModel: 16, layers: 2, heads: 4 };
    const [b, t, prefill] = [4, 7, 3];
    const vars = variables(dims, 4);
    const model = new GptModel(dims, kernelsFor('wasm'), vars);
    const tokens = grid(dims.vocab, t, b, 5);
    const select = tf.eye(dims.vocab) as tf.Tensor2D;
    const wOut = model.outputWeights(select);
    const full = await values(model.logits(model.hidden(tokens, t, b), select)); // [t * b, vocab]
    let state = model.step(tokens.slice(0, prefill * b), prefill, b, null, wOut);
    for (let p = prefill - 1; p < t; p++) {
      const got = await values(state.logits); // [b, vocab]
      const want = full.slice(p * b * dims.vocab, (p + 1) * b * dims.vocab);
      expect(relativeError(got, want), `position ${p}`).toBeLessThan(1e-5);
      if (p + 1 < t) {
        const next = model.step(tokens.slice((p + 1) * b, (p + 2) * b), 1, b, state.cache, wOut);
        tf.dispose(state);
        state = next;
      }
    }
    tf.dispose([state, select, wOut, Object.values(vars)]);
  });
});
