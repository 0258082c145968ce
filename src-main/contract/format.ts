/**
 * How numbers, shares, dates, durations and sizes read for people: the one formatter of the UI, the
 * CLI's readable output and exported text (issues 19 and 22). Built on Intl, with numbers in en-US
 * (cliplab's text is English, and a table must not change its decimal mark with the machine) and
 * dates in the reader's own locale.
 *
 * Two promises hold everywhere: a value too small for its decimals switches to significant digits
 * instead of rounding to nothing (4e-5 reads "4e-5", never "0.000"), and a value that is not there
 * (not logged, not computed, NaN) reads as MISSING. Machine-readable output (--json, CSV and JSON
 * data) never comes through here: it keeps every digit.
 */

/** The one symbol for a missing value. */
export const MISSING = '—';

type Value = number | null | undefined;

const formats = new Map<string, Intl.NumberFormat>();

/** One Intl.NumberFormat per set of options (they are costly to create, and called per table cell). */
function numberFormat(options: Intl.NumberFormatOptions): Intl.NumberFormat {
  const key = JSON.stringify(options);
  let format = formats.get(key);
  if (!format) formats.set(key, (format = new Intl.NumberFormat('en-US', { useGrouping: false, ...options })));
  return format;
}

function isMissing(value: Value): value is null | undefined {
  return value === null || value === undefined || Number.isNaN(value);
}

/** ±Infinity is a value (a ratio over zero), not a missing one. */
function infinity(value: number): string {
  return value > 0 ? '∞' : '-∞';
}

/**
 * `value` to `digits` significant digits: plain for everyday magnitudes (1.234, 0.05123, 1234) and
 * with a short exponent for tiny or huge ones (1.23e-5, 4e-5, 2.5e7).
 */
export function formatNumber(value: Value, digits = 4): string {
  if (isMissing(value)) return MISSING;
  if (!Number.isFinite(value)) return infinity(value);
  if (value === 0) return '0';
  const size = Math.abs(value);
  if (size >= 1e-3 && size < 1e6) return numberFormat({ maximumSignificantDigits: digits }).format(value);
  const scientific = numberFormat({ notation: 'scientific', maximumSignificantDigits: Math.max(1, digits - 1) });
  return scientific.format(value).replace('E', 'e');
}

/**
 * `value` with exactly `decimals` decimals (1.500, 0.250), as columns of one quantity line up; a
 * value that would keep fewer than two significant digits that way reads in significant digits
 * instead (0.004, 4e-5), so a small drift never shows as 0.000.
 */
export function formatFixed(value: Value, decimals = 3): string {
  if (isMissing(value)) return MISSING;
  if (!Number.isFinite(value)) return infinity(value);
  if (value !== 0 && Math.abs(value) < 10 ** (1 - decimals)) return formatNumber(value, Math.max(2, decimals));
  return numberFormat({ minimumFractionDigits: decimals, maximumFractionDigits: decimals }).format(value);
}

/** A signed quantity (an advantage, a change): "+0.125", "-0.031", "0.000". */
export function formatSigned(value: Value, decimals = 3): string {
  const text = formatFixed(value, decimals);
  return typeof value === 'number' && value > 0 ? `+${text}` : text;
}

/**
 * A share in [0, 1] as a percentage: one decimal (25.0%), two below 1% (0.50%), and significant
 * digits below 0.1% (0.004%), so a rare clip event never reads 0.0%.
 */
export function formatPercent(share: Value): string {
  if (isMissing(share)) return MISSING;
  if (!Number.isFinite(share)) return `${infinity(share)}%`;
  const percent = share * 100;
  const size = Math.abs(percent);
  if (size === 0 || size >= 1) return `${formatFixed(percent, 1)}%`;
  return `${size >= 0.1 ? formatFixed(percent, 2) : formatNumber(percent, 2)}%`;
}

/** `mean ± std` (the std only when there is one). */
export function formatMeanStd(mean: Value, std: Value): string {
  if (isMissing(mean)) return MISSING;
  return isMissing(std) ? formatNumber(mean) : `${formatNumber(mean)} ± ${formatNumber(std, 3)}`;
}

/** A p-value: "< 0.001" below a thousandth, else three significant digits. */
export function formatP(p: Value): string {
  if (isMissing(p)) return MISSING;
  return p < 0.001 ? '< 0.001' : formatNumber(p, 3);
}

/** A whole count with thousands separators: "12,345". */
export function formatCount(n: Value): string {
  if (isMissing(n)) return MISSING;
  return numberFormat({ maximumFractionDigits: 0, useGrouping: true }).format(n);
}

