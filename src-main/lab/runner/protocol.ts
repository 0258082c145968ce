/**
 * The worker protocol: what a run worker is told to do, and the light messages it posts to the
 * process that started it. The worker writes everything that matters to SQLite itself; messages
 * only make the UI live, so losing one loses nothing.
 */
import type { BaseModelProgressEvent, RunStatus } from '../../contract';
import type { StopKind } from '../../store';

/** One run for one worker process. Plain JSON: it travels as argv, env or the first IPC message. */
export interface WorkerJob {
  dbPath: string;
  runId: number;
  /** Continue from the run's latest checkpoint (else the run starts over from step 0). */
  resume: boolean;
  /** The process that claimed the run for this worker (store.claimRun); the worker takes it over. */
  claimedBy: number;
  /** Threads to compute with (runner/threads.ts); absent: the run's `threads` setting, else one. */
  threads?: number;
}

/** How a run ended, as the worker recorded it. */
export type EndStatus = Extract<RunStatus, 'completed' | 'cancelled' | 'interrupted' | 'diverged' | 'failed'>;

/**
 * Why a worker stops early: a user's cancel, or an interruption (Ctrl-C, the app closing) to resume
 * later. Requests travel through the database (store.requestStop), which the worker reads
 * synchronously between steps, so they are seen even while it trains a base model.
 */
export type StopReason = StopKind;

export type WorkerMessage =
  | { type: 'status'; runId: number; status: RunStatus }
  | {
      type: 'progress';
      runId: number;
      /** 0-based step just finished. */
      step: number;
      steps: number;
      latest: Record<string, number | null>;
      stepsPerSecond: number | null;
    }
  | ({ type: 'basemodel' } & BaseModelProgressEvent)
  | { type: 'done'; runId: number; status: EndStatus; error: string | null };

/** What a parent may send: the job, when it is not on the command line. */
export type ParentMessage = { type: 'job'; job: WorkerJob };

/** The argv flag that carries a job as JSON. */
export const JOB_FLAG = '--job';
/** The environment variable that may carry a job as JSON instead. */
export const JOB_ENV = 'CLIPLAB_WORKER_JOB';

export function isWorkerJob(v: unknown): v is WorkerJob {
  const j = v as WorkerJob;
  return (
    typeof j === 'object' &&
    j !== null &&
    typeof j.dbPath === 'string' &&
    Number.isInteger(j.runId) &&
    typeof j.resume === 'boolean' &&
    Number.isInteger(j.claimedBy) &&
    (j.threads === undefined || (Number.isInteger(j.threads) && j.threads >= 1))
  );
}

export function isParentMessage(v: unknown): v is ParentMessage {
  const m = v as ParentMessage;
  if (typeof m !== 'object' || m === null) return false;
  return m.type === 'job' && isWorkerJob(m.job);
}

export function isWorkerMessage(v: unknown): v is WorkerMessage {
  const m = v as WorkerMessage;
  return (
    typeof m === 'object' &&
    m !== null &&
    typeof m.runId === 'number' &&
    ['status', 'progress', 'basemodel', 'done'].includes(m.type)
  );
}
