/**
 * Charts of the renderer. `LiveFigure` loads runs' series and follows training; `FigureChart` draws a
 * spec with data you already have; `ChartCanvas` is the bare Chart.js lifecycle under both.
 */
export { default as ChartCanvas } from './ChartCanvas.svelte';
export { default as FigureChart } from './FigureChart.svelte';
export { default as LiveFigure } from './LiveFigure.svelte';
export { bucketsForWidth, chartClass } from './chart-runtime';
export { followSeries, LiveSeries } from './live-series.svelte';
export { appendSeries, lastStepOf, seriesRequestOf, type SeriesRequest } from './series';
