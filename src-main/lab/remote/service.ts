/**
 * Remote runs on Ray clusters (contract/api/remote.ts): checking a dashboard, planning and submitting
 * jobs, stopping them, reading their logs, and following the open ones (follow.ts).
 *
 * Which process follows a run is claimed in the database (worker pid + heartbeat, as training does):
 * the app and `cliplab serve` follow every open remote run, `cliplab submit`/`sweep`/`watch` the ones
 * they were given; a run whose follower is gone is taken over by the next one. Closing cliplab only
 * stops following: the jobs keep running on the cluster, and the next cliplab catches up.
 */
import {
  ApiError,
  groupKey,
  type RemoteJobOptions,
  type RemoteJobPlan,
  type RemoteLogTail,
  type RemoteSubmitted,
  type RemoteSweepSubmitted,
  type RemoteTargetInfo,
  type RunConfig,
  type RunRecord,
} from '../../contract';
import type { StoredRemoteJob } from '../../store';
import type { LabContext } from '../context';
import { describeConfig } from '../create-run';
import { announceRun, readRun } from '../records';
import { HEARTBEAT_MS, isOwnerGone } from '../runner/liveness';
import { planSweep, type SweepRequest } from '../runner/plans';
import { APP_VERSION } from '../version';
import { checkTransport, parseRayAddress, type RayAddress } from './address';
import { RemoteFollow } from './follow';
import { buildJob, jobPlan, newSubmissionId, type BuiltJob } from './jobs';
import { RayJobsClient, RemoteError } from './ray-client';
import { targetSettings } from './targets';

export interface RemoteOptions {
  /** Which remote runs this lab follows: every open one, these, or none. @default false */
  follow?: boolean | readonly number[];
  /** Pause between two looks at a job. @default 2000 */
  pollMs?: number;
  /** Where headers and consent come from (targets.ts). @default process.env */
  env?: NodeJS.ProcessEnv;
  /** Time for one call to the dashboard. */
  timeoutMs?: number;
}

interface Connection {
  address: RayAddress;
  client: RayJobsClient;
  warnings: string[];
}

interface PlannedJob {
  config: RunConfig;
  name: string;
}

/** Unreachable or refusing dashboards become `unavailable` (or bad_request) errors naming the address. */
function asApiError(err: unknown): unknown {
  if (!(err instanceof RemoteError)) return err;
  return new ApiError(err.transient ? 'unavailable' : 'bad_request', err.message);
}

export class RemoteService {
  private readonly follows = new Map<number, RemoteFollow>();
  private readonly wanted = new Set<number>();
  private followAll: boolean;
  private timer: NodeJS.Timeout | null = null;
  private closed = false;

  constructor(
    private readonly ctx: LabContext,
    private readonly opts: RemoteOptions = {},
  ) {
    this.followAll = opts.follow === true;
    if (Array.isArray(opts.follow)) for (const id of opts.follow) this.wanted.add(id);
  }

  start(): void {
    if (this.timer || this.closed) return;
    this.timer = setInterval(() => this.scan(), Math.min(HEARTBEAT_MS, this.opts.pollMs ?? 2000));
    this.timer.unref();
    this.scan();
  }

  /** Also follows these runs from now on (`cliplab watch`, a submit from this process). */
  follow(ids: readonly number[]): void {
    for (const id of ids) this.wanted.add(id);
    this.scan();
  }

  /** A client for a dashboard, with its headers and the transport check. */
  connect(target: string, allowInsecure: boolean, field = 'target'): Connection {
    const address = parseRayAddress(target, field);
    const settings = targetSettings(address, this.opts.env);
    const consentField = field.replace(/target$/, 'allowInsecureHttp');
    const warnings = checkTransport(address, allowInsecure || settings.allowInsecureHttp, consentField);
    const client = new RayJobsClient(address, { headers: settings.headers, timeoutMs: this.opts.timeoutMs });
    return { address, client, warnings };
  }

