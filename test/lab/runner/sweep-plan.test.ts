/**
 * A sweep before it starts (issue 14): its cells, the ones that already have a run, and how long the
 * new ones take here, from step times measured by earlier runs (worked out by hand below). The queue
 * does not run in these labs.
 */
import { describe, expect, it } from 'vitest';
import { METRIC, type RunConfig, type RunStatus } from '../../../src-main/contract';
import { createLocalRun, dispatch, setRunStatus, type LabService } from '../../../src-main/lab';
import { openLab, tinyTabular } from './helpers';

/** A finished run of `config` whose steps each took the given seconds (as the trainer logs them). */
function timedRun(lab: LabService, config: RunConfig, stepSeconds: number[], status: RunStatus = 'completed'): number {
  const { id } = createLocalRun(lab.context, config);
  setRunStatus(lab.context, id, 'running', { backend: 'cpu' });
  lab.context.store.appendMetrics(
    id,
    stepSeconds.map((value, step) => ({ key: METRIC.timeStep, step, value })),
  );
  setRunStatus(lab.context, id, status);
  return id;
}

describe('sweeps.plan and skipping cells that exist', () => {
  it('finds the existing cells, estimates the new ones from measured step times, and queues only those', async () => {
    const lab = openLab({ maxConcurrent: 2 });
    const base = tinyTabular({ steps: 100 });
    // Cell clipLow=0.2 seed 3 exists (completed); the median of its step times is 0.5 s.
    const done = timedRun(lab, { ...base, objective: { ...base.objective, clipLow: 0.2 } }, [0.4, 0.5, 0.9]);
    // A failed run does not count as a cell that exists; its step times still tell the cost (0.3 s).
    timedRun(lab, { ...base, seed: 4, objective: { ...base.objective, clipLow: 0.1 } }, [0.3, 0.3], 'failed');
    const grid = { 'objective.clipLow': [0.1, 0.2] };
    const plan = await dispatch(lab, 'sweeps.plan', { config: base, grid, seeds: 2, skipExisting: true });

    expect(plan.cells.map((c) => [c.values['objective.clipLow'], c.seed, c.existing?.id ?? null])).toEqual([
      [0.1, 3, null],
      [0.1, 4, null],
      [0.2, 3, done],
      [0.2, 4, null],
    ]);
    expect(plan).toMatchObject({ toCreate: 3, existing: 1 });
    // By hand: both timed runs share the cost-setting keys (policy, task, batch, updates, backend) with
    // every cell, so each of the 3 new runs of 100 steps takes 100 x median(0.5, 0.3) = 40 s; 120 s in
    // all, 60 s with 2 at once.
    expect(plan.estimate).toMatchObject({ estimated: 3, unknown: 0, parallel: 2, baseModels: 0 });
    expect(plan.estimate.totalSeconds).toBeCloseTo(120, 9);
    expect(plan.estimate.wallSeconds).toBeCloseTo(60, 9);
    expect(plan.estimate.basis[0]).toContain('median 0.4 s per training step');

    const started = await dispatch(lab, 'sweeps.start', { config: base, grid, seeds: 2, skipExisting: true });
    expect(started.ids).toHaveLength(3);
    expect(started.skipped).toEqual([done]);
    // Launching the same grid again creates nothing: every cell has a run now.
    const again = await dispatch(lab, 'sweeps.plan', { config: base, grid, seeds: 2, skipExisting: true });
    expect(again.toCreate).toBe(0);
    expect((await dispatch(lab, 'sweeps.start', { config: base, grid, seeds: 2, skipExisting: true })).ids).toEqual([]);
    // Asked to, it trains them all again.
    expect((await dispatch(lab, 'sweeps.plan', { config: base, grid, seeds: 2 })).toCreate).toBe(4);
  });

  it('says when nothing like the new runs has been timed here, and counts base models to train', async () => {
    const lab = openLab();
    const plan = await dispatch(lab, 'sweeps.plan', { config: tinyTabular(), grid: { steps: [5, 6] } });
    expect(plan.estimate).toMatchObject({ totalSeconds: null, wallSeconds: null, estimated: 0, unknown: 2 });
    expect(plan.estimate.basis.join(' ')).toContain('no run has been timed with here yet');
    const gpt = await dispatch(lab, 'sweeps.plan', { preset: 'gpt-true-sym', grid: { seed: [1, 2] } });
    expect(gpt.estimate.baseModels).toBe(1);
  });
});
