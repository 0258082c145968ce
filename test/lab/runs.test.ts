import { describe, expect, it } from 'vitest';
import { ApiError, presetConfig, type ApiMethod } from '../../src-main/contract';
import { createLocalRun, dispatch, setRunStatus } from '../../src-main/lab';
import { rejectionOf } from '../support/rejection';
import { testLab } from './helpers';

/** The ApiError a call fails with. */
const failure = (p: Promise<unknown>) => rejectionOf(p, ApiError);

function seeded() {
  const t = testLab();
  const { context } = t.lab;
  const a = createLocalRun(context, presetConfig('tabular-random-sym'), { tags: ['paper'] });
  const b = createLocalRun(context, { ...presetConfig('tabular-random-sym'), seed: 2 }, { name: 'second' });
  const c = createLocalRun(context, presetConfig('gpt-true-dapo'), { notes: 'true rewards' });
  context.store.appendMetrics(a.id, [
    { key: 'entropy', step: 0, value: 4.1, time: 0.1 },
    { key: 'reward/mean', step: 0, value: 0.5, time: 0.1 },
    { key: 'entropy', step: 1, value: 4.0, time: 0.2 },
    { key: 'eval/acc', step: 1, value: Number.NaN, time: 0.2 },
  ]);
  context.store.putSamples(a.id, 1, [
    { prompt: 'p', responses: [{ text: '3', tokens: ['3'], reward: 1, advantage: 0.5, entropies: [1.2] }] },
  ]);
  t.events.length = 0;
  return { ...t, a, b, c };
}

