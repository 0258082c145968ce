/**
 * Where a screen chart's figureLine datasets draw when their lines are fills of pixel columns
 * (column-raster.ts): one layer over the plot area per chart, cleared before the datasets draw,
 * filled by each dataset in Chart.js's drawing order, and put on the canvas as one image after the
 * last (so it sits where the lines did: over the grid, under the axes drawn later).
 *
 * The datasets under the main lines (bands, raw lines) are kept as they were filled: when none of
 * them changed (a smoothing change leaves the raw lines as they were), the main lines are filled
 * over that saved layer and the raw lines are not filled again.
 *
 * A chart draws that way when every visible figureLine dataset can: bands, and lines a whole number
 * of device pixels wide or thinner (a dense chart's 1 px lines and their raw lines; dashes included,
 * see SpanLayer.line). Lines of a fractional width keep the canvas's own stroke for the whole chart,
 * so datasets never change their stacking order.
 */
import type { Chart, Plugin } from 'chart.js';
import { SpanLayer, type PixelBox } from './column-raster';

/**
 * The DOM parts used here, named without the DOM library: the Node typecheck of the benchmarks
 * (tsconfig.node.json) sees this file through chart-runtime.ts.
 */
type Context = Chart['ctx'];
interface Surface {
  width: number;
  height: number;
  getContext(kind: '2d'): unknown;
}
interface Pixels {
  data: Uint8ClampedArray;
}
const dom = globalThis as unknown as {
  OffscreenCanvas?: new (width: number, height: number) => Surface;
  ImageData: new (width: number, height: number) => Pixels;
  document: { createElement(tag: 'canvas'): Surface };
};
const asSurface = (canvas: unknown) => canvas as Surface;

/** A canvas of its own to put the layer's pixels on (an OffscreenCanvas where there is one). */
function surface(width: number, height: number): Surface {
  const made = dom.OffscreenCanvas ? new dom.OffscreenCanvas(width, height) : dom.document.createElement('canvas');
  made.width = width;
  made.height = height;
  return made;
}

/** The layer of one chart's current drawing, in device pixels of the canvas. */
export interface LayerFrame {
  layer: SpanLayer;
  /** Where the layer sits on the canvas. */
  box: PixelBox;
  dpr: number;
}

/** A figureLine controller as the layer sees it (figure-line.ts). */
interface LayerDrawer {
  layerSignature(): string;
  fillLayer(frame: LayerFrame): void;
}

interface Compositor {
  frame: LayerFrame;
  canvas: Surface;
  image: Pixels;
  /**
   * The layer after the datasets drawn under the main lines (bands, raw lines), and their
   * signatures: a smoothing change redraws the main lines over it, the raw lines are not refilled.
   */
  under: { signatures: string[]; snapshot: Uint32Array } | null;
  /** The last drawing of the chart went through this layer. */
  drawn: boolean;
}

const compositors = new WeakMap<Chart, Compositor>();
const active = new WeakMap<Chart, LayerFrame>();

/** The layer `chart`'s figureLine datasets draw into now; null: they stroke on the canvas. */
export function layerFrame(chart: Chart): LayerFrame | null {
  return active.get(chart) ?? null;
}

/** Whether `chart` drew its datasets on the column layer the last time it drew (tests, the benchmark). */
export function drawsOnLayer(chart: Chart): boolean {
  return compositors.get(chart)?.drawn === true;
}

/** Widest pen the column layer draws (device pixels); wider lines are stroked. */
const MAX_PEN = 3;

/**
 * Whether a line of `width` CSS pixels can be drawn as column spans at `dpr`: at most a device pixel
 * wide (a hairline, see SpanLayer.line) or a whole number of them.
 */
export function spanDrawable(width: number, dpr: number): boolean {
  const device = width * dpr;
  const pen = Math.round(device);
  if (!(device > 0)) return false;
  return device <= 1 || (pen <= MAX_PEN && Math.abs(device - pen) < 0.05);
}

interface LineLook {
  type?: string;
  band?: unknown;
  borderWidth?: number;
}

