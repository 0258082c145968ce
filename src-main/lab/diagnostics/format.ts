/**
 * How numbers read in diagnosis sentences: contract/format.ts's rule (three significant digits,
 * short exponents for tiny values, MISSING for none), with whole numbers written out as they are.
 */
import { formatNumber, MISSING } from '../../contract/format';

export function fmt(x: number | null | undefined, digits = 3): string {
  if (x === null || x === undefined || Number.isNaN(x)) return MISSING;
  if (Number.isInteger(x) && Math.abs(x) < 1e6) return String(x);
  return formatNumber(x, digits);
}

/** A signed number: "+0.12", "-0.31". */
export function fmtSigned(x: number): string {
  return x > 0 ? `+${fmt(x)}` : fmt(x);
}

export function fmtPercent(x: number | null | undefined): string {
  return x === null || x === undefined || !Number.isFinite(x) ? MISSING : `${fmt(100 * x)}%`;
}

export function fmtSteps(first: number, last: number): string {
  return first === last ? `step ${first}` : `steps ${first}–${last}`;
}