describe('runs.* through dispatch', () => {
  it('lists runs with tags, last step and headline values, and filters them', async () => {
    const { lab, a, b, c } = seeded();
    const runs = await dispatch(lab, 'runs.list', {});
    expect(runs.map((r) => r.id)).toEqual([a.id, b.id, c.id]);
    expect(runs[0]).toMatchObject({
      origin: 'local',
      status: 'queued',
      tags: ['paper'],
      step: 1,
      steps: presetConfig('tabular-random-sym').steps,
      latest: { entropy: 4, 'reward/mean': 0.5, 'eval/acc': null },
    });
    expect(runs[1]).toMatchObject({ name: 'second', step: null, latest: {} });
    expect(runs[0].groupKey).toBe(runs[1].groupKey);
    expect(runs[0].groupKey).not.toBe(runs[2].groupKey);
    expect((await dispatch(lab, 'runs.list', { tags: ['paper'] })).map((r) => r.id)).toEqual([a.id]);
    expect((await dispatch(lab, 'runs.list', { text: 'TRUE REW' })).map((r) => r.id)).toEqual([c.id]);
    setRunStatus(lab.context, b.id, 'running');
    expect((await dispatch(lab, 'runs.list', { status: ['running'] })).map((r) => r.id)).toEqual([b.id]);
  });

  it('gets one run, its keys, series, sample steps and samples', async () => {
    const { lab, a } = seeded();
    expect(await dispatch(lab, 'runs.get', { id: a.id })).toMatchObject({ id: a.id, config: { seed: 1 } });
    expect(await dispatch(lab, 'runs.keys', { id: a.id })).toEqual([
      { key: 'entropy', count: 2, firstStep: 0, lastStep: 1 },
      { key: 'eval/acc', count: 1, firstStep: 1, lastStep: 1 },
      { key: 'reward/mean', count: 1, firstStep: 0, lastStep: 0 },
    ]);
    const [entropy, acc] = await dispatch(lab, 'runs.series', { id: a.id, keys: ['entropy', 'eval/acc'], from: 1 });
    expect(entropy).toEqual({ key: 'entropy', steps: [1], values: [4], times: [0.2] });
    expect(acc.values).toEqual([null]);
    expect(await dispatch(lab, 'runs.sampleSteps', { id: a.id })).toEqual([1]);
    const samples = await dispatch(lab, 'runs.samples', { id: a.id, step: 1 });
    expect(samples).toEqual([
      { step: 1, prompt: 'p', responses: [{ text: '3', tokens: ['3'], reward: 1, advantage: 0.5, entropies: [1.2] }] },
    ]);
    expect(await dispatch(lab, 'runs.samples', { id: a.id, step: 0 })).toEqual([]);
  });

  it('renames, tags and annotates, announcing each change', async () => {
    const { lab, a, events } = seeded();
    expect((await dispatch(lab, 'runs.rename', { id: a.id, name: '  clipped  ' })).name).toBe('clipped');
    expect((await dispatch(lab, 'runs.setTags', { id: a.id, tags: ['b', 'a'] })).tags).toEqual(['a', 'b']);
    expect((await dispatch(lab, 'runs.setNotes', { id: a.id, notes: 'why' })).notes).toBe('why');
    expect(events.map((e) => e.name)).toEqual(['run.changed', 'run.changed', 'run.changed']);
    const last = events[2];
    expect(last.name === 'run.changed' && last.payload.run).toMatchObject({ id: a.id, name: 'clipped', notes: 'why' });
  });

  it('deletes runs (not running ones) and announces it', async () => {
    const { lab, a, b, c, events } = seeded();
    setRunStatus(lab.context, c.id, 'running');
    events.length = 0;
    const busy = await failure(dispatch(lab, 'runs.delete', { ids: [a.id, c.id] }));
    expect(busy.code).toBe('conflict');
    expect(busy.message).toMatch(new RegExp(`run ${c.id} is running`));
    expect(await dispatch(lab, 'runs.delete', { ids: [a.id, b.id] })).toEqual({ deleted: [a.id, b.id] });
    expect(events).toEqual([{ name: 'run.deleted', payload: { ids: [a.id, b.id] } }]);
    expect((await dispatch(lab, 'runs.list', {})).map((r) => r.id)).toEqual([c.id]);
    const gone = await failure(dispatch(lab, 'runs.delete', { ids: [a.id] }));
    expect(gone).toMatchObject({ code: 'not_found', fields: [{ path: 'ids' }] });
  });

  it('groups seeds of one config', async () => {
    const { lab, a, b, c } = seeded();
    const groups = await dispatch(lab, 'runs.groups', {});
    expect(groups.map((g) => g.runIds)).toEqual([[a.id, b.id], [c.id]]);
    expect(groups[0].seeds).toEqual([1, 2]);
  });

  it('answers not_found for a missing run on every per-run call', async () => {
    const { lab } = seeded();
    const calls: [ApiMethod, Record<string, unknown>][] = [
      ['runs.get', { id: 99 }],
      ['runs.keys', { id: 99 }],
      ['runs.series', { id: 99, keys: ['entropy'] }],
      ['runs.sampleSteps', { id: 99 }],
      ['runs.samples', { id: 99, step: 0 }],
      ['runs.rename', { id: 99, name: 'x' }],
      ['runs.setTags', { id: 99, tags: [] }],
      ['runs.setNotes', { id: 99, notes: '' }],
    ];
    for (const [method, args] of calls) {
      const err = await failure(dispatch(lab, method, args));
      expect(err.code, method).toBe('not_found');
      expect(err.message).toBe('run 99 not found');
    }
  });

  it.each([
    ['runs.get', { id: 0 }, 'id'],
    ['runs.get', { id: 'one' }, 'id'],
    ['runs.get', {}, 'id'],
    ['runs.get', { id: 1, extra: true }, ''],
    ['runs.list', { status: ['sleeping'] }, 'status[0]'],
    ['runs.list', { tags: [''] }, 'tags[0]'],
    ['runs.series', { id: 1, keys: [] }, 'keys'],
    ['runs.series', { id: 1, keys: ['entropy'], from: -1 }, 'from'],
    ['runs.series', { id: 1, keys: ['entropy'], from: 5, to: 2 }, 'to'],
    ['runs.samples', { id: 1, step: 1.5 }, 'step'],
    ['runs.rename', { id: 1, name: '   ' }, 'name'],
    ['runs.setTags', { id: 1, tags: 'a' }, 'tags'],
    ['runs.setNotes', { id: 1 }, 'notes'],
    ['runs.delete', { ids: [] }, 'ids'],
    ['config.validate', {}, 'config'],
  ] as const)('%s with %j is a bad_request naming "%s"', async (method, args, path) => {
    const { lab } = seeded();
    const err = await failure(dispatch(lab, method, args as never));
    expect(err.code).toBe('bad_request');
    expect(err.fields?.map((f) => f.path)).toContain(path);
    expect(err.message).toContain(method === 'runs.series' && path === 'to' ? 'to:' : method);
  });

  it('rejects an unknown call by name', async () => {
    const { lab } = seeded();
    const err = await failure(dispatch(lab, 'runs.explode', {}));
    expect(err).toMatchObject({ code: 'bad_request', message: 'unknown API call "runs.explode"' });
  });
});