  async check(target: string, allowInsecure: boolean): Promise<RemoteTargetInfo> {
    const c = this.connect(target, allowInsecure);
    const v = await c.client.version().catch((err: unknown) => Promise.reject(asApiError(err)));
    return { target: c.address.display, rayVersion: v.ray_version, jobsApiVersion: v.version, warnings: c.warnings };
  }

  plan(config: RunConfig, job: RemoteJobOptions, name?: string): RemoteJobPlan {
    const c = this.connect(job.target, job.allowInsecureHttp, 'job.target');
    const runName = name || config.name || describeConfig(config);
    const input = { runId: null, submissionId: 'cliplab-RUN-xxxxxxxx', config, name: runName, job, address: c.address };
    return jobPlan(c.address, input, buildJob(input));
  }

  async submit(config: RunConfig, job: RemoteJobOptions, name?: string, tags?: string[]): Promise<RemoteSubmitted> {
    const { ids, warnings } = await this.submitAll(
      [{ config, name: name || config.name || describeConfig(config) }],
      job,
      tags,
    );
    return { run: readRun(this.ctx, ids[0]), warnings };
  }

  async sweep(
    req: Omit<SweepRequest, 'control'>,
    job: RemoteJobOptions,
    tags?: string[],
  ): Promise<RemoteSweepSubmitted> {
    const plan = planSweep({ ...req, control: false });
    const { ids, warnings } = await this.submitAll(plan, job, tags);
    return { ids, runs: ids.map((id) => readRun(this.ctx, id)), warnings };
  }

  /** Sends Ray a stop for the run's job (or cancels it before it was sent); the run ends when Ray says so. */
  async stop(id: number): Promise<RunRecord> {
    const run = readRun(this.ctx, id);
    const job = this.ctx.store.remoteJob(id);
    if (run.origin !== 'remote' || !job) throw new ApiError('bad_request', `run ${id} is not a remote run`);
    if (run.status !== 'queued' && run.status !== 'running') {
      throw new ApiError('conflict', `run ${id} is ${run.status}; only queued or running remote runs can be stopped`);
    }
    const { store } = this.ctx;
    store.requestStop(id, 'cancelled');
    if (job.submittedAt === null) {
      // Not at Ray yet: it never will be (a follower checks the request before submitting).
      store.transaction(() => store.setRunStatus(id, 'cancelled'));
      return announceRun(this.ctx, id);
    }
    try {
      await this.clientOf(job).stopJob(job.jobId);
      store.markStopSent(id);
    } catch (err) {
      // Offline: the request stays, and whoever follows the run sends it when the cluster answers.
      if (!(err instanceof RemoteError && err.transient)) throw asApiError(err);
      store.recordUnreachable(id, `${err.message}; the stop is sent when the cluster answers`);
    }
    this.follows.get(id)?.poke();
    return announceRun(this.ctx, id);
  }

  async logs(id: number, lines: number): Promise<RemoteLogTail> {
    const job = this.ctx.store.remoteJob(id);
    if (!job) throw new ApiError('bad_request', `run ${readRun(this.ctx, id).id} is not a remote run`);
    if (job.submittedAt === null) {
      throw new ApiError('conflict', `run ${id}'s job has not reached ${job.target} yet; it has no log`);
    }
    const text = await this.clientOf(job)
      .getJobLogs(job.jobId)
      .catch((err: unknown) => Promise.reject(asApiError(err)));
    const all = text.endsWith('\n') ? text.slice(0, -1).split('\n') : text.split('\n');
    return {
      runId: id,
      target: job.target,
      jobId: job.jobId,
      text: all.slice(-lines).join('\n'),
      totalLines: text.length === 0 ? 0 : all.length,
      fetchedAt: new Date().toISOString(),
    };
  }

