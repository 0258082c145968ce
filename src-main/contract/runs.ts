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

/** The trainers a remote run can run on a cluster (issue 17), each with cliplab-probe attached. */
export const REMOTE_ENGINES = ['trl', 'verl'] as const;
export type RemoteEngine = (typeof REMOTE_ENGINES)[number];

/** Ray's job states (ray.job_submission.JobStatus); the last three are terminal. */
export const RAY_JOB_STATES = ['PENDING', 'RUNNING', 'STOPPED', 'SUCCEEDED', 'FAILED'] as const;
export type RayJobState = (typeof RAY_JOB_STATES)[number];

/**
 * How a remote run's probe records reach cliplab: `logs` reads them out of the job's logs (the probe
 * prints them to stdout behind a prefix; works through an SSH tunnel), `path` follows the stream file
 * on storage both the cluster and cliplab's machine see.
 */
export const REMOTE_CHANNELS = ['logs', 'path'] as const;
export type RemoteChannel = (typeof REMOTE_CHANNELS)[number];

/** The Ray job behind a remote run. */
export interface RemoteJob {
  engine: RemoteEngine;
  /** The Ray dashboard it was submitted to, e.g. `ray://127.0.0.1:8265` (never with credentials). */
  target: string;
  /** Ray's submission id. */
  jobId: string;
  /** Ray's state of the job when cliplab last asked; null until Ray has accepted it. */
  jobStatus: RayJobState | null;
  /** Ray's message about the job (e.g. why it failed). */
  message: string | null;
  channel: RemoteChannel;
  /** The stream file on shared storage (channel `path`). */
  streamPath: string | null;
  /** GPUs the job asked for. */
  gpus: number;
  /** The model and prompt dataset on the cluster, as given at submission. */
  model: string | null;
  dataset: string | null;
  /** The shell command the job runs (Ray's entrypoint). */
  entrypoint: string;
  /** ISO 8601; null until Ray has accepted the job. */
  submittedAt: string | null;
  /** When the cluster last answered about this job (ISO 8601). */
  checkedAt: string | null;
  /** Why the cluster could not be reached on the last try, or null when it answered. */
  unreachable: string | null;
}

export interface RemoteRun extends RunBase {
  origin: 'remote';
  /** cliplab's config, exported to the engine's settings when the job was submitted. */
  config: RunConfig;
  source: null;
  remote: RemoteJob;
}

export type RunRecord = LocalRun | ImportedRun | RemoteRun;

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
