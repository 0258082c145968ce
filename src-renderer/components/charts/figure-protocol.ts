/**
 * What the page and the figure worker (figure-worker.ts) say to each other. The page sends a set of
 * runs' series once (as Float64Arrays, their buffers moved to the worker) and then asks for figures
 * of it by spec; the worker answers with the packed figure, its buffers moved back.
 */
import {
  buildPackedFigureData,
  packedBuffers,
  type FigureInputLike,
  type FigureRunInput,
  type FigureSpec,
  type PackedFigure,
  type PackedSmoothed,
  type Series,
  type SummaryCache,
} from '../../../src-main/contract';

/** A series as Float64Arrays, NaN where the value is missing (null). */
export interface PackedSeries {
  key: string;
  steps: Float64Array;
  values: Float64Array;
  times: Float64Array;
}

export interface PackedInput {
  run: FigureRunInput['run'];
  series: PackedSeries[];
}

export type ToWorker =
  | { kind: 'inputs'; key: number; inputs: PackedInput[] }
  | { kind: 'drop'; key: number }
  | { kind: 'build'; id: number; key: number; spec: FigureSpec };

/**
 * `built`: a whole figure. `smoothed`: only the smoothing-dependent arrays, when the build before it
 * of the same series set had the same spec but for smoothing; the page swaps them into that figure.
 */
export type FromWorker =
  | { kind: 'built'; id: number; figure: PackedFigure }
  | { kind: 'smoothed'; id: number; smoothed: PackedSmoothed[] }
  | { kind: 'failed'; id: number; message: string };

/** Whether two specs differ in nothing but smoothing (zod gives both the same key order). */
export function sameButSmoothing(a: FigureSpec, b: FigureSpec): boolean {
  return JSON.stringify({ ...a, smoothing: 0 }) === JSON.stringify({ ...b, smoothing: 0 });
}

function floats(values: readonly (number | null)[]): Float64Array {
  const out = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = values[i] ?? Number.NaN;
  return out;
}

/** `series` as Float64Arrays (±Infinity kept; null becomes NaN, which every figure reads as missing). */
export function packSeries(series: Series): PackedSeries {
  return {
    key: series.key,
    // The array-like constructor, not Float64Array.from (which walks an iterator).
    steps: new Float64Array(series.steps),
    values: floats(series.values),
    times: floats(series.times),
  };
}

/** Smoothing, seed statistics and packing of one figure: what the worker does, or the page without one. */
export function buildPackedFigure(
  spec: FigureSpec,
  inputs: readonly FigureInputLike[],
  summaries?: SummaryCache,
): { figure: PackedFigure; transfer: ArrayBuffer[] } {
  const figure = buildPackedFigureData(spec, inputs, summaries);
  return { figure, transfer: packedBuffers(figure) };
}
