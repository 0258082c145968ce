/**
 * The colours of a chart on screen, in the app's light or dark theme. A screen chart takes its text,
 * axes, grid and shading from here (buildChartConfig's `theme`); a paper figure never does, so an
 * exported figure keeps its paper palette whatever the theme of the window it was made in.
 *
 * The series palettes are made for white paper: on a dark surface a few of their colours (Okabe &
 * Ito's black, Tol's dark purples) all but vanish. `lineColorOn` keeps every colour that already
 * stands out and lightens only those that do not, so series keep their identity across themes.
 */
import type { FigureStyle } from './palette';

export const THEMES = ['light', 'dark'] as const;
export type ThemeName = (typeof THEMES)[number];

/** WCAG's minimum contrast for graphical objects such as chart lines. */
export const LINE_CONTRAST = 3;

export interface ChartTheme {
  name: ThemeName;
  /** The colour the chart is drawn on (the card's surface). */
  surface: string;
  /**
   * The contrast series lines are brought to against the surface (lineColorOn); null keeps the
   * palettes as they are, which were made for white.
   */
  lineContrast: number | null;
  textColor: string;
  axisColor: string;
  gridColor: string;
  /** Opacity of the raw line behind a smoothed one, and of a seed group's band. */
  rawAlpha: number;
  bandAlpha: number;
}

/**
 * light: the screen style's own colours on white. dark: the same roles on the app's dark surface,
 * with stronger raw lines and bands, which read fainter on dark than on white at equal opacity.
 */
export const CHART_THEMES: Record<ThemeName, ChartTheme> = {
  light: {
    name: 'light',
    surface: '#FFFFFF',
    lineContrast: null,
    textColor: '#333333',
    axisColor: '#888888',
    gridColor: 'rgba(0, 0, 0, 0.08)',
    rawAlpha: 0.25,
    bandAlpha: 0.2,
  },
  dark: {
    name: 'dark',
    surface: '#171B21',
    lineContrast: LINE_CONTRAST,
    textColor: '#D5DAE1',
    axisColor: '#7D8794',
    gridColor: 'rgba(255, 255, 255, 0.1)',
    rawAlpha: 0.35,
    bandAlpha: 0.3,
  },
};

/** The style with the theme's colours and opacities (sizes stay the style's). */
export function themedStyle(style: FigureStyle, theme: ChartTheme | undefined): FigureStyle {
  if (!theme) return style;
  const { textColor, axisColor, gridColor, rawAlpha, bandAlpha } = theme;
  return { ...style, textColor, axisColor, gridColor, rawAlpha, bandAlpha };
}

/** A series colour as the theme draws it (see ChartTheme.lineContrast). */
export function themedLineColor(color: string, theme: ChartTheme | undefined): string {
  return theme?.lineContrast ? lineColorOn(color, theme.surface, theme.lineContrast) : color;
}

/**
 * `color` (#RRGGBB) as a line on `surface`: unchanged when it has `contrast` against it, else
 * mirrored in lightness (black becomes white, a dark purple a light one) and lightened or darkened
 * further until it does. The hue stays, so a series is recognisably the same colour in both themes.
 */
export function lineColorOn(color: string, surface: string, contrast = LINE_CONTRAST): string {
  if (contrastRatio(color, surface) >= contrast) return color;
  const [h, s, l] = rgbToHsl(parseHex(color));
  const darkSurface = relativeLuminance(parseHex(surface)) < 0.18;
  const step = darkSurface ? 0.02 : -0.02;
  let lightness = darkSurface ? Math.max(l, 1 - l) : Math.min(l, 1 - l);
  let candidate = toHex(hslToRgb([h, s, lightness]));
  while (contrastRatio(candidate, surface) < contrast && lightness > 0 && lightness < 1) {
    lightness = Math.min(1, Math.max(0, lightness + step));
    candidate = toHex(hslToRgb([h, s, lightness]));
  }
  return candidate;
}

type Rgb = [number, number, number];

function parseHex(hex: string): Rgb {
  const v = Number.parseInt(hex.slice(1), 16);
  return [(v >> 16) & 255, (v >> 8) & 255, v & 255];
}

function toHex(rgb: Rgb): string {
  return `#${rgb.map((c) => Math.round(c).toString(16).padStart(2, '0').toUpperCase()).join('')}`;
}

/** WCAG 2 relative luminance of an sRGB colour. */
export function relativeLuminance(rgb: Rgb): number {
  const [r, g, b] = rgb.map((c) => {
    const v = c / 255;
    return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/** WCAG 2 contrast ratio of two #RRGGBB colours, from 1 to 21. */
export function contrastRatio(a: string, b: string): number {
  const [hi, lo] = [relativeLuminance(parseHex(a)), relativeLuminance(parseHex(b))].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}

function rgbToHsl([r, g, b]: Rgb): Rgb {
  const [rn, gn, bn] = [r / 255, g / 255, b / 255];
  const max = Math.max(rn, gn, bn);
  const min = Math.min(rn, gn, bn);
  const l = (max + min) / 2;
  if (max === min) return [0, 0, l];
  const d = max - min;
  const s = l > 0.5 ? d / (2 - max - min) : d / (max + min);
  const h = max === rn ? (gn - bn) / d + (gn < bn ? 6 : 0) : max === gn ? (bn - rn) / d + 2 : (rn - gn) / d + 4;
  return [h / 6, s, l];
}

function hslToRgb([h, s, l]: Rgb): Rgb {
  if (s === 0) return [l * 255, l * 255, l * 255];
  const q = l < 0.5 ? l * (1 + s) : l + s - l * s;
  const p = 2 * l - q;
  const channel = (t: number) => {
    const u = t < 0 ? t + 1 : t > 1 ? t - 1 : t;
    if (u < 1 / 6) return p + (q - p) * 6 * u;
    if (u < 1 / 2) return q;
    if (u < 2 / 3) return p + (q - p) * (2 / 3 - u) * 6;
    return p;
  };
  return [channel(h + 1 / 3) * 255, channel(h) * 255, channel(h - 1 / 3) * 255];
}
