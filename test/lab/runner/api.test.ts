/**
 * The training API without training: starting runs and sweeps, control twins, the queue's order,
 * cancelling queued runs, and which runs can be resumed. The queue does not run in these labs.
 */
import { describe, expect, it } from 'vitest';
import { ApiError, groupKey, METRIC, type LabEvent } from '../../../src-main/contract';
import { dispatch, readRun, setRunStatus } from '../../../src-main/lab';
import { rejectionOf } from '../../support/rejection';
import { openLab, tinyTabular } from './helpers';

const rejection = (p: Promise<unknown>) => rejectionOf(p, ApiError);

describe('runs.start', () => {
  it('stores and queues a run; with control, also its random-reward twin', async () => {
    const lab = openLab();
    const events: LabEvent[] = [];
    lab.subscribe((e) => events.push(e));
    const config = tinyTabular({ reward: { kind: 'verifier' } });
    const { run, control } = await dispatch(lab, 'runs.start', { config, name: 'base', control: true });
    expect(run).toMatchObject({ name: 'base', status: 'queued', seed: config.seed });
    expect(control).not.toBeNull();
    expect(control!.controlOf).toBe(run.id);
    expect(control!.origin === 'local' && control!.config).toEqual({
      ...config,
      reward: { kind: 'bernoulli', p: 0.5 },
    });
    expect(control!.seed).toBe(run.seed);
    expect(control!.groupKey).not.toBe(run.groupKey);
    expect(await dispatch(lab, 'queue.list', {})).toMatchObject({ running: [], queued: [run.id, control!.id] });
    expect(events.some((e) => e.name === 'queue.changed')).toBe(true);
  });

  it('names the config field that is wrong, and creates nothing', async () => {
    const lab = openLab();
    const bad = { ...tinyTabular(), objective: { ...tinyTabular().objective, clipLow: 3 } };
    const err = await rejection(dispatch(lab, 'runs.start', { config: bad }));
    expect(err.code).toBe('bad_request');
    expect(err.fields).toContainEqual({
      path: 'config.objective.clipLow',
      message: 'expected a number from 0 to 1, or off (= 1) for no lower clip, got 3',
    });
    const random = await rejection(dispatch(lab, 'runs.start', { config: tinyTabular(), control: true }));
    expect(random.message).toMatch(/already has random/);
    expect(await dispatch(lab, 'runs.list', {})).toEqual([]);
  });
});

describe('runs.control', () => {
  it('twins a run with p = its mean reward, or the p given', async () => {
    const lab = openLab();
    const config = tinyTabular({ reward: { kind: 'verifier' } });
    const { run } = await dispatch(lab, 'runs.start', { config });
    const points = [0.25, 0.5, 0.75].map((value, step) => ({ key: METRIC.rewardMean, step, value }));
    lab.context.store.appendMetrics(run.id, points);
    const twin = await dispatch(lab, 'runs.control', { id: run.id });
    expect(twin.origin === 'local' && twin.config.reward).toEqual({ kind: 'bernoulli', p: 0.5 });
    expect(twin).toMatchObject({ controlOf: run.id, status: 'queued', seed: run.seed });
    const given = await dispatch(lab, 'runs.control', { id: run.id, p: 0.3 });
    expect(given.origin === 'local' && given.config.reward).toEqual({ kind: 'bernoulli', p: 0.3 });
    // Apart from the reward, the twin is the run: with the run's reward it has the run's group key.
    const rewarded = given.origin === 'local' ? { ...given.config, reward: config.reward } : {};
    expect(groupKey(rewarded)).toBe(run.groupKey);
  });

  it('asks for p before the run has rewards, and refuses runs that are random already', async () => {
    const lab = openLab();
    const { run } = await dispatch(lab, 'runs.start', { config: tinyTabular({ reward: { kind: 'verifier' } }) });
    const early = await rejection(dispatch(lab, 'runs.control', { id: run.id }));
    expect(early.fields).toContainEqual({ path: 'p', message: expect.stringMatching(/reward probability/) });
    const { run: random } = await dispatch(lab, 'runs.start', { config: tinyTabular() });
    expect((await rejection(dispatch(lab, 'runs.control', { id: random.id }))).message).toMatch(/is a control itself/);
  });
});

