/**
 * One Chart.js chart per canvas for the life of a component: created once with the config of that
 * moment, updated in place (`updateChart`, never re-created) whenever the config changes, and
 * destroyed on unmount.
 */
import { untrack } from 'svelte';
import type { Chart } from 'chart.js';
import { updateChart, type FigureChartConfig, type FigurePoint } from '../../../src-main/contract';
import { chartClass } from './chart-runtime';

/**
 * Draws `config()` on `canvas()` (the component's bound canvas, there once it is mounted). Call it
 * while a component initialises: it creates effects.
 */
export function drawChart(canvas: () => HTMLCanvasElement, config: () => FigureChartConfig): void {
  let chart: Chart<'line', FigurePoint[]> | null = null;
  let drawn: FigureChartConfig | null = null;

  $effect(() => {
    const initial = untrack(config);
    const created = new (chartClass())(canvas(), initial);
    chart = created;
    drawn = initial;
    return () => {
      created.destroy();
      chart = null;
      drawn = null;
    };
  });

  $effect(() => {
    const next = config();
    if (chart && next !== drawn) {
      updateChart(chart, next);
      drawn = next;
    }
  });
}
