/**
 * The queue with real worker processes: the concurrency bound (read from the runs' start and finish
 * times, not from timing), the persisted order across a restart, cancelling a running run, and a
 * diverging run ending as `diverged` with its data kept.
 */
import { describe, expect, it } from 'vitest';
import { METRIC, type QueueState, type RunConfig, type RunRecord } from '../../../src-main/contract';
import { createTrainer, DivergedError } from '../../../src-main/engine/trainer';
import { dispatch, readRun } from '../../../src-main/lab';
import { tempDbPath } from '../../support/temp';
import { closeLab, openLab, tinyTabular, waitFor, waitForEnd } from './helpers';

/** The most runs training at the same moment, from stored [startedAt, finishedAt] intervals. */
function maxOverlap(runs: readonly RunRecord[]): number {
  const edges = runs.flatMap((r) => [
    { t: Date.parse(r.startedAt!), d: 1 },
    { t: Date.parse(r.finishedAt!), d: -1 },
  ]);
  edges.sort((a, b) => a.t - b.t || a.d - b.d); // a finish before a start at the same instant
  let now = 0;
  let most = 0;
  for (const e of edges) most = Math.max(most, (now += e.d));
  return most;
}

describe('run queue', () => {
  it('never trains more than maxConcurrent runs at once', async () => {
    const lab = openLab({ runQueue: true, maxConcurrent: 2 });
    const states: QueueState[] = [];
    lab.subscribe((e) => e.name === 'queue.changed' && states.push(e.payload));
    const ids: number[] = [];
    for (let seed = 1; seed <= 3; seed++) {
      ids.push((await dispatch(lab, 'runs.start', { config: tinyTabular({ seed, steps: 6 }) })).run.id);
    }
    const runs = await Promise.all(ids.map((id) => waitForEnd(lab, id)));
    expect(runs.map((r) => r.status)).toEqual(['completed', 'completed', 'completed']);
    expect(maxOverlap(runs)).toBeLessThanOrEqual(2);
    expect(Math.max(...states.map((s) => s.running.length))).toBeLessThanOrEqual(2);
    expect(states.some((s) => s.queued.includes(ids[2]))).toBe(true); // the third one had to wait
  });

  it('keeps the queued order across a restart and starts runs in it', async () => {
    const dbPath = tempDbPath();
    const idle = openLab({}, dbPath);
    const ids: number[] = [];
    for (let seed = 1; seed <= 3; seed++) {
      ids.push((await dispatch(idle, 'runs.start', { config: tinyTabular({ seed, steps: 3 }) })).run.id);
    }
    const [a, b, c] = ids;
    await dispatch(idle, 'queue.move', { id: c, position: 0 });
    await dispatch(idle, 'runs.cancel', { id: b });
    await closeLab(idle);

    const lab = openLab({ runQueue: true, maxConcurrent: 1 }, dbPath);
    const [ranC, ranA] = await Promise.all([waitForEnd(lab, c), waitForEnd(lab, a)]);
    expect([ranC.status, ranA.status]).toEqual(['completed', 'completed']);
    expect(Date.parse(ranC.finishedAt!)).toBeLessThanOrEqual(Date.parse(ranA.startedAt!));
    expect(readRun(lab.context, b)).toMatchObject({ status: 'cancelled', startedAt: null, step: null });
  });

  it('cancels a running run: it stops after the step in flight and keeps its data', async () => {
    const lab = openLab({ runQueue: true, maxConcurrent: 1 });
    const { run } = await dispatch(lab, 'runs.start', { config: tinyTabular({ steps: 400 }) });
    await waitFor('two steps', () => ((lab.context.store.lastStep(run.id) ?? -1) >= 1 ? true : undefined));
    expect(await dispatch(lab, 'runs.cancel', { id: run.id })).toMatchObject({ status: 'running' });
    const done = await waitForEnd(lab, run.id);
    expect(done.status).toBe('cancelled');
    const last = done.step!;
    expect(last).toBeLessThan(399);
    const { store } = lab.context;
    expect(store.series(run.id, [METRIC.entropy])[0].steps).toEqual(Array.from({ length: last + 1 }, (_, i) => i));
    expect(store.checkpointSteps(run.id).at(-1)).toBe(last);
    // The backend that ran stays on the record, also as a list read afresh by another lab shows it.
    expect(done).toMatchObject({ backend: 'cpu', backendDetail: 'cpu (pure JavaScript)' });
    const [listed] = await dispatch(openLab({}, lab.dbPath), 'runs.list', {});
    expect(listed).toMatchObject({
      id: run.id,
      status: 'cancelled',
      backend: 'cpu',
      backendDetail: 'cpu (pure JavaScript)',
    });
  });

  it('a diverging run ends as diverged, with the reason and every step before it kept', async () => {
    const { config, step } = await divergingConfig();
    const lab = openLab({ runQueue: true });
    const { run } = await dispatch(lab, 'runs.start', { config });
    const done = await waitForEnd(lab, run.id);
    expect(done).toMatchObject({ status: 'diverged', step: step - 1 });
    expect(done.error).toMatch(new RegExp(`diverged at step ${step}: `));
    const [entropy] = lab.context.store.series(run.id, [METRIC.entropy]);
    expect(entropy.steps).toEqual(Array.from({ length: step }, (_, i) => i));
    expect(lab.context.store.sampleSteps(run.id)).toHaveLength(step);
  });
});

/**
 * Rewards of astronomical spread (Gaussian, std 1e20, advantages not normalised) overflow the
 * float32 gradient norm now and then: the trainer guard must stop the run. The first seed whose run
 * diverges after at least one good step is found here, in this process, with the same engine.
 */
async function divergingConfig(): Promise<{ config: RunConfig; step: number }> {
  for (let seed = 1; seed <= 50; seed++) {
    const config = tinyTabular({
      seed,
      steps: 30,
      reward: { kind: 'gaussian', mean: 0, std: 1e20 },
      advantage: { estimator: 'dr_grpo' },
      optim: { optimizer: 'sgd', lr: 1e-30, epochs: 1, minibatches: 1, gradClip: null },
      eval: { every: 0 },
    });
    const trainer = await createTrainer(config);
    try {
      while (trainer.step < config.steps) await trainer.runStep();
    } catch (err) {
      if (!(err instanceof DivergedError)) throw err;
      if (err.step > 0) return { config, step: err.step };
    } finally {
      trainer.dispose();
    }
  }
  throw new Error('no seed diverged after its first step');
}
