/** Plain-text tables and numbers for the CLI's readable output (numbers as contract/format.ts has them). */
import { formatNumber, formatTimestamp, MISSING } from '../contract';
import { escapeControl } from './terminal';

export { MISSING };

/** A cell that reads as a number (or a range, or a missing value): right-aligned. */
const NUMERIC = new RegExp(`^[-+]?[\\d.,/e]*$|^-?∞$|^NaN$|^${MISSING}$`);

/**
 * Columns padded to their widest cell; numeric-looking columns are right-aligned. Cells are escaped
 * first (a run's name may hold control characters), so widths are those of what is shown.
 */
export function table(header: readonly string[], cells: readonly (readonly string[])[]): string {
  const rows = cells.map((r) => r.map(escapeControl));
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c].length)));
  const numeric = header.map((_, c) => rows.length > 0 && rows.every((r) => NUMERIC.test(r[c])));
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, c) => (numeric[c] ? cell.padStart(widths[c]) : cell.padEnd(widths[c])))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
}

/**
 * A metric value in four significant digits; MISSING when absent, "NaN" where the run logged a NaN
 * (the store keeps it as null: it is a value the run reported, not a missing one).
 */
export function formatValue(v: number | null | undefined): string {
  return v === null ? 'NaN' : formatNumber(v);
}

/** `2025-01-31 14:05` in local time, or MISSING. */
export const formatTime = formatTimestamp;

export function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
