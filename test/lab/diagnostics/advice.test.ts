import { describe, expect, it } from 'vitest';
import { runConfigSchema, type RunConfigInput } from '../../../src-main/contract/config';
import type { Advice, RunDiagnosis } from '../../../src-main/contract/diagnostics';
import { diagnoseRun, formatRunReport } from '../../../src-main/lab/diagnostics';
import { seriesOf, stepsFrom } from './synthetic';

const steps = stepsFrom(0, 201);

/** Entropy decaying from 2, with per-step drifts of the given sizes. */
function clipRun(lowDrift: number, highDrift: number, fracs = { low: 0.01, high: 0.04 }) {
  return {
    entropy: seriesOf(steps, (s) => 2 * Math.exp(-s / 150)),
    'clip/low_drift': seriesOf(steps, (s) => (s < 20 ? 0.02 : lowDrift)),
    'clip/high_drift': seriesOf(steps, (s) => (s < 20 ? -0.001 : highDrift)),
    'clip/low_frac': seriesOf(steps, () => fracs.low),
    'clip/high_frac': seriesOf(steps, () => fracs.high),
  };
}

function local(config: RunConfigInput, id = 7) {
  return { id, name: 'r', origin: 'local' as const, seed: 1, config: runConfigSchema.parse(config) };
}

const find = (d: RunDiagnosis, id: string): Advice | undefined => d.advice.find((a) => a.id === id);

