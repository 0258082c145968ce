/**
 * Metric points: interned keys, batched writes, series reads, per-key summaries, truncation.
 * Every write keeps `run_metric_stats` (count, first/last step, last value per run and key) exact.
 */
import type { MetricKeyInfo, Series } from '../contract';
import type { Db } from './db';

export interface MetricPoint {
  key: string;
  step: number;
  /** NaN is stored as null. */
  value: number | null;
  /** Seconds since the run started. */
  time?: number | null;
}

/** One key's points as columns (the shape importers produce). */
export interface SeriesInput {
  key: string;
  steps: readonly number[];
  values: readonly (number | null)[];
  times?: readonly (number | null)[];
}

export interface StepRange {
  from?: number;
  to?: number;
}

const INSERT_POINT = 'INSERT INTO metrics (run_id, key_id, step, value, time_s) VALUES (?, ?, ?, ?, ?)';
/** Points per statement in bulk writes: one call per row costs more than SQLite's insert itself. */
const BULK_ROWS = 200;
const upsertPoints = (rows: number) =>
  'INSERT OR REPLACE INTO metrics (run_id, key_id, step, value, time_s) VALUES ' +
  Array.from({ length: rows }, () => '(?, ?, ?, ?, ?)').join(', ');

const ADD_STATS = `INSERT INTO run_metric_stats (run_id, key_id, count, first_step, last_step, last_value)
  VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (run_id, key_id) DO UPDATE SET
    count = count + excluded.count,
    first_step = min(first_step, excluded.first_step),
    last_value = CASE WHEN excluded.last_step > last_step THEN excluded.last_value ELSE last_value END,
    last_step = max(last_step, excluded.last_step)`;

const RECOMPUTE_STATS = `INSERT INTO run_metric_stats (run_id, key_id, count, first_step, last_step, last_value)
  SELECT @run, @key, count(*), min(step), max(step),
    (SELECT value FROM metrics WHERE run_id = @run AND key_id = @key ORDER BY step DESC LIMIT 1)
  FROM metrics WHERE run_id = @run AND key_id = @key HAVING count(*) > 0`;

/** SQLite has no NaN: it is stored as NULL and read back as null. */
function storable(value: number | null | undefined): number | null {
  return value === null || value === undefined || Number.isNaN(value) ? null : value;
}

/** Why a point cannot be stored, or null. Checked before SQLite sees it: STRICT would say less. */
function pointProblem(step: unknown, value: unknown): string | null {
  if (!Number.isSafeInteger(step) || (step as number) < 0) {
    return `step must be an integer >= 0, got ${JSON.stringify(step)}`;
  }
  if (value !== null && value !== undefined && typeof value !== 'number') {
    return `value must be a number or null, got ${JSON.stringify(value)}`;
  }
  return null;
}

function isPrimaryKeyClash(err: unknown): boolean {
  return (err as { code?: string }).code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}

interface KeyStats {
  count: number;
  first: number;
  last: number;
  lastValue: number | null;
}

