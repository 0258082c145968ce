import { beforeAll, describe, expect, it } from 'vitest';
import {
  POLICY_LOSSES,
  klPenalty,
  rlObjective,
  type LossName,
  type LossParams,
} from '../../../src-main/engine/rl/losses';
import { covSelectionSize } from '../../../src-main/engine/rl/losses/cov';
import { createRng } from '../../../src-main/engine/rng';
import { tf } from '../../../src-main/engine/tf';
import { expectClose, numericGradient, useCpuBackend, values } from '../support';

beforeAll(useCpuBackend);

/** Hand-made batch: 3 responses x 3 tokens; the last token of row 2 is padding. */
const ROWS = 3;
const COLS = 3;
const OLD = [-1.0, -2.0, -0.5, -1.5, -0.3, -2.5, -0.7, -1.2, -0.9];
const RATIO = [0.7, 1.1, 1.5, 0.6, 1.3, 3.5, 1.05, 0.95, 2.0];
const ADV_ROW = [1, -0.8, 0.5];
const MASK = [1, 1, 1, 1, 1, 1, 1, 1, 0];
const ADV = MASK.map((m, i) => m * ADV_ROW[Math.floor(i / COLS)]);
const WEIGHTS = MASK.map((m) => m / 8); // token-mean over 8 tokens
const LOGP = OLD.map((o, i) => o + Math.log(RATIO[i]));

const PARAMS: LossParams = {
  clipLow: 0.2,
  clipHigh: 0.2,
  dualClip: null,
  covRatio: 2e-4,
  covLow: 1,
  covHigh: 5,
  klCovCoef: 1,
};

type Fixture = {
  logp: number[];
  old: number[];
  adv: number[];
  mask: number[];
  weights: number[];
  rows: number;
  cols: number;
};
const FIXTURE: Fixture = { logp: LOGP, old: OLD, adv: ADV, mask: MASK, weights: WEIGHTS, rows: ROWS, cols: COLS };

function run(name: LossName, params: LossParams, fx: Fixture = FIXTURE, uniforms?: number[]) {
  const t = (v: number[]) => tf.tensor2d(v, [fx.rows, fx.cols]);
  const input = {
    oldLogp: t(fx.old),
    advantages: t(fx.adv),
    mask: t(fx.mask),
    weights: t(fx.weights),
    uniforms: t(uniforms ?? fx.mask.map((_, i) => (i * 0.618) % 1)),
    tokenCount: fx.mask.reduce((a, b) => a + b, 0),
    params,
  };
  const loss = POLICY_LOSSES[name];
  const out = loss({ ...input, logp: t(fx.logp) });
  const grad = tf.grad((lp: tf.Tensor) => loss({ ...input, logp: lp as tf.Tensor2D }).loss)(t(fx.logp));
  return { out, grad };
}

const clip = (r: number, p: LossParams) =>
  Math.min(Math.max(r, 1 - p.clipLow), p.clipHigh === null ? Infinity : 1 + p.clipHigh);

/** float64 reference of the token-level clipped surrogate loss. */
function ppoReference(p: LossParams, fx: Fixture = FIXTURE) {
  return (logp: number[]) =>
    logp.reduce((loss, lp, i) => {
      if (!fx.mask[i]) return loss;
      const r = Math.exp(lp - fx.old[i]);
      const a = fx.adv[i];
      let j = Math.min(r * a, clip(r, p) * a);
      if (p.dualClip !== null && a < 0) j = Math.max(j, p.dualClip * a);
      return loss - fx.weights[i] * j;
    }, 0);
}

function gspoReference(p: LossParams) {
  return (logp: number[]) => {
    let loss = 0;
    for (let b = 0; b < ROWS; b++) {
      const idx = [0, 1, 2].map((t) => b * COLS + t).filter((i) => MASK[i]);
      const s = Math.exp(idx.reduce((a, i) => a + logp[i] - OLD[i], 0) / idx.length);
      const a = ADV_ROW[b];
      const j = Math.min(s * a, clip(s, p) * a);
      for (const i of idx) loss -= WEIGHTS[i] * j;
    }
    return loss;
  };
}

async function masks(out: ReturnType<typeof run>['out']) {
  return { low: await values(out.clipLow), high: await values(out.clipHigh), dual: await values(out.dualClip) };
}

