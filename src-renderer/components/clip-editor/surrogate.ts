/**
 * The clipped PPO/GRPO surrogate of one token and the regions where clipping deletes its gradient
 * (research/paper.md): J = min(r A, clip(r, 1 - eps_low, 1 + eps_high) A), floored at c A for A < 0
 * by dual clip (arXiv 1912.09729). Pure functions: the editor's plot and readouts draw from them.
 */

export interface ClipParams {
  /** eps_low in [0, 1]; 1 puts the lower bound at r = 0, so clip-low never acts. */
  clipLow: number;
  /** eps_high > 0; null is no upper clip. */
  clipHigh: number | null;
  /** Dual clip c > 1 for A < 0; null is off. */
  dualClip: number | null;
}

/** Lower and upper ratio bounds; the upper is Infinity without an upper clip. */
export function ratioBounds(p: Pick<ClipParams, 'clipLow' | 'clipHigh'>): { lower: number; upper: number } {
  return { lower: 1 - p.clipLow, upper: p.clipHigh === null ? Infinity : 1 + p.clipHigh };
}

/** J(r, A) = min(r A, clip(r) A), and max(J, c A) for A < 0 under dual clip. */
export function clippedSurrogate(r: number, advantage: number, p: ClipParams): number {
  const { lower, upper } = ratioBounds(p);
  const clipped = Math.min(Math.max(r, lower), upper);
  const j = Math.min(r * advantage, clipped * advantage);
  if (advantage < 0 && p.dualClip !== null) return Math.max(j, p.dualClip * advantage);
  return j;
}

export type ClipEvent = 'clip-low' | 'clip-high' | 'dual' | null;

/**
 * Which clip event deletes the token's gradient at (r, A), if any. Clip-low: A < 0, r < 1 - eps_low;
 * clip-high: A > 0, r > 1 + eps_high; dual: A < 0, r > c (the floor c A binds).
 */
export function clipEventAt(r: number, advantage: number, p: ClipParams): ClipEvent {
  const { lower, upper } = ratioBounds(p);
  if (advantage > 0 && r > upper) return 'clip-high';
  if (advantage < 0 && r < lower) return 'clip-low';
  if (advantage < 0 && p.dualClip !== null && r > p.dualClip) return 'dual';
  return null;
}

export interface ClipRegion {
  event: Exclude<ClipEvent, null>;
  /** The advantage sign whose plot the region belongs to. */
  sign: 1 | -1;
  /** Ratio interval, cropped to [0, rMax]. */
  from: number;
  to: number;
}

/** The shaded intervals inside [0, rMax]; a region outside the range, or switched off, is absent. */
export function clipRegions(p: ClipParams, rMax: number): ClipRegion[] {
  const { lower, upper } = ratioBounds(p);
  const regions: ClipRegion[] = [];
  if (lower > 0) regions.push({ event: 'clip-low', sign: -1, from: 0, to: Math.min(lower, rMax) });
  if (upper < rMax) regions.push({ event: 'clip-high', sign: 1, from: upper, to: rMax });
  if (p.dualClip !== null && p.dualClip < rMax) regions.push({ event: 'dual', sign: -1, from: p.dualClip, to: rMax });
  return regions;
}

/** The plotted ratio range: [0, 2], widened so a dual-clip floor at c stays visible. */
export function plotRatioMax(p: ClipParams): number {
  return p.dualClip === null ? 2 : Math.max(2, Math.ceil((p.dualClip + 0.5) * 2) / 2);
}

/**
 * The surrogate as a polyline over [0, rMax]. J is piecewise linear with kinks only at the bounds
 * and at c, so evaluating at those points draws it exactly.
 */
export function surrogatePolyline(advantage: number, p: ClipParams, rMax: number): [number, number][] {
  const { lower, upper } = ratioBounds(p);
  const kinks = [0, lower, upper, p.dualClip ?? NaN, rMax].filter((r) => r >= 0 && r <= rMax);
  const rs = [...new Set(kinks)].sort((a, b) => a - b);
  return rs.map((r) => [r, clippedSurrogate(r, advantage, p)]);
}

/** The eps_low whose bound is as far from 1 in log space as 1 + eps_high: eps_high / (1 + eps_high). */
export function logBalancedClipLow(clipHigh: number | null): number {
  return clipHigh === null ? 1 : clipHigh / (1 + clipHigh);
}
