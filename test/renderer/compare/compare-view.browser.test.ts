/**
 * The Compare view in a real Chromium, over the app's one runs store: the run list is read once for
 * the picker and the chart's runs alike (it used to be read twice), each selected run's keys once,
 * and a failed diagnosis shows as a missing collapse step rather than hiding the table.
 */
import { cleanup, render, screen } from '@testing-library/svelte';
import { Chart } from 'chart.js';
import { afterEach, describe, expect, it } from 'vitest';
import { MISSING } from '../../../src-main/contract';
import { appContext } from '../../../src-renderer/lib/context';
import CompareView from '../../../src-renderer/views/compare/CompareView.svelte';
import { syntheticRun } from '../../contract/chart/fixtures';
import { seriesLab } from '../charts/series-lab';

afterEach(() => cleanup());

describe('Compare view', () => {
  it('reads the run list once for the picker and the chart, and each run’s keys once', async () => {
    const lab = seriesLab([syntheticRun(1), syntheticRun(2, { clipLow: 0.1 })]);
    render(CompareView, {
      props: { hash: '#/compare?runs=1,2&metrics=entropy' },
      context: appContext(lab.client),
    });
    await expect
      .poll(() => {
        const canvas = document.querySelector<HTMLCanvasElement>('.chart-card canvas');
        return canvas ? (Chart.getChart(canvas)?.data.datasets.length ?? 0) : 0;
      })
      .toBeGreaterThan(0);
    expect(await screen.findByText('Summary')).toBeTruthy();
    await expect
      .poll(() => document.querySelector('[data-series="run:1"] [data-stat="collapse"]')?.textContent)
      .toBe(MISSING);

    const calls = (method: string) => lab.calls.filter((c) => c.method === method).map((c) => c.args);
    expect(calls('runs.list')).toHaveLength(1);
    expect(
      calls('runs.keys')
        .map((a) => (a as { id: number }).id)
        .sort(),
    ).toEqual([1, 2]);
    expect(
      calls('runs.series')
        .map((a) => (a as { id: number }).id)
        .sort(),
    ).toEqual([1, 2]);
  });
});
