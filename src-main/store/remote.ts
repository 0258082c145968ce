/**
 * Remote runs (issue 17): the Ray job behind each run with origin 'remote', what Ray last said about
 * it, and which cliplab process follows it. Following is claimed like training (worker pid and
 * heartbeat on the run), so two processes on one database never follow the same job twice, and a
 * process that died leaves the run to the next one.
 */
import type { RunStatus } from '../contract';
import type { Db } from './db';

/** A remote_jobs row. `request` is the job request JSON as it is (re)sent to Ray. */
export interface StoredRemoteJob {
  runId: number;
  engine: string;
  target: string;
  jobId: string;
  request: string;
  channel: string;
  streamPath: string | null;
  gpus: number;
  /** The user allowed plain http to a non-loopback dashboard for this run. */
  insecureOk: boolean;
  jobStatus: string | null;
  message: string | null;
  submittedAt: string | null;
  stopSentAt: string | null;
  checkedAt: string | null;
  unreachable: string | null;
}

export type NewRemoteJob = Pick<
  StoredRemoteJob,
  'runId' | 'engine' | 'target' | 'jobId' | 'request' | 'channel' | 'streamPath' | 'gpus' | 'insecureOk'
>;

/** A remote run that has not ended, with its follower's claim. */
export interface OpenRemoteRun {
  runId: number;
  status: RunStatus;
  pid: number | null;
  heartbeatAt: string | null;
}

const COLUMNS = `run_id AS runId, engine, target, job_id AS jobId, request, channel, stream_path AS streamPath,
  gpus, insecure_ok AS insecureOk, job_status AS jobStatus, message, submitted_at AS submittedAt,
  stop_sent_at AS stopSentAt, checked_at AS checkedAt, unreachable`;

type Row = Omit<StoredRemoteJob, 'insecureOk'> & { insecureOk: number };

const toJob = (r: Row): StoredRemoteJob => ({ ...r, insecureOk: r.insecureOk === 1 });
const now = (at?: Date) => (at ?? new Date()).toISOString();
const placeholders = (n: number) => Array.from({ length: n }, () => '?').join(', ');

export function remoteQueries(db: Db) {
  return {
    /** Records the job of a remote run (created in the same transaction as the run). */
    createRemoteJob(job: NewRemoteJob): void {
      db.prepare(
        `INSERT INTO remote_jobs (run_id, engine, target, job_id, request, channel, stream_path, gpus, insecure_ok)
          VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ).run(
        job.runId,
        job.engine,
        job.target,
        job.jobId,
        job.request,
        job.channel,
        job.streamPath,
        job.gpus,
        job.insecureOk ? 1 : 0,
      );
    },

    remoteJob(runId: number): StoredRemoteJob | undefined {
      const row = db.prepare<Row>(`SELECT ${COLUMNS} FROM remote_jobs WHERE run_id = ?`).get(runId);
      return row ? toJob(row) : undefined;
    },

    /** The jobs of these runs, by run id (runs without one are absent). */
    remoteJobsOf(runIds: readonly number[]): Map<number, StoredRemoteJob> {
      if (runIds.length === 0) return new Map();
      const sql = `SELECT ${COLUMNS} FROM remote_jobs WHERE run_id IN (${placeholders(runIds.length)})`;
      return new Map(
        db
          .prepare<Row>(sql)
          .all(...runIds)
          .map((r) => [r.runId, toJob(r)]),
      );
    },

    /** Ray accepted the job. */
    markSubmitted(runId: number, at?: Date): void {
      db.prepare('UPDATE remote_jobs SET submitted_at = coalesce(submitted_at, ?) WHERE run_id = ?').run(
        now(at),
        runId,
      );
    },

    /** What Ray answered about the job; the cluster is reachable again. */
    recordJobState(runId: number, jobStatus: string, message: string | null, at?: Date): void {
      const sql = `UPDATE remote_jobs SET job_status = ?, message = ?, checked_at = ?, unreachable = NULL
        WHERE run_id = ?`;
      db.prepare(sql).run(jobStatus, message, now(at), runId);
    },

    /** Why the cluster could not be reached (null: it answered). */
    recordUnreachable(runId: number, why: string | null): void {
      db.prepare('UPDATE remote_jobs SET unreachable = ? WHERE run_id = ?').run(why, runId);
    },

    /** Ray acknowledged a stop request for the job. */
    markStopSent(runId: number, at?: Date): void {
      db.prepare('UPDATE remote_jobs SET stop_sent_at = coalesce(stop_sent_at, ?) WHERE run_id = ?').run(
        now(at),
        runId,
      );
    },

    /** Remote runs still queued or running, oldest first, with whoever follows them. */
    openRemoteRuns(): OpenRemoteRun[] {
      const sql = `SELECT id AS runId, status, worker_pid AS pid, heartbeat_at AS heartbeatAt FROM runs
        WHERE origin = 'remote' AND status IN ('queued', 'running') ORDER BY id`;
      return db.prepare<OpenRemoteRun>(sql).all();
    },

    /**
     * Makes `pid` the follower of an open remote run unless another live follower holds it (`isGone`
     * decides about a recorded one). False when someone else follows it or it has ended.
     */
    claimRemoteRun(runId: number, pid: number, isGone: (pid: number | null, heartbeatAt: string | null) => boolean) {
      return db.transaction(() => {
        const sql = `SELECT worker_pid AS pid, heartbeat_at AS heartbeatAt FROM runs
          WHERE id = ? AND origin = 'remote' AND status IN ('queued', 'running')`;
        const row = db.prepare<{ pid: number | null; heartbeatAt: string | null }>(sql).get(runId);
        const held = row && row.pid !== null && row.pid !== pid && !isGone(row.pid, row.heartbeatAt);
        if (!row || held) return false;
        db.prepare('UPDATE runs SET worker_pid = ?, heartbeat_at = ? WHERE id = ?').run(pid, now(), runId);
        return true;
      });
    },

    /** The follower lets go of a run (it stays as it is, for the next cliplab to follow). */
    releaseRemoteRun(runId: number, pid: number): void {
      const sql = 'UPDATE runs SET worker_pid = NULL, heartbeat_at = NULL WHERE id = ? AND worker_pid = ?';
      db.prepare(sql).run(runId, pid);
    },
  };
}

export type RemoteQueries = ReturnType<typeof remoteQueries>;
