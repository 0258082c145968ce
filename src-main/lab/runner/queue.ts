/**
 * The run queue (issue 4, item 1): queued runs start in order, each in its own worker process, at
 * most `maxConcurrent` at once (counting live runs of every process on this database, so the app and
 * a `cliplab sweep` share the cores). The order lives in the database, so queued runs survive a
 * restart and start again. Worker progress is forwarded as `run.progress`, status changes as
 * `run.changed`, base-model training as `basemodel.progress`, and queue changes as `queue.changed`.
 */
import os from 'node:os';
import { ApiError, type QueueState, type RunRecord } from '../../contract';
import type { LabContext } from '../context';
import { announceRun, readRun } from '../records';
import { liveRunIds, reapDeadWorkers, settleWorkerExit } from './liveness';
import type { WorkerMessage } from './protocol';
import { forkWorker, type SpawnWorker, type WorkerExit, type WorkerHandle } from './spawn';
import { configuredThreads, coresTaken, machineCores, shareOfFreeCores } from './threads';

/** Environment variable that bounds how many runs train at once. */
export const MAX_RUNS_ENV = 'CLIPLAB_MAX_RUNS';
/** How often a running queue looks for runs queued by other processes and for dead workers. */
const POLL_MS = 2000;
/** How long closing waits for workers to checkpoint and stop before killing them. */
const CLOSE_TIMEOUT_MS = 60_000;

export interface TrainingOptions {
  /** Start queued runs in worker processes. Off for labs that only read (most CLI commands). @default false */
  runQueue?: boolean;
  /** Runs training at once. @default CLIPLAB_MAX_RUNS, else os.availableParallelism() */
  maxConcurrent?: number;
  /** How workers start. @default child_process.fork of the worker entry */
  spawnWorker?: SpawnWorker;
  /** Cores shared among runs without a `threads` setting (runner/threads.ts). @default os.availableParallelism() */
  cores?: number;
}

/** The bound on concurrent runs: the option, else CLIPLAB_MAX_RUNS, else one per core. */
export function resolveMaxConcurrent(option: number | undefined, env: NodeJS.ProcessEnv = process.env): number {
  if (option !== undefined) {
    if (!Number.isInteger(option) || option < 1)
      throw new Error(`maxConcurrent: expected an integer >= 1, got ${option}`);
    return option;
  }
  const text = env[MAX_RUNS_ENV];
  if (text !== undefined && text.trim() !== '') {
    const n = Number(text);
    if (!Number.isInteger(n) || n < 1) throw new Error(`${MAX_RUNS_ENV}: expected an integer >= 1, got "${text}"`);
    return n;
  }
  return os.availableParallelism();
}

interface Worker {
  handle: WorkerHandle;
  exited: Promise<void>;
  /** Threads the run computes with. */
  threads: number;
}

export class RunQueue {
  readonly maxConcurrent: number;
  private readonly cores: number;
  private readonly spawn: SpawnWorker;
  private readonly workers = new Map<number, Worker>();
  private timer: NodeJS.Timeout | null = null;
  private closing = false;

  constructor(
    private readonly ctx: LabContext,
    private readonly opts: TrainingOptions = {},
  ) {
    this.maxConcurrent = resolveMaxConcurrent(opts.maxConcurrent);
    this.cores = opts.cores ?? machineCores();
    this.spawn = opts.spawnWorker ?? forkWorker;
  }

  /** Starts queued runs now and keeps looking (when this lab runs the queue). */
  start(): void {
    if (!this.opts.runQueue || this.timer) return;
    this.timer = setInterval(() => this.pump(), POLL_MS);
    this.timer.unref();
    this.pump();
  }

  state(): QueueState {
    const { store } = this.ctx;
    return {
      maxConcurrent: this.maxConcurrent,
      running: liveRunIds(store),
      queued: store.queueEntries().map((e) => e.runId),
    };
  }

  /** Ids of runs this lab's workers are training. */
  ownRuns(): number[] {
    return [...this.workers.keys()];
  }

  /** Appends queued runs in order (`resume`: continue from their last checkpoint) and starts what fits. */
  enqueue(runIds: readonly number[], resume = false): void {
    const { store } = this.ctx;
    store.transaction(() => runIds.forEach((id) => store.enqueueRun(id, resume)));
    this.changed();
    this.pump();
  }

  move(runId: number, position: number): QueueState {
    if (!this.ctx.store.moveQueued(runId, position)) {
      throw new ApiError('conflict', `run ${runId} is not waiting in the queue`, [
        { path: 'id', message: `run ${runId} is not queued` },
      ]);
    }
    this.changed();
    return this.state();
  }