describe('ppo loss', () => {
  it('matches the float64 surrogate and its finite-difference gradient', async () => {
    for (const p of [PARAMS, { ...PARAMS, clipHigh: null }, { ...PARAMS, clipLow: 1 }, { ...PARAMS, dualClip: 3 }]) {
      const { out, grad } = run('ppo', p);
      const ref = ppoReference(p);
      expectClose([(await values(out.loss))[0]], [ref(LOGP)], 1e-6);
      expectClose(await values(grad), numericGradient(ref, LOGP), 1e-5);
    }
  });

  it('marks clip-low, clip-high and dual-clip events on hand-made ratios', async () => {
    const sym = await masks(run('ppo', PARAMS).out);
    expect(sym.low).toEqual([0, 0, 0, 1, 0, 0, 0, 0, 0]); // A < 0, r = 0.6 < 0.8
    expect(sym.high).toEqual([0, 0, 1, 0, 0, 0, 0, 0, 0]); // A > 0, r = 1.5 > 1.2 (padding r = 2 ignored)
    expect(sym.dual).toEqual(new Array(9).fill(0));
    expect((await masks(run('ppo', { ...PARAMS, clipHigh: null }).out)).high).toEqual(new Array(9).fill(0));
    expect((await masks(run('ppo', { ...PARAMS, clipLow: 1 }).out)).low).toEqual(new Array(9).fill(0));
    expect((await masks(run('ppo', { ...PARAMS, dualClip: 3 }).out)).dual).toEqual([0, 0, 0, 0, 0, 1, 0, 0, 0]);
  });

  it('gives clipped tokens no gradient and keeps the rest at -w r A', async () => {
    const g = await values(run('ppo', PARAMS).grad);
    const expected = LOGP.map((_, i) => (i === 2 || i === 3 || !MASK[i] ? 0 : -WEIGHTS[i] * RATIO[i] * ADV[i]));
    expectClose(g, expected, 1e-6);
  });

  it('reports a ratio of exactly 1 when the policy has not moved', async () => {
    const { out } = run('ppo', PARAMS, { ...FIXTURE, logp: OLD });
    expect(await values(out.ratio)).toEqual(new Array(9).fill(1));
    expect((await values(out.clipLow)).concat(await values(out.clipHigh))).toEqual(new Array(18).fill(0));
  });
});

describe('gspo loss', () => {
  it('matches the float64 sequence-level surrogate and its gradient', async () => {
    for (const p of [PARAMS, { ...PARAMS, clipLow: 3e-4, clipHigh: 4e-4 }]) {
      const { out, grad } = run('gspo', p);
      const ref = gspoReference(p);
      expectClose([(await values(out.loss))[0]], [ref(LOGP)], 1e-6);
      expectClose(await values(grad), numericGradient(ref, LOGP), 1e-5);
    }
  });

  it('clips whole sequences: row 0 (A > 0, s = 1.049) clips high at eps 4e-4', async () => {
    const { out, grad } = run('gspo', { ...PARAMS, clipLow: 3e-4, clipHigh: 4e-4 });
    expect(await values(out.clipHigh)).toEqual([1, 1, 1, 0, 0, 0, 0, 0, 0]);
    expect(await values(out.clipLow)).toEqual(new Array(9).fill(0)); // row 1 has s > 1, row 2 has A > 0
    expect((await values(grad)).slice(0, 3)).toEqual([0, 0, 0]);
    const s0 = Math.cbrt(0.7 * 1.1 * 1.5);
    expectClose((await values(out.ratio)).slice(0, 3), [s0, s0, s0], 1e-6);
  });
});

