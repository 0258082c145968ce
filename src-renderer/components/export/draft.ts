/**
 * The Export dialog's form state: the editable parts of a figure spec in the shape form controls
 * bind to (text for titles, a size preset plus custom inches), turned back into a spec and
 * validated by the contract's schema, so the dialog shows the same errors the API would give.
 */
import {
  figureSpecSchema,
  validateWith,
  type BandKind,
  type FigureFormat,
  type FigureSpec,
  type FigureSpecInput,
  type FigureStyleName,
  type LegendPosition,
  type PaletteName,
  type Validated,
} from '../../../src-main/contract';

export type SizePreset = 'single' | 'double' | 'custom';

export interface FigureDraft {
  size: SizePreset;
  /** Custom width in inches. */
  width: number | null;
  /** Height in inches; null derives it from the aspect ratio and the panels. */
  height: number | null;
  aspect: number | null;
  style: FigureStyleName;
  /** Points; null takes the style's. */
  fontSize: number | null;
  lineWidth: number | null;
  title: string;
  xLabel: string;
  /** y axis titles by metric; empty keeps the metric's label. */
  yLabels: Record<string, string>;
  /** Legend names by series id (`run:3`, `group:<key>`); empty keeps the automatic name. */
  labels: Record<string, string>;
  legend: LegendPosition;
  palette: PaletteName;
  logY: boolean;
  smoothing: number;
  showRaw: boolean;
  band: BandKind;
  background: 'white' | 'transparent';
  format: FigureFormat;
  dpi: number | null;
  textAsPaths: boolean;
}

/** The form state of `spec` (a screen chart's spec opens in the paper style, at its defaults). */
export function draftOf(spec: FigureSpec, format: FigureFormat = 'pdf'): FigureDraft {
  const { width, height, aspect } = spec.size;
  return {
    size: typeof width === 'number' ? 'custom' : width,
    width: typeof width === 'number' ? width : null,
    height,
    aspect,
    style: spec.style,
    fontSize: spec.fontSize,
    lineWidth: spec.lineWidth,
    title: spec.title ?? '',
    xLabel: spec.xLabel ?? '',
    yLabels: Object.fromEntries(spec.metrics.map((m) => [m, spec.yLabels[m] ?? ''])),
    labels: { ...spec.labels },
    legend: spec.legend,
    palette: spec.palette,
    logY: spec.logY,
    smoothing: spec.smoothing,
    showRaw: spec.showRaw,
    band: spec.band,
    background: spec.background,
    format,
    dpi: spec.dpi,
    textAsPaths: spec.textAsPaths,
  };
}

const textOrNull = (text: string) => (text.trim() === '' ? null : text.trim());

/** The entries with text, trimmed. */
const filled = (texts: Record<string, string>) =>
  Object.fromEntries(
    Object.entries(texts)
      .filter(([, text]) => text.trim() !== '')
      .map(([key, text]) => [key, text.trim()]),
  );

/**
 * `base` with the draft's settings, validated. Empty number fields are passed on as they are so the
 * schema names the field ("size.width: expected number") instead of a silent default.
 */
export function specFromDraft(base: FigureSpec, draft: FigureDraft): Validated<FigureSpec> {
  const yLabels = filled(Object.fromEntries(Object.entries(draft.yLabels).filter(([m]) => base.metrics.includes(m))));
  const input: FigureSpecInput = {
    ...base,
    size: {
      width: draft.size === 'custom' ? (draft.width as number) : draft.size,
      height: draft.height,
      aspect: draft.aspect as number,
    },
    style: draft.style,
    fontSize: draft.fontSize,
    lineWidth: draft.lineWidth,
    title: textOrNull(draft.title),
    xLabel: textOrNull(draft.xLabel),
    yLabels,
    labels: filled(draft.labels),
    legend: draft.legend,
    palette: draft.palette,
    logY: draft.logY,
    smoothing: draft.smoothing,
    showRaw: draft.showRaw,
    band: draft.band,
    background: draft.background,
    dpi: draft.dpi as number,
    textAsPaths: draft.textAsPaths,
  };
  return validateWith(figureSpecSchema, input);
}

/** A live chart's spec as a paper figure: paper style at its own font size and line width. */
export function paperSpecOf(spec: FigureSpec): FigureSpec {
  return spec.style === 'paper' ? spec : { ...spec, style: 'paper', fontSize: null, lineWidth: null };
}
