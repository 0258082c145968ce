/**
 * The line renderer of screen charts: a Chart.js dataset controller that draws a curve (or a seed
 * group's band) straight from its full-resolution typed arrays. Chart.js's own line controller makes
 * one point object per data point and lays each one out; for 20 runs x 10,000 steps x 3 metrics (and
 * the raw line behind each) that was most of the time to a drawn chart (issue 20). Here every update
 * decimates to the pixel columns of the visible x range (columnIndices: min and max per column, so
 * zooming in shows detail) and maps only the kept points to pixels. Lines of a device pixel or a
 * whole number of them (dense charts) are then filled as pixel columns into the chart's column layer
 * (figure-layer.ts); others are stroked as one path. A layout is keyed on the arrays it was made
 * from, so a new figure sharing them (raw lines after a smoothing change) keeps it.
 *
 * The scales still come from Chart.js: `getMinMax` gives them the data's extent (y over the visible
 * x range only, so a zoomed panel fits what it shows), and each dataset is clipped to its own panel.
 */
import { DatasetController, type Chart, type ChartDataset, type Scale } from 'chart.js';
import { color as parseColor } from 'chart.js/helpers';
import { columnIndices, type ColumnView } from '../../../src-main/contract';
import type { PixelBox, Rgba } from './column-raster';
import { layerFrame, type LayerFrame } from './figure-layer';

/** A curve: y over x, NaN (or ±Infinity) where it has no value. */
export interface LineSource {
  x: Float64Array;
  y: Float64Array;
  /** x never decreases (its extent is found from the ends). */
  sorted?: boolean;
}

/** A filled band between two edges over one x. */
export interface BandSource {
  x: Float64Array;
  lower: Float64Array;
  upper: Float64Array;
  sorted?: boolean;
}

/** A dataset the figureLine controller draws. Its `data` stays empty: the arrays are in `line` or `band`. */
export interface FigureLineDataset {
  type: 'figureLine';
  label: string;
  data: never[];
  yAxisID: string;
  /** Lower draws on top (Chart.js draws the highest order first). */
  order: number;
  hidden?: boolean;
  borderColor: string;
  borderWidth: number;
  borderDash: number[];
  backgroundColor: string;
  line?: LineSource;
  band?: BandSource;
}

/** The 2D context Chart.js draws on (named through Chart.js: the Node typecheck of the bench has no DOM lib). */
type Context = Chart['ctx'];

/** Pixel coordinates of the kept points, [x0, y0, x1, y1, ...]; y NaN breaks the line. */
interface Drawn {
  /** Line: the curve. Band: the upper edge, then the lower edge at the same x. */
  xy: Float64Array;
  count: number;
}

/** What the last decimation depended on; the same inputs keep the same points. */
interface DrawnKey {
  /** The arrays drawn (a new figure with the same arrays, as after a smoothing change for raw lines, keeps them). */
  x: Float64Array | undefined;
  y: Float64Array | undefined;
  lower: Float64Array | undefined;
  xMin: number;
  xMax: number;
  columns: number;
  yMin: number;
  yMax: number;
  top: number;
  bottom: number;
  left: number;
  right: number;
  log: boolean;
}

const sameKey = (a: DrawnKey | null, b: DrawnKey) =>
  a !== null && (Object.keys(b) as (keyof DrawnKey)[]).every((k) => a[k] === b[k]);

/** A finite value that the y scale can place (a log scale cannot place 0 or less). */
const placeable = (v: number, log: boolean) => Number.isFinite(v) && (!log || v > 0);

export class FigureLineController extends DatasetController {
  static id = 'figureLine';
  // No element per point (`data` is always empty); 'point' only answers legend style lookups.
  static defaults = { datasetElementType: false, dataElementType: 'point' };
  static overrides = {};

  #drawn: Drawn = { xy: new Float64Array(0), count: 0 };
  #indices = new Uint32Array(0);
  /** The kept points in the column layer's device pixels. */
  #device = new Float64Array(0);
  #key: DrawnKey | null = null;
  /** The last extent computed per axis (true: x), with what it was computed from. */
  #extents = new Map<boolean, { key: unknown[]; extent: { min: number; max: number } }>();
  /** Counts the layouts: the column layer refills a dataset only when its version or look changed. */
  #version = 0;
  /** Kept points after the last update, for tests and the benchmark. */
  drawnPoints = 0;

