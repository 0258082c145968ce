import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { optimSchema, type OptimConfig } from '../../src-main/contract';
import { selectBackend } from '../../src-main/engine/backend';
import { clipByGlobalNorm, createOptimizer, type Optimizer } from '../../src-main/engine/optim';
import { tf } from '../../src-main/engine/tf';
import { expectClose, useCpuBackend, values } from './support';

beforeAll(useCpuBackend);
afterAll(useCpuBackend);

const config = (over: object) => optimSchema.parse(over);
const GRADS = [
  [0.5, -1, 2],
  [-0.3, 0.1, 0.4],
  [1.5, 0.2, -0.7],
];

/**
 * Variables of several shapes (matrix, vector, scalar-like), as a model has them, with one larger
 * than the optimizer packs together (65,536 elements) in the middle, so that variables are split
 * over several packed groups and one alone.
 */
const SHAPES = [[2, 3], [4], [257, 256], [1], [3, 1, 2]];
const sizeOf = (shape: number[]) => shape.reduce((a, b) => a * b, 1);
const START = SHAPES.map((s, v) => Array.from({ length: sizeOf(s) }, (_, j) => Math.cos(1 + 0.7 * v + 0.3 * j)));

/** Gradients of update t for variable v: large on odd steps (the clip acts), small on even ones. */
const gradAt = (t: number, v: number) =>
  Array.from({ length: sizeOf(SHAPES[v]) }, (_, j) => Math.sin(0.9 * t + 1.7 * v + 0.4 * j) * (t % 2 ? 3 : 0.2));

interface RefStep {
  x: number[][];
  m: number[][];
  v: number[][];
  gradNorm: number;
  updateNorm: number;
}

/**
 * Float64 Adam/SGD with PyTorch's conventions (clip_grad_norm_ with its 1e-6, eps outside the
 * square root, bias correction), one variable list, state after every update.
 */
function reference(cfg: OptimConfig, steps: number): RefStep[] {
  const x = START.map((a) => [...a]);
  const m = x.map((a) => a.map(() => 0));
  const v = x.map((a) => a.map(() => 0));
  const out: RefStep[] = [];
  for (let t = 1; t <= steps; t++) {
    const g = x.map((_, k) => gradAt(t, k));
    const gradNorm = Math.sqrt(g.flat().reduce((a, b) => a + b * b, 0));
    const scale = cfg.gradClip === null ? 1 : Math.min(1, cfg.gradClip / (gradNorm + 1e-6));
    let sq = 0;
    x.forEach((xs, k) =>
      xs.forEach((_, j) => {
        const gc = g[k][j] * scale;
        m[k][j] = cfg.beta1 * m[k][j] + (1 - cfg.beta1) * gc;
        v[k][j] = cfg.beta2 * v[k][j] + (1 - cfg.beta2) * gc * gc;
        const adam = m[k][j] / (1 - cfg.beta1 ** t) / (Math.sqrt(v[k][j] / (1 - cfg.beta2 ** t)) + 1e-8);
        const delta = -cfg.lr * (cfg.optimizer === 'adam' ? adam : gc);
        xs[j] += delta;
        sq += delta * delta;
      }),
    );
    out.push({
      x: x.map((a) => [...a]),
      m: m.map((a) => [...a]),
      v: v.map((a) => [...a]),
      gradNorm,
      updateNorm: Math.sqrt(sq),
    });
  }
  return out;
}

function makeVariables(): tf.Variable[] {
  return SHAPES.map((s, v) => tf.variable(tf.tensor(START[v], s)));
}

/** One update with gradAt(t), inside a tidy; returns the reported norms as numbers. */
async function step(opt: Optimizer, t: number): Promise<{ gradNorm: number; updateNorm: number }> {
  const norms = tf.tidy(() => {
    const n = opt.apply(SHAPES.map((s, v) => tf.tensor(gradAt(t, v), s)));
    return tf.stack([n.gradNorm, n.updateNorm]);
  });
  const [gradNorm, updateNorm] = await values(norms);
  norms.dispose();
  return { gradNorm, updateNorm };
}

