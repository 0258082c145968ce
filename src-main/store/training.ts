/**
 * What training needs beyond runs and their data (issue 4): the queue's persisted order, which
 * process owns a running run (claims and hand-overs), stop requests any process can set,
 * control twins, and claims on base models being built. Every claim is an IMMEDIATE transaction:
 * it takes the write lock before reading, so two processes cannot both win it.
 */
import type { RunStatus } from '../contract';
import type { Db } from './db';

export interface QueueEntry {
  runId: number;
  position: number;
  /** Continue from the last checkpoint instead of starting over. */
  resume: boolean;
}

export interface RunningWorker {
  runId: number;
  pid: number | null;
  heartbeatAt: string | null;
}

export interface BaseModelBuild {
  key: string;
  runId: number | null;
  pid: number;
  heartbeatAt: string;
}

/** Why a running run is asked to stop: a user cancelled it, or it is interrupted to resume later. */
export type StopKind = 'cancelled' | 'interrupted';

export type BuildClaim = { state: 'built' } | { state: 'claimed' } | { state: 'busy'; build: BaseModelBuild };

const placeholders = (n: number) => Array.from({ length: n }, () => '?').join(', ');

export function trainingQueries(db: Db) {
  const immediate = <T>(fn: () => T): T => db.sql.transaction(fn).immediate();
  const now = (at?: Date) => (at ?? new Date()).toISOString();

  return {
    /** Appends a run to the queue (or moves it to the end if it is there). */
    enqueueRun(runId: number, resume = false): void {
      db.transaction(() => {
        const last = db.prepare<{ p: number | null }>('SELECT max(position) AS p FROM run_queue').get()!.p;
        db.prepare('INSERT OR REPLACE INTO run_queue (run_id, position, resume) VALUES (?, ?, ?)').run(
          runId,
          (last ?? -1) + 1,
          resume ? 1 : 0,
        );
      });
    },

    /** Queued runs in the order they start. */
    queueEntries(): QueueEntry[] {
      const sql = 'SELECT run_id AS runId, position, resume FROM run_queue ORDER BY position, run_id';
      return db
        .prepare<{ runId: number; position: number; resume: number }>(sql)
        .all()
        .map((r) => ({ ...r, resume: r.resume === 1 }));
    },

    /** Moves a queued run to `index` (0 = next; past the end = last). False when it is not queued. */
    moveQueued(runId: number, index: number): boolean {
      return db.transaction(() => {
        const ids = db
          .prepare<{ id: number }>('SELECT run_id AS id FROM run_queue ORDER BY position, run_id')
          .all()
          .map((r) => r.id);
        const from = ids.indexOf(runId);
        if (from < 0) return false;
        ids.splice(from, 1);
        ids.splice(Math.min(Math.max(0, index), ids.length), 0, runId);
        ids.forEach((id, position) =>
          db.prepare('UPDATE run_queue SET position = ? WHERE run_id = ?').run(position, id),
        );
        return true;
      });
    },

    dequeueRun(runId: number): boolean {
      return db.prepare('DELETE FROM run_queue WHERE run_id = ?').run(runId).changes > 0;
    },

    /**
     * Makes `pid` the owner of a run in one of `from` statuses: status running (start time kept for a
     * resumed run), out of the queue, no pending stop request. False when the run is not in those statuses.
     */
    claimRun(runId: number, pid: number, from: readonly RunStatus[], at?: Date): boolean {
      return immediate(() => {
        const t = now(at);
        const sql = `UPDATE runs SET status = 'running', started_at = coalesce(started_at, ?), finished_at = NULL,
          error = NULL, worker_pid = ?, heartbeat_at = ? WHERE id = ? AND status IN (${placeholders(from.length)})`;
        if (from.length === 0 || db.prepare(sql).run(t, pid, t, runId, ...from).changes === 0) return false;
        db.prepare('DELETE FROM run_queue WHERE run_id = ?').run(runId);
        db.prepare('DELETE FROM stop_requests WHERE run_id = ?').run(runId);
        return true;
      });
    },

    /** A worker takes over the run its parent claimed for it. False if someone else owns it now. */
    takeOverRun(runId: number, claimedBy: number, pid: number, at?: Date): boolean {
      const sql = `UPDATE runs SET worker_pid = ?, heartbeat_at = ? WHERE id = ? AND status = 'running'
        AND worker_pid = ?`;
      return immediate(() => db.prepare(sql).run(pid, now(at), runId, claimedBy).changes > 0);
    },

    /** Whether `pid` still owns the run (it is running and nobody marked it otherwise). */
    ownsRun(runId: number, pid: number): boolean {
      const sql = "SELECT 1 FROM runs WHERE id = ? AND status = 'running' AND worker_pid = ?";
      return db.prepare(sql).get(runId, pid) !== undefined;
    },

    /** The owner ends the run: final status and error, no owner, no pending stop request. False if not the owner. */
    endRun(runId: number, pid: number, status: RunStatus, error: string | null = null, at?: Date): boolean {
      return db.transaction(() => {
        const sql = `UPDATE runs SET status = ?, finished_at = ?, error = ?, worker_pid = NULL, heartbeat_at = NULL
          WHERE id = ? AND status = 'running' AND worker_pid = ?`;
        if (db.prepare(sql).run(status, now(at), error, runId, pid).changes === 0) return false;
        db.prepare('DELETE FROM stop_requests WHERE run_id = ?').run(runId);
        return true;
      });
    },

    /**
     * Local runs marked running, with who trains them and their last sign of life. A followed import
     * is running too but trains nothing: it takes no queue slot (lab/import/follow-service.ts owns it).
     */
    runningWorkers(): RunningWorker[] {
      const sql = `SELECT id AS runId, worker_pid AS pid, heartbeat_at AS heartbeatAt FROM runs
        WHERE status = 'running' AND origin = 'local' ORDER BY started_at, id`;
      return db.prepare<RunningWorker>(sql).all();
    },

    /** Marks a running run whose worker `pid` is gone as interrupted (resumable). False if it changed meanwhile. */
    markInterrupted(runId: number, pid: number | null, error: string, at?: Date): boolean {
      const sql = `UPDATE runs SET status = 'interrupted', finished_at = ?, error = ?, worker_pid = NULL,
        heartbeat_at = NULL WHERE id = ? AND status = 'running' AND worker_pid IS ?`;
      return db.prepare(sql).run(now(at), error, runId, pid).changes > 0;
    },

    /** Asks the run's worker to stop after its step in flight; a cancel outranks an interruption. */
    requestStop(runId: number, reason: StopKind, at?: Date): void {
      const sql = `INSERT INTO stop_requests (run_id, reason, requested_at) VALUES (?, ?, ?)
        ON CONFLICT (run_id) DO UPDATE SET reason = CASE WHEN reason = 'cancelled' THEN reason ELSE excluded.reason END`;
      db.prepare(sql).run(runId, reason, now(at));
    },

    /** The pending stop request of a run, or null. */
    stopRequest(runId: number): StopKind | null {
      const row = db.prepare<{ reason: StopKind }>('SELECT reason FROM stop_requests WHERE run_id = ?').get(runId);
      return row?.reason ?? null;
    },

    /** Links a random-reward control to the run it twins. */
    setControlOf(controlId: number, runId: number): boolean {
      return db.prepare('UPDATE runs SET control_of = ? WHERE id = ?').run(runId, controlId).changes > 0;
    },

    /** The run a control twins, or null. */
    controlOf(runId: number): number | null {
      const row = db.prepare<{ c: number | null }>('SELECT control_of AS c FROM runs WHERE id = ?').get(runId);
      return row?.c ?? null;
    },

    /** Controls of these runs: control id -> run id. */
    controlsOf(runIds: readonly number[]): Map<number, number> {
      if (runIds.length === 0) return new Map();
      const sql = `SELECT id, control_of AS of FROM runs WHERE control_of IN (${placeholders(runIds.length)})`;
      const rows = db.prepare<{ id: number; of: number }>(sql).all(...runIds);
      return new Map(rows.map((r) => [r.id, r.of]));
    },

    /** Deletes every metric, sample and checkpoint of a run (a run starting over). One transaction. */
    clearRunData(runId: number): void {
      db.transaction(() => {
        for (const table of ['metrics', 'run_metric_stats', 'samples', 'checkpoints']) {
          db.prepare(`DELETE FROM ${table} WHERE run_id = ?`).run(runId);
        }
      });
    },

    /**
     * Claims the right to train base model `key`: `built` when it is stored already, `busy` when a
     * live build holds it (`isStale` decides whether a holder is dead), else `claimed` for `pid`.
     */
    claimBaseModelBuild(
      key: string,
      owner: { pid: number; runId: number | null },
      isStale: (b: BaseModelBuild) => boolean,
    ): BuildClaim {
      return immediate(() => {
        if (db.prepare('SELECT 1 FROM base_models WHERE key = ?').get(key)) return { state: 'built' as const };
        const sql =
          'SELECT key, run_id AS runId, pid, heartbeat_at AS heartbeatAt FROM base_model_builds WHERE key = ?';
        const build = db.prepare<BaseModelBuild>(sql).get(key);
        if (build && build.pid !== owner.pid && !isStale(build)) return { state: 'busy' as const, build };
        db.prepare('INSERT OR REPLACE INTO base_model_builds (key, run_id, pid, heartbeat_at) VALUES (?, ?, ?, ?)').run(
          key,
          owner.runId,
          owner.pid,
          now(),
        );
        return { state: 'claimed' as const };
      });
    },

    touchBaseModelBuild(key: string, pid: number, at?: Date): void {
      db.prepare('UPDATE base_model_builds SET heartbeat_at = ? WHERE key = ? AND pid = ?').run(now(at), key, pid);
    },

    releaseBaseModelBuild(key: string, pid: number): void {
      db.prepare('DELETE FROM base_model_builds WHERE key = ? AND pid = ?').run(key, pid);
    },
  };
}

export type TrainingQueries = ReturnType<typeof trainingQueries>;