function layerWanted(chart: Chart): boolean {
  const dpr = chart.currentDevicePixelRatio;
  let any = false;
  for (const meta of chart.getSortedVisibleDatasetMetas()) {
    const d = chart.data.datasets[meta.index] as LineLook;
    if (meta.type !== 'figureLine') return false;
    if (!d.band && !spanDrawable(d.borderWidth ?? 1, dpr)) return false;
    any = true;
  }
  return any;
}

/** The plot area in device pixels, with room for a pen's reach past a panel's edge. */
function plotBox(chart: Chart): PixelBox {
  const dpr = chart.currentDevicePixelRatio;
  const area = chart.chartArea;
  const margin = MAX_PEN;
  return {
    left: Math.max(0, Math.floor(area.left * dpr)),
    top: Math.max(0, Math.floor(area.top * dpr) - margin),
    right: Math.min(asSurface(chart.canvas).width, Math.ceil(area.right * dpr)),
    bottom: Math.min(asSurface(chart.canvas).height, Math.ceil(area.bottom * dpr) + margin),
  };
}

function compositorFor(chart: Chart): Compositor | null {
  const box = plotBox(chart);
  const [width, height] = [box.right - box.left, box.bottom - box.top];
  if (width < 1 || height < 1) return null;
  const dpr = chart.currentDevicePixelRatio;
  const known = compositors.get(chart);
  if (known && known.frame.layer.width === width && known.frame.layer.height === height) {
    known.frame.box = box;
    known.frame.dpr = dpr;
    return known;
  }
  const made: Compositor = {
    frame: { layer: new SpanLayer(width, height), box, dpr },
    canvas: surface(width, height),
    image: new dom.ImageData(width, height),
    under: null,
    drawn: false,
  };
  compositors.set(chart, made);
  return made;
}

/**
 * Fills the layer with the visible datasets in Chart.js's drawing order (highest `order` first),
 * starting from the saved layer of the datasets under the main lines when none of them changed.
 */
function fill(chart: Chart, compositor: Compositor): void {
  const { frame } = compositor;
  const metas = chart.getSortedVisibleDatasetMetas().reverse();
  const drawer = (i: number) => metas[i].controller as unknown as LayerDrawer;
  let split = metas.findIndex((m) => (chart.data.datasets[m.index].order ?? 0) <= 0);
  if (split < 0) split = metas.length;
  const signatures = metas.slice(0, split).map((_m, i) => drawer(i).layerSignature());
  const under = compositor.under;
  if (under && sameList(under.signatures, signatures)) frame.layer.restore(under.snapshot);
  else {
    frame.layer.clear();
    for (let i = 0; i < split; i++) drawer(i).fillLayer(frame);
    compositor.under = { signatures, snapshot: frame.layer.snapshot(under?.snapshot) };
  }
  for (let i = split; i < metas.length; i++) drawer(i).fillLayer(frame);
}

const sameList = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((x, i) => x === b[i]);

/** Registered with the figureLine controller (chart-runtime.ts); charts without one are left alone. */
export const figureLayerPlugin: Plugin = {
  id: 'figureLayer',
  beforeDatasetsDraw(chart) {
    active.delete(chart);
    const known = compositors.get(chart);
    if (known) known.drawn = false;
    if (!layerWanted(chart)) return;
    const compositor = compositorFor(chart);
    if (compositor) active.set(chart, compositor.frame);
  },
  afterDatasetsDraw(chart) {
    const frame = active.get(chart);
    const compositor = compositors.get(chart);
    if (!frame || !compositor) return;
    fill(chart, compositor);
    active.delete(chart);
    compositor.drawn = true;
    const { canvas, image } = compositor;
    frame.layer.toRgba(image.data);
    (canvas.getContext('2d') as Context).putImageData(image as never, 0, 0);
    const ctx = chart.ctx;
    ctx.save();
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.drawImage(canvas as never, frame.box.left, frame.box.top);
    ctx.restore();
  },
  afterDestroy(chart) {
    compositors.delete(chart);
    active.delete(chart);
  },
};
