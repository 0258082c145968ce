/** The summary table reads start, final, peak and lowest values from the full series, per run and per seed group. */
import { cleanup, render } from '@testing-library/svelte';
import { afterEach, describe, expect, it } from 'vitest';
import { buildFigureData, figureSpecSchema } from '../../../src-main/contract';
import SummaryTable from '../../../src-renderer/components/compare/SummaryTable.svelte';
import { summarize } from '../../../src-renderer/components/compare/summary';
import { syntheticRun, twoGroups } from '../../contract/chart/fixtures';

afterEach(() => cleanup());

describe('summary', () => {
  it('shows every run at full resolution, not the decimated curve', () => {
    const runs = [syntheticRun(1, { steps: 20_000 }), syntheticRun(2, { steps: 20_000, clipLow: 0.1 })];
    const spec = figureSpecSchema.parse({ runs: [1, 2], metrics: ['entropy'] });
    const entries = summarize(buildFigureData(spec, runs));
    render(SummaryTable, { props: { entries, metrics: ['entropy'], diagnoses: new Map(), diagnosesError: null } });
    for (const run of runs) {
      const values = run.series.find((s) => s.key === 'entropy')!.values as number[];
      const cell = (stat: string) =>
        document.querySelector(`tr[data-series="run:${run.run.id}"] td[data-stat="${stat}"]`)!.textContent;
      expect(cell('start')).toBe(String(Number(values[0].toPrecision(4))));
      expect(cell('final')).toBe(String(Number(values.at(-1)!.toPrecision(4))));
      expect(cell('peak')).toBe(String(Number(Math.max(...values).toPrecision(4))));
      expect(cell('min')).toBe(String(Number(Math.min(...values).toPrecision(4))));
    }
  });

  it('aggregates seed groups as mean ± std over their seeds', () => {
    const runs = twoGroups();
    const spec = figureSpecSchema.parse({ runs: runs.map((r) => r.run.id), metrics: ['entropy'], groupSeeds: true });
    const entries = summarize(buildFigureData(spec, runs));
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