  /** Stops following (jobs keep running); releases this process's claims. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    const following = [...this.follows.values()];
    await Promise.all(following.map((f) => f.stop()));
    for (const f of following) this.ctx.store.releaseRemoteRun(f.runId, process.pid);
    this.follows.clear();
  }

  private clientOf(job: StoredRemoteJob): RayJobsClient {
    return this.connect(job.target, job.insecureOk).client;
  }

  /** Validates every job, checks the dashboard, stores the runs, then submits them in order. */
  private async submitAll(
    planned: readonly PlannedJob[],
    job: RemoteJobOptions,
    tags?: string[],
  ): Promise<{ ids: number[]; warnings: string[] }> {
    const c = this.connect(job.target, job.allowInsecureHttp, 'job.target');
    for (const p of planned) buildJob({ runId: null, submissionId: 'check', ...p, job, address: c.address });
    await c.client.version().catch((err: unknown) => Promise.reject(asApiError(err)));
    const { store } = this.ctx;
    const built = new Map<number, BuiltJob>();
    const ids = store.transaction(() =>
      planned.map((p) => {
        const id = store.createRun({
          name: p.name,
          origin: 'remote',
          status: 'queued',
          config: p.config,
          groupKey: remoteGroupKey(p.config, job),
          seed: p.config.seed,
          steps: p.config.steps,
          appVersion: APP_VERSION,
          tags,
        });
        const b = buildJob({ runId: id, submissionId: newSubmissionId(id), ...p, job, address: c.address });
        store.createRemoteJob({
          runId: id,
          engine: job.engine,
          target: c.address.display,
          jobId: b.request.submission_id,
          request: JSON.stringify(b.request),
          channel: b.channel,
          streamPath: b.streamPath,
          gpus: job.gpus,
          insecureOk: c.warnings.length > 0,
        });
        built.set(id, b);
        return id;
      }),
    );
    for (const id of ids) announceRun(this.ctx, id);
    await this.sendAll(c.client, ids, built);
    this.scan();
    return { ids, warnings: c.warnings };
  }

  /** Submits each job; the first unreachable answer leaves the rest queued for a follower to send. */
  private async sendAll(client: RayJobsClient, ids: readonly number[], built: Map<number, BuiltJob>): Promise<void> {
    const { store } = this.ctx;
    for (const id of ids) {
      try {
        await client.submitJob(built.get(id)!.request);
        store.markSubmitted(id);
      } catch (err) {
        if (!(err instanceof RemoteError)) throw err;
        if (err.transient) {
          for (const rest of ids.slice(ids.indexOf(id))) {
            store.recordUnreachable(rest, `${err.message}; cliplab submits the job when the cluster answers`);
          }
          break;
        }
        store.setRunStatus(id, 'failed', { error: `Ray refused the job: ${err.message}` });
      }
      announceRun(this.ctx, id);
    }
  }

  /** Starts following the open remote runs this lab wants and no live process follows. */
  private scan(): void {
    if (this.closed || (!this.followAll && this.wanted.size === 0)) return;
    const { store } = this.ctx;
    for (const open of store.openRemoteRuns()) {
      if (this.follows.has(open.runId) || (!this.followAll && !this.wanted.has(open.runId))) continue;
      if (!store.claimRemoteRun(open.runId, process.pid, isOwnerGone)) continue;
      const follow = new RemoteFollow(
        { ctx: this.ctx, clientFor: (j) => this.clientOf(j), pollMs: this.opts.pollMs ?? 2000 },
        open.runId,
      );
      this.follows.set(open.runId, follow);
      void follow.done.finally(() => {
        if (this.follows.get(open.runId) === follow) this.follows.delete(open.runId);
      });
    }
  }
}

/** Runs of one config on one engine, model and dataset are seeds of one experiment (never with local runs). */
export function remoteGroupKey(config: RunConfig, job: RemoteJobOptions): string {
  const { engine, model, dataset, overrides } = job;
  const described: Record<string, unknown> = { ...config, remote: { engine, model, dataset, overrides } };
  return `remote:${groupKey(described)}`;
}
