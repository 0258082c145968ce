/**
 * Screen-chart lines drawn as spans of pixel columns, into a buffer of our own (issue 20). The
 * figureLine renderer already keeps at most the lowest and highest point of every pixel column; a
 * line through those points covers, in each column, one run of pixels from the lowest to the highest
 * y the line takes there (M4: Jugel et al., "M4: A Visualization-Oriented Time Series Data
 * Aggregation", VLDB 2014). Filling that run directly is what Chromium's canvas would rasterize
 * anyway, minus its per-segment work: stroking 20 runs x 3 metrics (and the raw line behind each)
 * cost Chromium's software canvas ~250 ms a frame, filling the spans here ~40 ms.
 *
 * The pen is square: a line `width` device pixels wide covers `width` columns and reaches width/2
 * above and below the span, with fractional coverage at the two ends (what antialiasing gives a
 * 1 px line). Colours blend source-over in premultiplied bytes, in the order datasets are drawn.
 * Pure code over typed arrays (no DOM): figure-line.ts turns the result into an image.
 */

/** A colour as 0-255 channels and an alpha from 0 to 1. */
export interface Rgba {
  r: number;
  g: number;
  b: number;
  a: number;
}

/** The extent of a polyline per pixel column: lo > hi where it has none. */
export interface Spans {
  lo: Float64Array;
  hi: Float64Array;
  /** The polyline's length inside each column (where a dash pattern stands). */
  length: Float64Array;
}

export function emptySpans(columns: number): Spans {
  return { lo: new Float64Array(columns), hi: new Float64Array(columns), length: new Float64Array(columns) };
}

/**
 * Per pixel column c (covering x in [c, c + 1)) the lowest and highest y that the polyline through
 * points [0, count) of `xy` ([x0, y0, x1, y1, ...], in the buffer's pixels) takes in it. A point
 * with y NaN breaks the line (no segment touches it); segments are clipped to columns [0, columns).
 */
export function columnSpans(xy: ArrayLike<number>, count: number, into: Spans): Spans {
  const { lo, hi, length } = into;
  const columns = lo.length;
  lo.fill(Number.POSITIVE_INFINITY);
  hi.fill(Number.NEGATIVE_INFINITY);
  length.fill(0);
  for (let k = 0; k + 1 < count; k++) {
    // Plain locals, no destructuring: this runs for every kept point of every line.
    let x0 = xy[2 * k];
    let y0 = xy[2 * k + 1];
    let x1 = xy[2 * k + 2];
    let y1 = xy[2 * k + 3];
    if (Number.isNaN(y0) || Number.isNaN(y1) || Number.isNaN(x0) || Number.isNaN(x1)) continue;
    if (x1 < x0) {
      [x0, x1] = [x1, x0];
      [y0, y1] = [y1, y0];
    }
    if (x1 < 0 || x0 >= columns) continue;
    const first = Math.max(0, Math.floor(x0));
    const last = Math.min(columns - 1, Math.floor(x1));
    const slope = x1 > x0 ? (y1 - y0) / (x1 - x0) : 0;
    for (let c = first; c <= last; c++) {
      // The segment's y where it enters and leaves column c.
      const ya = c > x0 ? y0 + (c - x0) * slope : y0;
      const yb = c + 1 < x1 ? y0 + (c + 1 - x0) * slope : y1;
      const a = ya < yb ? ya : yb;
      const b = ya < yb ? yb : ya;
      if (a < lo[c]) lo[c] = a;
      if (b > hi[c]) hi[c] = b;
      const dx = Math.min(c + 1, x1) - Math.max(c, x0);
      length[c] += Math.sqrt(dx * dx + (b - a) * (b - a));
    }
  }
  return into;
}

/** A rectangle of device pixels the buffer covers, or a clip within it: [left, right) x [top, bottom). */
export interface PixelBox {
  left: number;
  top: number;
  right: number;
  bottom: number;
}

/** A colour ready to blend: straight channels 0-255 and an alpha from 0 to 1. */
type Ink = Rgba;