  #source(): FigureLineDataset {
    return this.getDataset() as unknown as FigureLineDataset;
  }

  /** The data's extent on `scale`: x over every drawable point, y over those in the visible x range. */
  protected override getMinMax(scale: Scale): { min: number; max: number } {
    const d = this.#source();
    const x = d.line?.x ?? d.band?.x;
    const ys = d.line ? [d.line.y] : d.band ? [d.band.lower, d.band.upper] : [];
    const meta = this._cachedMeta;
    const log = meta.yScale?.type === 'logarithmic';
    if (!x) return { min: Number.POSITIVE_INFINITY, max: Number.NEGATIVE_INFINITY };
    const onX = scale === meta.xScale;
    const bounds = meta.xScale?.getUserBounds();
    const lo = !onX && bounds?.minDefined ? bounds.min : Number.NEGATIVE_INFINITY;
    const hi = !onX && bounds?.maxDefined ? bounds.max : Number.POSITIVE_INFINITY;
    // The same arrays and range give the same extent: a smoothing change keeps the raw lines' arrays.
    const key = [x, ...ys, lo, hi, log];
    const known = this.#extents.get(onX);
    if (known && known.key.length === key.length && known.key.every((k, i) => k === key[i])) return known.extent;
    const sorted = (d.line ?? d.band)?.sorted === true;
    const extent = onX && sorted ? sortedXExtent(x, ys, log) : dataExtent(x, ys, onX, lo, hi, log);
    this.#extents.set(onX, { key, extent });
    return extent;
  }

  /** Lines are clipped to their panel in draw(), not by Chart.js to the whole plot area. */
  protected override getMaxOverflow(): boolean {
    return false;
  }

  override update(): void {
    const meta = this._cachedMeta;
    const xScale = meta.xScale as Scale;
    const yScale = meta.yScale as Scale;
    const dataset = this.#source();
    const columns = Math.max(1, Math.round((xScale.right - xScale.left) * this.chart.currentDevicePixelRatio));
    const key: DrawnKey = {
      x: dataset.line?.x ?? dataset.band?.x,
      y: dataset.line?.y ?? dataset.band?.upper,
      lower: dataset.band?.lower,
      xMin: xScale.min,
      xMax: xScale.max,
      columns,
      yMin: yScale.min,
      yMax: yScale.max,
      top: yScale.top,
      bottom: yScale.bottom,
      left: xScale.left,
      right: xScale.right,
      log: yScale.type === 'logarithmic',
    };
    if (sameKey(this.#key, key)) return;
    this.#key = key;
    this.#version++;
    const view: ColumnView = { xMin: xScale.min, xMax: Math.max(xScale.min, xScale.max), columns };
    if (dataset.line) this.#layOutLine(dataset.line, view, xScale, yScale, key.log);
    else if (dataset.band) this.#layOutBand(dataset.band, view, xScale, yScale, key.log);
    else this.#drawn.count = 0;
    this.drawnPoints = this.#drawn.count;
  }

  #buffers(n: number, points: number): Float64Array {
    if (this.#indices.length < n) this.#indices = new Uint32Array(n);
    if (this.#drawn.xy.length < 2 * points) this.#drawn.xy = new Float64Array(2 * points);
    return this.#drawn.xy;
  }

  #layOutLine(line: LineSource, view: ColumnView, xScale: Scale, yScale: Scale, log: boolean): void {
    this.#buffers(line.x.length, 0);
    const kept = columnIndices(line.x, line.y, view, this.#indices);
    const xy = this.#buffers(0, kept.length);
    for (let k = 0; k < kept.length; k++) {
      const i = kept[k];
      const v = line.y[i];
      xy[2 * k] = xScale.getPixelForValue(line.x[i]);
      xy[2 * k + 1] = placeable(v, log) ? yScale.getPixelForValue(v) : Number.NaN;
    }
    this.#drawn.count = kept.length;
  }

  /** Both edges at the union of their kept points, so each edge keeps its own min and max per column. */
  #layOutBand(band: BandSource, view: ColumnView, xScale: Scale, yScale: Scale, log: boolean): void {
    this.#buffers(band.x.length, 0);
    const upper = columnIndices(band.x, band.upper, view, this.#indices).slice();
    const lower = columnIndices(band.x, band.lower, view, this.#indices);
    const kept = mergeAscending(upper, lower);
    const xy = this.#buffers(0, 2 * kept.length);
    const n = kept.length;
    for (let k = 0; k < n; k++) {
      const i = kept[k];
      const [lo, hi] = [band.lower[i], band.upper[i]];
      const drawable = placeable(lo, log) && placeable(hi, log);
      const px = xScale.getPixelForValue(band.x[i]);
      xy[2 * k] = px;
      xy[2 * k + 1] = drawable ? yScale.getPixelForValue(hi) : Number.NaN;
      xy[2 * (n + k)] = px;
      xy[2 * (n + k) + 1] = drawable ? yScale.getPixelForValue(lo) : Number.NaN;
    }
    this.#drawn.count = n;
  }

  override draw(): void {
    // In a chart drawn on the column layer, the layer's plugin asks for the dataset (fillLayer).
    if (this.#drawn.count === 0 || layerFrame(this.chart)) return;
    this.#stroke(this.#clip(), this.chart.currentDevicePixelRatio);
  }

  /**
   * The dataset's panel in device pixels: stacked y axes share one plot area. Whole device pixels:
   * a clip with a fractional edge is antialiased, a mask under every line it clips.
   */
  #clip(): PixelBox {
    const meta = this._cachedMeta;
    const xScale = meta.xScale as Scale;
    const yScale = meta.yScale as Scale;
    const half = this.#source().borderWidth / 2;
    const dpr = this.chart.currentDevicePixelRatio;
    return {
      left: Math.floor(xScale.left * dpr),
      right: Math.ceil(xScale.right * dpr),
      top: Math.floor((yScale.top - half) * dpr),
      bottom: Math.ceil((yScale.bottom + half) * dpr),
    };
  }

  /** What the dataset's fill of the column layer depends on: the same, its earlier fill stands. */
  layerSignature(): string {
    const d = this.#source();
    const c = this.#clip();
    const look = d.band ? d.backgroundColor : `${d.borderColor} ${d.borderWidth} ${d.borderDash.join(',')}`;
    return `${this.#version} ${look} ${c.left} ${c.right} ${c.top} ${c.bottom}`;
  }

  /** Fills the chart's column layer (figure-layer.ts) with the dataset: the canvas never sees a path. */
  fillLayer(frame: LayerFrame): void {
    const dataset = this.#source();
    const { count, xy } = this.#drawn;
    if (count === 0) return;
    const clip = this.#clip();
    const { box, dpr, layer } = frame;
    const local = {
      left: clip.left - box.left,
      right: clip.right - box.left,
      top: clip.top - box.top,
      bottom: clip.bottom - box.top,
    };
    const points = dataset.band ? 2 * count : count;
    if (this.#device.length < 2 * points) this.#device = new Float64Array(2 * points);
    const device = this.#device;
    for (let k = 0; k < points; k++) {
      device[2 * k] = xy[2 * k] * dpr - box.left;
      device[2 * k + 1] = xy[2 * k + 1] * dpr - box.top;
    }
    if (dataset.band) {
      layer.band(device, device.subarray(2 * count), count, rgba(dataset.backgroundColor), local);
    } else {
      const dash = dataset.borderDash.map((d) => d * dpr);
      layer.line(device, count, rgba(dataset.borderColor), dataset.borderWidth * dpr, local, dash);
    }
  }

  #stroke(clip: PixelBox, dpr: number): void {
    const dataset = this.#source();
    const { count, xy } = this.#drawn;
    const ctx = this.chart.ctx;
    ctx.save();
    ctx.beginPath();
    ctx.rect(clip.left / dpr, clip.top / dpr, (clip.right - clip.left) / dpr, (clip.bottom - clip.top) / dpr);
    ctx.clip();
    ctx.beginPath();
    if (dataset.band) {
      traceBand(ctx, xy, count);
      ctx.fillStyle = dataset.backgroundColor;
      ctx.fill();
    } else {
      traceLine(ctx, xy, 0, count);
      ctx.strokeStyle = dataset.borderColor;
      ctx.lineWidth = dataset.borderWidth;
      ctx.setLineDash(dataset.borderDash);
      // Round joins: a min/max zigzag with miter joins would draw spikes past the data. Lines of at
      // most a pixel are hairlines, which have no joins: asking for round ones there only costs.
      ctx.lineJoin = dataset.borderWidth > 1 ? 'round' : 'miter';
      ctx.stroke();
    }
    ctx.restore();
  }
}

/** A CSS colour as channels (what the column layer blends). */
function rgba(css: string): Rgba {
  const { r, g, b, a } = parseColor(css).rgb;
  return { r, g, b, a };
}

/** Extent of an ascending x over drawable points: the first and last of them, found from the ends. */
function sortedXExtent(x: Float64Array, ys: readonly Float64Array[], log: boolean): { min: number; max: number } {
  const drawable = (i: number) => Number.isFinite(x[i]) && ys.some((y) => placeable(y[i], log));
  let first = 0;
  while (first < x.length && !drawable(first)) first++;
  if (first === x.length) return { min: Number.POSITIVE_INFINITY, max: Number.NEGATIVE_INFINITY };
  let last = x.length - 1;
  while (!drawable(last)) last--;
  return { min: x[first], max: x[last] };
}

/** Extent of x (onX) or of the ys over drawable points whose x is within [lo, hi]. */
function dataExtent(
  x: Float64Array,
  ys: readonly Float64Array[],
  onX: boolean,
  lo: number,
  hi: number,
  log: boolean,
): { min: number; max: number } {
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (const y of ys) {
    for (let i = 0; i < x.length; i++) {
      const xi = x[i];
      if (!placeable(y[i], log) || !Number.isFinite(xi)) continue;
      if (xi < lo || xi > hi) continue;
      const v = onX ? xi : y[i];
      if (v < min) min = v;
      if (v > max) max = v;
    }
  }
  return { min, max };
}

/** Adds the line through points [from, from + count) of `xy`, broken where y is NaN. */
function traceLine(ctx: Context, xy: Float64Array, from: number, count: number): void {
  let pen = false;
  for (let k = from; k < from + count; k++) {
    const y = xy[2 * k + 1];
    if (Number.isNaN(y)) {
      pen = false;
      continue;
    }
    if (pen) ctx.lineTo(xy[2 * k], y);
    else ctx.moveTo(xy[2 * k], y);
    pen = true;
  }
}

/** Adds one closed polygon per gap-free piece: along the upper edge, back along the lower one. */
function traceBand(ctx: Context, xy: Float64Array, n: number): void {
  let start = -1;
  for (let k = 0; k <= n; k++) {
    const drawable = k < n && !Number.isNaN(xy[2 * k + 1]);
    if (drawable && start < 0) start = k;
    if (drawable || start < 0) continue;
    ctx.moveTo(xy[2 * start], xy[2 * start + 1]);
    for (let j = start + 1; j < k; j++) ctx.lineTo(xy[2 * j], xy[2 * j + 1]);
    for (let j = k - 1; j >= start; j--) ctx.lineTo(xy[2 * (n + j)], xy[2 * (n + j) + 1]);
    ctx.closePath();
    start = -1;
  }
}

/** The sorted union of two ascending index lists. */
function mergeAscending(a: Uint32Array, b: Uint32Array): Uint32Array {
  const out = new Uint32Array(a.length + b.length);
  let [i, j, n] = [0, 0, 0];
  while (i < a.length || j < b.length) {
    const next = j >= b.length || (i < a.length && a[i] <= b[j]) ? a[i++] : b[j++];
    if (n === 0 || out[n - 1] !== next) out[n++] = next;
  }
  return out.subarray(0, n);
}

/** Chart.js's dataset type for a FigureLineDataset (its config is typed for built-in controllers). */
export const asChartDataset = (d: FigureLineDataset) => d as unknown as ChartDataset<'line', never[]>;
