/**
 * Charts of the renderer. `LiveFigure` loads runs' series and follows training; `FigureChart` draws a
 * figure (built here, or off the page's thread by `buildFigure`/`BuiltFigure`) with zoom, pan and
 * tooltips, and charts given one `XLink` zoom together; `ChartCanvas` is a bare Chart.js lifecycle
 * for configurations built by hand (the law fit's scatter).
 */
export { default as ChartCanvas } from './ChartCanvas.svelte';
export { default as FigureChart } from './FigureChart.svelte';
export { default as LiveFigure } from './LiveFigure.svelte';
export { BuiltFigure, buildFigure, type FigureRequest } from './built-figure.svelte';
export { XLink } from './chart-link.svelte';
export { bucketsForWidth, chartClass } from './chart-runtime';
export { followSeries, LiveSeries } from './live-series.svelte';
export { appendSeries, lastStepOf, seriesRequestOf, type SeriesRequest } from './series';
