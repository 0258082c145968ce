/** Runs: create, read (with tags, last step and latest values), status changes, labels, delete. */
import type { RunStatus, SeedGroup } from '../contract';
import type { Db } from './db';
import { remoteQueries, type StoredRemoteJob } from './remote';

/** A run as stored. JSON columns stay text: the lab parses them and reports a row it cannot read. */
export interface StoredRun {
  id: number;
  name: string;
  origin: string;
  status: string;
  /** Run config JSON (local runs). */
  config: string | null;
  /** Import source JSON (imported runs). */
  source: string | null;
  groupKey: string;
  configHash: string | null;
  seed: number | null;
  backend: string | null;
  backendDetail: string | null;
  appVersion: string;
  steps: number | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  error: string | null;
  notes: string;
  workerPid: number | null;
  heartbeatAt: string | null;
  /** The run this one is the random-reward control of (schema 3). */
  controlOf: number | null;
  tags: string[];
  /** Last step with any metric; null before the first. */
  lastStep: number | null;
  /** Latest value of each requested key the run has logged. */
  latest: Record<string, number | null>;
  /** The Ray job of a remote run (schema 4); null for other runs. */
  remote: StoredRemoteJob | null;
}

export interface NewRun {
  name: string;
  origin: 'local' | 'imported' | 'remote';
  status: RunStatus;
  config?: unknown;
  source?: unknown;
  groupKey: string;
  configHash?: string | null;
  seed?: number | null;
  steps?: number | null;
  appVersion: string;
  tags?: readonly string[];
  notes?: string;
  createdAt?: Date;
}

export interface ListRunsOptions {
  /** Only these runs. */
  ids?: readonly number[];
  /** Keys whose latest value to include in `latest`. */
  latestKeys?: readonly string[];
}

export interface StatusExtra {
  error?: string | null;
  backend?: string | null;
  backendDetail?: string | null;
  at?: Date;
}

const RUN_COLUMNS = `id, name, origin, status, config, source, group_key AS groupKey, config_hash AS configHash,
  seed, backend, backend_detail AS backendDetail, app_version AS appVersion, steps, created_at AS createdAt,
  started_at AS startedAt, finished_at AS finishedAt, error, notes, worker_pid AS workerPid,
  heartbeat_at AS heartbeatAt, control_of AS controlOf`;

type RunColumns = Omit<StoredRun, 'tags' | 'lastStep' | 'latest' | 'remote'>;

/**
 * What a status change does to the timestamps. Starting clears a previous end (a resumed run);
 * every status that ends a run's work, including `interrupted`, stamps the finish time.
 */
const STATUS_TIMES: Record<RunStatus, 'start' | 'finish' | 'reopen'> = {
  queued: 'reopen',
  running: 'start',
  completed: 'finish',
  failed: 'finish',
  cancelled: 'finish',
  interrupted: 'finish',
  diverged: 'finish',
};

/**
 * The backend that ran is written whenever one is given, whatever the status, and never cleared: a
 * run that is cancelled, interrupted or requeued still says what it trained on.
 */
const KEEP_BACKEND = 'backend = coalesce(@backend, backend), backend_detail = coalesce(@backendDetail, backend_detail)';

const STATUS_SQL: Record<'start' | 'finish' | 'reopen', string> = {
  start: `UPDATE runs SET status = @status, started_at = coalesce(started_at, @at), finished_at = NULL,
    error = NULL, ${KEEP_BACKEND} WHERE id = @id`,
  finish: `UPDATE runs SET status = @status, finished_at = @at, error = coalesce(@error, error), ${KEEP_BACKEND}
    WHERE id = @id`,
  reopen: `UPDATE runs SET status = @status, finished_at = NULL, error = NULL, ${KEEP_BACKEND} WHERE id = @id`,
};

const json = (v: unknown) => (v === undefined || v === null ? null : JSON.stringify(v));
const placeholders = (n: number) => Array.from({ length: n }, () => '?').join(', ');

