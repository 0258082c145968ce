import { beforeEach, describe, expect, it } from 'vitest';
import type { Store } from '../../src-main/store';
import { bareRun, tempStore } from '../support/temp-store';

let store: Store;
let run: number;
beforeEach(() => {
  store = tempStore();
  run = bareRun(store, { status: 'running' });
});

describe('samples', () => {
  it('stores one JSON document per step', () => {
    const sample = { prompt: '12+34=', responses: [{ text: '46', tokens: ['4', '6'], reward: 1 }] };
    store.putSamples(run, 3, [sample]);
    store.putSamples(run, 1, []);
    expect(store.sampleSteps(run)).toEqual([1, 3]);
    expect(JSON.parse(store.samplesJson(run, 3)!)).toEqual([sample]);
    expect(store.samplesJson(run, 2)).toBeUndefined();
  });
});

describe('checkpoints', () => {
  it('loads the latest and keeps only the newest few', () => {
    for (const step of [10, 20, 30, 40]) store.saveCheckpoint(run, step, new Uint8Array([step, 1, 2]), { keep: 2 });
    expect(store.checkpointSteps(run)).toEqual([30, 40]);
    const latest = store.latestCheckpoint(run)!;
    expect(latest.step).toBe(40);
    expect([...latest.data]).toEqual([40, 1, 2]);
    expect(() => store.saveCheckpoint(run, 50, new Uint8Array([1]), { keep: 0 })).toThrow(/keep must be/);
    expect(store.checkpointSteps(run)).toEqual([30, 40]);
  });

  it('stores a typed-array view exactly, not its whole buffer', () => {
    const big = new Float32Array([1, 2, 3, 4]);
    store.saveCheckpoint(run, 1, new Uint8Array(big.buffer, 4, 8));
    expect(new Float32Array(new Uint8Array(store.latestCheckpoint(run)!.data).buffer)).toEqual(
      new Float32Array([2, 3]),
    );
  });
});

describe('base models', () => {
  it('puts, gets, lists and replaces by key', () => {
    const weights = new Uint8Array(1024).map((_, i) => i % 251);
    store.putBaseModel({ key: 'add-3-abc', spec: { task: 'add' }, weights, info: { acc: 0.52 } });
    const got = store.getBaseModel('add-3-abc')!;
    expect(new Uint8Array(got.weights)).toEqual(weights);
    expect(JSON.parse(got.spec)).toEqual({ task: 'add' });
    expect(JSON.parse(got.info)).toEqual({ acc: 0.52 });
    store.putBaseModel({ key: 'add-3-abc', spec: { task: 'add' }, weights: new Uint8Array([1]), info: { acc: 0.6 } });
    expect(store.listBaseModels()).toHaveLength(1);
    expect(store.listBaseModels()[0]).not.toHaveProperty('weights');
    expect(store.getBaseModel('none')).toBeUndefined();
    expect(store.deleteBaseModel('add-3-abc')).toBe(true);
    expect(store.listBaseModels()).toEqual([]);
  });
});

describe('figures', () => {
  it('creates, reads, updates, lists and deletes', () => {
    const t0 = new Date(Date.UTC(2025, 0, 1));
    const t1 = new Date(Date.UTC(2025, 0, 2));
    const a = store.createFigure('entropy', { metric: 'entropy' }, t0);
    const b = store.createFigure('clip', { metric: 'clip/low_frac' }, t0);
    expect(store.updateFigure(a, { spec: { metric: 'entropy', smoothing: 0.6 } }, t1)).toBe(true);
    const fig = store.getFigure(a)!;
    expect(fig).toMatchObject({ name: 'entropy', createdAt: t0.toISOString(), updatedAt: t1.toISOString() });
    expect(JSON.parse(fig.spec)).toEqual({ metric: 'entropy', smoothing: 0.6 });
    expect(store.listFigures().map((f) => f.id)).toEqual([a, b]);
    expect(store.updateFigure(b, { name: 'clip fractions' })).toBe(true);
    expect(store.getFigure(b)!.name).toBe('clip fractions');
    expect(store.deleteFigure(a)).toBe(true);
    expect(store.deleteFigure(a)).toBe(false);
    expect(store.updateFigure(a, { name: 'x' })).toBe(false);
  });
});
