/**
 * API calls and events for runs users start (issue 4): starting runs and sweeps, cancelling,
 * resuming, random-reward controls, and the run queue. Runs train in worker processes; the lab
 * forwards their progress as `run.progress`, status changes as `run.changed`, base-model training
 * as `basemodel.progress` and queue changes as `queue.changed`.
 */
import { z } from 'zod';
import { runConfigSchema } from '../config';
import type { RunRecord, RunStatus } from '../runs';
import { defineCall, defineEvent } from './define';
import { runId } from './runs';

/** The queue as every client sees it. */
export interface QueueState {
  /** How many runs may train at once. */
  maxConcurrent: number;
  /** Runs training now (in any process on this database), oldest start first. */
  running: number[];
  /** Runs waiting, next to start first. */
  queued: number[];
}

export interface StartedRun {
  run: RunRecord;
  /** The random-reward control, when one was asked for. */
  control: RunRecord | null;
}

export interface StartedSweep {
  /** Every run created, controls right after the run they control. */
  ids: number[];
  runs: RunRecord[];
  /** Runs of cells that existed already and were not created again (`skipExisting`). */
  skipped: number[];
}

/** One cell of a sweep: a grid point and seed, and the run that already has it, if any. */
export interface SweepCell {
  /** The grid's values for this cell, by dotted path, as the run's config has them. */
  values: Record<string, unknown>;
  seed: number;
  name: string;
  steps: number;
  /** A local run of the same config and seed that is done, training, waiting or resumable. */
  existing: { id: number; status: RunStatus } | null;
}

/** How long the new runs of a sweep would take here, from step times measured on this machine. */
export interface SweepEstimate {
  /** Training seconds of all new runs together; null when no similar run has been timed here. */
  totalSeconds: number | null;
  /** totalSeconds spread over the runs training at once. */
  wallSeconds: number | null;
  /** How many runs train at once (the queue's limit, at most the runs queued). */
  parallel: number;
  /** New runs with an estimate, and without one. */
  estimated: number;
  unknown: number;
  /** GPT base models that must be trained before the first run that needs each. */
  baseModels: number;
  /** Plain sentences: where the numbers come from and what they leave out. */
  basis: string[];
}

/** What `sweeps.start` would do with the same arguments: every cell, which exist, how long. */
export interface SweepPlan {
  cells: SweepCell[];
  /** Runs a start creates (cells to train, with their controls). */
  toCreate: number;
  /** Cells that already have a run. */
  existing: number;
  estimate: SweepEstimate;
}

export interface BaseModelProgressEvent {
  /** The base model's key (a hash of what makes it). */
  key: string;
  /** The run that needs it. */
  runId: number;
  /** building: this run trains it; waiting: another run is training it; done: stored and ready. */
  phase: 'building' | 'waiting' | 'done';
  step: number;
  steps: number;
  loss: number | null;
  /** Greedy held-out accuracy, where measured. */
  evalAcc: number | null;
}

const tag = z.string().trim().min(1).max(64);
const runName = z.string().trim().min(1).max(200);
const probability = z.number().min(0).max(1);

/** Largest sweep one call may create (controls included). */
export const MAX_SWEEP_RUNS = 1000;

/** A queue this big (runs, or hours on this machine) is launched only after the user confirms it. */
export const LARGE_SWEEP_RUNS = 50;
export const LARGE_SWEEP_HOURS = 4;

const sweepArgs = {
  config: z.record(z.string(), z.unknown()).optional(),
  preset: z.string().min(1).max(200).optional(),
  grid: z.record(z.string().min(1).max(200), z.array(z.unknown()).min(1).max(100)).default({}),
  /** Seeds per grid point: the base seed, base seed + 1, ... @default 1 */
  seeds: z.number().int().min(1).max(100).default(1),
  control: z.boolean().default(false),
  controlP: probability.optional(),
  /** Prefix of every run's name. */
  name: runName.optional(),
  tags: z.array(tag).max(50).optional(),
  /** Leave out cells that already have a run (same config and seed, not failed or cancelled). @default false */
  skipExisting: z.boolean().default(false),
};
const oneBase = (a: { config?: unknown; preset?: unknown }) => a.config === undefined || a.preset === undefined;
const oneBaseError = { path: ['preset'], message: 'expected a base config or a preset, not both' };

export const trainingApi = {
  /**
   * Validates the config (errors name `config.<field>`), stores the run as `queued` and queues it.
   * `control: true` also queues its random-reward twin (same config and seed, Bernoulli(controlP)).
   */
  'runs.start': defineCall<StartedRun>()(
    z
      .object({
        config: runConfigSchema,
        name: runName.optional(),
        tags: z.array(tag).max(50).optional(),
        control: z.boolean().default(false),
        /** Reward probability of the control. @default 0.5 */
        controlP: probability.optional(),
      })
      .strict(),
  ),
  /**
   * A run for every combination of the grid's values (dotted config paths) and every seed, from a
   * base config (a partial one is filled with defaults) or a preset: product of the value counts x seeds.
   */
  'sweeps.start': defineCall<StartedSweep>()(z.object(sweepArgs).strict().refine(oneBase, oneBaseError)),
  /** The cells `sweeps.start` would create with the same arguments, which exist already, and how long it would take. */
  'sweeps.plan': defineCall<SweepPlan>()(z.object(sweepArgs).strict().refine(oneBase, oneBaseError)),
  /** A queued run is dequeued and cancelled; a running one stops after the step in flight (its data kept). */
  'runs.cancel': defineCall<RunRecord>()(z.object({ id: runId }).strict()),
  /** Queues an interrupted, cancelled or failed run to continue from its last checkpoint. */
  'runs.resume': defineCall<RunRecord>()(z.object({ id: runId }).strict()),
  /**
   * Queues the run's random-reward control: same config and seed, rewards Bernoulli(p) independent of
   * the response. p defaults to the run's mean `reward/mean`.
   */
  'runs.control': defineCall<RunRecord>()(z.object({ id: runId, p: probability.optional() }).strict()),
  'queue.list': defineCall<QueueState>()(z.object({}).strict().prefault({})),
  /** Moves a queued run to `position` among the queued runs (0 starts next). */
  'queue.move': defineCall<QueueState>()(z.object({ id: runId, position: z.number().int().min(0) }).strict()),
};

export const trainingEvents = {
  /** A base model being trained for a run (or waited for), a few times per second. */
  'basemodel.progress': defineEvent<BaseModelProgressEvent>(),
  /** The queue changed: a run was queued, started, finished, moved or cancelled. */
  'queue.changed': defineEvent<QueueState>(),
};
