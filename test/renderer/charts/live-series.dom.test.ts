/**
 * Live series: loaded once, then extended on progress events with only the new steps (`runs.series`
 * with `from`), never reloaded whole; a finished run's last steps arrive with its final `run.changed`.
 */
import { describe, expect, it } from 'vitest';
import type { RunRecord } from '../../../src-main/contract';
import { appendSeries, lastStepOf, LiveSeries } from '../../../src-renderer/components/charts/live-series.svelte';
import { syntheticRun } from '../../contract/chart/fixtures';
import { seriesLab } from './series-lab';

/** A run's stored series cut at `steps` points, as it looks while training. */
function truncated(id: number, steps: number) {
  const full = syntheticRun(id, { steps: 50 });
  return {
    full,
    partial: {
      ...full,
      series: full.series.map((s) => ({
        key: s.key,
        steps: s.steps.slice(0, steps),
        values: s.values.slice(0, steps),
        times: s.times.slice(0, steps),
      })),
    },
  };
}

describe('appendSeries', () => {
  it('appends only the points after each key’s last step', () => {
    const known = [{ key: 'entropy', steps: [0, 1, 2], values: [3, 2.9, 2.8], times: [0, 1, 2] }];
    const fresh = [{ key: 'entropy', steps: [2, 3, 4], values: [99, 2.7, 2.6], times: [2, 3, 4] }];
    expect(appendSeries(known, fresh)).toEqual([
      { key: 'entropy', steps: [0, 1, 2, 3, 4], values: [3, 2.9, 2.8, 2.7, 2.6], times: [0, 1, 2, 3, 4] },
    ]);
    expect(known[0].steps).toEqual([0, 1, 2]);
    expect(lastStepOf(appendSeries(known, fresh))).toBe(4);
    expect(lastStepOf([{ key: 'x', steps: [], values: [], times: [] }])).toBe(-1);
  });
});

describe('LiveSeries', () => {
  it('fetches only the new steps when a shown run makes progress, and catches up when it finishes', async () => {
    const { full, partial } = truncated(4, 20);
    const lab = seriesLab([partial]);
    const live = new LiveSeries(lab.client, { runs: [4], groups: [], keys: ['entropy'] });
    const disconnect = live.connect();
    await live.load();
    expect(live.state).toBe('ready');
    expect(live.inputs[0].series[0].steps).toHaveLength(20);

    // The worker wrote 15 more steps, then said so.
    lab.series.set(
      4,
      full.series.map((s) => ({ ...s, steps: s.steps.slice(0, 35), values: s.values.slice(0, 35) })),
    );
    const before = live.inputs;
    lab.emit({
      name: 'run.progress',
      payload: { id: 4, step: 34, steps: 50, status: 'running', latest: {}, stepsPerSecond: 3 },
    });
    await expect.poll(() => live.inputs[0].series[0].steps.length).toBe(35);
    const fetched = lab.calls.filter((c) => c.method === 'runs.series').at(-1)!.args;
    expect(fetched).toEqual({ id: 4, keys: ['entropy'], from: 20 });
    expect(live.inputs).not.toBe(before);

    // It finished: the last steps come with the run.changed of its new status.
    lab.series.set(4, [...full.series]);
    lab.emit({ name: 'run.changed', payload: { run: { ...lab.runs[0], status: 'completed' } } });
    await expect.poll(() => live.inputs[0].series[0].steps.length).toBe(50);
    expect(live.inputs[0].series[0].values).toEqual(full.series.find((s) => s.key === 'entropy')!.values);
    expect((live.inputs[0].run as RunRecord).status).toBe('completed');
    expect(lab.calls.filter((c) => c.method === 'runs.list')).toHaveLength(1);

    // Progress of a run not shown changes nothing.
    const calls = lab.calls.length;
    lab.emit({
      name: 'run.progress',
      payload: { id: 99, step: 3, steps: 9, status: 'running', latest: {}, stepsPerSecond: 1 },
    });
    expect(lab.calls.length).toBe(calls);
    disconnect();
  });

  it('names the runs it cannot find', async () => {
    const lab = seriesLab([syntheticRun(1)]);
    const live = new LiveSeries(lab.client, { runs: [1, 7, 8], groups: [], keys: ['entropy'] });
    await live.load();
    expect(live.state).toBe('error');
    expect(live.error?.message).toBe('runs 7, 8 not found');
  });

  it('follows a seed group: every run with its group key', async () => {
    const runs = [syntheticRun(1, { seed: 1 }), syntheticRun(2, { seed: 2 }), syntheticRun(3, { clipLow: 0.1 })];
    const lab = seriesLab(runs);
    const live = new LiveSeries(lab.client, { runs: [], groups: [runs[0].run.groupKey], keys: ['entropy'] });
    await live.load();
    expect(live.inputs.map((i) => i.run.id)).toEqual([1, 2]);
  });
});
