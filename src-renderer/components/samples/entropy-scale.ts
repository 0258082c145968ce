/**
 * Colour of a token by the policy's entropy at it: pale where the policy was sure, deep where it was
 * spread out. A sequential scale (light yellow -> orange -> red -> purple) reads in greyscale too.
 */
const STOPS: readonly [number, number, number][] = [
  [255, 247, 214],
  [254, 196, 110],
  [240, 112, 64],
  [190, 40, 70],
  [110, 16, 110],
];

/** Past this share of the scale, text on the token turns white to keep its contrast. */
const LIGHT_TEXT_FROM = 0.62;

const hex = (rgb: readonly number[]) => `#${rgb.map((c) => Math.round(c).toString(16).padStart(2, '0')).join('')}`;

/** The scale's colour at t in [0, 1] (clamped). */
export function scaleColor(t: number): string {
  const x = Math.min(Math.max(Number.isFinite(t) ? t : 0, 0), 1) * (STOPS.length - 1);
  const i = Math.min(Math.floor(x), STOPS.length - 2);
  const f = x - i;
  return hex(STOPS[i].map((c, k) => c + f * (STOPS[i + 1][k] - c)));
}

export interface TokenColor {
  background: string;
  text: string;
}

/** Background and text colour for entropy `h` on a scale from 0 to `max` nats. */
export function entropyColor(h: number, max: number): TokenColor {
  const t = max > 0 ? h / max : 0;
  return { background: scaleColor(t), text: t >= LIGHT_TEXT_FROM ? '#ffffff' : '#1b2027' };
}

/** Stops for a legend gradient: offsets in percent with their colours. */
export function legendStops(count = 9): { offset: number; color: string }[] {
  return Array.from({ length: count }, (_, i) => ({
    offset: (i / (count - 1)) * 100,
    color: scaleColor(i / (count - 1)),
  }));
}

/** Upper end of the scale: ln |actions| for a bandit (the most a softmax over them can have), else what was seen. */
export function entropyScaleMax(banditActions: number | null, observedMax: number): number {
  if (banditActions !== null && banditActions > 1) return Math.log(banditActions);
  return Math.max(0.5, Math.ceil(observedMax * 4) / 4);
}