const valuesOf = (vars: tf.Variable[]) => Promise.all(vars.map(values));

function applyAll(opt: Optimizer, grads: number[][]) {
  return grads.map((g) => tf.tidy(() => opt.apply([tf.tensor1d(g)])));
}

/**
 * Relative tolerance of the reported norms. cpu sums in float64; wasm's Sum adds a group's ~66k
 * squares one by one in float32, which drifts by up to n * 2^-24 when the terms are alike (Adam's
 * first step is +-lr everywhere): measured 4e-4.
 */
const NORM_TOLERANCE = { cpu: 1e-6, wasm: 2e-3 };

describe('optimizers', () => {
  const clipped = config({ optimizer: 'adam', lr: 0.05, beta1: 0.8, beta2: 0.95, gradClip: 1 });

  for (const backend of ['cpu', 'wasm'] as const) {
    it(`adam and sgd follow a float64 reference over several clipped and unclipped steps (${backend})`, async () => {
      await selectBackend(backend);
      const settings = [
        clipped,
        config({ optimizer: 'adam', lr: 1e-3, gradClip: null }),
        config({ optimizer: 'sgd', lr: 0.3, gradClip: 2 }),
      ];
      for (const cfg of settings) {
        const vars = makeVariables();
        const opt = createOptimizer(cfg, vars);
        const ref = reference(cfg, 6);
        for (const [i, r] of ref.entries()) {
          const norms = await step(opt, i + 1);
          expectClose([norms.gradNorm / r.gradNorm, norms.updateNorm / r.updateNorm], [1, 1], NORM_TOLERANCE[backend]);
          expectClose((await valuesOf(vars)).flat(), r.x.flat(), 2e-6);
        }
        expect(opt.step).toBe(6);
        opt.dispose();
        tf.dispose(vars);
      }
      await useCpuBackend();
    });
  }

  it('adam follows the reference update with bias correction and configured betas (one variable)', async () => {
    const x = tf.variable(tf.tensor1d([1, 2, 3]));
    const opt = createOptimizer(config({ optimizer: 'adam', lr: 0.1, beta1: 0.8, beta2: 0.99, gradClip: null }), [x]);
    applyAll(opt, GRADS);
    const m = [0, 0, 0];
    const v = [0, 0, 0];
    const expected = [1, 2, 3];
    GRADS.forEach((g, s) => {
      g.forEach((gi, i) => {
        m[i] = 0.8 * m[i] + 0.2 * gi;
        v[i] = 0.99 * v[i] + 0.01 * gi * gi;
        expected[i] -= (0.1 * (m[i] / (1 - 0.8 ** (s + 1)))) / (Math.sqrt(v[i] / (1 - 0.99 ** (s + 1))) + 1e-8);
      });
    });
    expectClose(await values(x), expected, 1e-5);
    expect(opt.step).toBe(3);
    opt.dispose();
    x.dispose();
  });

  it('sgd steps by -lr g and reports an update norm of lr ||g||', async () => {
    const x = tf.variable(tf.tensor1d([1, 2, 3]));
    const opt = createOptimizer(config({ optimizer: 'sgd', lr: 0.5, gradClip: null }), [x]);
    const [norms] = applyAll(opt, [GRADS[0]]);
    expectClose(await values(x), [0.75, 2.5, 2], 1e-6);
    const g = Math.hypot(...GRADS[0]);
    expect((await values(norms.gradNorm))[0]).toBeCloseTo(g, 5);
    expect((await values(norms.updateNorm))[0]).toBeCloseTo(0.5 * g, 5);
    opt.dispose();
    x.dispose();
  });

  it('clips by global norm and returns the pre-clip norm', async () => {
    const { grads, norm } = clipByGlobalNorm([tf.tensor1d([3, 0]), tf.tensor1d([0, 4])], 1);
    expect((await values(norm))[0]).toBeCloseTo(5, 6);
    expectClose((await values(grads[0])).concat(await values(grads[1])), [0.6, 0, 0, 0.8], 1e-5);
    const unclipped = clipByGlobalNorm([tf.tensor1d([0.3, 0.4])], 1);
    expectClose(await values(unclipped.grads[0]), [0.3, 0.4], 1e-6);
  });

  it('holds only its slots: no tensor leaks on creation, per step or after dispose', async () => {
    for (const [cfg, slots] of [
      [clipped, 2], // m and v
      [config({ optimizer: 'sgd', gradClip: 1 }), 0],
    ] as const) {
      const vars = makeVariables();
      const before = tf.memory().numTensors;
      const opt = createOptimizer(cfg, vars);
      // Slots are packed per group of variables: at most one tensor per slot and variable.
      const owned = tf.memory().numTensors - before;
      expect(owned).toBeGreaterThanOrEqual(slots > 0 ? slots : 0);
      expect(owned).toBeLessThanOrEqual(slots * vars.length);
      for (let t = 1; t <= 3; t++) {
        await step(opt, t);
        expect(tf.memory().numTensors).toBe(before + owned);
      }
      opt.restore(await opt.state(), opt.step);
      expect(tf.memory().numTensors).toBe(before + owned);
      opt.dispose();
      expect(tf.memory().numTensors).toBe(before);
      tf.dispose(vars);
    }
  });

  it('saves its slots per variable, keyed <index>/<slot> and shaped like the variable', async () => {
    const vars = makeVariables();
    const opt = createOptimizer(clipped, vars);
    for (let t = 1; t <= 3; t++) await step(opt, t);
    const saved = await opt.state();
    const ref = reference(clipped, 3)[2];
    expect(Object.keys(saved)).toEqual([...SHAPES.map((_, i) => `${i}/m`), ...SHAPES.map((_, i) => `${i}/v`)]);
    SHAPES.forEach((shape, i) => {
      expect(saved[`${i}/m`].shape).toEqual(shape);
      expect(saved[`${i}/m`].data).toBeInstanceOf(Float32Array);
      expectClose(Array.from(saved[`${i}/m`].data), ref.m[i], 1e-6);
      expectClose(Array.from(saved[`${i}/v`].data), ref.v[i], 1e-6);
    });
    expect(await createOptimizer(config({ optimizer: 'sgd' }), vars).state()).toEqual({});
    opt.dispose();
    tf.dispose(vars);
  });

  it('saves and restores its slots so that later updates are bit-identical', async () => {
    const run = async (split: boolean) => {
      const vars = makeVariables();
      let opt = createOptimizer(clipped, vars);
      for (let t = 1; t <= 3; t++) await step(opt, t);
      if (split) {
        const [slots, steps, weights] = [await opt.state(), opt.step, await valuesOf(vars)];
        opt.dispose();
        vars.forEach((v) => v.assign(tf.fill(v.shape, 9)));
        opt = createOptimizer(clipped, vars);
        opt.restore(slots, steps);
        vars.forEach((v, i) => v.assign(tf.tensor(weights[i], v.shape)));
      }
      for (let t = 4; t <= 6; t++) await step(opt, t);
      const out = await valuesOf(vars);
      opt.dispose();
      tf.dispose(vars);
      return out;
    };
    expect(await run(true)).toEqual(await run(false));
  });

  it('rejects slots of the wrong shape, naming the slot, and changes nothing then', async () => {
    const vars = makeVariables();
    const opt = createOptimizer(clipped, vars);
    await step(opt, 1);
    const good = await opt.state();
    // A valid first slot in front of a bad one: nothing may be assigned before the check fails.
    const bad = {
      ...good,
      '0/m': { shape: [2, 3], data: new Float32Array(6).fill(5) },
      '3/v': { shape: [2], data: new Float32Array(2) },
    };
    expect(() => opt.restore(bad, 7)).toThrow(/slot "3\/v" has shape \[2\], expected \[1\]/);
    expect(await opt.state()).toEqual(good);
    expect(opt.step).toBe(1);
    const { ['4/m']: _dropped, ...missing } = good;
    expect(() => opt.restore(missing, 1)).toThrow(/missing slot "4\/m"/);
    expect(() => opt.restore(good, -1)).toThrow(/expected a step >= 0, got -1/);
    opt.dispose();
    tf.dispose(vars);
  });

  it('applyMapped takes the step apply takes, bit for bit, and leaks nothing', async () => {
    for (const cfg of [clipped, config({ optimizer: 'sgd', lr: 0.3, gradClip: 2 })]) {
      const [a, b] = [makeVariables(), makeVariables()];
      const [optA, optB] = [createOptimizer(cfg, a), createOptimizer(cfg, b)];
      const before = tf.memory().numTensors;
      for (let t = 1; t <= 4; t++) {
        await step(optA, t);
        tf.tidy(() => {
          optB.applyMapped(SHAPES.map((s, v) => tf.tensor(gradAt(t, v), s)));
        });
      }
      expect(tf.memory().numTensors).toBe(before);
      expect(await valuesOf(b)).toEqual(await valuesOf(a));
      expect(await optB.state()).toEqual(await optA.state());
      [optA, optB].forEach((o) => o.dispose());
      tf.dispose([...a, ...b]);
    }
  });

  it('maps the gradient to the step: delta = -P g + carry, with P and carry of the float64 formulas', async () => {
    const adam = clipped;
    for (const cfg of [adam, config({ optimizer: 'sgd', lr: 0.3, gradClip: 2 })]) {
      const vars = makeVariables();
      const opt = createOptimizer(cfg, vars);
      const ref = reference(cfg, 4);
      for (let t = 1; t <= 4; t++) {
        const grads = SHAPES.map((_, v) => gradAt(t, v));
        const [delta, pg, carry] = tf.tidy(() => {
          const { map } = opt.applyMapped(SHAPES.map((s, v) => tf.tensor(grads[v], s)));
          const flat = (xs: tf.Tensor[]) => tf.concat(xs.map((x) => tf.reshape(x, [-1])));
          const ones = map.precondition(SHAPES.map((s) => tf.ones(s))); // diag(P)
          return [flat(map.delta), flat(ones), map.carry ? flat(map.carry) : tf.zeros([1])];
        });
        const [d, p, c] = [await values(delta), await values(pg), await values(carry)];
        tf.dispose([delta, pg, carry]);
        // Float64: P = lr s / ... and carry = -D b1 m_{t-1} from the reference's moments.
        const r = ref[t - 1];
        const scale = cfg.gradClip === null ? 1 : Math.min(1, cfg.gradClip / (r.gradNorm + 1e-6));
        const mPrev = t === 1 ? r.m.flat().map(() => 0) : ref[t - 2].m.flat();
        const vHat = r.v.flat().map((v) => v / (1 - cfg.beta2 ** t));
        const D = vHat.map((v) => cfg.lr / (1 - cfg.beta1 ** t) / (Math.sqrt(v) + 1e-8));
        const isAdam = cfg.optimizer === 'adam';
        const wantP = isAdam ? D.map((x) => x * (1 - cfg.beta1) * scale) : D.map(() => cfg.lr * scale);
        const wantCarry = isAdam ? D.map((x, j) => -x * cfg.beta1 * mPrev[j]) : [0];
        expectClose(p, wantP, 2e-5);
        expectClose(c, wantCarry, 2e-5);
        const g = grads.flat();
        expectClose(
          d,
          g.map((gj, j) => -wantP[j] * gj + (isAdam ? wantCarry[j] : 0)),
          2e-6,
        );
      }
      opt.dispose();
      tf.dispose(vars);
    }
  });

  it('rejects gradients that do not match the variables, and an empty variable list', () => {
    const vars = makeVariables();
    const opt = createOptimizer(clipped, vars);
    expect(() => tf.tidy(() => opt.apply([tf.zeros([2, 3])]))).toThrow(/expected 5 gradients, got 1/);
    const transposed = SHAPES.map((s, i) => tf.zeros(i === 0 ? [3, 2] : s));
    expect(() => tf.tidy(() => opt.apply(transposed))).toThrow(/gradient 0 has shape \[3,2\], expected \[2,3\]/);
    expect(opt.step).toBe(0);
    expect(() => createOptimizer(clipped, [])).toThrow(/at least one variable/);
    opt.dispose();
    tf.dispose([...vars, ...transposed]);
  });
});
