/**
 * The shared chart component in a real Chromium: it draws on its canvas with the figureLine
 * renderer, updates the same Chart.js instance when its spec or data change, decimates to the
 * plot's pixel columns (again for a zoomed range, so detail appears), follows its container's width,
 * reads the hovered values from the full-resolution curves, and destroys the chart when it goes.
 */
import { cleanup, render } from '@testing-library/svelte';
import { Chart } from 'chart.js';
import { afterEach, describe, expect, it } from 'vitest';
import { userEvent } from 'vitest/browser';
import {
  buildFigureData,
  figureSpecSchema,
  formatNumber,
  smoothEma,
  type FigureSpecInput,
} from '../../../src-main/contract';
import { XLink } from '../../../src-renderer/components/charts/chart-link.svelte';
import FigureChart from '../../../src-renderer/components/charts/FigureChart.svelte';
import { drawsOnLayer } from '../../../src-renderer/components/charts/figure-layer';
import type { FigureLineController } from '../../../src-renderer/components/charts/figure-line';
import { syntheticRun } from '../../contract/chart/fixtures';

afterEach(() => cleanup());

function figure(input: FigureSpecInput, ids: number[], steps = 200) {
  const spec = figureSpecSchema.parse({ style: 'screen', ...input });
  return {
    spec,
    data: buildFigureData(
      spec,
      ids.map((id) => syntheticRun(id, { clipLow: 0.1 + 0.05 * id, steps })),
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
  chart.data.datasets.map((d) => d.label ?? '').filter((l) => !/\((raw|band)\)$/.test(l));

/** Points the figureLine renderer of dataset `i` drew at its last update. */
const drawn = (chart: Chart, i = 0) =>
  (chart.getDatasetMeta(i).controller as unknown as FigureLineController).drawnPoints;

function hostOf(width: number): HTMLDivElement {
  const host = document.createElement('div');
  host.style.width = `${width}px`;
  document.body.append(host);
  return host;
}

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

  it('shows a placeholder, never an empty axis, while the figure is built or has no point', async () => {
    const { spec, data } = figure({ runs: [1], metrics: ['entropy'] }, [1]);
    const { container, rerender } = render(FigureChart, { props: { spec, data: null, label: 'Entropy', live: true } });
    expect(container.querySelector('[role="status"]')?.textContent).toContain('Drawing entropy…');
    expect(container.querySelector('.live')?.textContent).toBe('Live');
    const none = buildFigureData(spec, [syntheticRun(1, { steps: 0 })]);
    await rerender({ spec, data: none, label: 'Entropy', live: true });
    expect(container.querySelector('[role="status"]')?.textContent).toContain('Waiting for the first logged step…');
    expect(getComputedStyle(container.querySelector('.plot')!).visibility).toBe('hidden');
    await rerender({ spec, data, label: 'Entropy', live: true });
    const canvas = container.querySelector('canvas')!;
    await expect.poll(() => inkShare(canvas)).toBeGreaterThan(0.01);
    expect(getComputedStyle(container.querySelector('.plot')!).visibility).toBe('visible');
  });

  it("fits a long run name's legend entries to a narrow chart, keeping the metric, in the text colour", async () => {
    const name = 'gsm8k qwen2.5-0.5b grpo clipLow=0.2 clipHigh=0.28 entropyCoef=0 lr=1e-6 seed 1';
    const input = syntheticRun(1, { metrics: ['entropy', 'reward/mean'] });
    const spec = figureSpecSchema.parse({
      style: 'screen',
      runs: [1],
      metrics: ['entropy', 'reward/mean'],
      layout: 'overlay',
    });
    const data = buildFigureData(spec, [{ ...input, run: { ...input.run, name } }]);
    const host = hostOf(360);
    render(FigureChart, { target: host, props: { spec, data, label: 'Narrow' } });
    const canvas = host.querySelector('canvas')!;
    await expect.poll(() => Chart.getChart(canvas)?.legend?.legendItems?.length).toBe(2);
    const chart = Chart.getChart(canvas)!;
    const items = chart.legend!.legendItems!;
    // The datasets keep the whole label (tooltips, accessible name); the legend shows a fitted one.
    expect(mainLabels(chart)).toEqual([`${name} · Entropy (nats)`, `${name} · Mean reward`]);
    expect(items.map((i) => i.text)).toEqual([
      expect.stringMatching(/^gsm8k.*….*seed 1 · Entropy \(nats\)$/),
      expect.stringMatching(/^gsm8k.*….*seed 1 · Mean reward$/),
    ]);
    // Chart.js keeps each drawn entry's box on the legend (not in its public typings).
    const boxes = (chart.legend as unknown as { legendHitBoxes: { left: number; width: number }[] }).legendHitBoxes;
    for (const hit of boxes) expect(hit.left + hit.width).toBeLessThanOrEqual(chart.width);
    for (const item of items) expect(item.fontColor).toBe(chart.options.plugins?.legend?.labels?.color);
    host.remove();
  });

  it('decimates to the pixel columns, again for a zoomed range, and resizes with its container', async () => {
    const { spec, data } = figure({ runs: [1], metrics: ['entropy'], smoothing: 0 }, [1], 20_000);
    const host = hostOf(400);
    const link = new XLink();
    render(FigureChart, { target: host, props: { spec, data, label: 'Long run', link } });
    const canvas = host.querySelector('canvas')!;
    await expect.poll(() => Chart.getChart(canvas)?.width).toBe(400);
    const chart = Chart.getChart(canvas)!;
    const columns = () => Math.round(chart.chartArea.width * devicePixelRatio);
    // At most min and max per pixel column of the plot, not 20,000 points.
    await expect.poll(() => drawn(chart)).toBeGreaterThan(columns());
    expect(drawn(chart)).toBeLessThanOrEqual(2 * columns() + 2);

    // Zoomed to a twentieth, the same columns hold the points of that range only: detail appears.
    const whole = drawn(chart);
    link.range = { min: 5_000, max: 6_000 };
    await expect.poll(() => chart.scales.x.min).toBe(5_000);
    expect(chart.scales.x.max).toBe(6_000);
    expect(drawn(chart)).toBeGreaterThan(0.5 * whole);
    expect(drawn(chart)).toBeLessThanOrEqual(2 * columns() + 2);
    expect(host.querySelector('.range')?.textContent).toMatch(/Step\s+5,?000\s+–\s+6,?000/);
    link.range = null;
    await expect.poll(() => host.querySelector('.range')).toBeNull();

    host.style.width = '900px';
    await expect.poll(() => Chart.getChart(canvas)?.width).toBe(900);
    expect(Chart.getChart(canvas)).toBe(chart);
    await expect.poll(() => drawn(chart)).toBeGreaterThan(2 * 400);
    host.remove();
  });

  it('reads the smoothed and raw values at the hovered step from the full curves', async () => {
    const { spec, data } = figure({ runs: [1], metrics: ['entropy'], smoothing: 0.6 }, [1], 5_000);
    const host = hostOf(600);
    render(FigureChart, { target: host, props: { spec, data, label: 'Hover' } });
    const canvas = host.querySelector('canvas')!;
    await expect.poll(() => inkShare(canvas)).toBeGreaterThan(0.005);
    // The real pointer, moved by Chromium to the middle of the plot.
    await userEvent.hover(host.querySelector('.plot')!);
    await expect.poll(() => host.querySelector('[role="tooltip"]')).toBeTruthy();
    const text = host.querySelector('[role="tooltip"]')!.textContent!;
    const step = Number(/Step\s+([\d,]+)/.exec(text)![1].replace(/,/g, ''));
    const entropy = syntheticRun(1, { clipLow: 0.15, steps: 5_000 }).series.find((s) => s.key === 'entropy')!;
    const smoothed = smoothEma(entropy.values, 0.6)[step]!;
    expect(text).toContain(formatNumber(smoothed));
    expect(text).toContain(formatNumber(entropy.values[step]!));
    // Near the middle of the data, as the pointer is near the middle of the plot.
    expect(step).toBeGreaterThan(1_500);
    expect(step).toBeLessThan(3_500);
    host.remove();
  });

  it("draws a dense chart's 1 px lines as pixel columns, where the data is, and redraws a hidden series away", async () => {
    const { spec, data } = figure({ runs: [1, 2], metrics: ['entropy'], smoothing: 0, lineWidth: 1 }, [1, 2], 3_000);
    const host = hostOf(500);
    render(FigureChart, { target: host, props: { spec, data, label: 'Dense' } });
    const canvas = host.querySelector('canvas')!;
    await expect.poll(() => inkShare(canvas)).toBeGreaterThan(0.01);
    const chart = Chart.getChart(canvas)!;
    expect(drawsOnLayer(chart)).toBe(true);
    const ctx = canvas.getContext('2d')!;
    const dpr = chart.currentDevicePixelRatio;
    const alphaAt = (x: number, y: number) => ctx.getImageData(Math.floor(x * dpr), Math.floor(y * dpr), 1, 1).data[3];
    // Every logged point of run 1 that is drawn lies on an inked pixel, in the line's colour.
    const trace = data.traces[0];
    for (const i of [10, 700, 1_500, 2_900]) {
      const [x, y] = [chart.scales.x.getPixelForValue(trace.x[i]!), chart.scales.y.getPixelForValue(trace.raw[i]!)];
      expect(alphaAt(x, y)).toBeGreaterThan(0);
    }
    // Nothing above the curves at the right end, where entropy has decayed.
    const right = chart.chartArea.right - 3;
    expect(alphaAt(right, chart.chartArea.top + 2)).toBe(0);

    const plotInk = () => {
      const { left, top, width, height } = chart.chartArea;
      const { data: px } = ctx.getImageData(left * dpr, top * dpr, width * dpr, height * dpr);
      let n = 0;
      for (let i = 3; i < px.length; i += 4) if (px[i] > 0) n++;
      return n;
    };
    const both = plotInk();
    chart.setDatasetVisibility(0, false);
    chart.update('none');
    expect(plotInk()).toBeLessThan(both);
    expect(plotInk()).toBeGreaterThan(0);
    // A chart of fractional-width lines keeps the canvas's own stroke.
    const stroked = figure({ runs: [1, 2], metrics: ['entropy'], smoothing: 0, lineWidth: 1.5 }, [1, 2], 3_000);
    const other = hostOf(500);
    render(FigureChart, { target: other, props: { ...stroked, label: 'Stroked' } });
    const otherCanvas = other.querySelector('canvas')!;
    await expect.poll(() => inkShare(otherCanvas)).toBeGreaterThan(0.01);
    expect(drawsOnLayer(Chart.getChart(otherCanvas)!)).toBe(false);
    host.remove();
    other.remove();
  });
});
