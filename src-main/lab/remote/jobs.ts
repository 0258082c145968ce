/**
 * The job <-> run mapping, in one place: which Ray job a remote run becomes (submission id,
 * entrypoint, runtime_env, resources, metadata naming the run), and which run status each of Ray's
 * job states means.
 */
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import type { RayJobState, RemoteChannel, RemoteJobOptions, RemoteJobPlan, RunConfig, RunStatus } from '../../contract';
import { APP_VERSION } from '../version';
import type { RayAddress } from './address';
import { buildEntrypoint } from './entrypoints';
import type { JobSubmitRequest } from './ray-client';

/** Where the probe's records go, as the job's environment tells it (python/cliplab-probe, stream.py). */
export const PROBE_STDOUT_ENV = 'CLIPLAB_PROBE_STDOUT';
export const PROBE_STREAM_ENV = 'CLIPLAB_PROBE_STREAM';
export const PROBE_NAME_ENV = 'CLIPLAB_PROBE_NAME';

/** Run status for each Ray job state (null: Ray has not accepted the job yet). */
const RUN_STATUS: Record<RayJobState, RunStatus> = {
  PENDING: 'queued',
  RUNNING: 'running',
  SUCCEEDED: 'completed',
  FAILED: 'failed',
  STOPPED: 'cancelled',
};

export function runStatusOf(state: RayJobState | null): RunStatus {
  return state === null ? 'queued' : RUN_STATUS[state];
}

/** Longest failure text kept on a run (it is shown in Runs, the run view and the terminal). */
const MAX_FAILURE_CHARS = 600;

/**
 * Why a job failed, in one line for the run's error: Ray's first line and the last line the job
 * printed (where a Python error names its cause). Ray's message for a failed entrypoint carries the
 * last ten lines of the log, up to 20,000 characters; the whole log stays one `cliplab logs` away.
 */
export function failureOf(message: string | null | undefined): string {
  const lines = (message ?? '')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '');
  if (lines.length === 0) return 'Ray: the job failed';
  const first = lines[0].replace(/,? last available logs.*$/, '');
  const text = lines.length > 1 ? `${first}; its log ends: ${lines[lines.length - 1]}` : first;
  return `Ray: ${text.length > MAX_FAILURE_CHARS ? `${text.slice(0, MAX_FAILURE_CHARS - 1)}…` : text}`;
}

/**
 * A submission id no other run shares: the run id for people reading Ray's job list, and random
 * bits because other cliplab databases submit to the same cluster. Ray refuses an id it knows, so
 * re-sending a submission after a lost answer cannot start the job twice.
 */
export function newSubmissionId(runId: number): string {
  return `cliplab-${runId}-${randomBytes(4).toString('hex')}`;
}

export interface JobInput {
  runId: number | null;
  submissionId: string;
  config: RunConfig;
  name: string;
  job: RemoteJobOptions;
  address: RayAddress;
}

export interface BuiltJob {
  request: JobSubmitRequest;
  channel: RemoteChannel;
  streamPath: string | null;
  approximations: string[];
  gaps: string[];
}

function jobEnv(input: JobInput, streamPath: string | null): Record<string, string> {
  const given = input.job.runtimeEnv?.env_vars;
  return {
    ...(typeof given === 'object' && given !== null ? (given as Record<string, string>) : {}),
    ...input.job.env,
    // Output reaches the job's log as it is printed, not when a block buffer fills.
    PYTHONUNBUFFERED: '1',
    [PROBE_NAME_ENV]: input.name,
    ...(streamPath === null ? { [PROBE_STDOUT_ENV]: '1' } : { [PROBE_STREAM_ENV]: streamPath }),
  };
}

export function buildJob(input: JobInput): BuiltJob {
  const { job } = input;
  const streamPath = job.streamDir ? path.posix.join(job.streamDir, `${input.submissionId}.jsonl`) : null;
  const entry = buildEntrypoint({ config: input.config, name: input.name, job, streamPath });
  const metadata: Record<string, string> = {
    cliplab_name: input.name,
    cliplab_engine: job.engine,
    cliplab_model: job.model,
    cliplab_dataset: job.dataset,
    cliplab_version: APP_VERSION,
  };
  if (input.runId !== null) metadata.cliplab_run = String(input.runId);
  const request: JobSubmitRequest = {
    entrypoint: entry.command,
    submission_id: input.submissionId,
    runtime_env: { ...job.runtimeEnv, env_vars: jobEnv(input, streamPath) },
    metadata,
    entrypoint_num_gpus: entry.numGpus,
    ...(job.cpus === undefined ? {} : { entrypoint_num_cpus: job.cpus }),
  };
  return {
    request,
    channel: streamPath === null ? 'logs' : 'path',
    streamPath,
    approximations: entry.approximations,
    gaps: entry.gaps,
  };
}

/** What cliplab's own variables say is shown; every other environment value is hidden. */
export function visibleEnv(env: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(env).map(([k, v]) => [k, k.startsWith('CLIPLAB_') || k === 'PYTHONUNBUFFERED' ? v : '<hidden>']),
  );
}

/** The job as `remote.plan` shows it. */
export function jobPlan(address: RayAddress, input: JobInput, built: BuiltJob): RemoteJobPlan {
  const env = (built.request.runtime_env?.env_vars ?? {}) as Record<string, string>;
  return {
    target: address.display,
    engine: input.job.engine,
    submissionId: built.request.submission_id,
    entrypoint: built.request.entrypoint,
    runtimeEnv: { ...built.request.runtime_env, env_vars: visibleEnv(env) },
    metadata: built.request.metadata ?? {},
    entrypointNumGpus: built.request.entrypoint_num_gpus ?? 0,
    entrypointNumCpus: built.request.entrypoint_num_cpus ?? null,
    channel: built.channel,
    streamPath: built.streamPath,
    approximations: built.approximations,
    gaps: built.gaps,
  };
}
