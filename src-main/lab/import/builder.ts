/**
 * Collects points as decoders find them, then hands over clean series: sorted by step, one value per
 * step (a resumed trainer logs some steps twice; the later line wins, as it does in the trainer's own
 * charts). Also collects params and de-duplicated warnings.
 */
import type { ExternalRunInfo, FormatName, ImportedSeries, ParsedImport } from './types';

interface Column {
  steps: number[];
  values: number[];
  times: number[];
  timed: boolean;
}

const MAX_WARNINGS = 20;

export class SeriesBuilder {
  readonly params: Record<string, unknown> = {};
  /** Filled by formats that tracking tools write (name, ids, summary); left empty by plain logs. */
  readonly external: ExternalRunInfo = {};
  private readonly columns = new Map<string, Column>();
  private readonly notes = new Map<string, number>();
  points = 0;

  add(key: string, step: number, value: number, time = NaN): void {
    let col = this.columns.get(key);
    if (!col) {
      col = { steps: [], values: [], times: [], timed: false };
      this.columns.set(key, col);
    }
    col.steps.push(step);
    col.values.push(value);
    col.times.push(time);
    if (!col.timed && !Number.isNaN(time)) col.timed = true;
    this.points++;
  }

  /** Records a warning once; repeats are counted, not repeated. */
  warn(message: string): void {
    this.notes.set(message, (this.notes.get(message) ?? 0) + 1);
  }

  get keyCount(): number {
    return this.columns.size;
  }

  /**
   * Hands out the points added since the previous drain, per key in arrival order, and forgets them
   * (a follower runs for days; it must not keep every point). Not to be mixed with finish().
   */
  drain(): Map<string, ImportedSeries> {
    const out = new Map<string, ImportedSeries>();
    for (const [key, col] of this.columns) {
      if (col.steps.length === 0) continue;
      out.set(key, { steps: col.steps, values: col.values, times: col.timed ? col.times : null });
      col.steps = [];
      col.values = [];
      col.times = [];
    }
    return out;
  }

  warnings(): string[] {
    const list = [...this.notes].map(([msg, n]) => (n > 1 ? `${msg} (${n} times)` : msg));
    if (list.length <= MAX_WARNINGS) return list;
    return [...list.slice(0, MAX_WARNINGS), `${list.length - MAX_WARNINGS} more warnings`];
  }

  finish(format: FormatName): ParsedImport {
    const series = new Map<string, ImportedSeries>();
    let duplicates = 0;
    for (const [key, col] of this.columns) {
      const clean = sortedUnique(col);
      duplicates += col.steps.length - clean.steps.length;
      series.set(key, clean);
    }
    if (duplicates > 0) this.warn(`${duplicates} points repeat an earlier step of the same key; kept the later value`);
    const external = Object.keys(this.external).length > 0 ? { external: this.external } : {};
    return { format, params: this.params, series, warnings: this.warnings(), ...external };
  }
}

/** The column in step order with one point per step, the last logged value winning. */
function sortedUnique(col: Column): ImportedSeries {
  const times = col.timed ? col.times : null;
  if (isStrictlyIncreasing(col.steps)) return { steps: col.steps, values: col.values, times };
  const order = col.steps.map((_, i) => i);
  // Array.prototype.sort is stable, so equal steps stay in file order and the last one is kept below.
  order.sort((a, b) => col.steps[a] - col.steps[b]);
  const out: ImportedSeries = { steps: [], values: [], times: times ? [] : null };
  for (let k = 0; k < order.length; k++) {
    const i = order[k];
    const next = order[k + 1];
    if (next !== undefined && col.steps[next] === col.steps[i]) continue;
    out.steps.push(col.steps[i]);
    out.values.push(col.values[i]);
    out.times?.push(col.times[i]);
  }
  return out;
}

function isStrictlyIncreasing(steps: readonly number[]): boolean {
  for (let i = 1; i < steps.length; i++) if (!(steps[i] > steps[i - 1])) return false;
  return true;
}
