import { beforeEach, describe, expect, it } from 'vitest';
import type { MetricPoint, Store } from '../../src-main/store';
import { bareRun, tempStore } from '../support/temp-store';

let store: Store;
let run: number;
beforeEach(() => {
  store = tempStore();
  run = bareRun(store, { status: 'running' });
});

/** Steps 0..n-1 of entropy (2 - step/100) and reward (step % 2), at 0.5 s per step. */
function steps(from: number, to: number): MetricPoint[] {
  const out: MetricPoint[] = [];
  for (let s = from; s < to; s++) {
    out.push({ key: 'entropy', step: s, value: 2 - s / 100, time: s / 2 });
    out.push({ key: 'reward/mean', step: s, value: s % 2, time: s / 2 });
  }
  return out;
}

describe('metrics', () => {
  it('appends points and reads series by key and step range', () => {
    store.appendMetrics(run, steps(0, 10));
    store.appendMetrics(run, [{ key: 'eval/acc', step: 9, value: 0.75 }]);
    const [entropy, reward, missing] = store.series(run, ['entropy', 'reward/mean', 'nope'], { from: 3, to: 5 });
    expect(entropy).toEqual({ key: 'entropy', steps: [3, 4, 5], values: [1.97, 1.96, 1.95], times: [1.5, 2, 2.5] });
    expect(reward.values).toEqual([1, 0, 1]);
    expect(missing).toEqual({ key: 'nope', steps: [], values: [], times: [] });
    expect(store.series(run, ['entropy'], { from: 8 })[0].steps).toEqual([8, 9]);
    expect(store.series(run, ['entropy'], { to: 1 })[0].steps).toEqual([0, 1]);
    expect(store.series(run, ['eval/acc'])[0]).toMatchObject({ steps: [9], values: [0.75], times: [null] });
  });

  it('stores NaN as null and keeps infinities', () => {
    store.appendMetrics(run, [
      { key: 'kl/ppo', step: 0, value: Number.NaN },
      { key: 'kl/ppo', step: 1, value: Number.POSITIVE_INFINITY },
      { key: 'kl/ppo', step: 2, value: null },
    ]);
    expect(store.series(run, ['kl/ppo'])[0].values).toEqual([null, Number.POSITIVE_INFINITY, null]);
  });

  it('keeps per-key counts, spans, last step and latest values', () => {
    store.appendMetrics(run, steps(0, 5));
    store.appendMetrics(run, [{ key: 'eval/acc', step: 4, value: 0.5 }]);
    store.appendMetrics(run, steps(5, 8));
    expect(store.metricKeys(run)).toEqual([
      { key: 'entropy', count: 8, firstStep: 0, lastStep: 7 },
      { key: 'eval/acc', count: 1, firstStep: 4, lastStep: 4 },
      { key: 'reward/mean', count: 8, firstStep: 0, lastStep: 7 },
    ]);
    expect(store.lastStep(run)).toBe(7);
    const stored = store.getRun(run, ['entropy', 'eval/acc', 'reward/mean', 'absent'])!;
    expect(stored.lastStep).toBe(7);
    expect(stored.latest).toEqual({ entropy: 1.93, 'eval/acc': 0.5, 'reward/mean': 1 });
  });

  it('writes nothing of a batch with a bad point (one transaction per call)', () => {
    store.appendMetrics(run, steps(0, 2));
    const bad: MetricPoint[] = [...steps(2, 4), { key: 'entropy', step: 1.5, value: 1 }];
    expect(() => store.appendMetrics(run, bad)).toThrow(/metric "entropy" \(point 4\): step must be an integer >= 0/);
    const duplicate = [...steps(2, 3), { key: 'entropy', step: 0, value: 9 }];
    expect(() => store.appendMetrics(run, duplicate)).toThrow(/step 0 is already stored/);
    const text = [{ key: 'x', step: 3, value: 'high' as unknown as number }];
    expect(() => store.appendMetrics(run, text)).toThrow(/value must be a number or null/);
    expect(() => store.appendMetrics(999, steps(0, 1))).toThrow(/no run 999/);
    expect(store.series(run, ['entropy'])[0].steps).toEqual([0, 1]);
    expect(store.metricKeys(run).find((k) => k.key === 'entropy')).toMatchObject({ count: 2, lastStep: 1 });
  });

  it('truncates metrics, samples and checkpoints after a step', () => {
    store.appendMetrics(run, steps(0, 10));
    for (let s = 0; s < 10; s++) store.putSamples(run, s, [{ prompt: `p${s}`, responses: [] }]);
    store.saveCheckpoint(run, 4, new Uint8Array([4]));
    store.saveCheckpoint(run, 8, new Uint8Array([8]));
    expect(store.truncateAfter(run, 4)).toEqual({ metrics: 10, samples: 5, checkpoints: 1 });
    expect(store.series(run, ['entropy'])[0].steps).toEqual([0, 1, 2, 3, 4]);
    expect(store.sampleSteps(run)).toEqual([0, 1, 2, 3, 4]);
    expect(store.latestCheckpoint(run)?.step).toBe(4);
    expect(store.getRun(run, ['entropy'])!.latest.entropy).toBe(1.96);
    expect(store.lastStep(run)).toBe(4);
    // The resumed attempt writes the same steps again.
    store.appendMetrics(run, steps(5, 10));
    expect(store.metricKeys(run)[0]).toEqual({ key: 'entropy', count: 10, firstStep: 0, lastStep: 9 });
    expect(store.truncateAfter(run, 100)).toEqual({ metrics: 0, samples: 0, checkpoints: 0 });
  });

  it('bulk-inserts whole series in one transaction, replacing points at the same step', () => {
    const n = 1000;
    const stepsArr = Array.from({ length: n }, (_, i) => i * 2);
    const result = store.bulkInsertSeries(run, [
      { key: 'imported/loss', steps: stepsArr, values: stepsArr.map((s) => 1 / (s + 1)) },
      { key: 'entropy', steps: stepsArr, values: stepsArr.map(() => Number.NaN), times: stepsArr.map((s) => s) },
    ]);
    expect(result).toEqual({ points: 2 * n });
    expect(store.metricKeys(run)).toEqual([
      { key: 'entropy', count: n, firstStep: 0, lastStep: 1998 },
      { key: 'imported/loss', count: n, firstStep: 0, lastStep: 1998 },
    ]);
    store.bulkInsertSeries(run, [{ key: 'imported/loss', steps: [1998, 2000], values: [7, 8] }]);
    const loss = store.series(run, ['imported/loss'], { from: 1996 })[0];
    expect(loss).toMatchObject({ steps: [1996, 1998, 2000], values: [1 / 1997, 7, 8] });
    expect(store.getRun(run, ['imported/loss'])!.latest).toEqual({ 'imported/loss': 8 });
    const bad = { key: 'imported/loss', steps: [3000, -1], values: [1, 2] };
    expect(() => store.bulkInsertSeries(run, [bad])).toThrow(/point 1\): step must be an integer >= 0/);
    const ragged = { key: 'y', steps: [1, 2], values: [1] };
    expect(() => store.bulkInsertSeries(run, [ragged])).toThrow(/same length/);
    expect(store.series(run, ['imported/loss'])[0].steps.at(-1)).toBe(2000);
  });
});
