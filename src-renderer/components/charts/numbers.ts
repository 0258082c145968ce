/** How measured numbers read next to charts: enough significant digits, tabular, an em dash for none. */
import { MISSING } from '../../lib/format';

/**
 * 4 significant digits, without exponent for everyday magnitudes (1.234, 0.05123, 1234) and with one
 * for tiny or huge ones (1.2e-5), so clip drifts of 1e-4 do not read as 0.000.
 */
export function formatValue(value: number | null | undefined, digits = 4): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return MISSING;
  if (value === 0) return '0';
  const size = Math.abs(value);
  if (size >= 1e-3 && size < 1e6) return Number(value.toPrecision(digits)).toString();
  return value.toExponential(digits - 2);
}

/** `mean ± std` (the std only when there is one). */
export function formatMeanStd(mean: number | null, std: number | null | undefined): string {
  if (mean === null || !Number.isFinite(mean)) return MISSING;
  return std === null || std === undefined ? formatValue(mean) : `${formatValue(mean)} ± ${formatValue(std, 3)}`;
}

/** A p-value: "< 0.001" below a thousandth, else 3 significant digits. */
export function formatP(p: number | null | undefined): string {
  if (p === null || p === undefined || !Number.isFinite(p)) return MISSING;
  return p < 0.001 ? '< 0.001' : formatValue(p, 3);
}

/** A share in [0, 1] as a percentage. */
export function formatShare(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return MISSING;
  return `${(value * 100).toFixed(value !== 0 && Math.abs(value) < 0.01 ? 2 : 1)}%`;
}
