/**
 * The one formatter of the UI, the CLI and exported text: a small value never rounds to nothing
 * (issue 19: 4e-5 never reads "0.000"), every missing value reads MISSING, and what is shown reads
 * back as the value it stands for, within the digits shown.
 */
import { describe, expect, it } from 'vitest';
import {
  formatBytes,
  formatClock,
  formatCount,
  formatDate,
  formatDuration,
  formatFixed,
  formatMeanStd,
  formatMemory,
  formatNumber,
  formatP,
  formatParameters,
  formatPercent,
  formatShortDate,
  formatSigned,
  formatTimestamp,
  MISSING,
} from '../../src-main/contract';

/** Values over 24 orders of magnitude, both signs, with awkward mantissas. */
function awkwardValues(): number[] {
  const out: number[] = [];
  let seed = 7;
  const random = () => ((seed = (seed * 16807) % 2147483647) - 1) / 2147483646;
  for (let exponent = -12; exponent <= 11; exponent++) {
    for (let i = 0; i < 6; i++) {
      const value = (1 + 9 * random()) * 10 ** exponent;
      out.push(value, -value);
    }
  }
  return out.concat([4e-5, 0.0004999, 0.0005, 0.00999, 0.01, 0.0995, 1e-300, 5e-324, 1e300]);
}

describe('formatNumber', () => {
  it('gives significant digits, plain for everyday magnitudes and with a short exponent otherwise', () => {
    expect(formatNumber(4e-5)).toBe('4e-5');
    // An exponent takes room: one significant digit fewer than plain numbers.
    expect(formatNumber(1.23456e-5)).toBe('1.23e-5');
    expect(formatNumber(1.23456e-5, 3)).toBe('1.2e-5');
    expect(formatNumber(0.05123456)).toBe('0.05123');
    expect(formatNumber(1234.56)).toBe('1235');
    expect(formatNumber(2.5e7)).toBe('2.5e7');
    expect(formatNumber(-0.001)).toBe('-0.001');
    expect(formatNumber(0)).toBe('0');
    expect(formatNumber(-0)).toBe('0');
    expect(formatNumber(0.1 + 0.2)).toBe('0.3');
  });

  it('reads back as the value within its digits, and never as zero', () => {
    for (const value of awkwardValues()) {
      const shown = Number(formatNumber(value));
      expect(shown, `${value}`).not.toBe(0);
      expect(Math.abs(shown - value) / Math.abs(value), `${value} -> ${formatNumber(value)}`).toBeLessThan(5e-3);
    }
  });

  it('says which values are missing, and which are infinite', () => {
    for (const missing of [null, undefined, Number.NaN]) expect(formatNumber(missing)).toBe(MISSING);
    expect(formatNumber(Infinity)).toBe('∞');
    expect(formatNumber(-Infinity)).toBe('-∞');
  });
});

describe('formatFixed', () => {
  it('keeps its decimals where they hold two significant digits, so columns line up', () => {
    expect(formatFixed(1.5)).toBe('1.500');
    expect(formatFixed(3.875)).toBe('3.875');
    expect(formatFixed(0.25, 2)).toBe('0.25');
    expect(formatFixed(0.6, 2)).toBe('0.60');
    expect(formatFixed(0)).toBe('0.000');
    expect(formatFixed(12345.6789)).toBe('12345.679');
  });

  it('switches to significant digits where the decimals would round a value away', () => {
    expect(formatFixed(4e-5)).toBe('4e-5');
    expect(formatFixed(0.004)).toBe('0.004');
    expect(formatFixed(0.0012345)).toBe('0.00123');
    expect(formatFixed(-0.0001)).toBe('-1e-4');
    for (const value of awkwardValues()) {
      const text = formatFixed(value);
      expect(Number(text), `${value} -> ${text}`).not.toBe(0);
      const error = Math.abs(Number(text) - value);
      expect(error <= 5e-4 * 1.0001 || error / Math.abs(value) < 5e-3, `${value} -> ${text}`).toBe(true);
    }
  });

  it('signs a change', () => {
    expect(formatSigned(0.125)).toBe('+0.125');
    expect(formatSigned(-0.0312)).toBe('-0.031');
    expect(formatSigned(0)).toBe('0.000');
    expect(formatSigned(null)).toBe(MISSING);
  });
});

