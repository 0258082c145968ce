/**
 * The figure API handlers: saved figures in the store, and rendering or exporting a spec with the
 * runs' current data. Runs and series are read through the lab's own run calls, so a figure shows
 * exactly what every client sees.
 */
import type { z } from 'zod';
import type { ApiHandlers } from '../../contract/api';
import { ApiError } from '../../contract/api/errors';
import type { figuresApi } from '../../contract/api/figures';
import { buildFigureData, type FigureData, type FigureRunInput } from '../../contract/chart/data';
import { X_AXES } from '../../contract/chart/xaxis';
import { figureSpecSchema, pngSizeProblem, type FigureSpec, type SavedFigure } from '../../contract/figure';
import type { RunRecord } from '../../contract/runs';
import { validateWith } from '../../contract/validate';
import type { FigureRow, Store } from '../../store';
import { exportFigureData } from './data';

/** The run calls figures read through. */
export type FigureRunReader = Pick<ApiHandlers, 'runs.get' | 'runs.list' | 'runs.series'>;
/** The store queries saved figures need. */
export type FigureStore = Pick<Store, 'createFigure' | 'getFigure' | 'listFigures' | 'updateFigure' | 'deleteFigure'>;

type FiguresApi = typeof figuresApi;
type Args<K extends keyof FiguresApi> = z.output<FiguresApi[K]['args']>;

/** One handler per figure call, typed from the call map in contract/api/figures.ts. */
export type FigureHandlers = {
  [K in keyof FiguresApi]: (args: Args<K>) => Promise<FiguresApi[K]['result']>;
};

/** Runs the spec names (by id and by group key) with the series it draws, read now. */
export async function loadFigureInputs(reader: FigureRunReader, spec: FigureSpec): Promise<FigureRunInput[]> {
  const runs = new Map<number, RunRecord>();
  for (const id of spec.runs) runs.set(id, await reader['runs.get']({ id }));
  if (spec.groups.length > 0) {
    const wanted = new Set(spec.groups);
    for (const run of await reader['runs.list']({})) if (wanted.has(run.groupKey)) runs.set(run.id, run);
  }
  const keys = [...new Set([...spec.metrics, ...X_AXES[spec.xAxis].requires])];
  const inputs: FigureRunInput[] = [];
  for (const run of runs.values()) inputs.push({ run, series: await reader['runs.series']({ id: run.id, keys }) });
  return inputs;
}

/** The figure's curves from the runs' current data; missing data is a bad request naming what is missing. */
export async function loadFigureData(reader: FigureRunReader, spec: FigureSpec): Promise<FigureData> {
  const inputs = await loadFigureInputs(reader, spec);
  try {
    return buildFigureData(spec, inputs);
  } catch (err) {
    throw new ApiError('bad_request', err instanceof Error ? err.message : String(err));
  }
}

function savedFigure(row: FigureRow): SavedFigure {
  const parsed = validateWith(figureSpecSchema, JSON.parse(row.spec));
  if (!parsed.ok) {
    const detail = parsed.errors.map((e) => `${e.path}: ${e.message}`).join('; ');
    throw new ApiError('internal', `saved figure ${row.id} holds an invalid spec (${detail})`);
  }
  return { id: row.id, name: row.name, spec: parsed.value, createdAt: row.createdAt, updatedAt: row.updatedAt };
}

export function figureHandlers(reader: FigureRunReader, store: FigureStore): FigureHandlers {
  const get = (id: number) => {
    const row = store.getFigure(id);
    if (!row) throw new ApiError('not_found', `no saved figure with id ${id}`);
    return savedFigure(row);
  };
  return {
    'figures.list': async () => store.listFigures().map(savedFigure),
    'figures.get': async ({ id }) => get(id),
    'figures.save': async ({ id, name, spec }) => {
      if (id === undefined) return get(store.createFigure(name, spec));
      if (!store.updateFigure(id, { name, spec })) throw new ApiError('not_found', `no saved figure with id ${id}`);
      return get(id);
    },
    'figures.delete': async ({ ids }) => ({ deleted: ids.filter((id) => store.deleteFigure(id)) }),
    'figures.render': async ({ spec, format }) => {
      const tooLarge = format === 'png' ? pngSizeProblem(spec) : null;
      if (tooLarge) throw new ApiError('bad_request', `dpi: ${tooLarge}`, [{ path: 'spec.dpi', message: tooLarge }]);
      // Loaded on first use: the canvas binding and Chart.js stay out of every other call's start-up.
      const { renderFigure } = await import('./render');
      const figure = renderFigure(spec, await loadFigureData(reader, spec), format);
      const { bytes, mime, filename, widthIn, heightIn, pixels } = figure;
      return { base64: bytes.toString('base64'), mime, filename, widthIn, heightIn, pixels };
    },
    'figures.data': async ({ spec, format }) => exportFigureData(await loadFigureData(reader, spec), format),
  };
}
