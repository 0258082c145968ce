/**
 * The figure spec: everything that decides a figure, as one validated JSON object. The UI's charts,
 * the Node renderer (PDF, SVG, PNG), the data export and saved figures all start from it, and all
 * draw it through the one Chart.js configuration in `contract/chart`. A spec names runs and seed
 * groups, never data: a saved figure re-rendered later shows the runs' current data.
 */
import { z } from 'zod';
import { MAX_SMOOTHING } from './chart/smoothing';
import { FIGURE_STYLES, PALETTE_NAMES } from './chart/palette';
import { X_AXIS_KINDS } from './chart/xaxis';

/** Widths in inches: one column of a two-column paper (ICML, IEEE), and that paper's full text width. */
export const FIGURE_WIDTHS = { single: 3.25, double: 6.75 } as const;
export const BAND_KINDS = ['std', 'sem', 'minmax', 'none'] as const;
export const LEGEND_POSITIONS = ['top', 'bottom', 'right', 'inside', 'none'] as const;
/** `panels`: one panel per metric, stacked over a shared x axis. `overlay`: all metrics on one axis. */
export const FIGURE_LAYOUTS = ['panels', 'overlay'] as const;
export const FIGURE_FORMATS = ['svg', 'pdf', 'png'] as const;
export const DATA_FORMATS = ['csv', 'json'] as const;
/** Points per inch: the unit figures are laid out in (font sizes are in points). */
export const POINTS_PER_INCH = 72;
/** Extra height of every panel after the first, as a share of the first panel's height. */
export const EXTRA_PANEL_HEIGHT = 0.6;

export type BandKind = (typeof BAND_KINDS)[number];
export type LegendPosition = (typeof LEGEND_POSITIONS)[number];
export type FigureLayout = (typeof FIGURE_LAYOUTS)[number];
export type FigureFormat = (typeof FIGURE_FORMATS)[number];
export type DataFormat = (typeof DATA_FORMATS)[number];

const metricKey = z.string().trim().min(1).max(200);
const label = z.string().max(300);
const inches = z.number().min(0.5).max(40);

export const figureSizeSchema = z
  .object({
    /** `single` (3.25 in), `double` (6.75 in) or a width in inches. @default "single" */
    width: z.union([z.enum(['single', 'double']), inches]).default('single'),
    /** Height in inches; null derives it from `aspect` and the number of panels. @default null */
    height: inches.nullable().default(null),
    /** Width / height of a one-panel figure when `height` is null. @default 1.5 */
    aspect: z.number().min(0.25).max(4).default(1.5),
  })
  .strict();

const figureSpecObject = z
  .object({
    version: z.literal(1).default(1),
    /** Runs drawn one line each (or grouped by seed group with `groupSeeds`). @default [] */
    runs: z.array(z.number().int().positive()).max(500).default([]),
    /** Seed groups (group keys) drawn as mean with a band over every run currently in the group. @default [] */
    groups: z
      .array(z.string().regex(/^[0-9a-f]{16}$/, 'expected a 16-digit hex group key'))
      .max(100)
      .default([]),
    /** Aggregate the listed runs by group key instead of drawing them one by one. @default false */
    groupSeeds: z.boolean().default(false),
    metrics: z.array(metricKey).min(1, 'expected at least one metric key').max(8),
    /** @default "panels" */
    layout: z.enum(FIGURE_LAYOUTS).default('panels'),
    /** @default "step" */
    xAxis: z.enum(X_AXIS_KINDS).default('step'),
    /** Debiased EMA weight, applied per run before aggregation and decimation; 0 is off. @default 0.6 */
    smoothing: z.number().min(0).max(MAX_SMOOTHING).default(0.6),
    /** Draw the unsmoothed line faintly behind the smoothed one. @default true */
    showRaw: z.boolean().default(true),
    /** Band around a group's mean: ± std, ± standard error, min to max, or none. @default "std" */
    band: z.enum(BAND_KINDS).default('std'),
    /** Inclusive step range; null is open. @default { from: null, to: null } */
    steps: z
      .object({
        from: z.number().int().min(0).nullable().default(null),
        to: z.number().int().min(0).nullable().default(null),
      })
      .strict()
      .prefault({}),
    size: figureSizeSchema.prefault({}),
    /** @default "paper" */
    style: z.enum(FIGURE_STYLES).default('paper'),
    /** Text size in points; null takes the style's (8 pt paper, 12 px screen). @default null */
    fontSize: z.number().min(4).max(48).nullable().default(null),
    /** Line width in points; null takes the style's. @default null */
    lineWidth: z.number().min(0.1).max(10).nullable().default(null),
    /** @default null */
    title: label.nullable().default(null),
    /** x axis title; null names the axis kind. @default null */
    xLabel: label.nullable().default(null),
    /** y axis titles by metric key; a missing key uses the metric's label. @default {} */
    yLabels: z.record(metricKey, label).default({}),
    /** @default "top" */
    legend: z.enum(LEGEND_POSITIONS).default('top'),
    /** Legend names by series id (`run:3`, `group:<key>`), replacing the config-diff names. @default {} */
    labels: z
      .record(z.string().regex(/^(run:\d+|group:[0-9a-f]{16})$/, 'expected run:<id> or group:<key>'), label)
      .default({}),
    /** @default "okabe-ito" */
    palette: z.enum(PALETTE_NAMES).default('okabe-ito'),
    /** @default false */
    logY: z.boolean().default(false),
    /** x axis range in the axis's own units (as its ticks read); null is automatic. @default null */
    xMin: z.number().nullable().default(null),
    /** @default null */
    xMax: z.number().nullable().default(null),
    /** @default null */
    yMin: z.number().nullable().default(null),
    /** @default null */
    yMax: z.number().nullable().default(null),
    /** @default "white" */
    background: z.enum(['white', 'transparent']).default('white'),
    /** Resolution of PNG exports (pixel size = inches x dpi). @default 300 */
    dpi: z.number().int().min(50).max(1200).default(300),
    /** SVG exports draw text as outlines (no fonts needed, text not selectable). @default false */
    textAsPaths: z.boolean().default(false),
  })
  .strict();

