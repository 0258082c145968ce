/**
 * The colours screen charts use beyond their series (which come from the figure palettes and the
 * screen style in contract/chart/palette.ts): the zoom box, the hover crosshair and its markers.
 * One place, so a theme (dark mode) can swap them.
 */
export const CHART_THEME = {
  zoomBoxFill: 'rgba(0, 114, 178, 0.12)',
  zoomBoxBorder: 'rgba(0, 114, 178, 0.6)',
  // The crosshair and markers are page elements, so they follow the light or dark theme through CSS.
  crosshair: 'var(--chart-crosshair)',
  markerRing: 'var(--surface)',
} as const;
