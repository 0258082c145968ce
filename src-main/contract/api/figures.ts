/** API calls over figures: saved figure specs, rendering to PDF/SVG/PNG, and the plotted data. */
import { z } from 'zod';
import { DATA_FORMATS, FIGURE_FORMATS, figureSpecSchema, type SavedFigure } from '../figure';
import { defineCall } from './define';

export const figureId = z.number().int().positive();

/** A rendered figure file. Bytes travel as base64 so the result stays plain JSON over IPC and HTTP. */
export interface RenderedFigureFile {
  base64: string;
  mime: string;
  /** Suggested file name, e.g. `entropy.pdf`. */
  filename: string;
  /** Physical size in inches. */
  widthIn: number;
  heightIn: number;
  /** Pixel size of a PNG; null for vector formats. */
  pixels: { width: number; height: number } | null;
}

/** The plotted series as text (CSV or JSON). */
export interface FigureDataFile {
  text: string;
  mime: string;
  filename: string;
}

export const figuresApi = {
  /** Saved figures, most recently updated first. */
  'figures.list': defineCall<SavedFigure[]>()(z.object({}).strict().prefault({})),
  'figures.get': defineCall<SavedFigure>()(z.object({ id: figureId }).strict()),
  /** Creates a figure, or replaces the name and spec of figure `id`. */
  'figures.save': defineCall<SavedFigure>()(
    z.object({ id: figureId.optional(), name: z.string().trim().min(1).max(200), spec: figureSpecSchema }).strict(),
  ),
  'figures.delete': defineCall<{ deleted: number[] }>()(
    z.object({ ids: z.array(figureId).min(1).max(10_000) }).strict(),
  ),
  /** Renders a spec with the runs' current data. */
  'figures.render': defineCall<RenderedFigureFile>()(
    z.object({ spec: figureSpecSchema, format: z.enum(FIGURE_FORMATS) }).strict(),
  ),
  /** The series a spec plots (raw, smoothed, group statistics), as CSV or JSON. */
  'figures.data': defineCall<FigureDataFile>()(
    z.object({ spec: figureSpecSchema, format: z.enum(DATA_FORMATS) }).strict(),
  ),
};