export const figureSpecSchema = figureSpecObject.superRefine(checkSpec);

export type FigureSpec = z.output<typeof figureSpecSchema>;
export type FigureSpecInput = z.input<typeof figureSpecSchema>;

function checkSpec(spec: z.output<typeof figureSpecObject>, ctx: z.RefinementCtx): void {
  if (spec.runs.length === 0 && spec.groups.length === 0) {
    ctx.addIssue({ code: 'custom', path: ['runs'], message: 'expected at least one run id, or a group key in groups' });
  }
  const { from, to } = spec.steps;
  if (from !== null && to !== null && from > to) {
    ctx.addIssue({ code: 'custom', path: ['steps', 'to'], message: `expected a step >= steps.from (${from})` });
  }
  if (spec.xMin !== null && spec.xMax !== null && spec.xMin >= spec.xMax) {
    ctx.addIssue({ code: 'custom', path: ['xMax'], message: `expected a value > xMin (${spec.xMin})` });
  }
  if (spec.yMin !== null && spec.yMax !== null && spec.yMin >= spec.yMax) {
    ctx.addIssue({ code: 'custom', path: ['yMax'], message: `expected a value > yMin (${spec.yMin})` });
  }
  if (spec.logY && spec.yMin !== null && spec.yMin <= 0) {
    ctx.addIssue({ code: 'custom', path: ['yMin'], message: 'expected a value > 0 on a log axis' });
  }
  if (new Set(spec.metrics).size !== spec.metrics.length) {
    ctx.addIssue({ code: 'custom', path: ['metrics'], message: 'expected each metric key once' });
  }
}

/** A figure saved by name; its spec is re-rendered with the runs' data at the time of rendering. */
export interface SavedFigure {
  id: number;
  name: string;
  spec: FigureSpec;
  /** ISO 8601 times. */
  createdAt: string;
  updatedAt: string;
}

/** Id of a series in a figure, as used by `labels`: one run, or one seed group. */
export function seriesId(kind: 'run' | 'group', key: number | string): string {
  return `${kind}:${key}`;
}

/** Number of panels the spec draws. */
export function panelCount(spec: Pick<FigureSpec, 'layout' | 'metrics'>): number {
  return spec.layout === 'panels' ? spec.metrics.length : 1;
}

/** The figure's size in inches (height derived from the aspect and the panels when not given). */
export function figureSizeInches(spec: Pick<FigureSpec, 'size' | 'layout' | 'metrics'>): {
  width: number;
  height: number;
} {
  const { width: w, height, aspect } = spec.size;
  const width = typeof w === 'number' ? w : FIGURE_WIDTHS[w];
  if (height !== null) return { width, height };
  return { width, height: (width / aspect) * (1 + EXTRA_PANEL_HEIGHT * (panelCount(spec) - 1)) };
}

/**
 * The most pixels a PNG export may have: 100 megapixels (400 MB of RGBA while drawing), enough for a
 * three-panel double-column figure at 1200 dpi. Without a cap, 40 x 40 in at 1200 dpi asks for ~9 GB.
 */
export const MAX_PNG_PIXELS = 100_000_000;

/** The PNG's pixel size for this spec (inches x dpi, rounded as the renderer rounds). */
export function pngPixels(spec: Pick<FigureSpec, 'size' | 'layout' | 'metrics' | 'dpi'>): {
  width: number;
  height: number;
} {
  const { width, height } = figureSizeInches(spec);
  return { width: Math.round(width * spec.dpi), height: Math.round(height * spec.dpi) };
}

/** Why a PNG of this spec is too large to draw (naming the dpi that would fit), or null. */
export function pngSizeProblem(spec: Pick<FigureSpec, 'size' | 'layout' | 'metrics' | 'dpi'>): string | null {
  const { width, height } = pngPixels(spec);
  if (width * height <= MAX_PNG_PIXELS) return null;
  const inches = figureSizeInches(spec);
  const fits = Math.floor(Math.sqrt(MAX_PNG_PIXELS / (inches.width * inches.height)));
  const megapixels = Math.round((width * height) / 1e6);
  return (
    `a ${width} x ${height} px PNG (${megapixels} megapixels) is over the ${MAX_PNG_PIXELS / 1e6}-megapixel limit; ` +
    `at ${inches.width.toFixed(2)} x ${inches.height.toFixed(2)} in, use at most ${fits} dpi, or a smaller size (PDF and SVG have no limit)`
  );
}

/** The figure's size in points (1/72 in), the drawing unit of paper figures. */
export function figureSizePoints(spec: Pick<FigureSpec, 'size' | 'layout' | 'metrics'>): {
  width: number;
  height: number;
} {
  const { width, height } = figureSizeInches(spec);
  return { width: width * POINTS_PER_INCH, height: height * POINTS_PER_INCH };
}

/** Base file name for a figure: the title or the metrics, safe on every file system. */
export function figureFileStem(spec: Pick<FigureSpec, 'title' | 'metrics'>): string {
  const base = (spec.title ?? spec.metrics.join('-')).toLowerCase();
  return (
    base
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 80) || 'figure'
  );
}
