import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStore, type NewRun, type Store } from '../../src-main/store';
import { tempDbPath } from '../support/temp';

const base: NewRun = { name: 'r', origin: 'local', status: 'queued', groupKey: 'g', appVersion: '0.1.0' };

let store: Store;
beforeEach(() => {
  store = openStore(tempDbPath());
});
afterEach(() => store.close());

describe('runs', () => {
  it('creates runs with JSON columns, tags and increasing ids', () => {
    const a = store.createRun({ ...base, config: { seed: 2 }, seed: 2, steps: 10, tags: ['x', 'x', 'a'] });
    const b = store.createRun({ ...base, origin: 'imported', source: { format: 'csv' } });
    expect(b).toBeGreaterThan(a);
    const run = store.getRun(a)!;
    expect(run).toMatchObject({ name: 'r', origin: 'local', status: 'queued', seed: 2, steps: 10, notes: '' });
    expect(JSON.parse(run.config!)).toEqual({ seed: 2 });
    expect(run.source).toBeNull();
    expect(run.tags).toEqual(['a', 'x']);
    expect(run.lastStep).toBeNull();
    expect(store.getRun(b)!.config).toBeNull();
    expect(store.listRuns().map((r) => r.id)).toEqual([a, b]);
    expect(store.listRuns({ ids: [b] }).map((r) => r.id)).toEqual([b]);
    expect(store.getRun(999)).toBeUndefined();
  });

  it('stamps start and finish times by status, and clears them when a run is resumed', () => {
    const id = store.createRun(base);
    const t = (s: number) => new Date(Date.UTC(2025, 0, 1, 0, 0, s));
    store.setRunStatus(id, 'running', { at: t(1), backend: 'wasm', backendDetail: 'wasm (XNNPACK)' });
    expect(store.getRun(id)).toMatchObject({ status: 'running', startedAt: t(1).toISOString(), finishedAt: null });
    store.setRunStatus(id, 'interrupted', { at: t(2), error: 'worker exited' });
    expect(store.getRun(id)).toMatchObject({ finishedAt: t(2).toISOString(), error: 'worker exited' });
    store.setRunStatus(id, 'queued', { at: t(3) });
    expect(store.getRun(id)).toMatchObject({ status: 'queued', finishedAt: null, error: null });
    store.setRunStatus(id, 'running', { at: t(4) });
    store.setRunStatus(id, 'completed', { at: t(5) });
    expect(store.getRun(id)).toMatchObject({
      status: 'completed',
      startedAt: t(1).toISOString(),
      finishedAt: t(5).toISOString(),
      backend: 'wasm',
      backendDetail: 'wasm (XNNPACK)',
    });
    expect(store.setRunStatus(999, 'running')).toBe(false);
  });

  it('keeps the backend when a run is cancelled, and stores one given with any status', () => {
    const cancelled = store.createRun(base);
    store.setRunStatus(cancelled, 'running', { backend: 'wasm', backendDetail: 'wasm (XNNPACK)' });
    store.setRunStatus(cancelled, 'cancelled');
    expect(store.getRun(cancelled)).toMatchObject({
      status: 'cancelled',
      backend: 'wasm',
      backendDetail: 'wasm (XNNPACK)',
    });
    // What ran may be recorded with the status that ends the run (or requeues it), not only with `running`.
    for (const status of ['cancelled', 'completed', 'interrupted', 'queued'] as const) {
      const id = store.createRun(base);
      store.setRunStatus(id, status, { backend: 'cpu', backendDetail: 'cpu (pure JavaScript)' });
      expect(store.getRun(id), status).toMatchObject({
        status,
        backend: 'cpu',
        backendDetail: 'cpu (pure JavaScript)',
      });
      store.setRunStatus(id, 'failed', { error: 'x' });
      expect(store.getRun(id), status).toMatchObject({ backend: 'cpu', backendDetail: 'cpu (pure JavaScript)' });
    }
  });

  it('renames, annotates, retags and tracks the worker', () => {
    const id = store.createRun({ ...base, tags: ['old'] });
    expect(store.renameRun(id, 'new name')).toBe(true);
    expect(store.setRunNotes(id, 'a note')).toBe(true);
    expect(store.setRunTags(id, ['b', 'a', 'b'])).toBe(true);
    expect(store.setRunWorker(id, 4242)).toBe(true);
    const run = store.getRun(id)!;
    expect(run).toMatchObject({ name: 'new name', notes: 'a note', tags: ['a', 'b'], workerPid: 4242 });
    expect(run.heartbeatAt).not.toBeNull();
    store.heartbeat(id, new Date(Date.UTC(2030, 0, 1)));
    expect(store.getRun(id)!.heartbeatAt).toBe('2030-01-01T00:00:00.000Z');
    store.setRunWorker(id, null);
    expect(store.getRun(id)).toMatchObject({ workerPid: null, heartbeatAt: null });
    expect(store.renameRun(999, 'x')).toBe(false);
    expect(store.setRunTags(999, ['x'])).toBe(false);
    expect(store.runIdsWithStatus(['queued'])).toEqual([id]);
    expect(store.runIdsWithStatus(['running'])).toEqual([]);
  });

  it('deletes runs with everything they own, and never reuses their ids', () => {
    const a = store.createRun({ ...base, tags: ['t'] });
    const b = store.createRun(base);
    store.appendMetrics(a, [{ key: 'entropy', step: 0, value: 1 }]);
    store.putSamples(a, 0, [{ prompt: 'p', responses: [] }]);
    store.saveCheckpoint(a, 0, new Uint8Array([1]));
    expect(store.deleteRuns([a, a, 999])).toEqual([a]);
    expect(store.getRun(a)).toBeUndefined();
    expect(store.series(a, ['entropy'])[0].steps).toEqual([]);
    expect(store.metricKeys(a)).toEqual([]);
    expect(store.sampleSteps(a)).toEqual([]);
    expect(store.latestCheckpoint(a)).toBeUndefined();
    expect(store.check().problems).toEqual([]);
    const c = store.createRun(base);
    expect(c).toBeGreaterThan(b);
  });

  it('groups runs by group key in order of their first run', () => {
    const a = store.createRun({ ...base, name: 'clip 0.2', groupKey: 'g1', seed: 1 });
    const b = store.createRun({ ...base, name: 'other', groupKey: 'g2', seed: 1 });
    const c = store.createRun({ ...base, name: 'clip 0.2', groupKey: 'g1', seed: 2 });
    expect(store.seedGroups()).toEqual([
      { groupKey: 'g1', name: 'clip 0.2', runIds: [a, c], seeds: [1, 2] },
      { groupKey: 'g2', name: 'other', runIds: [b], seeds: [1] },
    ]);
  });

  it('rolls a whole transaction back when anything in it throws', () => {
    const id = store.createRun(base);
    expect(() =>
      store.transaction(() => {
        store.renameRun(id, 'half');
        store.appendMetrics(id, [{ key: 'entropy', step: 0, value: 1 }]);
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(store.getRun(id)!.name).toBe('r');
    expect(store.series(id, ['entropy'])[0].steps).toEqual([]);
    // A key first seen inside the rolled-back transaction still gets a valid id afterwards.
    store.appendMetrics(id, [{ key: 'entropy', step: 0, value: 2 }]);
    expect(store.series(id, ['entropy'])[0].values).toEqual([2]);
  });
});
