/**
 * Training one run in this process, for a caller that waits for it (tests, scripts). It loads
 * TensorFlow.js; `cliplab train` trains in a child process instead (child.ts).
 */
import type { LabContext } from '../context';
import { announceRun } from '../records';
import { claimForeground } from './child';
import { runWorker, type WorkerHooks, type WorkerOutcome } from './run-worker';

export interface ForegroundOptions extends WorkerHooks {
  /** Continue an interrupted, cancelled or failed run from its last checkpoint. */
  resume: boolean;
}

/** Trains the run in this process to its end. */
export async function trainInForeground(
  ctx: LabContext,
  runId: number,
  opts: ForegroundOptions,
): Promise<WorkerOutcome> {
  claimForeground(ctx, runId, opts.resume);
  const outcome = await runWorker({ dbPath: ctx.dbPath, runId, resume: opts.resume, claimedBy: process.pid }, opts);
  announceRun(ctx, runId);
  return outcome;
}
