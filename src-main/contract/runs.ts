/** Records the API returns about runs. Plain JSON: they cross IPC and HTTP unchanged. */
import type { RunConfig } from './config';

export const RUN_STATUSES = [
  'queued',
  'running',
  'completed',
  'failed',
  'cancelled',
  'interrupted',
  'diverged',
] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

/** Statuses a run can no longer leave without a user action. */
export const FINISHED_STATUSES: readonly RunStatus[] = ['completed', 'failed', 'cancelled', 'diverged'];

/** Statuses `runs.cancel` stops: waiting in the queue, or training. */
export const CANCELLABLE: readonly RunStatus[] = ['queued', 'running'];

/**
 * Statuses `runs.resume` continues from the last checkpoint. Not diverged: with the same seed it
 * would diverge again at the same step.
 */
export const RESUMABLE: readonly RunStatus[] = ['interrupted', 'cancelled', 'failed'];

/** Where an imported run came from, and what it said about itself. */
export interface ImportSource {
  format: string;
  file: string;
  /** Hyperparameters found in the file (trainer-specific names), if any. */
  params: Record<string, unknown>;
  /** Whose key names the file uses (verl, trl, openrlhf, sb3, generic); set by the importer. */
  trainer?: string;
  /** Canonical metric key -> the file's key whose points are also stored under it. */
  aliases?: Record<string, string>;
  /** The trainer logs clipping only as one fraction of both sides: diagnostics must say "combined only". */
  clipFractionCombined?: boolean;
  /** What the importer skipped or had to guess. */
  warnings?: string[];
  /** The Kaggle log or Jupyter notebook the log was unwrapped from. */
  container?: string;
  /** The run as a tracking tool (W&B, MLflow) knows it: its name, ids and final summary. */
  external?: { name?: string; ids?: Record<string, string>; summary?: Record<string, unknown> };
}

interface RunBase {
  id: number;
  name: string;
  status: RunStatus;
  groupKey: string;
  seed: number | null;
  backend: string | null;
  /** What ran the math, e.g. "wasm (XNNPACK, SIMD, 1 thread per process)" or a GPU adapter's name and type. */
  backendDetail: string | null;
  appVersion: string;
  /** ISO 8601 times. */
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  error: string | null;
  notes: string;
  tags: string[];
  /** Last step with metrics, and the steps the run will take (null when unknown). */
  step: number | null;
  steps: number | null;
  /**
   * The final value (contract/summary.ts: the last logged value that is a number) of a few headline
   * metrics (entropy, reward/mean, eval/acc), where logged; live progress updates it as the run trains.
   */
  latest: Record<string, number | null>;
  /** The run this one is the random-reward control of (same config and seed, Bernoulli rewards). */
  controlOf?: number | null;
}

export interface LocalRun extends RunBase {
  origin: 'local';
  config: RunConfig;
  source: null;
}

export interface ImportedRun extends RunBase {
  origin: 'imported';
  config: null;
  source: ImportSource;
}

export type RunRecord = LocalRun | ImportedRun;

/** One metric's points, as columns. `values` holds null where the source had NaN. */
export interface Series {
  key: string;
  steps: number[];
  values: (number | null)[];
  /** Seconds since the run started, per point (null where unknown). */
  times: (number | null)[];
}

export interface MetricKeyInfo {
  key: string;
  count: number;
  firstStep: number;
  lastStep: number;
}

export interface SampleRecord {
  step: number;
  prompt: string;
  responses: {
    text: string;
    tokens: string[];
    reward: number;
    advantage: number;
    /** Exact entropy of pi_old at each response token. */
    entropies: number[];
  }[];
}

/** Runs sharing a group key: seeds of one experiment. */
export interface SeedGroup {
  groupKey: string;
  name: string;
  runIds: number[];
  seeds: (number | null)[];
}
