/** The summary table reads final, peak and lowest values from the full series, per run and per seed group. */
import { cleanup, render } from '@testing-library/svelte';
import { afterEach, describe, expect, it } from 'vitest';
import { buildFigureData, figureSpecSchema } from '../../../src-main/contract';
import SummaryTable from '../../../src-renderer/components/compare/SummaryTable.svelte';
import { seriesExtremes, statOf, summarize } from '../../../src-renderer/components/compare/summary';
import { syntheticRun, twoGroups } from '../../contract/chart/fixtures';

afterEach(() => cleanup());

describe('summary', () => {
  it('takes the last, highest and lowest finite points within the step range', () => {
    const series = { key: 'entropy', steps: [0, 1, 2, 3, 4], values: [2, 3, null, 1, 1.5], times: [0, 1, 2, 3, 4] };
    expect(seriesExtremes(series)).toEqual({
      final: { value: 1.5, step: 4 },
      peak: { value: 3, step: 1 },
      min: { value: 1, step: 3 },
    });
    expect(seriesExtremes(series, 2, 3)).toEqual({
      final: { value: 1, step: 3 },
      peak: { value: 1, step: 3 },
      min: { value: 1, step: 3 },
    });
    expect(statOf([{ value: 1, step: 3 }, { value: 3, step: 5 }, null])).toEqual({
      mean: 2,
      std: Math.SQRT2,
      n: 2,
      step: null,
    });
  });

  it('shows every run at full resolution, not the decimated curve', () => {
    const runs = [syntheticRun(1, { steps: 20_000 }), syntheticRun(2, { steps: 20_000, clipLow: 0.1 })];
    const spec = figureSpecSchema.parse({ runs: [1, 2], metrics: ['entropy'] });
    const entries = summarize(buildFigureData(spec, runs), runs);
    render(SummaryTable, { props: { entries, metrics: ['entropy'], diagnoses: new Map(), diagnosesError: null } });
    for (const run of runs) {
      const values = run.series.find((s) => s.key === 'entropy')!.values as number[];
      const cell = (stat: string) =>
        document.querySelector(`tr[data-series="run:${run.run.id}"] td[data-stat="${stat}"]`)!.textContent;
      expect(cell('final')).toBe(String(Number(values.at(-1)!.toPrecision(4))));
      expect(cell('peak')).toBe(String(Number(Math.max(...values).toPrecision(4))));
      expect(cell('min')).toBe(String(Number(Math.min(...values).toPrecision(4))));
    }
  });

  it('aggregates seed groups as mean ± std over their seeds', () => {
    const runs = twoGroups();
    const spec = figureSpecSchema.parse({ runs: runs.map((r) => r.run.id), metrics: ['entropy'], groupSeeds: true });
    const entries = summarize(buildFigureData(spec, runs), runs);
    expect(entries.map((e) => e.runIds)).toEqual([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    const finals = [1, 2, 3].map((id) => runs[id - 1].series.find((s) => s.key === 'entropy')!.values.at(-1) as number);
    const mean = finals.reduce((a, b) => a + b, 0) / 3;
    expect(entries[0].metrics.entropy.final).toMatchObject({ n: 3, step: null });
    expect(entries[0].metrics.entropy.final!.mean).toBeCloseTo(mean, 12);
  });
});
