/**
 * One run, trained to its end by the process that owns it (a worker process, or `cliplab train` in
 * the foreground). It opens its own store connection (WAL), writes each step's metrics and samples
 * in one transaction, checkpoints atomically every `log.checkpointEvery` steps and at the end, keeps
 * a heartbeat, and stops between steps when asked (a stop request any process can store: cancelled
 * or interrupted).
 * A crash loses at most the step in flight: resume restarts from the last checkpoint after deleting
 * what came later, so every step is stored exactly once.
 */
import { METRIC, parseOrThrow, runConfigSchema, type RunConfig } from '../../contract';
import { backendOptionsFor, selectBackend, type BackendInfo } from '../../engine/backend';
import { createTrainer, DivergedError } from '../../engine/trainer';
import type { StepResult, Trainer, TrainerState } from '../../engine/types';
import { openStore, type Store } from '../../store';
import { HEADLINE_KEYS } from '../records';
import { obtainBaseModel } from './base-models';
import { decodeCheckpoint, encodeCheckpoint } from './codec';
import { HEARTBEAT_MS } from './liveness';
import type { EndStatus, StopReason, WorkerJob, WorkerMessage } from './protocol';

/** At most this many progress messages per second. */
const PROGRESS_EVERY_MS = 250;
/** Checkpoints kept per run (older ones are pruned in the same transaction). */
const KEEP_CHECKPOINTS = 2;

export interface WorkerHooks {
  report(msg: WorkerMessage): void;
  /** A stop asked of this process (Ctrl-C, the parent closing); polled between steps. */
  stopRequested?(): StopReason | null;
}

export interface WorkerOutcome {
  runId: number;
  status: EndStatus;
  error: string | null;
}

/** Another process marked the run otherwise (interrupted, cancelled): this worker must not write to it. */
class LostOwnership extends Error {}

/** "wasm (XNNPACK, SIMD, 1 thread per process)", plus the GPU's name for webgpu. */
export function backendDetail(info: BackendInfo): string {
  return info.adapter ? `${info.detail}; ${info.adapter.name} (${info.adapter.type})` : info.detail;
}

class RunSession {
  private readonly started = performance.now();
  private elapsedBefore = 0;
  private lastProgress = 0;
  private lastCheckpointStep = -1;

  constructor(
    private readonly store: Store,
    private readonly job: WorkerJob,
    private readonly hooks: WorkerHooks,
    private readonly pid: number,
  ) {}

  private get runId(): number {
    return this.job.runId;
  }

  /** A request stored by any process (a cancel outranks an interruption), else one asked of this process. */
  stopReason(): StopReason | null {
    return this.store.stopRequest(this.runId) ?? this.hooks.stopRequested?.() ?? null;
  }

  elapsed(): number {
    return this.elapsedBefore + (performance.now() - this.started) / 1000;
  }

  async run(): Promise<WorkerOutcome> {
    try {
      const config = this.loadConfig();
      const backend = await selectBackend(
        config.backend,
        backendOptionsFor(config, this.job.threads ?? config.threads ?? 1),
      );
      // Loading a backend takes a while: another process may have taken the run over meanwhile.
      this.store.transaction(() => {
        this.assertOwner();
        this.store.setRunStatus(this.runId, 'running', {
          backend: backend.name,
          backendDetail: backendDetail(backend),
        });
      });
      this.hooks.report({ type: 'status', runId: this.runId, status: 'running' });
      const baseWeights = config.policy.kind === 'gpt' ? await this.baseWeights(config, backend) : undefined;
      if (baseWeights === null) return this.end(this.stopReason() ?? 'interrupted');
      const resume = this.prepareData();
      const trainer = await createTrainer(config, { baseWeights, resume, backend });
      try {
        return await this.loop(trainer);
      } finally {
        trainer.dispose();
      }
    } catch (err) {
      if (err instanceof LostOwnership) return { runId: this.runId, status: 'interrupted', error: err.message };
      if (err instanceof DivergedError) return this.end('diverged', err.message);
      return this.end('failed', err instanceof Error ? err.message : String(err));
    }
  }

  private loadConfig(): RunConfig {
    const row = this.store.getRun(this.runId);
    if (!row || row.origin !== 'local' || row.config === null) {
      throw new Error(`run ${this.runId} has no run config to train (imported runs cannot be trained)`);
    }
    return parseOrThrow(runConfigSchema, JSON.parse(row.config), `config of run ${this.runId}`);
  }

  private baseWeights(config: RunConfig, backend: BackendInfo) {
    const { store, runId, pid } = this;
    return obtainBaseModel(config, {
      store,
      runId,
      pid,
      backend,
      report: this.hooks.report,
      shouldStop: () => this.stopReason() !== null,
    });
  }