describe('sweeps.start', () => {
  it('makes a run per grid point and seed, in order, with names that tell them apart', async () => {
    const lab = openLab();
    const grid = { 'objective.clipLow': [0.1, 0.2], 'objective.clipHigh': [0.2, null] };
    const { ids, runs } = await dispatch(lab, 'sweeps.start', { config: tinyTabular(), grid, seeds: 2, name: 'sw' });
    expect(ids).toHaveLength(8);
    expect(runs.map((r) => r.name)).toEqual([
      'sw clipLow=0.1 clipHigh=0.2 seed 3',
      'sw clipLow=0.1 clipHigh=0.2 seed 4',
      'sw clipLow=0.1 clipHigh=off seed 3',
      'sw clipLow=0.1 clipHigh=off seed 4',
      'sw clipLow=0.2 clipHigh=0.2 seed 3',
      'sw clipLow=0.2 clipHigh=0.2 seed 4',
      'sw clipLow=0.2 clipHigh=off seed 3',
      'sw clipLow=0.2 clipHigh=off seed 4',
    ]);
    expect(new Set(runs.map((r) => r.groupKey)).size).toBe(4); // seeds share a group
    expect((await dispatch(lab, 'queue.list', {})).queued).toEqual(ids);
  });

  it('starts from a preset, and validates every point before creating any run', async () => {
    const lab = openLab();
    const { runs } = await dispatch(lab, 'sweeps.start', { preset: 'tabular-random-sym', grid: { steps: [3] } });
    expect(runs[0]).toMatchObject({ name: 'tabular-random-sym steps=3 seed 1', steps: 3 });
    const bad = await rejection(
      dispatch(lab, 'sweeps.start', { config: tinyTabular(), grid: { 'objective.clipLow': [0.1, 7] } }),
    );
    expect(bad.fields).toContainEqual({
      path: 'objective.clipLow',
      message: expect.stringMatching(/from 0 to 1, or off \(= 1\) for no lower clip, got 7 \(at objective.clipLow=7\)/),
    });
    const unknown = await rejection(
      dispatch(lab, 'sweeps.start', { config: tinyTabular(), grid: { 'optim.lrr': [1] } }),
    );
    expect(unknown.fields?.[0]).toMatchObject({ path: 'optim.lrr', message: expect.stringMatching(/unknown key/) });
    const preset = await rejection(dispatch(lab, 'sweeps.start', { preset: 'nope', grid: { steps: [3] } }));
    expect(preset.fields?.[0]).toMatchObject({ path: 'preset', message: expect.stringMatching(/tabular-random-sym/) });
    expect(await dispatch(lab, 'runs.list', {})).toHaveLength(1);
  });
});

describe('queue order and cancelling', () => {
  it('moves queued runs, cancels one, and refuses to move what is not queued', async () => {
    const lab = openLab();
    const ids: number[] = [];
    for (let i = 0; i < 3; i++) ids.push((await dispatch(lab, 'runs.start', { config: tinyTabular() })).run.id);
    const [a, b, c] = ids;
    expect((await dispatch(lab, 'queue.move', { id: c, position: 0 })).queued).toEqual([c, a, b]);
    expect(await dispatch(lab, 'runs.cancel', { id: a })).toMatchObject({ status: 'cancelled' });
    expect((await dispatch(lab, 'queue.list', {})).queued).toEqual([c, b]);
    expect((await rejection(dispatch(lab, 'queue.move', { id: a, position: 0 }))).code).toBe('conflict');
    expect((await rejection(dispatch(lab, 'runs.cancel', { id: a }))).code).toBe('conflict');
  });
});

describe('runs.resume', () => {
  it('queues interrupted, cancelled and failed runs; refuses completed and diverged ones', async () => {
    const lab = openLab();
    const ids: number[] = [];
    for (const status of ['interrupted', 'cancelled', 'failed', 'completed', 'diverged'] as const) {
      const { run } = await dispatch(lab, 'runs.start', { config: tinyTabular() });
      await dispatch(lab, 'runs.cancel', { id: run.id }); // out of the queue
      setRunStatus(lab.context, run.id, status);
      ids.push(run.id);
    }
    for (const id of ids.slice(0, 3))
      expect(await dispatch(lab, 'runs.resume', { id })).toMatchObject({ status: 'queued' });
    expect(lab.context.store.queueEntries()).toEqual(
      ids.slice(0, 3).map((runId, i) => expect.objectContaining({ runId, resume: true, position: i })),
    );
    expect((await rejection(dispatch(lab, 'runs.resume', { id: ids[3] }))).message).toMatch(/is completed/);
    expect((await rejection(dispatch(lab, 'runs.resume', { id: ids[4] }))).message).toMatch(/diverge again/);
    expect(readRun(lab.context, ids[3]).status).toBe('completed');
  });
});
