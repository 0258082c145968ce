/**
 * Diagnoses runs made by the real trainer (tabular bandit, random rewards, cpu backend): the paper's
 * central claim, as cliplab's own engine reproduces it, must come out of the diagnosis.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { presetConfig, runConfigSchema, type RunConfigInput } from '../../../src-main/contract';
import type { SeriesPoints } from '../../../src-main/contract/summary';
import { selectBackend, type BackendInfo } from '../../../src-main/engine/backend';
import { createTrainer } from '../../../src-main/engine/trainer';
import { diagnoseRun } from '../../../src-main/lab/diagnostics';

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

  it('says clipping cannot act when each rollout gets a single update', async () => {
    const optim = { ...presetConfig('tabular-random-sym').optim, epochs: 1, minibatches: 1 };
    const d = await train({ optim, task: { kind: 'bandit', prompts: 64, actions: 32 }, rollout: { prompts: 64 } }, 8);
    expect(d.settings.updatesPerRollout).toBe(1);
    expect(d.clip.clippingActive).toBe(false);
    expect(d.advice.find((a) => a.id === 'no-clipping')?.text).toContain('clipping cannot act');
  });
});
