/**
 * A figure's curves in typed arrays, as screen charts draw them: one Float64Array per quantity, NaN
 * where a value is missing, x already in the axis' display unit. Built where the smoothing and the
 * seed statistics are computed (a Web Worker in the renderer) and moved to the page without a copy
 * (every array's buffer is transferable), then decimated per pixel column as it is drawn
 * (columns.ts). Exports keep FigureData (data.ts), which tells a missing value from a NaN.
 */
import {
  buildFigureData,
  buildSmoothedCurves,
  figureFrame,
  figureTraceHeads,
  seriesOf,
  type FigureData,
  type FigureInputLike,
  type FigureTrace,
  type SmoothedCurve,
  type SummaryCache,
} from './data';
import type { FigureSpec } from '../figure';
import { METRIC } from '../metrics';
import { smoothEmaFloats } from './smoothing';
import { valuesAtSteps } from './xaxis';

export interface PackedTrace extends Pick<
  FigureTrace,
  'id' | 'kind' | 'label' | 'metric' | 'panel' | 'colorIndex' | 'dashIndex' | 'runIds' | 'summary'
> {
  steps: Float64Array;
  /** In the axis' display unit (divided by FigureData.x.divisor). */
  x: Float64Array;
  raw: Float64Array;
  smoothed: Float64Array;
  band: { lower: Float64Array; upper: Float64Array } | null;
  /** A seed group's seeds with a value, and the spread of their smoothed values, per step. */
  group: { n: Float64Array; std: Float64Array } | null;
  /** x never decreases: a value's nearest point is found by bisection. */
  sorted: boolean;
}

export interface PackedFigure extends Omit<FigureData, 'traces'> {
  packed: true;
  traces: PackedTrace[];
}

/** `values` as a Float64Array, null as NaN, divided by `divisor`. */
function floats(values: readonly (number | null)[], divisor = 1): Float64Array {
  const out = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    out[i] = v === null ? Number.NaN : divisor === 1 ? v : v / divisor;
  }
  return out;
}

function ascending(x: Float64Array): boolean {
  for (let i = 1; i < x.length; i++) if (x[i] < x[i - 1]) return false;
  return true;
}

/** The typed-array form of `data` (from buildFigureData). */
export function packFigure(data: FigureData): PackedFigure {
  const { traces, ...rest } = data;
  return {
    ...rest,
    packed: true,
    traces: traces.map((t): PackedTrace => {
      const x = floats(t.x, data.x.divisor);
      return {
        id: t.id,
        kind: t.kind,
        label: t.label,
        metric: t.metric,
        panel: t.panel,
        colorIndex: t.colorIndex,
        dashIndex: t.dashIndex,
        runIds: t.runIds,
        summary: t.summary,
        steps: floats(t.steps),
        x,
        raw: floats(t.raw),
        smoothed: floats(t.smoothed),
        band: t.band && { lower: floats(t.band.lower), upper: floats(t.band.upper) },
        group: t.group && { n: floats(t.group.n), std: floats(t.group.std) },
        sorted: ascending(x),
      };
    }),
  };
}

/**
 * packFigure(buildFigureData(spec, inputs, summaries)), with each run's arrays built as Float64Arrays
 * straight from its series: no list of boxed numbers per array to convert afterwards, which was half
 * of the worker's build (issue 20). Seed groups (aggregated over steps) still go through FigureData.
 */
export function buildPackedFigureData(
  spec: FigureSpec,
  inputs: readonly FigureInputLike[],
  summaries?: SummaryCache,
): PackedFigure {
  const heads = figureTraceHeads(spec, inputs, summaries);
  if (heads.some((h) => h.entity.kind !== 'run')) return packFigure(buildFigureData(spec, inputs, summaries));
  const traces = heads.map(({ head, entity }): PackedTrace => {
    const { summary, ...rest } = head;
    return {
      ...rest,
      ...runArrays(spec, entity.runs[0], head.metric),
      group: null,
      band: null,
      summary,
      sorted: false,
    };
  });
  let maxX = 0;
  for (const t of traces) for (const v of t.x) if (v > maxX) maxX = v;
  const frame = figureFrame(spec, maxX);
  const divisor = frame.x.divisor;
  for (const t of traces) {
    if (divisor !== 1) for (let i = 0; i < t.x.length; i++) t.x[i] = t.x[i] / divisor;
    t.sorted = ascending(t.x);
  }
  return { ...frame, packed: true, traces };
}

/**
 * A run's steps, x (base unit, NaN where unknown), raw values (±Infinity kept, NaN for null) and
 * smoothed values for `metric`, cropped as buildFigureData crops: points outside the step range or
 * without an x are left out.
 */