const BYTE_UNITS = ['KB', 'MB', 'GB', 'TB'];

/** A size in bytes, in binary units with one decimal: "812 B", "0.1 KB", "64.0 MB". */
export function formatBytes(bytes: Value): string {
  if (isMissing(bytes)) return MISSING;
  if (Math.abs(bytes) < 1024) return `${numberFormat({ maximumFractionDigits: 0 }).format(bytes)} B`;
  let size = bytes / 1024;
  let unit = 0;
  while (Math.abs(size) >= 1024 && unit < BYTE_UNITS.length - 1) {
    size /= 1024;
    unit++;
  }
  return `${numberFormat({ minimumFractionDigits: 1, maximumFractionDigits: 1 }).format(size)} ${BYTE_UNITS[unit]}`;
}

/** Memory as estimates read: whole MiB (rounded up) below 1 GiB, else GiB with one decimal: "512 MiB", "4.0 GiB". */
export function formatMemory(bytes: Value): string {
  if (isMissing(bytes)) return MISSING;
  if (bytes < 1024 ** 3)
    return `${numberFormat({ maximumFractionDigits: 0 }).format(Math.ceil(bytes / 1024 ** 2))} MiB`;
  return `${numberFormat({ minimumFractionDigits: 1, maximumFractionDigits: 1 }).format(bytes / 1024 ** 3)} GiB`;
}

/** A parameter count as model cards write it: "134.5M", "1.2B", "12.0k". */
export function formatParameters(n: Value): string {
  if (isMissing(n)) return MISSING;
  const [scale, unit] = n >= 1e9 ? [1e9, 'B'] : n >= 1e6 ? [1e6, 'M'] : [1e3, 'k'];
  return `${numberFormat({ minimumFractionDigits: 1, maximumFractionDigits: 1 }).format(n / scale)}${unit}`;
}

/** A time span for a person: "45 s", "12 min", "2.5 h". */
export function formatDuration(seconds: Value): string {
  if (isMissing(seconds) || !Number.isFinite(seconds) || seconds < 0) return MISSING;
  if (seconds < 90) return `${Math.round(seconds)} s`;
  if (seconds < 5400) return `${Math.round(seconds / 60)} min`;
  return `${formatFixed(seconds / 3600, 1)} h`;
}

/** A time span as a clock, for a progress line: "1:05", "12:00:03". */
export function formatClock(seconds: Value): string {
  if (isMissing(seconds) || !Number.isFinite(seconds) || seconds < 0) return MISSING;
  const s = Math.round(seconds);
  const hms = [Math.floor(s / 3600), Math.floor((s % 3600) / 60), s % 60];
  const pad = (n: number) => String(n).padStart(2, '0');
  return hms[0] > 0 ? `${hms[0]}:${pad(hms[1])}:${pad(hms[2])}` : `${hms[1]}:${pad(hms[2])}`;
}

function dateOf(iso: string | null | undefined): Date | null {
  if (!iso) return null;
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? null : date;
}

const monthDayTime = new Intl.DateTimeFormat(undefined, {
  month: 'short',
  day: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
});
const timeOfDay = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
const monthDay = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric' });
const fullDate = new Intl.DateTimeFormat(undefined, { year: 'numeric', month: 'short', day: 'numeric' });

/** A moment in the reader's locale: "Mar 5, 14:05" this year (the time matters more), else "Mar 5, 2024". */
export function formatDate(iso: string | null | undefined, now = new Date()): string {
  const date = dateOf(iso);
  if (!date) return MISSING;
  return date.getFullYear() === now.getFullYear() ? monthDayTime.format(date) : fullDate.format(date);
}

/** A moment for a narrow column: "14:05" today, "Nov 27" this year, else the full date. */
export function formatShortDate(iso: string | null | undefined, now = new Date()): string {
  const date = dateOf(iso);
  if (!date) return MISSING;
  if (date.toDateString() === now.toDateString()) return timeOfDay.format(date);
  return (date.getFullYear() === now.getFullYear() ? monthDay : fullDate).format(date);
}

const stampParts = new Intl.DateTimeFormat('en-US', {
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});

/** A local time that sorts as text, for terminals and logs: "2025-01-31 14:05". */
export function formatTimestamp(iso: string | null | undefined): string {
  const date = dateOf(iso);
  if (!date) return iso ? iso : MISSING;
  const part = Object.fromEntries(stampParts.formatToParts(date).map((p) => [p.type, p.value]));
  return `${part.year}-${part.month}-${part.day} ${part.hour}:${part.minute}`;
}
