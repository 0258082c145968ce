import { describe, expect, it } from 'vitest';
import { ApiError, PRESETS, configHash, groupKey, presetConfig } from '../../src-main/contract';
import { createImportedRun, createLocalRun, dispatch, setRunStatus } from '../../src-main/lab';
import { testLab } from './helpers';

describe('presets and config calls', () => {
  it('lists every preset', async () => {
    const { lab } = testLab();
    const presets = await dispatch(lab, 'presets.list', {});
    expect(presets.map((p) => p.name)).toEqual(PRESETS.map((p) => p.name));
  });

  it('validates a config: hash and group key for a good one, field errors for a bad one', async () => {
    const { lab } = testLab();
    const good = await dispatch(lab, 'config.validate', { config: { objective: { clipHigh: 'inf' } } });
    if (!good.ok) throw new Error('expected a valid config');
    expect(good.config.objective.clipHigh).toBeNull();
    expect(good.hash).toBe(configHash(good.config));
    expect(good.groupKey).toBe(groupKey(good.config));
    const bad = await dispatch(lab, 'config.validate', {
      config: { objective: { clipLow: 3 }, rollout: { groupSize: 0 } },
    });
    expect(bad.ok).toBe(false);
    if (!bad.ok)
      expect(bad.errors.map((e) => e.path)).toEqual(expect.arrayContaining(['objective.clipLow', 'rollout.groupSize']));
  });
});

describe('creating runs', () => {
  it('creates a queued local run from a config, with a descriptive default name', async () => {
    const { lab, events } = testLab();
    const config = presetConfig('gpt-random-clip-low-only');
    const run = createLocalRun(lab.context, config);
    expect(run).toMatchObject({
      origin: 'local',
      status: 'queued',
      name: 'add bernoulli clip 0.2/off seed 1',
      seed: 1,
      steps: config.steps,
      groupKey: groupKey(config),
      step: null,
      source: null,
    });
    expect(run.config).toEqual(config);
    expect(events).toEqual([{ name: 'run.changed', payload: { run } }]);
    expect(await dispatch(lab, 'runs.get', { id: run.id })).toEqual(run);
  });

  it('refuses an invalid config, naming the field, and stores nothing', async () => {
    const { lab } = testLab();
    let error: unknown;
    try {
      createLocalRun(lab.context, { objective: { clipLow: 'low' } });
    } catch (err) {
      error = err;
    }
    expect((error as Error).message).toMatch(/invalid run config:\nobjective\.clipLow: expected a number, got "low"/);
    expect(await dispatch(lab, 'runs.list', {})).toEqual([]);
  });

  it('creates an imported run with its source', async () => {
    const { lab } = testLab();
    const source = { format: 'verl-jsonl', file: 'metrics.jsonl', params: { clip_ratio_low: 0.2, seed: 3 } };
    const run = createImportedRun(lab.context, { name: 'verl run', source, seed: 3 });
    expect(run).toMatchObject({ origin: 'imported', status: 'completed', config: null, source, seed: 3 });
    const twin = createImportedRun(lab.context, {
      name: 'seed 4',
      source: { ...source, params: { ...source.params, seed: 4 } },
    });
    expect(twin.groupKey).toBe(run.groupKey);
  });

  it('changes status with timestamps and announces it; a missing run is not_found', async () => {
    const { lab, events } = testLab();
    const run = createLocalRun(lab.context, presetConfig('tabular-random-sym'));
    const running = setRunStatus(lab.context, run.id, 'running', { backend: 'wasm' });
    expect(running).toMatchObject({ status: 'running', backend: 'wasm', finishedAt: null });
    expect(running.startedAt).not.toBeNull();
    const failed = setRunStatus(lab.context, run.id, 'failed', { error: 'out of memory' });
    expect(failed).toMatchObject({ status: 'failed', error: 'out of memory' });
    expect(failed.finishedAt).not.toBeNull();
    expect(events.map((e) => e.name)).toEqual(['run.changed', 'run.changed', 'run.changed']);
    expect(() => setRunStatus(lab.context, 99, 'running')).toThrow(ApiError);
  });
});
