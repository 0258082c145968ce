/**
 * Zoom and pan of screen charts (issue 19): chartjs-plugin-zoom's drag box and Alt+wheel on the x
 * axis, and a pan of its own on Shift+drag (pointer events, so no Hammer.js gesture recogniser is
 * needed; the plugin's Hammer pan stays off). Only x zooms: stacked panels share it, and each
 * panel's y axis fits what the zoomed range shows. Every redraw decimates again for the visible
 * range (figure-line.ts), so zooming in shows detail.
 */
import type { Chart, ChartOptions } from 'chart.js';
import zoomPlugin, { pan } from 'chartjs-plugin-zoom';
import { CHART_THEME } from './chart-theme';
import { chartClass } from './chart-runtime';

export interface XRange {
  min: number;
  max: number;
}

type ZoomPluginOptions = NonNullable<NonNullable<ChartOptions<'line'>['plugins']>['zoom']>;

let registered = false;

/** Chart.js with the figure components and the zoom plugin registered. */
export function zoomableChartClass(): typeof Chart {
  const Chart = chartClass();
  if (!registered) {
    Chart.register(zoomPlugin);
    registered = true;
  }
  return Chart;
}

/** The wheel zooms only with this key held, so a page of charts still scrolls (as TensorBoard does). */
export const WHEEL_ZOOM_KEY = 'alt';

/**
 * Zoom options for a chart whose data spans `extent` on x. `changed` is called with the new x
 * range after every zoom or pan step the plugin makes.
 */
export function zoomOptions(extent: XRange | null, changed: (chart: Chart) => void): ZoomPluginOptions {
  const span = extent ? extent.max - extent.min : 0;
  return {
    limits: extent && span > 0 ? { x: { min: extent.min, max: extent.max, minRange: span / 5000 } } : {},
    // Off: the plugin would pan through Hammer.js; panning is startPan's (Shift+drag) below.
    pan: { enabled: false },
    zoom: {
      mode: 'x',
      wheel: { enabled: true, modifierKey: WHEEL_ZOOM_KEY, speed: 0.15 },
      drag: {
        enabled: true,
        threshold: 4,
        backgroundColor: CHART_THEME.zoomBoxFill,
        borderColor: CHART_THEME.zoomBoxBorder,
        borderWidth: 1,
        drawTime: 'afterDraw',
      },
      // A Shift+drag pans: the drag box steps aside.
      onZoomStart: ({ event }) => !(event instanceof MouseEvent && event.shiftKey),
      onZoom: ({ chart }) => changed(chart),
    },
  };
}

/**
 * Pans `chart` along x while the pointer is dragged with Shift held; one redraw per frame. Returns
 * the listener's removal. `done` is called when a pan ends.
 */
export function startPan(chart: Chart, changed: (chart: Chart) => void): () => void {
  const canvas = chart.canvas;
  let last: number | null = null;
  let owed = 0;
  let frame = 0;
  const flush = () => {
    frame = 0;
    if (owed === 0) return;
    pan(chart, { x: owed }, undefined, 'none');
    owed = 0;
    changed(chart);
  };
  const down = (e: PointerEvent) => {
    const area = chart.chartArea;
    const inside =
      e.offsetX >= area.left && e.offsetX <= area.right && e.offsetY >= area.top && e.offsetY <= area.bottom;
    if (!e.shiftKey || e.button !== 0 || !inside) return;
    e.preventDefault(); // no drag box, no text selection
    canvas.setPointerCapture(e.pointerId);
    last = e.clientX;
  };
  const move = (e: PointerEvent) => {
    if (last === null) return;
    owed += e.clientX - last;
    last = e.clientX;
    if (!frame) frame = requestAnimationFrame(flush);
  };
  const up = (e: PointerEvent) => {
    if (last === null) return;
    last = null;
    if (frame) cancelAnimationFrame(frame);
    flush();
    if (canvas.hasPointerCapture(e.pointerId)) canvas.releasePointerCapture(e.pointerId);
  };
  canvas.addEventListener('pointerdown', down);
  canvas.addEventListener('pointermove', move);
  canvas.addEventListener('pointerup', up);
  canvas.addEventListener('pointercancel', up);
  return () => {
    if (frame) cancelAnimationFrame(frame);
    canvas.removeEventListener('pointerdown', down);
    canvas.removeEventListener('pointermove', move);
    canvas.removeEventListener('pointerup', up);
    canvas.removeEventListener('pointercancel', up);
  };
}