describe('cispo loss', () => {
  it('keeps every token gradient, weighted by the clipped and detached ratio', async () => {
    const { out, grad } = run('cispo', PARAMS);
    const isWeight = RATIO.map((r) => clip(r, PARAMS));
    const value = -LOGP.reduce((a, lp, i) => a + (MASK[i] ? WEIGHTS[i] * isWeight[i] * ADV[i] * lp : 0), 0);
    expectClose([(await values(out.loss))[0]], [value], 1e-6);
    const ref = (lp: number[]) => -lp.reduce((a, x, i) => a + (MASK[i] ? WEIGHTS[i] * isWeight[i] * ADV[i] * x : 0), 0);
    expectClose(await values(grad), numericGradient(ref, LOGP), 1e-5);
    expect((await values(grad)).filter((g, i) => MASK[i] && g === 0)).toEqual([]);
  });

  it("marks the paper's clip events apart from the other clipped weights", async () => {
    const { out } = run('cispo', PARAMS);
    const { low, high, dual } = await masks(out);
    // Row 0 has A > 0, row 1 A < 0, row 2 A > 0; the bounds are 0.8 and 1.2.
    expect(low).toEqual([0, 0, 0, 1, 0, 0, 0, 0, 0]); // clip-low: A < 0 and r = 0.6
    expect(high).toEqual([0, 0, 1, 0, 0, 0, 0, 0, 0]); // clip-high: A > 0 and r = 1.5
    expect(await values(out.clipLowPositive!)).toEqual([1, 0, 0, 0, 0, 0, 0, 0, 0]); // A > 0, r = 0.7
    expect(await values(out.clipHighNegative!)).toEqual([0, 0, 0, 0, 1, 1, 0, 0, 0]); // A < 0, r = 1.3, 3.5
    expect(dual).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 0]);
    const open = run('cispo', { ...PARAMS, clipHigh: null }).out;
    expect(await values(open.clipHighNegative!)).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 0]); // no upper bound
  });

  it('together the four masks mark every token whose weight was clipped, each once', async () => {
    const { out } = run('cispo', PARAMS);
    const all = await Promise.all([out.clipLow, out.clipHigh, out.clipLowPositive!, out.clipHighNegative!].map(values));
    const clipped = RATIO.map((r, i) => (MASK[i] && ADV[i] !== 0 && clip(r, PARAMS) !== r ? 1 : 0));
    expect(clipped.map((_, i) => all.reduce((n, m) => n + m[i], 0))).toEqual(clipped);
  });
});

/** A larger random batch for the covariance-based losses. */
function randomFixture(seed: number, rows = 4, cols = 25): Fixture {
  const rng = createRng(seed, 'test');
  const old = Array.from({ length: rows * cols }, () => -0.1 - 3 * rng.next());
  const logp = old.map((o) => o + 0.15 * rng.normal());
  const advRow = Array.from({ length: rows }, () => 2 * rng.normal());
  const mask = old.map(() => 1);
  const adv = old.map((_, i) => advRow[Math.floor(i / cols)]);
  return { logp, old, adv, mask, weights: mask.map(() => 1 / mask.length), rows, cols };
}

function covariances(fx: Fixture): number[] {
  const n = fx.mask.length;
  const mLogp = fx.logp.reduce((a, b) => a + b, 0) / n;
  const mAdv = fx.adv.reduce((a, b) => a + b, 0) / n;
  return fx.logp.map((lp, i) => (lp - mLogp) * (fx.adv[i] - mAdv));
}

describe('clip_cov loss', () => {
  const fx = randomFixture(11);
  const params = { ...PARAMS, covRatio: 0.05, covLow: 0.2, covHigh: 5 };

  it('removes the gradient of a random covRatio share of in-window, unclipped tokens', async () => {
    const uniforms = fx.mask.map((_, i) => (i * 0.7548776662) % 1); // a low-discrepancy sequence
    const { out, grad } = run('clip_cov', params, fx, uniforms);
    const selected = await values(out.covSelected!);
    const cov = covariances(fx);
    const clipped = (await values(out.clipLow)).map(
      (l, i) => l + (fx.adv[i] > 0 && Math.exp(fx.logp[i] - fx.old[i]) > 1.2 ? 1 : 0),
    );
    const eligible = cov.map((c, i) => c > params.covLow && c < params.covHigh && !clipped[i]);
    const k = covSelectionSize(params.covRatio, fx.mask.length);
    expect(eligible.filter(Boolean).length).toBeGreaterThan(k); // the fixture leaves a real choice
    expect(selected.filter((s) => s === 1).length).toBe(k);
    selected.forEach((s, i) => s === 1 && expect(eligible[i]).toBe(true));
    const ppo = await values(run('ppo', params, fx).grad);
    const g = await values(grad);
    g.forEach((gi, i) => expect(gi).toBeCloseTo(selected[i] ? 0 : ppo[i], 7));
  });

  it('draws the subset from the uniforms it is given', async () => {
    const pick = async (seed: number) => {
      const rng = createRng(seed, 'u');
      return values(
        run(
          'clip_cov',
          params,
          fx,
          fx.mask.map(() => rng.next()),
        ).out.covSelected!,
      );
    };
    const picks = await Promise.all([1, 2, 3, 4].map(pick));
    expect(new Set(picks.map((p) => p.join(''))).size).toBeGreaterThan(1);
    expect(await pick(1)).toEqual(picks[0]);
  });
});

