/**
 * The legend room the Compare view adds for many series, checked against Chart.js's own legend layout
 * in a real Chromium: the rows predicted from measured label widths are the rows Chart.js draws.
 */
import { cleanup, render } from '@testing-library/svelte';
import { Chart } from 'chart.js';
import { afterEach, describe, expect, it } from 'vitest';
import { buildFigureData, figureSpecSchema, STYLES } from '../../../src-main/contract';
import FigureChart from '../../../src-renderer/components/charts/FigureChart.svelte';
import { legendRoom, legendRows } from '../../../src-renderer/views/compare/legend-room';
import { syntheticRun } from '../../contract/chart/fixtures';

afterEach(() => cleanup());

const { fontSize, padding } = STYLES.screen;
const metrics = { fontSize, padding: padding * 2, symbolWidth: fontSize * 2 };

/** Rows of Chart.js's legend for `n` runs (each with its own clipLow and seed) at `width` px. */
async function chartRows(n: number, width: number): Promise<{ rows: number; labels: string[] }> {
  const ids = Array.from({ length: n }, (_, i) => i + 1);
  const spec = figureSpecSchema.parse({ style: 'screen', runs: ids, metrics: ['entropy'], smoothing: 0 });
  const data = buildFigureData(
    spec,
    ids.map((id) => syntheticRun(id, { clipLow: 0.01 * id, seed: id, steps: 20 })),
  );
  const host = document.createElement('div');
  host.style.width = `${width}px`;
  document.body.append(host);
  render(FigureChart, { target: host, props: { spec, data, label: 'legend rows', height: 600 } });
  const canvas = host.querySelector('canvas')!;
  await expect.poll(() => Chart.getChart(canvas)?.width).toBe(width);
  const legend = Chart.getChart(canvas)!.legend as unknown as { lineWidths: number[] };
  await expect.poll(() => legend.lineWidths.length).toBeGreaterThan(0);
  const rows = legend.lineWidths.length;
  host.remove();
  return { rows, labels: [...new Set(data.traces.map((t) => t.label))] };
}

describe('legend room', () => {
  it('predicts the rows Chart.js lays the legend out in', async () => {
    for (const [n, width] of [
      [2, 900],
      [18, 900],
      [18, 500],
      [40, 1200],
    ]) {
      const { rows, labels } = await chartRows(n, width);
      // The legend spans the chart less its layout padding on both sides.
      expect(legendRows(labels, width - 2 * padding, metrics), `${n} series at ${width} px`).toBe(rows);
    }
  });

  it('adds height only beyond the rows a chart already allows', () => {
    const labels = Array.from({ length: 18 }, (_, i) => `seed=${i % 3}, clipLow=0.${i}, clipHigh=none`);
    const rows = legendRows(labels, 900, metrics);
    expect(rows).toBeGreaterThan(3);
    expect(legendRoom(labels, 900, metrics)).toBe((rows - 2) * (fontSize + padding * 2));
    expect(legendRoom(labels.slice(0, 2), 900, metrics)).toBe(0);
    expect(legendRoom(labels, 0, metrics)).toBe(0);
    expect(legendRows(labels, 1800, metrics)).toBeLessThan(rows);
  });
});