function runArrays(
  spec: FigureSpec,
  input: FigureInputLike,
  metric: string,
): Pick<PackedTrace, 'steps' | 'x' | 'raw' | 'smoothed'> {
  const series = seriesOf(input, metric);
  const n = series.steps.length;
  const steps = new Float64Array(n);
  const raw = new Float64Array(n);
  const x = new Float64Array(n);
  const tokens = spec.xAxis === 'tokens' ? valuesAtSteps(seriesOf(input, METRIC.tokens), series.steps) : null;
  for (let i = 0; i < n; i++) {
    steps[i] = series.steps[i];
    const v = series.values[i];
    raw[i] = v === null ? Number.NaN : v;
    if (spec.xAxis === 'step') x[i] = steps[i];
    else if (tokens) x[i] = tokens[i] ?? Number.NaN;
    else {
      const t = series.times[i];
      x[i] = t !== null && Number.isFinite(t) ? t : Number.NaN;
    }
  }
  const smoothed = smoothEmaFloats(series.values, spec.smoothing);
  const { from, to } = spec.steps;
  const kept = (i: number) =>
    (from === null || steps[i] >= from) && (to === null || steps[i] <= to) && !Number.isNaN(x[i]);
  let count = 0;
  for (let i = 0; i < n; i++) if (kept(i)) count++;
  if (count === n) return { steps, x, raw, smoothed };
  const keep = new Uint32Array(count);
  for (let i = 0, k = 0; i < n; i++) if (kept(i)) keep[k++] = i;
  const pick = (a: Float64Array) => {
    const out = new Float64Array(count);
    for (let k = 0; k < count; k++) out[k] = a[keep[k]];
    return out;
  };
  return { steps: pick(steps), x: pick(x), raw: pick(raw), smoothed: pick(smoothed) };
}

/** A trace's smoothing-dependent arrays, packed (see buildSmoothedCurves). */
export type PackedSmoothed = Pick<PackedTrace, 'smoothed' | 'band' | 'group'>;

export function packSmoothed(curves: readonly SmoothedCurve[]): PackedSmoothed[] {
  return curves.map((c) => ({
    smoothed: floats(c.smoothed),
    band: c.band && { lower: floats(c.band.lower), upper: floats(c.band.upper) },
    group: c.group && { n: floats(c.group.n), std: floats(c.group.std) },
  }));
}

/**
 * packSmoothed(buildSmoothedCurves(spec, inputs)), each run's curve smoothed straight into a
 * Float64Array (see buildPackedFigureData). `summaries` as given to the full build (only read here).
 */
export function buildPackedSmoothed(
  spec: FigureSpec,
  inputs: readonly FigureInputLike[],
  summaries?: SummaryCache,
): PackedSmoothed[] {
  const heads = figureTraceHeads(spec, inputs, summaries);
  if (heads.some((h) => h.entity.kind !== 'run')) return packSmoothed(buildSmoothedCurves(spec, inputs));
  return heads.map(({ head, entity }) => ({
    smoothed: runArrays(spec, entity.runs[0], head.metric).smoothed,
    band: null,
    group: null,
  }));
}

/** `figure` (built for another smoothing) with `smoothed` swapped in, as `spec` asks; other arrays shared. */
export function withSmoothed(
  figure: PackedFigure,
  spec: FigureData['spec'],
  smoothed: readonly PackedSmoothed[],
): PackedFigure {
  if (smoothed.length !== figure.traces.length) {
    throw new Error(`figure: ${smoothed.length} smoothed curves for ${figure.traces.length} traces`);
  }
  return { ...figure, spec, traces: figure.traces.map((t, i) => ({ ...t, ...smoothed[i] })) };
}

/** Every buffer of smoothed curves, to transfer them. */
export function smoothedBuffers(smoothed: readonly PackedSmoothed[]): ArrayBuffer[] {
  return smoothed.flatMap((t) =>
    [t.smoothed, t.band?.lower, t.band?.upper, t.group?.n, t.group?.std].flatMap((a) =>
      a ? [a.buffer as ArrayBuffer] : [],
    ),
  );
}

/** Every buffer of a packed figure, to transfer it to another thread instead of copying it. */
export function packedBuffers(figure: PackedFigure): ArrayBuffer[] {
  const buffers = new Set<ArrayBuffer>();
  for (const t of figure.traces) {
    for (const a of [t.steps, t.x, t.raw, t.smoothed, t.band?.lower, t.band?.upper, t.group?.n, t.group?.std]) {
      if (a) buffers.add(a.buffer as ArrayBuffer);
    }
  }
  return [...buffers];
}

/** Whether `data` is already packed (charts take either form). */
export function isPacked(data: FigureData | PackedFigure): data is PackedFigure {
  return 'packed' in data && data.packed === true;
}