describe('kl_cov loss', () => {
  const fx = randomFixture(12);
  const params = { ...PARAMS, covRatio: 0.05, klCovCoef: 0.7 };

  it('penalises |log r| on the top covRatio share of tokens by covariance', async () => {
    const { out, grad } = run('kl_cov', params, fx);
    const selected = await values(out.covSelected!);
    const cov = covariances(fx);
    const k = covSelectionSize(params.covRatio, fx.mask.length);
    const top = [...cov.keys()].sort((a, b) => cov[b] - cov[a]).slice(0, k);
    expect(
      selected
        .map((s, i) => (s ? i : -1))
        .filter((i) => i >= 0)
        .sort(),
    ).toEqual([...top].sort());
    const ref = (logp: number[]) =>
      -logp.reduce((a, lp, i) => {
        const lr = lp - fx.old[i];
        return a + fx.weights[i] * (Math.exp(lr) * fx.adv[i] - params.klCovCoef * selected[i] * Math.abs(lr));
      }, 0);
    expectClose([(await values(out.loss))[0]], [ref(fx.logp)], 1e-6);
    expectClose(await values(grad), numericGradient(ref, fx.logp), 1e-4);
    expect(await values(out.clipLow)).toEqual(new Array(fx.mask.length).fill(0)); // no ratio clipping
  });

  it('adds no gradient at r = 1 (|log r| is flat there, unlike tf.abs)', async () => {
    const { grad } = run('kl_cov', params, { ...fx, logp: fx.old });
    expectClose(
      await values(grad),
      fx.adv.map((a, i) => -fx.weights[i] * a),
      1e-6,
    );
  });
});

describe('regularizers', () => {
  it('k1 and k3 KL penalties match float64 values and gradients', async () => {
    const ref = OLD.map((o, i) => o - 0.1 * (i % 3));
    for (const estimator of ['k1', 'k3'] as const) {
      const k = (lr: number) => (estimator === 'k1' ? -lr : Math.exp(lr) - 1 - lr);
      const f = (logp: number[]) => logp.reduce((a, lp, i) => a + (MASK[i] ? WEIGHTS[i] * k(ref[i] - lp) : 0), 0);
      const t = (v: number[]) => tf.tensor2d(v, [ROWS, COLS]);
      const penalty = (lp: tf.Tensor) => klPenalty(lp as tf.Tensor2D, t(ref), t(MASK), t(WEIGHTS), estimator);
      expectClose([(await values(penalty(t(LOGP))))[0]], [f(LOGP)], 1e-6);
      expectClose(await values(tf.grad(penalty)(t(LOGP))), numericGradient(f, LOGP), 1e-5);
    }
  });

  it('the objective subtracts the entropy bonus and adds the KL penalty', async () => {
    const t = (v: number[]) => tf.tensor2d(v, [ROWS, COLS]);
    const entropy = MASK.map((_, i) => 1 + 0.1 * i);
    const base = {
      logp: t(LOGP),
      oldLogp: t(OLD),
      advantages: t(ADV),
      mask: t(MASK),
      weights: t(WEIGHTS),
      uniforms: t(MASK),
      tokenCount: 8,
      params: PARAMS,
      entropy: t(entropy),
      refLogp: t(OLD),
    };
    const objective = { loss: 'ppo', ...PARAMS, aggregation: 'token-mean', klEstimator: 'k1' } as const;
    const plain = rlObjective({ ...objective, entropyCoef: 0, klCoef: 0 }, base);
    const full = rlObjective({ ...objective, entropyCoef: 0.5, klCoef: 2 }, base);
    const bonus = entropy.reduce((a, h, i) => a + WEIGHTS[i] * h, 0);
    const kl = LOGP.reduce((a, lp, i) => a + WEIGHTS[i] * (lp - OLD[i]), 0);
    const [p, f] = [(await values(plain.total))[0], (await values(full.total))[0]];
    expect(f).toBeCloseTo(p - 0.5 * bonus + 2 * kl, 5);
  });
});