  /** A queued run leaves the queue as cancelled; a running one is asked to stop after its step in flight. */
  cancel(runId: number): RunRecord {
    const { store } = this.ctx;
    const run = readRun(this.ctx, runId);
    if (run.status === 'running') {
      store.requestStop(runId, 'cancelled'); // seen by its worker, whichever process runs it
      return run;
    }
    if (run.status !== 'queued' && run.status !== 'interrupted') {
      throw new ApiError(
        'conflict',
        `run ${runId} is ${run.status}; only queued, running or interrupted runs can be cancelled`,
      );
    }
    store.transaction(() => {
      store.dequeueRun(runId);
      store.setRunStatus(runId, 'cancelled');
    });
    this.changed();
    return announceRun(this.ctx, runId);
  }

  /**
   * Takes runs out of the queue before they start, as `interrupted` (resume starts them), e.g. when
   * a `cliplab sweep` is stopped. Returns the ids withdrawn (runs already started are left alone).
   */
  withdraw(runIds: readonly number[]): number[] {
    const { store } = this.ctx;
    const withdrawn = store.transaction(() =>
      runIds.filter((id) => store.dequeueRun(id) && store.setRunStatus(id, 'interrupted')),
    );
    for (const id of withdrawn) announceRun(this.ctx, id);
    if (withdrawn.length > 0) this.changed();
    return withdrawn;
  }

  /**
   * Starts queued runs while fewer than `maxConcurrent` train, sharing the free cores among those
   * without a `threads` setting; marks runs of dead workers interrupted.
   */
  pump(): void {
    if (!this.opts.runQueue || this.closing) return;
    const { store } = this.ctx;
    for (const id of reapDeadWorkers(store)) announceRun(this.ctx, id);
    let free = this.maxConcurrent - liveRunIds(store).length;
    const entries = store.queueEntries();
    const owned = new Map([...this.workers].map(([id, w]) => [id, w.threads]));
    const share = shareOfFreeCores(this.cores, coresTaken(store, owned), Math.min(free, entries.length));
    for (const entry of entries) {
      if (free <= 0) break;
      if (this.launch(entry.runId, entry.resume, configuredThreads(store, entry.runId) ?? share)) free--;
    }
  }

  private launch(runId: number, resume: boolean, threads: number): boolean {
    const { store } = this.ctx;
    if (!store.claimRun(runId, process.pid, ['queued'])) {
      store.dequeueRun(runId); // no longer queued (cancelled or started elsewhere): a stale entry
      return false;
    }
    announceRun(this.ctx, runId);
    let handle: WorkerHandle;
    try {
      handle = this.spawn({ dbPath: this.ctx.dbPath, runId, resume, claimedBy: process.pid, threads });
    } catch (err) {
      const message = `could not start a worker process: ${err instanceof Error ? err.message : String(err)}`;
      store.endRun(runId, process.pid, 'failed', message);
      announceRun(this.ctx, runId);
      return false;
    }
    const exited = new Promise<void>((resolve) =>
      handle.onExit((exit) => {
        this.onExit(runId, handle, exit);
        resolve();
      }),
    );
    handle.onMessage((msg) => this.onMessage(msg));
    this.workers.set(runId, { handle, exited, threads });
    this.changed();
    return true;
  }

  private onMessage(msg: WorkerMessage): void {
    if (msg.type === 'progress') {
      const { runId: id, step, steps, latest, stepsPerSecond } = msg;
      this.ctx.emit('run.progress', { id, step, steps, status: 'running', latest, stepsPerSecond });
    } else if (msg.type === 'basemodel') {
      const { type: _type, ...event } = msg;
      this.ctx.emit('basemodel.progress', event);
    } else if (msg.type === 'status' && this.ctx.store.runExists(msg.runId)) {
      announceRun(this.ctx, msg.runId);
    }
  }

  private onExit(runId: number, handle: WorkerHandle, exit: WorkerExit): void {
    this.workers.delete(runId);
    if (settleWorkerExit(this.ctx.store, runId, handle.pid, exit)) announceRun(this.ctx, runId);
    this.changed();
    this.pump();
  }

  private changed(): void {
    this.ctx.emit('queue.changed', this.state());
  }

  /**
   * Stops running the queue. Workers are asked to checkpoint and stop after their step in flight
   * (their runs become `interrupted`, resumable); any still alive after the timeout are killed.
   * Queued runs stay queued for the next start.
   */
  async close(timeoutMs = CLOSE_TIMEOUT_MS): Promise<void> {
    this.closing = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    const workers = [...this.workers.values()];
    for (const id of this.workers.keys()) this.ctx.store.requestStop(id, 'interrupted');
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), timeoutMs)));
    const all = Promise.all(workers.map((w) => w.exited));
    if ((await Promise.race([all, timeout])) === 'timeout') {
      for (const w of this.workers.values()) w.handle.kill();
      await all;
    }
    clearTimeout(timer);
  }
}
