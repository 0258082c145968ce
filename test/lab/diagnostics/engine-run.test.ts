/**
 * Diagnoses runs made by the real trainer (tabular bandit, random rewards, cpu backend): the paper's
 * central claim, as cliplab's own engine reproduces it, must come out of the diagnosis.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { presetConfig, runConfigSchema, type RunConfigInput } from '../../../src-main/contract';
import type { SeriesPoints } from '../../../src-main/contract/summary';
import { selectBackend, type BackendInfo } from '../../../src-main/engine/backend';
import { createTrainer } from '../../../src-main/engine/trainer';
import { diagnoseRun, formatRunReport } from '../../../src-main/lab/diagnostics';
import { fmtSigned } from '../../../src-main/lab/diagnostics/format';

let backend: BackendInfo;
beforeAll(async () => {
  backend = await selectBackend('cpu');
});

/**
 * The tabular random-reward preset (256 prompts x 64 actions, G = 8, 4 passes per rollout: the
 * paper's toy setting), cut to `steps` steps, without evaluation or samples.
 */
function presetRun(overrides: RunConfigInput, steps: number) {
  const base = presetConfig('tabular-random-sym');
  return runConfigSchema.parse({
    ...base,
    steps,
    eval: { ...base.eval, every: 0 },
    log: { ...base.log, samplesPerStep: 0 },
    attribution: { method: 'exact', every: 4 },
    backend: 'cpu',
    ...overrides,
  });
}

async function train(overrides: RunConfigInput, steps: number) {
  const config = presetRun(overrides, steps);
  const trainer = await createTrainer(config, { backend });
  const series: Record<string, SeriesPoints> = {};
  try {
    while (trainer.step < config.steps) {
      const { step, metrics } = await trainer.runStep();
      for (const [key, value] of Object.entries(metrics)) {
        const s = (series[key] ??= { steps: [], values: [] });
        s.steps.push(step);
        s.values.push(Number.isFinite(value) ? value : null);
      }
    }
  } finally {
    trainer.dispose();
  }
  return diagnoseRun(series, { id: 1, name: 'engine run', origin: 'local', seed: config.seed, config });
}

describe('diagnosis of engine runs', () => {
  it('diagnoses a random-reward 0.2/0.2 run as clip-high dominated, with advice citing the ratio', async () => {
    const d = await train({ seed: 3, objective: { clipLow: 0.2, clipHigh: 0.2 } }, 20);
    expect(d.clip.attribution).toBe('per-side');
    expect(d.clip.drift?.dominant).toBe('clip-high');
    expect(d.clip.drift!.highCum).toBeLessThan(0);
    expect(d.clip.drift!.lowCum).toBeGreaterThan(0);
    expect(d.clip.clippingActive).toBe(true);
    // clip-high events outnumber clip-low ones at symmetric eps (research/paper.md, toy check)
    expect(d.clip.highFrac!.mean).toBeGreaterThan(d.clip.lowFrac!.mean);
    const advice = d.advice.find((a) => a.id === 'clip-high-dominates');
    expect(advice?.text).toContain(`clip-high drift is ${Number(d.clip.drift!.highToLow!.toPrecision(3))}×`);
    expect(advice?.text).toContain('= 0.167');
    expect(d.theory.status).toBe('ok');
    expect(d.collapse.status === 'ok' && d.collapse.finalOverStart).toBeLessThan(1);
  });

  it('tells one story: the predicted change is the unclipped part plus the net clip drift plus the rest', async () => {
    const d = await train({ seed: 4, attribution: { method: 'exact', every: 3 } }, 12);
    if (d.theory.status !== 'ok') throw new Error(d.theory.reason);
    expect(d.theory.method).toBe('exact');
    expect(d.theory.n).toBe(4); // steps 0, 3, 6, 9
    expect(d.attribution).toMatchObject({ method: 'exact', steps: 4, measuredSteps: 12 });
    expect(d.attribution).toMatchObject({ rule: 'simpson', label: 'exact, fourth order (Simpson)' });
    expect(d.attribution.note).toContain('exact, fourth order (Simpson) attribution once every 3 steps (4 of 12 steps');
    const p = d.theory.parts!;
    expect(p.unclipped + p.clip + p.momentum + p.other).toBeCloseTo(d.theory.predictedCum, 7); // float32 parts
    // The theory check's clipping share is the clip balance's net drift, over the same steps.
    expect(p.clip).toBeCloseTo(d.clip.drift!.netCum, 12);
    expect(d.clip.drift!.method).toBe('exact');
    const report = formatRunReport(d);
    expect(report).toContain(
      'Theory check (exact, fourth order (Simpson) prediction vs measured entropy change, 4 steps)',
    );
    expect(d.clip.drift!.label).toBe('exact, fourth order (Simpson)');
    expect(report).toContain(`net clip drift ${fmtSigned(d.clip.drift!.netCum)}`);
  });

  it('names the first-order rule of a run attributed by the tangent', async () => {
    const d = await train({ seed: 4, attribution: { method: 'exact', every: 3, rule: 'tangent' } }, 4);
    if (d.theory.status !== 'ok') throw new Error(d.theory.reason);
    expect(d.attribution).toMatchObject({ method: 'exact', rule: 'tangent', label: 'exact, first order' });
    expect(d.theory.label).toBe('exact, first order');
    expect(d.clip.drift!.label).toBe('exact, first order');
    expect(formatRunReport(d)).toContain('Theory check (exact, first order prediction vs measured entropy change');
  });

  it('names the second-order rule of a run attributed by the trapezoid', async () => {
    const d = await train({ seed: 4, attribution: { method: 'exact', every: 3, rule: 'trapezoid' } }, 4);
    if (d.theory.status !== 'ok') throw new Error(d.theory.reason);
    expect(d.attribution).toMatchObject({ rule: 'trapezoid', label: 'exact, second order (trapezoid)' });
    expect(d.theory.label).toBe('exact, second order (trapezoid)');
    expect(d.clip.drift!.label).toBe('exact, second order (trapezoid)');
    expect(formatRunReport(d)).toContain(
      'Theory check (exact, second order (trapezoid) prediction vs measured entropy change',
    );
  });

  it('names the logit-space estimate, and says when attribution was off', async () => {
    const logit = await train({ attribution: { method: 'logit' } }, 4);
    expect(logit.theory.status === 'ok' && logit.theory.method).toBe('logit');
    expect(logit.clip.drift!.method).toBe('logit');
    expect(logit.attribution.note).toMatch(/^logit-space estimate on every step .*tabular policy under SGD/);
    const off = await train({ attribution: { method: 'off' } }, 4);
    expect(off.theory).toMatchObject({ status: 'unavailable' });
    expect(off.clip.drift).toBeNull();
    expect(off.attribution).toMatchObject({ method: null, label: 'not computed' });
    expect(off.attribution.note).toContain('attribution.method "off"');
  });

  it('says clipping cannot act when each rollout gets a single update', async () => {
    const optim = { ...presetConfig('tabular-random-sym').optim, epochs: 1, minibatches: 1 };
    const d = await train({ optim, task: { kind: 'bandit', prompts: 64, actions: 32 }, rollout: { prompts: 64 } }, 8);
    expect(d.settings.updatesPerRollout).toBe(1);
    expect(d.clip.clippingActive).toBe(false);
    expect(d.advice.find((a) => a.id === 'no-clipping')?.text).toContain('clipping cannot act');
  });
});