describe('advice', () => {
  it('cites the drift ratio and the log-balanced eps_low from the run’s own config, with a sweep', () => {
    const d = diagnoseRun(clipRun(0.01, -0.041), local({ reward: { kind: 'bernoulli' } }));
    const a = find(d, 'clip-high-dominates')!;
    const ratio = d.clip.drift!.highToLow!;
    expect(a.text).toContain(`clip-high drift is ${Number(ratio.toPrecision(3))}× clip-low drift over steps 0–200`);
    expect(a.text).toContain('log-balanced: eps_high/(1+eps_high) = 0.167');
    expect(a.text).toContain(`ahead since step ${d.clip.drift!.dominantSince}`);
    expect(a.severity).toBe('action');
    expect(a.numbers).toMatchObject({ clipLow: 0.2, clipHigh: 0.2 });
    expect(a.numbers.logBalancedClipLow).toBeCloseTo(1 / 6, 12);
    expect(a.sweep).toEqual({
      baseRunId: 7,
      grid: { 'objective.clipLow': [0.2, 0.167, 0.1, 0.05], 'objective.clipHigh': [0.2, null] },
      seeds: 3,
    });
  });

  it('uses the run’s eps: DAPO 0.2/0.28 balances at 0.219, and an eps_low already below it gets a smaller one', () => {
    const dapo = diagnoseRun(clipRun(0.01, -0.03), local({ objective: { clipLow: 0.25, clipHigh: 0.28 } }));
    expect(find(dapo, 'clip-high-dominates')!.text).toContain('= 0.219');
    const low = diagnoseRun(clipRun(0.01, -0.03), local({ objective: { clipLow: 0.1, clipHigh: 0.2 } }));
    const a = find(low, 'clip-high-dominates')!;
    expect(a.text).toContain('eps_low = 0.1 is already at or below the log-balanced 0.167');
    expect(a.sweep?.grid['objective.clipLow']).toEqual([0.1, 0.05]);
  });

  it('stays quiet about a clip-high lead that is neither a clear multiple nor a material net push', () => {
    const d = diagnoseRun(clipRun(0.01, -0.0125), local({}));
    expect(d.clip.drift?.dominant).toBe('clip-high');
    expect(d.clip.drift!.highToLow).toBeLessThan(1.25);
    expect(find(d, 'clip-high-dominates')).toBeUndefined();
  });

  it('speaks up when two large, nearly equal drifts net out to a material push', () => {
    const d = diagnoseRun(clipRun(0.1, -0.11), local({}));
    const a = find(d, 'clip-high-dominates')!;
    expect(d.clip.drift!.highToLow).toBeLessThan(1.25);
    // net = (0.4 + 18.1) - (0.02 + 19.91) = -1.43 nats against a start entropy of ~1.97
    expect(a.numbers.netDriftCum).toBeCloseTo(-1.43, 10);
    expect(a.text).toMatch(/net -1\.43 = 7\d(\.\d)?% of the start entropy/);
  });

  it('says clipping cannot act with 1 update per rollout', () => {
    const d = diagnoseRun(clipRun(0, 0, { low: 0, high: 0 }), local({ optim: { epochs: 1, minibatches: 1 } }));
    const a = find(d, 'no-clipping')!;
    expect(a.text).toContain('with 1 update per rollout the ratio is ≡ 1, so clipping cannot act');
    expect(a.numbers.updatesPerRollout).toBe(1);
  });

  it('asks for a random-reward control when entropy collapses under true rewards', () => {
    const series = { entropy: seriesOf(steps, (s) => 2 * Math.exp(-s / 30)) };
    const d = diagnoseRun(series, local({ reward: { kind: 'verifier' } }, 12));
    const a = find(d, 'collapse-needs-control')!;
    expect(a.text).toMatch(/^entropy collapsed \(below 10% of its start .* under true rewards; .*cliplab control 12/);
    expect(a.numbers.collapseStep).toBe(d.collapse.status === 'ok' ? d.collapse.collapseStep : -1);
  });

  it('splits a collapse with its control and says which part dominates', () => {
    const run = { entropy: seriesOf(steps, (s) => 2 - (1.5 * s) / 200) };
    const ctl = { entropy: seriesOf(steps, (s) => 2 - (1.2 * s) / 200) };
    const d = diagnoseRun(run, local({ seed: 2 }, 1), {
      control: { series: ctl, meta: local({ seed: 2, reward: { kind: 'bernoulli' } }, 2) },
    });
    const a = find(d, 'control-split')!;
    expect(a.numbers.controlShare).toBeCloseTo(0.8, 12);
    expect(a.text).toContain('(80%)');
    expect(a.text).toContain('mostly clip- and optimizer-driven');
    expect(find(d, 'collapse-needs-control')).toBeUndefined();
    expect(find(d, 'control-mismatch')).toBeUndefined();
  });

  it('warns about too few seeds with a seeds-only sweep', () => {
    const d = diagnoseRun(clipRun(0.01, -0.011), local({}), { seedsInGroup: 2 });
    expect(find(d, 'too-few-seeds')).toMatchObject({
      numbers: { seeds: 2 },
      sweep: { baseRunId: 7, grid: {}, seeds: 3 },
    });
  });
});

describe('diagnoseRun on imported runs', () => {
  const verl = {
    'actor/entropy': seriesOf(steps, (s) => 1.5 * Math.exp(-s / 40)),
    'actor/pg_clipfrac': seriesOf(steps, () => 0.004),
    'actor/pg_clipfrac_lower': seriesOf(steps, () => 0),
    'critic/score/mean': seriesOf(steps, (s) => s / 400),
    'val-core/openai/gsm8k/acc/mean@1': seriesOf(
      stepsFrom(0, 11, 20),
      (s) => 0.9 - 0.2 * Math.exp(1.5 * Math.exp(-s / 40)),
    ),
  };
  const meta = {
    id: 40,
    name: 'verl gsm8k',
    origin: 'imported' as const,
    params: { actor_rollout_ref: { actor: { clip_ratio: 0.2 } } },
  };

  it('uses the trainer keys, says which, and reports combined-only clipping', () => {
    const d = diagnoseRun(verl, meta);
    expect(d.keys).toContainEqual({ quantity: 'entropy', key: 'actor/entropy', fallback: true, aliasOf: null });
    expect(d.collapse).toMatchObject({ status: 'ok', verdict: 'collapsed', key: 'actor/entropy' });
    expect(d.clip.summary).toMatch(/^combined only; cannot attribute/);
    expect(d.settings).toMatchObject({ clipLow: 0.2, clipHigh: 0.2 });
    expect(d.law).toMatchObject({ status: 'ok', accKey: 'val-core/openai/gsm8k/acc/mean@1' });
    expect(d.law.status === 'ok' && d.law.a).toBeCloseTo(0.2, 8);
    expect(d.advice.map((a) => a.id)).toContain('combined-only');
    expect(d.scalars['reward.mean']).toBeCloseTo(0.25, 12);
  });

  it('is plain JSON (no NaN or Infinity) and renders a report with the verdict first', () => {
    const d = diagnoseRun(verl, meta);
    expect(JSON.parse(JSON.stringify(d))).toEqual(d);
    const report = formatRunReport(d);
    const lines = report.split('\n');
    expect(lines[0]).toBe('Diagnosis of run 40 "verl gsm8k" (imported)');
    expect(lines[1]).toMatch(/^Entropy: COLLAPSED — /);
    expect(report.indexOf('Clip balance:')).toBeLessThan(report.indexOf('Theory check'));
    expect(report.indexOf('Theory check')).toBeLessThan(report.indexOf('Entropy–accuracy law'));
    expect(report.indexOf('Entropy–accuracy law')).toBeLessThan(report.indexOf('Advice:'));
    expect(report).toContain('entropy ← "actor/entropy" (trainer key)');
  });

  it('rejects bad options naming the field', () => {
    expect(() => diagnoseRun(verl, meta, { options: { collapseFraction: 2 } })).toThrow(/collapseFraction/);
  });
});
