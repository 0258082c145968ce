/** How numbers read in diagnosis sentences: three significant digits, integers as they are. */

export function fmt(x: number | null | undefined, digits = 3): string {
  if (x === null || x === undefined || Number.isNaN(x)) return 'n/a';
  if (!Number.isFinite(x)) return x > 0 ? '∞' : '-∞';
  if (Number.isInteger(x) && Math.abs(x) < 1e6) return String(x);
  const abs = Math.abs(x);
  if (abs >= 1e-3 && abs < 1e5) return String(Number.parseFloat(x.toPrecision(digits)));
  return x.toExponential(digits - 1);
}

/** A signed number: "+0.12", "-0.31". */
export function fmtSigned(x: number): string {
  return x > 0 ? `+${fmt(x)}` : fmt(x);
}

export function fmtPercent(x: number | null | undefined): string {
  return x === null || x === undefined || !Number.isFinite(x) ? 'n/a' : `${fmt(100 * x)}%`;
}

export function fmtSteps(first: number, last: number): string {
  return first === last ? `step ${first}` : `steps ${first}–${last}`;
}
