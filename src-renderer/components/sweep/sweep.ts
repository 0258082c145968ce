/**
 * The sweep builder's arithmetic: value lists typed as text, the grid they make, how many runs it
 * queues, and the first invalid combination. Paths and combinations go through the contract's
 * dotted-path helpers (config-overrides.ts), the same code `cliplab sweep --grid` uses.
 */
import {
  applyOverrides,
  expandGrid,
  gridSize,
  MAX_SWEEP_RUNS,
  parseValueText,
  type FieldError,
} from '../../../src-main/contract';

/** Most values one key may take (the API's limit per grid key). */
export const MAX_VALUES_PER_KEY = 100;

export type ParsedValues = { ok: true; values: (number | null)[] } | { ok: false; message: string };

/** Twelve significant digits: a range's 0.1 + 0.2 shows as 0.3. */
const tidy = (x: number) => Number(x.toPrecision(12));

/**
 * `start:stop:step` (linear, inclusive) or `start:stop:xF` (geometric, each value F times the last).
 * Returns null when the item is not a range.
 */
function parseRange(item: string): number[] | { error: string } | null {
  const parts = item.split(':').map((p) => p.trim());
  if (parts.length !== 3) return parts.length === 1 ? null : { error: `"${item}": expected start:stop:step` };
  const [start, stop] = [Number(parts[0]), Number(parts[1])];
  const geometric = /^[x×*]/i.test(parts[2]);
  const step = Number(geometric ? parts[2].slice(1) : parts[2]);
  if (![start, stop, step].every(Number.isFinite)) return { error: `"${item}": expected numbers in start:stop:step` };
  const grows = geometric ? step > 1 && start > 0 && stop >= start : step > 0 && stop >= start;
  if (!grows) {
    return {
      error: `"${item}": expected start ≤ stop and ${geometric ? 'a factor > 1 from a start > 0' : 'a step > 0'}`,
    };
  }
  const values: number[] = [];
  const slack = geometric ? stop * 1e-9 : step * 1e-9;
  for (let v = start; v <= stop + slack && values.length <= MAX_VALUES_PER_KEY; v = geometric ? v * step : v + step) {
    values.push(tidy(v));
  }
  return values;
}

/** `0.05, 0.1, 0.2`, ranges (`0.1:0.3:0.05`, `1e-4:1e-2:x10`) and `off` (also the older none/inf) for keys that can be off. */
export function parseValueList(text: string): ParsedValues {
  const items = text
    .split(/[,;\s]+/)
    .map((s) => s.trim())
    .filter(Boolean);
  if (items.length === 0) return { ok: false, message: 'expected at least one value, e.g. 0.1, 0.2 or 0.1:0.3:0.1' };
  const values: (number | null)[] = [];
  for (const item of items) {
    const range = parseRange(item);
    if (range && 'error' in range) return { ok: false, message: range.error };
    if (range) {
      values.push(...range);
      continue;
    }
    const v = parseValueText(item);
    if (v === null || v === 'inf') values.push(null);
    else if (typeof v === 'number' && Number.isFinite(v)) values.push(v);
    else {
      return {
        ok: false,
        message: `"${item}" is not a number: enter numbers such as 0.1, 0.2, a range 0.1:0.3:0.1, or off where the key can be off`,
      };
    }
  }
  const unique = [...new Set(values)];
  if (unique.length > MAX_VALUES_PER_KEY) {
    return { ok: false, message: `expected at most ${MAX_VALUES_PER_KEY} values per key` };
  }
  return { ok: true, values: unique };
}

export interface SweepRow {
  path: string;
  text: string;
}

export interface SweepPlan {
  grid: Record<string, (number | null)[]>;
  /** Runs per seed: product of the value counts. */
  points: number;
  seeds: number;
  control: boolean;
  /** Every run queued, controls included. */
  total: number;
  /** Problems by row index (unparseable text, a key used twice). */
  rowErrors: Record<number, string>;
  tooMany: boolean;
}

/** The first combination the schema rejects, with the values that make it. */
export interface InvalidCombination {
  combo: Record<string, unknown>;
  errors: FieldError[];
}

/** The grid of the rows (rows with an empty key are ignored) and how many runs it would queue. */
export function planSweep(rows: readonly SweepRow[], seeds: number, control: boolean): SweepPlan {
  const grid: Record<string, (number | null)[]> = {};
  const rowErrors: Record<number, string> = {};
  rows.forEach((row, i) => {
    if (!row.path) return;
    if (row.path in grid) {
      rowErrors[i] = `${row.path} is already swept above`;
      return;
    }
    const parsed = parseValueList(row.text);
    if (parsed.ok) grid[row.path] = parsed.values;
    else rowErrors[i] = parsed.message;
  });
  const points = gridSize(grid);
  const total = points * seeds * (control ? 2 : 1);
  return { grid, points, seeds, control, total, rowErrors, tooMany: total > MAX_SWEEP_RUNS };
}

/**
 * Checks every combination of the grid on `base` with the schema; up to MAX_SWEEP_RUNS parses, so
 * callers debounce it while the user types.
 */
export function invalidCombination(base: unknown, grid: Record<string, (number | null)[]>): InvalidCombination | null {
  if (Object.keys(grid).length === 0 || gridSize(grid) > MAX_SWEEP_RUNS) return null;
  for (const combo of expandGrid(grid)) {
    const checked = applyOverrides(
      base,
      Object.entries(combo).map(([path, value]) => ({ path, value })),
    );
    if (!checked.ok) return { combo, errors: checked.errors };
  }
  return null;
}

/** "3 values × 2 values × 3 seeds" for the count line. */
export function describeCount(plan: Pick<SweepPlan, 'grid' | 'seeds'>): string {
  const factors = Object.values(plan.grid).map((v) => `${v.length} value${v.length === 1 ? '' : 's'}`);
  factors.push(`${plan.seeds} seed${plan.seeds === 1 ? '' : 's'}`);
  return factors.join(' × ');
}
