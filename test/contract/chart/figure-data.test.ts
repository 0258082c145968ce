import { describe, expect, it } from 'vitest';
import {
  aggregateGroup,
  buildFigureData,
  figureSpecSchema,
  smoothEma,
  type FigureSpecInput,
} from '../../../src-main/contract';
import { syntheticRun, twoGroups } from './fixtures';

const build = (input: FigureSpecInput, inputs = twoGroups()) => buildFigureData(figureSpecSchema.parse(input), inputs);

describe('buildFigureData', () => {
  it('draws runs one by one, named by the config values that differ', () => {
    const data = build({ runs: [1, 4], metrics: ['entropy'] });
    // Runs 1 and 4 share seed 1, so only clipLow tells them apart.
    expect(data.traces.map((t) => [t.id, t.label, t.colorIndex])).toEqual([
      ['run:1', 'ε_low = 0.2', 0],
      ['run:4', 'ε_low = 0.1', 1],
    ]);
    const run1 = twoGroups()[0].series[0];
    expect(data.traces[0].raw).toEqual(run1.values);
    expect(data.traces[0].smoothed).toEqual(smoothEma(run1.values, 0.6));
    expect(data.traces[0].band).toBeNull();
    expect(data.x).toMatchObject({ kind: 'step', label: 'Step', divisor: 1 });
    expect(data.panels).toEqual([{ metrics: ['entropy'], yLabel: 'Entropy (nats)' }]);
  });

  it('aggregates seed groups from smoothed seeds, with bands and n per step', () => {
    const inputs = twoGroups();
    const data = build({ runs: [1, 2, 3, 4, 5, 6], groupSeeds: true, metrics: ['entropy'], band: 'sem' }, inputs);
    expect(data.traces.map((t) => [t.id, t.label, t.runIds])).toEqual([
      [`group:${inputs[0].run.groupKey}`, 'ε_low = 0.2', [1, 2, 3]],
      [`group:${inputs[3].run.groupKey}`, 'ε_low = 0.1', [4, 5, 6]],
    ]);
    const g = data.traces[0];
    const seeds = inputs.slice(0, 3).map((i) => i.series[0]);
    const expected = aggregateGroup(seeds.map((s) => ({ steps: s.steps, values: smoothEma(s.values, 0.6) })));
    expect(g.steps).toEqual(expected.steps);
    expect(g.smoothed).toEqual(expected.mean);
    expect(g.raw).toEqual(aggregateGroup(seeds).mean);
    expect(g.group?.n.slice(148, 152)).toEqual([3, 3, 2, 2]); // run 3 stops after 150 steps
    expect(g.band?.upper[10]).toBeCloseTo((expected.mean[10] as number) + (expected.sem[10] as number), 14);
    expect(g.band?.lower[10]).toBeCloseTo((expected.mean[10] as number) - (expected.sem[10] as number), 14);
  });

  it('takes every current run of a listed group key', () => {
    const inputs = twoGroups();
    const data = build({ groups: [inputs[3].run.groupKey], metrics: ['entropy'], band: 'minmax' }, inputs);
    expect(data.traces).toHaveLength(1);
    expect(data.traces[0].runIds).toEqual([4, 5, 6]);
    expect(data.traces[0].label).toBe('run 4 (3 seeds)');
    expect(data.traces[0].band?.upper).toEqual(data.traces[0].group?.max);
  });

  it('maps x to tokens and wall time, and crops to the step range after smoothing', () => {
    const input = syntheticRun(1);
    const tokens = input.series.find((s) => s.key === 'tokens')!;
    const data = build({ runs: [1], metrics: ['entropy'], xAxis: 'tokens', steps: { from: 10, to: 19 } }, [input]);
    const t = data.traces[0];
    expect(t.steps).toEqual(Array.from({ length: 10 }, (_, i) => 10 + i));
    expect(t.x).toEqual(tokens.values.slice(10, 20));
    expect(t.smoothed).toEqual(smoothEma(input.series[0].values, 0.6).slice(10, 20));
    expect(data.x.compactTicks).toBe(true);

    const timed = build({ runs: [1], metrics: ['entropy'], xAxis: 'time' }, [input]);
    expect(timed.traces[0].x[4]).toBe(0.5 + 4 * 1.25);
    expect(timed.x).toMatchObject({ label: 'Wall time (min)', divisor: 60 });
  });

  it('puts metrics in panels, or overlays them with one colour per metric for a single series', () => {
    const panels = build({ runs: [1, 4], metrics: ['entropy', 'clip/high_frac'] });
    expect(panels.panels.map((p) => p.yLabel)).toEqual(['Entropy (nats)', 'Clip-high fraction']);
    expect(panels.traces.map((t) => [t.panel, t.colorIndex, t.dashIndex])).toEqual([
      [0, 0, 0],
      [1, 0, 0],
      [0, 1, 0],
      [1, 1, 0],
    ]);
    const overlay = build({ runs: [1], metrics: ['entropy', 'clip/high_frac'], layout: 'overlay' });
    expect(overlay.panels).toHaveLength(1);
    // Each legend entry names the metric and the run (issue 14).
    expect(overlay.traces.map((t) => [t.label, t.colorIndex])).toEqual([
      ['run 1 · Entropy (nats)', 0],
      ['run 1 · Clip-high fraction', 1],
    ]);
    const single = build({ runs: [1], metrics: ['clip/high_frac'], layout: 'overlay' });
    expect(single.traces.map((t) => t.label)).toEqual(['run 1 · Clip-high fraction']);
  });

  it('uses spec labels over config names and names missing data clearly', () => {
    const data = build({ runs: [1, 4], metrics: ['entropy'], labels: { 'run:4': 'small eps_low' } });
    expect(data.traces[1].label).toBe('small eps_low');
    expect(() => build({ runs: [99], metrics: ['entropy'] })).toThrow('runs: no run with id 99');
    expect(() => build({ groups: ['0123456789abcdef'], metrics: ['entropy'] })).toThrow(/no run belongs to group/);
    const noTokens = { ...syntheticRun(1), series: syntheticRun(1).series.filter((s) => s.key !== 'tokens') };
    expect(() => build({ runs: [1], metrics: ['entropy'], xAxis: 'tokens' }, [noTokens])).toThrow(
      /run 1 has no "tokens" metric/,
    );
    const emptyTokens = syntheticRun(1);
    emptyTokens.series = emptyTokens.series.map((s) =>
      s.key === 'tokens' ? { ...s, steps: [], values: [], times: [] } : s,
    );
    expect(() => build({ runs: [1], metrics: ['entropy'], xAxis: 'tokens' }, [emptyTokens])).toThrow(
      /run 1 has no "tokens" metric/,
    );
  });
});