const inkOf = (color: Rgba, alphaScale = 1): Ink => ({ ...color, a: color.a * alphaScale });

/**
 * Premultiplied RGBA bytes, one 32-bit word a pixel (R in the low byte, as ImageData's bytes on a
 * little-endian machine), column-major: a column's pixels are contiguous, so every span is one run
 * of memory. Each blend rounds to 8 bits, as the canvas's own blends do.
 */
export class SpanLayer {
  readonly width: number;
  readonly height: number;
  #px: Uint32Array;
  /** Scratch spans of one line, reused. */
  readonly spans: Spans;
  readonly #other: Spans;

  constructor(width: number, height: number) {
    this.width = width;
    this.height = height;
    this.#px = new Uint32Array(width * height);
    this.spans = emptySpans(width);
    this.#other = emptySpans(width);
  }

  clear(): void {
    this.#px.fill(0);
  }

  /** A copy of the layer (into `reuse` when it has the layer's size). */
  snapshot(reuse?: Uint32Array): Uint32Array {
    const copy = reuse?.length === this.#px.length ? reuse : new Uint32Array(this.#px.length);
    copy.set(this.#px);
    return copy;
  }

  /** Back to a snapshot of this layer. */
  restore(snapshot: Uint32Array): void {
    this.#px.set(snapshot);
  }

  /**
   * Strokes the polyline `xy` (count points, buffer pixels) with a square pen `width` pixels wide,
   * inside `clip` (buffer pixels). A line thinner than a pixel is drawn as Skia draws it, a 1 px
   * hairline at `width` times the alpha. A `dash` pattern (on, off, ... in pixels) is laid along
   * the line's length as the canvas lays it; a column is drawn when the middle of its stretch of
   * line falls on a dash.
   */
  line(
    xy: ArrayLike<number>,
    count: number,
    color: Rgba,
    width: number,
    clip: PixelBox,
    dash: readonly number[] = [],
  ): void {
    const { lo, hi, length } = columnSpans(xy, count, this.spans);
    const on = dashMask(length, dash);
    const pen = Math.max(1, Math.round(width));
    if (pen > 1) widen(lo, hi, pen, this.#other);
    const ink = inkOf(color, Math.min(1, width));
    const half = Math.max(1, width) / 2;
    const [left, right] = [Math.max(0, clip.left), Math.min(this.width, clip.right)];
    for (let c = left; c < right; c++) {
      if (hi[c] < lo[c] || (on && !on[c])) continue;
      this.#fill(c, lo[c] - half, hi[c] + half, ink, clip);
    }
  }

  /**
   * Fills between two edges (upper: the lower pixel y, as a band's upper value draws higher) over
   * the columns both edges reach: from the highest the upper edge reaches to the lowest the lower
   * edge reaches in each column.
   */
  band(upper: ArrayLike<number>, lower: ArrayLike<number>, count: number, color: Rgba, clip: PixelBox): void {
    const top = columnSpans(upper, count, this.spans).lo;
    const bottom = columnSpans(lower, count, this.#other).hi;
    const ink = inkOf(color);
    const [left, right] = [Math.max(0, clip.left), Math.min(this.width, clip.right)];
    for (let c = left; c < right; c++) {
      if (!(top[c] <= bottom[c])) continue;
      this.#fill(c, top[c], bottom[c], ink, clip);
    }
  }

  /** Blends `ink` over rows [from, to) of column c, partial rows by their covered share. */
  #fill(c: number, from: number, to: number, ink: Ink, clip: PixelBox): void {
    const start = Math.max(from, clip.top, 0);
    const end = Math.min(to, clip.bottom, this.height);
    if (!(end > start)) return;
    const base = c * this.height;
    const first = Math.floor(start);
    const last = Math.ceil(end) - 1;
    if (first === last) {
      this.#run(base + first, base + first + 1, ink, ink.a * (end - start));
      return;
    }
    this.#run(base + first, base + first + 1, ink, ink.a * (first + 1 - start));
    this.#run(base + first + 1, base + last, ink, ink.a);
    this.#run(base + last, base + last + 1, ink, ink.a * (end - last));
  }

  /**
   * Source-over of `ink` at `alpha` on pixels [from, to), two channels per multiply. The kept share
   * of what is under rounds down and the ink's share too, so no channel passes 255.
   */
  #run(from: number, to: number, ink: Ink, alpha: number): void {
    if (!(alpha > 0) || from >= to) return;
    const px = this.#px;
    const keep = 256 - Math.ceil(Math.min(1, alpha) * 256); // 0..255 of 256
    const a = Math.floor(alpha * 255);
    const rb = Math.floor(ink.r * alpha) | (Math.floor(ink.b * alpha) << 16);
    const ga = Math.floor(ink.g * alpha) | (a << 16);
    for (let i = from; i < to; i++) {
      const d = px[i];
      const dRB = (((d & 0xff00ff) * keep) >>> 8) & 0xff00ff;
      const dGA = ((((d >>> 8) & 0xff00ff) * keep) >>> 8) & 0xff00ff;
      px[i] = ((dRB + rb) | ((dGA + ga) << 8)) >>> 0;
    }
  }

  /** The layer as straight (not premultiplied) RGBA bytes, row-major, as ImageData holds them. */
  toRgba(out: Uint8ClampedArray): Uint8ClampedArray {
    const px = this.#px;
    const { width, height } = this;
    for (let c = 0; c < width; c++) {
      for (let row = 0; row < height; row++) {
        const d = px[c * height + row];
        const o = 4 * (row * width + c);
        const alpha = d >>> 24;
        if (alpha === 0) {
          out[o + 3] = 0;
          continue;
        }
        const k = 255 / alpha;
        out[o] = (d & 255) * k;
        out[o + 1] = ((d >>> 8) & 255) * k;
        out[o + 2] = ((d >>> 16) & 255) * k;
        out[o + 3] = alpha;
      }
    }
    return out;
  }

  /** Premultiplied channels of pixel (x, y), each 0-1 (tests). */
  pixel(x: number, y: number): [number, number, number, number] {
    const d = this.#px[x * this.height + y];
    return [(d & 255) / 255, ((d >>> 8) & 255) / 255, ((d >>> 16) & 255) / 255, (d >>> 24) / 255];
  }
}

/** Per column, whether the middle of its stretch of line is on a dash of `dash`; null: solid. */
function dashMask(length: Float64Array, dash: readonly number[]): Uint8Array | null {
  const period = dash.reduce((sum, d) => sum + d, 0);
  if (dash.length === 0 || !(period > 0)) return null;
  // A pattern of odd length repeats twice per period, as the canvas's setLineDash does.
  const pattern = dash.length % 2 === 1 ? [...dash, ...dash] : dash;
  const full = pattern.reduce((sum, d) => sum + d, 0);
  const on = new Uint8Array(length.length);
  let travelled = 0;
  for (let c = 0; c < length.length; c++) {
    let at = (travelled + length[c] / 2) % full;
    let k = 0;
    while (at >= pattern[k]) at -= pattern[k++];
    on[c] = k % 2 === 0 ? 1 : 0;
    travelled += length[c];
  }
  return on;
}

/** Spans of a pen `pen` columns wide: column c takes the extent of columns c - (pen-1)/2 .. c + pen/2. */
function widen(lo: Float64Array, hi: Float64Array, pen: number, scratch: Spans): void {
  const [before, after] = [Math.floor((pen - 1) / 2), Math.ceil((pen - 1) / 2)];
  scratch.lo.set(lo);
  scratch.hi.set(hi);
  const n = lo.length;
  for (let c = 0; c < n; c++) {
    let [l, h] = [Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY];
    for (let j = Math.max(0, c - after); j <= Math.min(n - 1, c + before); j++) {
      if (scratch.lo[j] < l) l = scratch.lo[j];
      if (scratch.hi[j] > h) h = scratch.hi[j];
    }
    lo[c] = l;
    hi[c] = h;
  }
}