describe('formatPercent', () => {
  it('gives one decimal, two below 1%, and significant digits below 0.1%', () => {
    expect(formatPercent(0.3333)).toBe('33.3%');
    expect(formatPercent(0.625)).toBe('62.5%');
    expect(formatPercent(1)).toBe('100.0%');
    expect(formatPercent(0)).toBe('0.0%');
    expect(formatPercent(0.005)).toBe('0.50%');
    expect(formatPercent(4e-5)).toBe('0.004%');
    expect(formatPercent(-0.25)).toBe('-25.0%');
    expect(formatPercent(undefined)).toBe(MISSING);
  });

  it('never shows a rare clip event as 0%', () => {
    for (const share of [1e-9, 3e-7, 4e-5, 0.000999, 0.00999]) {
      expect(Number(formatPercent(share).replace('%', '')), `${share}`).toBeGreaterThan(0);
    }
  });
});

describe('statistics', () => {
  it('writes mean ± std, with the std only when there is one', () => {
    expect(formatMeanStd(1.23456, 0.0456789)).toBe('1.235 ± 0.0457');
    expect(formatMeanStd(1.23456, null)).toBe('1.235');
    expect(formatMeanStd(Number.NaN, 0.1)).toBe(MISSING);
  });

  it('writes p-values below a thousandth as "< 0.001"', () => {
    expect(formatP(0.0004)).toBe('< 0.001');
    expect(formatP(0.04567)).toBe('0.0457');
    expect(formatP(null)).toBe(MISSING);
  });
});

describe('counts, sizes and spans', () => {
  it('groups thousands in counts', () => {
    expect(formatCount(1234567)).toBe('1,234,567');
    expect(formatCount(12)).toBe('12');
  });

  it('writes sizes in binary units with one decimal', () => {
    expect(formatBytes(812)).toBe('812 B');
    expect(formatBytes(1000)).toBe('1000 B');
    expect(formatBytes(100 * 1.024)).toBe('102 B');
    expect(formatBytes(1536)).toBe('1.5 KB');
    expect(formatBytes(64 * 1024 * 1024)).toBe('64.0 MB');
    expect(formatBytes(1.5 * 1024 ** 3)).toBe('1.5 GB');
  });

  it('writes memory estimates in MiB rounded up, or GiB, and parameter counts as model cards do', () => {
    expect(formatMemory(1)).toBe('1 MiB');
    expect(formatMemory(512 * 1024 ** 2)).toBe('512 MiB');
    expect(formatMemory(4 * 1024 ** 3)).toBe('4.0 GiB');
    expect(formatMemory(NaN)).toBe(MISSING);
    expect(formatParameters(134_515_008)).toBe('134.5M');
    expect(formatParameters(1.2e9)).toBe('1.2B');
    expect(formatParameters(12_000)).toBe('12.0k');
    expect(formatParameters(null)).toBe(MISSING);
  });

  it('writes durations for people, and as a clock for progress lines', () => {
    expect(formatDuration(45.4)).toBe('45 s');
    expect(formatDuration(720)).toBe('12 min');
    expect(formatDuration(9000)).toBe('2.5 h');
    expect(formatDuration(-1)).toBe(MISSING);
    expect(formatClock(65)).toBe('1:05');
    expect(formatClock(43203)).toBe('12:00:03');
    expect(formatClock(null)).toBe(MISSING);
  });
});

describe('dates', () => {
  const local = new Date(2025, 0, 31, 14, 5, 0);

  it('writes a sortable local time for terminals', () => {
    expect(formatTimestamp(local.toISOString())).toBe('2025-01-31 14:05');
    expect(formatTimestamp(new Date(2025, 5, 1, 0, 7).toISOString())).toBe('2025-06-01 00:07');
    expect(formatTimestamp(null)).toBe(MISSING);
    expect(formatTimestamp('not a date')).toBe('not a date');
  });

  it('leaves out the year within the year, and the day within the day', () => {
    const sameDay = new Date(2025, 0, 31, 18, 0);
    const later = new Date(2025, 6, 1);
    const nextYear = new Date(2026, 0, 2);
    expect(formatShortDate(local.toISOString(), sameDay)).toMatch(/^14:05$/);
    expect(formatShortDate(local.toISOString(), later)).not.toMatch(/2025|14:05/);
    expect(formatShortDate(local.toISOString(), nextYear)).toMatch(/2025/);
    expect(formatDate(local.toISOString(), later)).toMatch(/05/);
    expect(formatDate(local.toISOString(), nextYear)).toMatch(/2025/);
    expect(formatDate('garbage')).toBe(MISSING);
    expect(formatShortDate(null)).toBe(MISSING);
  });
});
