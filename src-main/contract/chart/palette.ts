/**
 * Colours and looks of figures. Every palette is colour-blind safe; series beyond a palette's length
 * reuse its colours with a dash pattern, so no two series look alike.
 */

/**
 * Okabe & Ito (2008), the standard colour-blind-safe qualitative set, ordered for lines on white:
 * black first as in the original, yellow (#F0E442) last because a thin yellow line is hard to see.
 */
const OKABE_ITO = ['#000000', '#E69F00', '#56B4E9', '#009E73', '#0072B2', '#D55E00', '#CC79A7', '#F0E442'];

/** Paul Tol's qualitative schemes (personal.sron.nl/~pault), also colour-blind safe. */
const TOL_BRIGHT = ['#4477AA', '#EE6677', '#228833', '#CCBB44', '#66CCEE', '#AA3377', '#BBBBBB'];
const TOL_VIBRANT = ['#0077BB', '#EE7733', '#009988', '#CC3311', '#33BBEE', '#EE3377', '#BBBBBB'];
const TOL_MUTED = ['#332288', '#88CCEE', '#44AA99', '#117733', '#999933', '#DDCC77', '#CC6677', '#882255', '#AA4499'];

export const PALETTES = {
  'okabe-ito': OKABE_ITO,
  'tol-bright': TOL_BRIGHT,
  'tol-vibrant': TOL_VIBRANT,
  'tol-muted': TOL_MUTED,
} as const satisfies Record<string, readonly string[]>;

export type PaletteName = keyof typeof PALETTES;
export const PALETTE_NAMES = Object.keys(PALETTES) as [PaletteName, ...PaletteName[]];

/** Dash patterns in units of the line width: solid, dashed, dotted, dash-dot. */
const DASHES: readonly (readonly number[])[] = [[], [4, 2], [1, 1.5], [5, 1.5, 1, 1.5]];

export interface LineLook {
  color: string;
  /** Canvas line dash in drawing units (already scaled by the line width). */
  dash: number[];
}

/**
 * Colour and dash of series `index` drawn with metric `dashIndex`. Past the palette's length the
 * colours repeat with the next dash pattern.
 */
export function lineLook(palette: PaletteName, index: number, dashIndex: number, lineWidth: number): LineLook {
  const colors = PALETTES[palette];
  const dash = DASHES[(dashIndex + Math.floor(index / colors.length)) % DASHES.length];
  return { color: colors[index % colors.length], dash: dash.map((d) => d * Math.max(lineWidth, 0.75)) };
}

/** `#RRGGBB` with an alpha, as `rgba(...)`. */
export function withAlpha(hex: string, alpha: number): string {
  const v = Number.parseInt(hex.slice(1), 16);
  return `rgba(${(v >> 16) & 255}, ${(v >> 8) & 255}, ${v & 255}, ${alpha})`;
}

export const FIGURE_STYLES = ['paper', 'screen'] as const;
export type FigureStyleName = (typeof FIGURE_STYLES)[number];

/** Everything a style decides. Sizes are in drawing units: points for paper, CSS pixels for screen. */
export interface FigureStyle {
  fontSize: number;
  lineWidth: number;
  /** The raw (unsmoothed) line behind a smoothed one. */
  rawAlpha: number;
  rawWidthScale: number;
  bandAlpha: number;
  textColor: string;
  axisColor: string;
  axisWidth: number;
  gridColor: string;
  gridWidth: number;
  tickLength: number;
  padding: number;
}

/**
 * paper: 8 pt text and 1 pt lines as journals ask for a column-wide figure, black text and axes, a
 * light grid. screen: larger text and lines for a monitor, softer greys.
 */
export const STYLES: Record<FigureStyleName, FigureStyle> = {
  paper: {
    fontSize: 8,
    lineWidth: 1,
    rawAlpha: 0.25,
    rawWidthScale: 0.6,
    bandAlpha: 0.2,
    textColor: '#000000',
    axisColor: '#000000',
    axisWidth: 0.6,
    gridColor: '#E6E6E6',
    gridWidth: 0.5,
    tickLength: 3,
    padding: 3,
  },
  screen: {
    fontSize: 12,
    lineWidth: 1.5,
    rawAlpha: 0.25,
    // 1 px raw lines: canvases without a GPU stroke lines up to one pixel wide as hairlines, about
    // 50x faster than 1.05 px (measured in Chromium), and raw lines hold most of the points.
    rawWidthScale: 2 / 3,
    bandAlpha: 0.2,
    textColor: '#333333',
    axisColor: '#888888',
    axisWidth: 1,
    gridColor: 'rgba(0, 0, 0, 0.08)',
    gridWidth: 1,
    tickLength: 5,
    padding: 6,
  },
};
