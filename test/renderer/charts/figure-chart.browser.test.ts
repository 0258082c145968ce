/**
 * The shared chart component in a real Chromium: it draws on its canvas, updates the same Chart.js
 * instance when its spec or data change, follows its container's width, and destroys the chart
 * when it goes away.
 */
import { cleanup, render } from '@testing-library/svelte';
import { Chart } from 'chart.js';
import { afterEach, describe, expect, it } from 'vitest';
import { buildFigureData, figureSpecSchema, type FigureSpecInput } from '../../../src-main/contract';
import FigureChart from '../../../src-renderer/components/charts/FigureChart.svelte';
import { syntheticRun } from '../../contract/chart/fixtures';

afterEach(() => cleanup());

function figure(input: FigureSpecInput, ids: number[]) {
  const spec = figureSpecSchema.parse({ style: 'screen', ...input });
  return {
    spec,
    data: buildFigureData(
      spec,
      ids.map((id) => syntheticRun(id, { clipLow: 0.1 + 0.05 * id })),
    ),
  };
}

/** Share of the canvas' pixels that something was drawn on. */
function inkShare(canvas: HTMLCanvasElement): number {
  const { data } = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height);
  let inked = 0;
  for (let i = 3; i < data.length; i += 4) if (data[i] > 0) inked++;
  return inked / (canvas.width * canvas.height);
}

const mainLabels = (chart: Chart) =>
  chart.data.datasets.map((d) => d.label ?? '').filter((l) => !/\((raw|upper|lower)\)$/.test(l));

describe('FigureChart', () => {
  it('draws the figure, updates the same chart in place, and destroys it on unmount', async () => {
    const first = figure({ runs: [1, 2], metrics: ['entropy'], smoothing: 0.6 }, [1, 2]);
    const { container, rerender, unmount } = render(FigureChart, {
      props: { ...first, label: 'Entropy of two runs' },
    });
    const canvas = container.querySelector('canvas')!;
    await expect.poll(() => Chart.getChart(canvas)).toBeTruthy();
    const chart = Chart.getChart(canvas)!;
    await expect.poll(() => inkShare(canvas)).toBeGreaterThan(0.01);
    expect(mainLabels(chart)).toHaveLength(2);
    // Smoothing on and raw lines shown: every curve has its faint raw line behind it.
    expect(chart.data.datasets.filter((d) => d.label?.endsWith('(raw)'))).toHaveLength(2);

    const second = figure({ runs: [1, 2, 3], metrics: ['entropy'], smoothing: 0, logY: true }, [1, 2, 3]);
    await rerender({ ...second, label: 'Entropy of three runs' });
    await expect.poll(() => mainLabels(Chart.getChart(canvas)!)).toHaveLength(3);
    expect(Chart.getChart(canvas)).toBe(chart);
    expect(chart.options.scales?.y?.type).toBe('logarithmic');
    expect(chart.data.datasets.some((d) => d.label?.endsWith('(raw)'))).toBe(false);

    unmount();
    expect(Chart.getChart(canvas)).toBeUndefined();
  });

  it('decimates to the plot width and resizes with its container', async () => {
    const spec = figureSpecSchema.parse({ style: 'screen', runs: [1], metrics: ['entropy'], smoothing: 0 });
    const data = buildFigureData(spec, [syntheticRun(1, { steps: 20_000 })]);
    const host = document.createElement('div');
    host.style.width = '400px';
    document.body.append(host);
    render(FigureChart, { target: host, props: { spec, data, label: 'Long run' } });
    const canvas = host.querySelector('canvas')!;
    await expect.poll(() => Chart.getChart(canvas)?.width).toBe(400);
    const chart = Chart.getChart(canvas)!;
    // 400 px -> 400 buckets of at most 4 points each, not 20,000 points.
    await expect.poll(() => chart.data.datasets[0].data.length).toBeLessThanOrEqual(1600);
    expect(chart.data.datasets[0].data.length).toBeGreaterThan(400);

    host.style.width = '900px';
    await expect.poll(() => Chart.getChart(canvas)?.width).toBe(900);
    expect(Chart.getChart(canvas)).toBe(chart);
    await expect.poll(() => chart.data.datasets[0].data.length).toBeGreaterThan(1600);
    host.remove();
  });
});