  /** The state to resume from, with later data deleted; or a clean slate when starting over. */
  private prepareData(): TrainerState | undefined {
    const checkpoint = this.job.resume ? this.store.latestCheckpoint(this.runId) : undefined;
    if (!checkpoint) {
      this.store.clearRunData(this.runId);
      return undefined;
    }
    const { state, extra } = decodeCheckpoint(checkpoint.data);
    if (state.step !== checkpoint.step + 1) {
      throw new Error(`checkpoint at step ${checkpoint.step} of run ${this.runId} holds state for step ${state.step}`);
    }
    this.store.truncateAfter(this.runId, checkpoint.step);
    this.elapsedBefore = extra.elapsed;
    this.lastCheckpointStep = checkpoint.step;
    return state;
  }

  private async loop(trainer: Trainer): Promise<WorkerOutcome> {
    const { steps, log } = trainer.config;
    const beat = setInterval(() => this.store.heartbeat(this.runId), HEARTBEAT_MS);
    try {
      while (trainer.step < steps) {
        // tfjs reads resolve as microtasks: without this turn of the event loop, signals, IPC and
        // the heartbeat timer would wait for the end of the run.
        await new Promise((resolve) => setImmediate(resolve));
        const reason = this.stopReason();
        if (reason) {
          await this.checkpointNow(trainer);
          return this.end(reason);
        }
        const result = await trainer.runStep();
        const done = trainer.step === steps;
        const due = done || (log.checkpointEvery > 0 && trainer.step % log.checkpointEvery === 0);
        const checkpoint = due ? encodeCheckpoint(await trainer.state(), { elapsed: this.elapsed() }) : null;
        this.writeStep(result, checkpoint);
        this.progress(result, steps, done);
      }
      return this.end('completed');
    } finally {
      clearInterval(beat);
    }
  }

  /** A step's metrics, samples and (when due) checkpoint: all stored, or none. */
  private writeStep(result: StepResult, checkpoint: Uint8Array | null): void {
    const time = this.elapsed();
    const points = Object.entries(result.metrics).map(([key, value]) => ({ key, step: result.step, value, time }));
    this.store.transaction(() => {
      this.assertOwner();
      this.store.appendMetrics(this.runId, points);
      if (result.samples.length > 0) this.store.putSamples(this.runId, result.step, result.samples);
      if (checkpoint) this.store.saveCheckpoint(this.runId, result.step, checkpoint, { keep: KEEP_CHECKPOINTS });
      this.store.heartbeat(this.runId);
    });
    if (checkpoint) this.lastCheckpointStep = result.step;
  }

  /** Before stopping early: a checkpoint at the last finished step, so a resume loses nothing. */
  private async checkpointNow(trainer: Trainer): Promise<void> {
    const last = trainer.step - 1;
    if (last < 0 || last === this.lastCheckpointStep) return;
    const data = encodeCheckpoint(await trainer.state(), { elapsed: this.elapsed() });
    this.store.transaction(() => {
      this.assertOwner();
      this.store.saveCheckpoint(this.runId, last, data, { keep: KEEP_CHECKPOINTS });
    });
    this.lastCheckpointStep = last;
  }

  private assertOwner(): void {
    if (!this.store.ownsRun(this.runId, this.pid)) {
      throw new LostOwnership(`run ${this.runId} is no longer owned by this worker (pid ${this.pid})`);
    }
  }

  private progress(result: StepResult, steps: number, force: boolean): void {
    const now = performance.now();
    if (!force && now - this.lastProgress < PROGRESS_EVERY_MS) return;
    this.lastProgress = now;
    const latest = Object.fromEntries(HEADLINE_KEYS.map((k) => [k, result.metrics[k] ?? null]));
    const stepSeconds = result.metrics[METRIC.timeStep];
    const stepsPerSecond = stepSeconds > 0 ? 1 / stepSeconds : null;
    this.hooks.report({ type: 'progress', runId: this.runId, step: result.step, steps, latest, stepsPerSecond });
  }

  private end(status: EndStatus, error: string | null = null): WorkerOutcome {
    const recorded = this.store.endRun(this.runId, this.pid, status, error);
    if (!recorded) return { runId: this.runId, status: 'interrupted', error: 'the run was taken over meanwhile' };
    this.hooks.report({ type: 'status', runId: this.runId, status });
    this.hooks.report({ type: 'done', runId: this.runId, status, error });
    return { runId: this.runId, status, error };
  }
}

/**
 * Trains the run of `job` to its end in this process and records how it ended. The run must have
 * been claimed (store.claimRun) by `job.claimedBy`; this process takes it over.
 */
export async function runWorker(job: WorkerJob, hooks: WorkerHooks): Promise<WorkerOutcome> {
  const store = openStore(job.dbPath);
  try {
    if (!store.takeOverRun(job.runId, job.claimedBy, process.pid)) {
      const row = store.getRun(job.runId);
      const why = row ? `it is ${row.status}` : 'it does not exist';
      throw new Error(`run ${job.runId} was not claimed for this worker (${why})`);
    }
    return await new RunSession(store, job, hooks, process.pid).run();
  } finally {
    store.close();
  }
}
