/**
 * Training one run for a caller that waits for it (`cliplab train`, `resume`, `control`) in a worker
 * process this process watches. While a step or a base model trains, the worker's event loop is
 * busy, so a Ctrl-C is best handled by an idle parent that stores a stop request the worker reads
 * between steps (and a second Ctrl-C can end the worker at once). No TensorFlow.js is loaded here.
 */
import { ApiError, RESUMABLE, type RunRecord, type RunStatus } from '../../contract';
import type { LabContext } from '../context';
import { announceRun, readRun } from '../records';
import { assertResumable } from './handlers';
import { settleWorkerExit } from './liveness';
import type { EndStatus, StopReason, WorkerMessage } from './protocol';
import type { WorkerOutcome } from './run-worker';
import { forkWorker, type SpawnWorker } from './spawn';
import { configuredThreads, coresTaken, machineCores, shareOfFreeCores } from './threads';

/** Makes this process the run's owner: it must be queued, or resumable when `resume` is set. */
export function claimForeground(ctx: LabContext, runId: number, resume: boolean): void {
  const run = readRun(ctx, runId);
  if (resume) assertResumable(run);
  const from: readonly RunStatus[] = resume ? RESUMABLE : ['queued'];
  if (!ctx.store.claimRun(runId, process.pid, from)) {
    throw new ApiError('conflict', `run ${runId} is ${readRun(ctx, runId).status}; it cannot start here`);
  }
  announceRun(ctx, runId);
}

export interface ChildRun {
  /** Resolves once the worker process has exited, with how the run ended. */
  done: Promise<WorkerOutcome>;
  /** Asks the worker to stop after its step in flight (seen even while it trains a base model). */
  stop(reason: StopReason): void;
  /** Ends the worker at once; the run is left interrupted, resumable from its last checkpoint. */
  kill(): void;
}

function outcomeOf(run: RunRecord): WorkerOutcome {
  const ended: readonly RunStatus[] = ['completed', 'cancelled', 'interrupted', 'diverged', 'failed'];
  const status = (ended.includes(run.status) ? run.status : 'interrupted') as EndStatus;
  return { runId: run.id, status, error: run.error };
}

/** Trains the run in a worker process (forked by default) that reports to `report`. */
export function trainInChild(
  ctx: LabContext,
  runId: number,
  opts: { resume: boolean; report(msg: WorkerMessage): void; spawn?: SpawnWorker },
): ChildRun {
  claimForeground(ctx, runId, opts.resume);
  const threads =
    configuredThreads(ctx.store, runId) ?? shareOfFreeCores(machineCores(), coresTaken(ctx.store, new Map(), runId), 1);
  let handle;
  try {
    const job = { dbPath: ctx.dbPath, runId, resume: opts.resume, claimedBy: process.pid, threads };
    handle = (opts.spawn ?? forkWorker)(job);
  } catch (err) {
    // Nothing trained: a resumable run stays resumable; a new one failed to start.
    const status = opts.resume ? 'interrupted' : 'failed';
    ctx.store.endRun(runId, process.pid, status, `could not start a worker process: ${(err as Error).message}`);
    announceRun(ctx, runId);
    throw err;
  }
  handle.onMessage(opts.report);
  const done = new Promise<WorkerOutcome>((resolve) =>
    handle.onExit((exit) => {
      settleWorkerExit(ctx.store, runId, handle.pid, exit);
      resolve(outcomeOf(announceRun(ctx, runId)));
    }),
  );
  return { done, stop: (reason) => ctx.store.requestStop(runId, reason), kill: () => handle.kill() };
}