export function metricQueries(db: Db) {
  const keyCache = new Map<string, number>();

  /** Ids for keys, inserting new ones. Cached only once committed (a rollback would orphan them). */
  function keyIds(keys: Iterable<string>): Map<string, number> {
    const ids = new Map<string, number>();
    const missing: string[] = [];
    for (const k of keys) {
      const id = keyCache.get(k);
      if (id === undefined) missing.push(k);
      else ids.set(k, id);
    }
    if (missing.length === 0) return ids;
    const committed = !db.sql.inTransaction;
    db.transaction(() => {
      for (const k of missing) {
        db.prepare('INSERT INTO metric_keys (key) VALUES (?) ON CONFLICT (key) DO NOTHING').run(k);
        ids.set(k, db.prepare<{ id: number }>('SELECT id FROM metric_keys WHERE key = ?').get(k)!.id);
      }
    });
    if (committed) for (const k of missing) keyCache.set(k, ids.get(k)!);
    return ids;
  }

  function requireRun(runId: number): void {
    if (db.prepare('SELECT 1 FROM runs WHERE id = ?').get(runId) === undefined) throw new Error(`no run ${runId}`);
  }

  function recomputeStats(runId: number, keyId: number): void {
    db.prepare('DELETE FROM run_metric_stats WHERE run_id = ? AND key_id = ?').run(runId, keyId);
    db.prepare(RECOMPUTE_STATS).run({ run: runId, key: keyId });
  }

  /** Upserts one series in statements of BULK_ROWS points (and one for the remainder). */
  function writeSeries(runId: number, keyId: number, s: SeriesInput): void {
    const n = s.steps.length;
    if (s.values.length !== n || (s.times && s.times.length !== n)) {
      throw new Error(`run ${runId}, metric "${s.key}": steps, values and times must have the same length`);
    }
    for (let start = 0; start < n; start += BULK_ROWS) {
      const end = Math.min(n, start + BULK_ROWS);
      const params: (number | null)[] = [];
      for (let i = start; i < end; i++) {
        const problem = pointProblem(s.steps[i], s.values[i]);
        if (problem) throw new Error(`run ${runId}, metric "${s.key}" (point ${i}): ${problem}`);
        params.push(runId, keyId, s.steps[i], storable(s.values[i]), storable(s.times?.[i]));
      }
      db.prepare(upsertPoints(end - start)).run(params);
    }
  }

  function keyIdsOfRun(runId: number): number[] {
    const sql = 'SELECT key_id AS id FROM run_metric_stats WHERE run_id = ?';
    return db
      .prepare<{ id: number }>(sql)
      .all(runId)
      .map((r) => r.id);
  }

  return {
    /**
     * Appends points in one transaction: all are written or none. A point that already exists
     * (same run, key and step) is an error: resume truncates the run first (truncateAfter).
     */
    appendMetrics(runId: number, points: readonly MetricPoint[]): void {
      if (points.length === 0) return;
      const ids = keyIds(new Set(points.map((p) => p.key)));
      db.transaction(() => {
        requireRun(runId);
        const stats = new Map<number, KeyStats>();
        points.forEach((p, i) => {
          const where = `run ${runId}, metric "${p.key}" (point ${i})`;
          const problem = pointProblem(p.step, p.value);
          if (problem) throw new Error(`${where}: ${problem}`);
          const keyId = ids.get(p.key)!;
          const value = storable(p.value);
          try {
            db.prepare(INSERT_POINT).run(runId, keyId, p.step, value, storable(p.time));
          } catch (err) {
            if (isPrimaryKeyClash(err)) throw new Error(`${where}: step ${p.step} is already stored`, { cause: err });
            throw err;
          }
          const s = stats.get(keyId);
          if (!s) stats.set(keyId, { count: 1, first: p.step, last: p.step, lastValue: value });
          else {
            s.count++;
            s.first = Math.min(s.first, p.step);
            if (p.step > s.last) [s.last, s.lastValue] = [p.step, value];
          }
        });
        for (const [keyId, s] of stats) db.prepare(ADD_STATS).run(runId, keyId, s.count, s.first, s.last, s.lastValue);
      });
    },

    /**
     * Writes whole series in one transaction (imports). A point at a step already stored for that
     * key replaces it, so importing the same file again does not duplicate anything.
     */
    bulkInsertSeries(runId: number, series: readonly SeriesInput[]): { points: number } {
      const ids = keyIds(new Set(series.map((s) => s.key)));
      let points = 0;
      db.transaction(() => {
        requireRun(runId);
        for (const s of series) {
          const keyId = ids.get(s.key)!;
          writeSeries(runId, keyId, s);
          points += s.steps.length;
          recomputeStats(runId, keyId);
        }
      });
      return { points };
    },

    /** Points of each key within [from, to] (inclusive), by step. A key the run lacks gives an empty series. */
    series(runId: number, keys: readonly string[], range: StepRange = {}): Series[] {
      const sql = `SELECT step, value, time_s FROM metrics
        WHERE run_id = ? AND key_id = (SELECT id FROM metric_keys WHERE key = ?) AND step BETWEEN ? AND ? ORDER BY step`;
      // Raw rows: arrays instead of one object per point (a series can hold 100k points).
      const stmt = db.prepare(sql).raw(true) as unknown as {
        all(...a: unknown[]): [number, number | null, number | null][];
      };
      const from = range.from ?? 0;
      const to = range.to ?? Number.MAX_SAFE_INTEGER;
      return keys.map((key) => {
        const rows = stmt.all(runId, key, from, to);
        const out: Series = {
          key,
          steps: new Array(rows.length),
          values: new Array(rows.length),
          times: new Array(rows.length),
        };
        rows.forEach(([step, value, time], i) => {
          out.steps[i] = step;
          out.values[i] = value;
          out.times[i] = time;
        });
        return out;
      });
    },

    /** The keys a run has logged, with point counts and step spans, by key name. */
    metricKeys(runId: number): MetricKeyInfo[] {
      const sql = `SELECT k.key, s.count, s.first_step AS firstStep, s.last_step AS lastStep
        FROM run_metric_stats s JOIN metric_keys k ON k.id = s.key_id WHERE s.run_id = ? ORDER BY k.key`;
      return db.prepare<MetricKeyInfo>(sql).all(runId);
    },

    /** Last step with any metric, or null. */
    lastStep(runId: number): number | null {
      const sql = 'SELECT max(last_step) AS last FROM run_metric_stats WHERE run_id = ?';
      return db.prepare<{ last: number | null }>(sql).get(runId)!.last;
    },

    /**
     * Deletes every metric, sample and checkpoint after `step` (resume continues from a checkpoint
     * at `step`, so later points belong to the abandoned attempt). One transaction.
     */
    truncateAfter(runId: number, step: number): { metrics: number; samples: number; checkpoints: number } {
      const problem = pointProblem(step, null);
      if (problem) throw new Error(`truncateAfter(run ${runId}): ${problem}`);
      return db.transaction(() => {
        let metrics = 0;
        for (const keyId of keyIdsOfRun(runId)) {
          const sql = 'DELETE FROM metrics WHERE run_id = ? AND key_id = ? AND step > ?';
          const n = db.prepare(sql).run(runId, keyId, step).changes;
          if (n > 0) recomputeStats(runId, keyId);
          metrics += n;
        }
        const samples = db.prepare('DELETE FROM samples WHERE run_id = ? AND step > ?').run(runId, step).changes;
        const checkpoints = db
          .prepare('DELETE FROM checkpoints WHERE run_id = ? AND step > ?')
          .run(runId, step).changes;
        return { metrics, samples, checkpoints };
      });
    },
  };
}

export type MetricQueries = ReturnType<typeof metricQueries>;
