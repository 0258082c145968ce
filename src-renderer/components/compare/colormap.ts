/**
 * Sequential colour maps for heatmaps: viridis and cividis, both perceptually uniform and readable
 * with colour-vision deficiencies (research/anchors.md). Each is given by evenly spaced anchor
 * colours sampled from the matplotlib maps and interpolated linearly in sRGB between them, which is
 * indistinguishable from the 256-entry tables at heatmap cell sizes.
 */
export const COLORMAPS = {
  viridis: ['#440154', '#472d7b', '#3b528b', '#2c728e', '#21918c', '#28ae80', '#5ec962', '#addc30', '#fde725'],
  cividis: ['#00224e', '#35456c', '#666970', '#948e77', '#c8b866', '#fee838'],
} as const satisfies Record<string, readonly string[]>;

export type ColormapName = keyof typeof COLORMAPS;
export const COLORMAP_NAMES = Object.keys(COLORMAPS) as ColormapName[];

type Rgb = [number, number, number];

function rgbOf(hex: string): Rgb {
  const v = Number.parseInt(hex.slice(1), 16);
  return [(v >> 16) & 255, (v >> 8) & 255, v & 255];
}

/** The map's colour at `t` in [0, 1] (clamped), as sRGB channels. */
export function colormapRgb(name: ColormapName, t: number): Rgb {
  const anchors = COLORMAPS[name];
  const x = Math.min(1, Math.max(0, Number.isFinite(t) ? t : 0)) * (anchors.length - 1);
  const i = Math.min(anchors.length - 2, Math.floor(x));
  const [a, b] = [rgbOf(anchors[i]), rgbOf(anchors[i + 1])];
  const f = x - i;
  return a.map((c, k) => Math.round(c + (b[k] - c) * f)) as Rgb;
}

/** WCAG relative luminance of an sRGB colour. */
function luminance([r, g, b]: Rgb): number {
  const lin = (c: number) => {
    const s = c / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
}

/** Black or white, whichever contrasts more with the background colour. */
export function textColorOn(background: Rgb): '#000000' | '#ffffff' {
  const l = luminance(background);
  // Contrast with black is (l + 0.05) / 0.05, with white 1.05 / (l + 0.05); they are equal at l ≈ 0.179.
  return (l + 0.05) / 0.05 >= 1.05 / (l + 0.05) ? '#000000' : '#ffffff';
}