export function runQueries(db: Db) {
  const remote = remoteQueries(db);

  function attach(rows: RunColumns[], opts: ListRunsOptions): StoredRun[] {
    const byId = new Map<number, StoredRun>();
    for (const r of rows) byId.set(r.id, { ...r, tags: [], lastStep: null, latest: {}, remote: null });
    if (byId.size === 0) return [];
    const remoteIds = rows.filter((r) => r.origin === 'remote').map((r) => r.id);
    for (const [id, job] of remote.remoteJobsOf(remoteIds)) byId.get(id)!.remote = job;
    const one = rows.length === 1 ? rows[0].id : null;
    const where = one === null ? '' : 'WHERE run_id = ?';
    const args = one === null ? [] : [one];
    for (const t of db
      .prepare<{ runId: number; tag: string }>(
        `SELECT run_id AS runId, tag FROM run_tags ${where} ORDER BY run_id, tag`,
      )
      .all(...args)) {
      byId.get(t.runId)?.tags.push(t.tag);
    }
    for (const s of db
      .prepare<{ runId: number; last: number }>(
        `SELECT run_id AS runId, max(last_step) AS last FROM run_metric_stats ${where} GROUP BY run_id`,
      )
      .all(...args)) {
      const run = byId.get(s.runId);
      if (run) run.lastStep = s.last;
    }
    const keys = opts.latestKeys ?? [];
    if (keys.length > 0) {
      // The last point that is a number (a diverged run's NaN last step does not blank it): the
      // "final" of contract/summary.ts. A backward index seek that usually stops at the first row.
      const sql = `SELECT s.run_id AS runId, k.key AS key,
        (SELECT m.value FROM metrics m WHERE m.run_id = s.run_id AND m.key_id = s.key_id AND m.value IS NOT NULL
          ORDER BY m.step DESC LIMIT 1) AS value
        FROM run_metric_stats s JOIN metric_keys k ON k.id = s.key_id WHERE k.key IN (${placeholders(keys.length)})
        ${one === null ? '' : 'AND s.run_id = ?'}`;
      for (const v of db.prepare<{ runId: number; key: string; value: number | null }>(sql).all(...keys, ...args)) {
        const run = byId.get(v.runId);
        if (run) run.latest[v.key] = v.value;
      }
    }
    return [...byId.values()];
  }

  return {
    /** Inserts a run with its tags; returns its id (never reused after a delete). */
    createRun(run: NewRun): number {
      return db.transaction(() => {
        const at = (run.createdAt ?? new Date()).toISOString();
        const info = db
          .prepare(
            `INSERT INTO runs (name, origin, status, config, source, group_key, config_hash, seed, steps,
              app_version, notes, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
          )
          .run(
            run.name,
            run.origin,
            run.status,
            json(run.config),
            json(run.source),
            run.groupKey,
            run.configHash ?? null,
            run.seed ?? null,
            run.steps ?? null,
            run.appVersion,
            run.notes ?? '',
            at,
          );
        const id = Number(info.lastInsertRowid);
        for (const tag of new Set(run.tags ?? [])) db.prepare('INSERT INTO run_tags VALUES (?, ?)').run(id, tag);
        return id;
      });
    },

    /** Every run (or those in `ids`), oldest first. */
    listRuns(opts: ListRunsOptions = {}): StoredRun[] {
      if (opts.ids) {
        if (opts.ids.length === 0) return [];
        const rows = db
          .prepare<RunColumns>(`SELECT ${RUN_COLUMNS} FROM runs WHERE id IN (${placeholders(opts.ids.length)})`)
          .all(...opts.ids);
        return attach(rows, opts).sort((a, b) => a.id - b.id);
      }
      return attach(db.prepare<RunColumns>(`SELECT ${RUN_COLUMNS} FROM runs ORDER BY id`).all(), opts);
    },

    getRun(id: number, latestKeys: readonly string[] = []): StoredRun | undefined {
      const row = db.prepare<RunColumns>(`SELECT ${RUN_COLUMNS} FROM runs WHERE id = ?`).get(id);
      return row ? attach([row], { latestKeys })[0] : undefined;
    },

    runExists(id: number): boolean {
      return db.prepare('SELECT 1 FROM runs WHERE id = ?').get(id) !== undefined;
    },

    /** Ids of runs in any of these statuses (e.g. `running` ones to check for dead workers). */
    runIdsWithStatus(statuses: readonly RunStatus[]): number[] {
      if (statuses.length === 0) return [];
      const sql = `SELECT id FROM runs WHERE status IN (${placeholders(statuses.length)}) ORDER BY id`;
      return db
        .prepare<{ id: number }>(sql)
        .all(...statuses)
        .map((r) => r.id);
    },

    /** Sets the status and the matching timestamps; returns false when the run does not exist. */
    setRunStatus(id: number, status: RunStatus, extra: StatusExtra = {}): boolean {
      const params = {
        id,
        status,
        at: (extra.at ?? new Date()).toISOString(),
        error: extra.error ?? null,
        backend: extra.backend ?? null,
        backendDetail: extra.backendDetail ?? null,
      };
      return db.prepare(STATUS_SQL[STATUS_TIMES[status]]).run(params).changes > 0;
    },

    /** Replaces an imported run's source and group key (a followed log reveals its keys and params as it grows). */
    setImportSource(id: number, source: unknown, groupKey: string): boolean {
      const sql = "UPDATE runs SET source = ?, group_key = ? WHERE id = ? AND origin = 'imported'";
      return db.prepare(sql).run(json(source), groupKey, id).changes > 0;
    },

    renameRun(id: number, name: string): boolean {
      return db.prepare('UPDATE runs SET name = ? WHERE id = ?').run(name, id).changes > 0;
    },

    setRunNotes(id: number, notes: string): boolean {
      return db.prepare('UPDATE runs SET notes = ? WHERE id = ?').run(notes, id).changes > 0;
    },

    /** Replaces the run's tags (duplicates collapse). */
    setRunTags(id: number, tags: readonly string[]): boolean {
      return db.transaction(() => {
        if (db.prepare('SELECT 1 FROM runs WHERE id = ?').get(id) === undefined) return false;
        db.prepare('DELETE FROM run_tags WHERE run_id = ?').run(id);
        for (const tag of new Set(tags)) db.prepare('INSERT INTO run_tags VALUES (?, ?)').run(id, tag);
        return true;
      });
    },

    /** Records which process trains the run (null when none does). */
    setRunWorker(id: number, pid: number | null, at = new Date()): boolean {
      const sql = 'UPDATE runs SET worker_pid = ?, heartbeat_at = ? WHERE id = ?';
      return db.prepare(sql).run(pid, pid === null ? null : at.toISOString(), id).changes > 0;
    },

    /** The worker's "still alive" mark; a running run whose mark is old had its worker die. */
    heartbeat(id: number, at = new Date()): boolean {
      return db.prepare('UPDATE runs SET heartbeat_at = ? WHERE id = ?').run(at.toISOString(), id).changes > 0;
    },

    /** Deletes runs and (by cascade) everything they own, in one transaction. Returns the ids deleted. */
    deleteRuns(ids: readonly number[]): number[] {
      return db.transaction(() =>
        [...new Set(ids)].filter((id) => db.prepare('DELETE FROM runs WHERE id = ?').run(id).changes > 0),
      );
    },

    /** Runs grouped by group key (seeds of one experiment), groups in order of their first run. */
    seedGroups(): SeedGroup[] {
      const rows = db
        .prepare<{ id: number; name: string; seed: number | null; groupKey: string }>(
          'SELECT id, name, seed, group_key AS groupKey FROM runs ORDER BY id',
        )
        .all();
      const groups = new Map<string, SeedGroup>();
      for (const r of rows) {
        let g = groups.get(r.groupKey);
        if (!g) {
          g = { groupKey: r.groupKey, name: r.name, runIds: [], seeds: [] };
          groups.set(r.groupKey, g);
        }
        g.runIds.push(r.id);
        g.seeds.push(r.seed);
      }
      return [...groups.values()];
    },
  };
}

export type RunQueries = ReturnType<typeof runQueries>;
