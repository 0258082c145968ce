/**
 * Runs users start: the queue, worker processes, control twins and sweeps (issue 4). Training itself
 * (`run-worker.ts`, `foreground.ts`) loads TensorFlow.js: import those files directly, where training
 * happens, so the lab, the app's main process and read-only CLI commands do not load it.
 */
export { RunQueue, resolveMaxConcurrent, MAX_RUNS_ENV, type TrainingOptions } from './queue';
export { trainingHandlers, assertResumable } from './handlers';
export { createControlRun, controlConfig, planSweep } from './plans';
export { trainInChild, claimForeground, type ChildRun } from './child';
export { finalMetrics, meanReward } from './results';
export { forkWorker, workerEntry, type SpawnWorker, type WorkerHandle, type WorkerExit } from './spawn';
export { reapDeadWorkers, isProcessAlive, liveRunIds } from './liveness';
export type { WorkerJob, WorkerMessage, ParentMessage, StopReason, EndStatus } from './protocol';
export type { WorkerOutcome } from './run-worker';
