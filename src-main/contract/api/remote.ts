/**
 * Remote runs on a Ray cluster (issue 17): a cliplab config plus an engine (TRL or verl) becomes a Ray
 * job with cliplab-probe attached, submitted through the dashboard's Jobs API. The run is stored at
 * once as `origin: 'remote'` (`queued` until Ray runs the job) and followed: Ray's job state becomes
 * the run's status, and the probe's records (from the job's logs or a stream file on shared storage)
 * become its metrics, announced with `run.changed` as they land.
 *
 * Stopping a remote run is `runs.cancel`: Ray stops the job, and the run ends `cancelled` when Ray
 * reports it STOPPED.
 */
import { z } from 'zod';
import { runConfigSchema } from '../config';
import { REMOTE_ENGINES, type RemoteEngine, type RunRecord } from '../runs';
import { defineCall } from './define';
import { runId } from './runs';

const path = z.string().trim().min(1).max(4096);
const tag = z.string().trim().min(1).max(64);
const runName = z.string().trim().min(1).max(200);
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** How a config becomes a job: where, on what, with which files on the cluster. */
export const remoteJobOptions = z
  .object({
    /** The Ray dashboard: ray://HOST:PORT, or an http(s):// URL. */
    target: z.string().trim().min(1).max(2048),
    engine: z.enum(REMOTE_ENGINES),
    /** Plain HTTP to a dashboard on another machine (Ray's dashboard has no authentication). @default false */
    allowInsecureHttp: z.boolean().default(false),
    /** The model on the cluster: a folder saved with save_pretrained (TRL) or verl's model.path. */
    model: path,
    /** The prompts on the cluster: JSON lines with "prompt" (and "answer") for TRL; verl's parquet. */
    dataset: path,
    /** GPUs per job (TRL: the entrypoint's, one process each; verl: trainer.n_gpus_per_node). @default 0 */
    gpus: z.number().int().min(0).max(1024).default(0),
    /** CPUs Ray reserves for the job's entrypoint (lets Ray queue jobs on a small cluster). */
    cpus: z.number().min(0).max(1024).optional(),
    /** The Python command on the cluster, with cliplab-probe installed. @default "python" */
    python: z
      .string()
      .trim()
      .min(1)
      .max(1024)
      .regex(/^[^\n\r\0]+$/, 'expected one line')
      .default('python'),
    /**
     * A folder on storage that the cluster and this machine both see under this path: the probe writes
     * the stream file there and cliplab follows it. Without it, cliplab reads the job's logs.
     */
    streamDir: path.optional(),
    /** Trainer settings over the exported ones: KEY=VALUE (TRL GRPOConfig keys, verl Hydra overrides). */
    overrides: z
      .array(
        z
          .string()
          .min(3)
          .max(4096)
          .regex(/^[^=\s]+=/, 'expected KEY=VALUE'),
      )
      .max(200)
      .default([]),
    /** Environment variables of the job (values are kept out of every record and message). */
    env: z
      .record(z.string().regex(ENV_NAME, 'expected an environment variable name'), z.string().max(65536))
      .default({}),
    /** More of Ray's runtime_env (pip, working_dir as a URI, ...); cliplab adds its env_vars. */
    runtimeEnv: z.record(z.string(), z.unknown()).optional(),
    /** Exact entropy attribution every N updates (TRL only; costs a forward+backward). @default 0 */
    exactEvery: z.number().int().min(0).max(1_000_000).default(0),
  })
  .strict();

export type RemoteJobOptions = z.output<typeof remoteJobOptions>;

/** A job request as cliplab would send it (environment values hidden). */
export interface RemoteJobPlan {
  target: string;
  engine: RemoteEngine;
  submissionId: string;
  entrypoint: string;
  runtimeEnv: Record<string, unknown>;
  metadata: Record<string, string>;
  entrypointNumGpus: number;
  entrypointNumCpus: number | null;
  /** How metrics will reach cliplab. */
  channel: 'logs' | 'path';
  streamPath: string | null;
  /** Settings the engine only approximates, and cliplab settings it has no counterpart for (export-config's notes). */
  approximations: string[];
  gaps: string[];
}

export interface RemoteSubmitted {
  run: RunRecord;
  /** What the user should know (e.g. plain HTTP allowed by consent). */
  warnings: string[];
}

export interface RemoteSweepSubmitted {
  ids: number[];
  runs: RunRecord[];
  warnings: string[];
}

export interface RemoteLogTail {
  runId: number;
  target: string;
  jobId: string;
  /** The last `lines` lines of the job's log (its driver's output and Ray's forwarded worker output). */
  text: string;
  /** Lines in the whole log. */
  totalLines: number;
  /** ISO 8601. */
  fetchedAt: string;
}

export interface RemoteTargetInfo {
  target: string;
  rayVersion: string;
  jobsApiVersion: string;
  warnings: string[];
}

export const remoteApi = {
  /** Checks a dashboard: reachable, Ray new enough, transport allowed. Nothing is created. */
  'remote.check': defineCall<RemoteTargetInfo>()(
    z.object({ target: z.string().trim().min(1).max(2048), allowInsecureHttp: z.boolean().default(false) }).strict(),
  ),
  /** The job a config would become, without sending anything (for review, and `--dry-run`). */
  'remote.plan': defineCall<RemoteJobPlan>()(
    z.object({ config: runConfigSchema, name: runName.optional(), job: remoteJobOptions }).strict(),
  ),
  /**
   * Checks the dashboard, stores the run (`queued`) and submits its job. A cluster that stops
   * answering after the check leaves the run queued; a following cliplab submits it later under
   * the same submission id, so it is never submitted twice.
   */
  'remote.submit': defineCall<RemoteSubmitted>()(
    z
      .object({
        config: runConfigSchema,
        name: runName.optional(),
        tags: z.array(tag).max(50).optional(),
        job: remoteJobOptions,
      })
      .strict(),
  ),
  /** One job per grid point and seed (as `sweeps.start` plans them); Ray schedules them. */
  'remote.sweep': defineCall<RemoteSweepSubmitted>()(
    z
      .object({
        config: z.record(z.string(), z.unknown()).optional(),
        preset: z.string().min(1).max(200).optional(),
        grid: z.record(z.string().min(1).max(200), z.array(z.unknown()).min(1).max(100)).default({}),
        seeds: z.number().int().min(1).max(100).default(1),
        name: runName.optional(),
        tags: z.array(tag).max(50).optional(),
        job: remoteJobOptions,
      })
      .strict()
      .refine((a) => a.config === undefined || a.preset === undefined, {
        path: ['preset'],
        message: 'expected a base config or a preset, not both',
      }),
  ),
  /** The end of a remote run's job log, fetched from the cluster now. */
  'remote.logs': defineCall<RemoteLogTail>()(
    z.object({ id: runId, lines: z.number().int().min(1).max(10_000).default(200) }).strict(),
  ),
};
