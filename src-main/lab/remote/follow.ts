/**
 * Following one remote run until its job ends: submit it if Ray has not accepted it yet, pass a
 * user's stop on to Ray, turn Ray's job state into the run's status, and store the probe's records
 * as they arrive (channels.ts). A cluster that does not answer leaves the run as it was, says so on
 * the run, and is asked again with growing pauses; nothing is lost meanwhile (the next pass reads
 * the log or file from its start) and nothing is stored twice (points at steps already stored for
 * a key are dropped, counting from what the database holds, so a restarted cliplab resumes there).
 */
import { FINISHED_STATUSES, type RunStatus } from '../../contract';
import type { SeriesInput, StoredRemoteJob } from '../../store';
import type { LabContext } from '../context';
import { toSeriesInputs } from '../import';
import type { ImportedSeries } from '../import/types';
import { announceRun } from '../records';
import { metricsChannel, type MetricsChannel } from './channels';
import { failureOf, runStatusOf } from './jobs';
import {
  isTerminalJobState,
  RemoteError,
  type JobDetails,
  type JobSubmitRequest,
  type RayJobsClient,
} from './ray-client';

/** Longest pause between two tries while the cluster does not answer. */
const MAX_BACKOFF_MS = 30_000;
/** Shortest time between two announcements of the run. */
const ANNOUNCE_MS = 250;

export interface FollowDeps {
  ctx: LabContext;
  /** A client for the job's dashboard, with its current headers (they may change between calls). */
  clientFor(job: StoredRemoteJob): RayJobsClient;
  pollMs: number;
}

export class RemoteFollow {
  readonly done: Promise<void>;
  private stopped = false;
  private wake: (() => void) | null = null;
  private channel: MetricsChannel | null = null;
  private readonly lastSteps = new Map<string, number>();
  private backoffMs: number;
  private offlineSince: string | null = null;
  private announceTimer: NodeJS.Timeout | null = null;
  private announcedAt = 0;

  constructor(
    private readonly deps: FollowDeps,
    readonly runId: number,
  ) {
    for (const k of deps.ctx.store.metricKeys(runId)) this.lastSteps.set(k.key, k.lastStep);
    this.backoffMs = deps.pollMs;
    this.done = this.loop();
  }

  /** Stops following; the run stays as it is for the next cliplab to follow. */
  stop(): Promise<void> {
    this.stopped = true;
    this.wake?.();
    return this.done;
  }

  /** Looks at the job now instead of after the pause (a stop was asked for). */
  poke(): void {
    this.wake?.();
  }

  private async loop(): Promise<void> {
    while (!this.stopped) {
      const pause = await this.tick();
      if (pause === null) break;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, pause);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wake = null;
    }
    this.channel?.close();
    if (this.announceTimer) this.announce();
  }

  /** One look at the job; returns the pause before the next, or null when following is over. */
  private async tick(): Promise<number | null> {
    const { store } = this.deps.ctx;
    const job = store.remoteJob(this.runId);
    const run = store.getRun(this.runId);
    if (!job || !run || FINISHED_STATUSES.includes(run.status as RunStatus)) return null;
    store.heartbeat(this.runId);
    try {
      const client = this.deps.clientFor(job);
      if (job.submittedAt === null && !(await this.submit(client, job))) return null;
      if (store.stopRequest(this.runId) === 'cancelled' && job.stopSentAt === null) {
        await client.stopJob(job.jobId);
        store.markStopSent(this.runId);
      }
      const info = await client.getJobInfo(job.jobId);
      this.reachable(info);
      this.channel ??= metricsChannel(job, (series) => this.store(series));
      if (isTerminalJobState(info.status)) {
        await this.channel.drain(client);
        this.finish(runStatusOf(info.status), info.status === 'FAILED' ? failureOf(info.message) : null);
        return null;
      }
      await this.channel.poll(client);
      this.backoffMs = this.deps.pollMs;
      return this.deps.pollMs;
    } catch (err) {
      return this.failed(job, err);
    }
  }

  /** Sends the stored request; false when following ends (cancelled before it was sent, or refused). */
  private async submit(client: RayJobsClient, job: StoredRemoteJob): Promise<boolean> {
    const { store } = this.deps.ctx;
    if (store.stopRequest(this.runId) === 'cancelled') {
      this.finish('cancelled', null);
      return false;
    }
    let request: JobSubmitRequest;
    try {
      request = JSON.parse(job.request) as JobSubmitRequest;
    } catch {
      // The database is untrusted: a request that does not read back is never sent.
      this.finish('failed', `run ${this.runId}'s stored job request is not valid JSON; it was not submitted`);
      return false;
    }
    try {
      await client.submitJob(request);
    } catch (err) {
      // An answer lost on the way back: Ray has the job already (its submission id is ours alone).
      const adopted = err instanceof RemoteError && err.kind === 'http' && /already exists/.test(err.message);
      if (!adopted) throw err;
    }
    store.markSubmitted(this.runId);
    return true;
  }

  private reachable(info: JobDetails): void {
    const { store } = this.deps.ctx;
    const before = store.remoteJob(this.runId);
    store.recordJobState(this.runId, info.status, info.message ?? null);
    this.offlineSince = null;
    const status = runStatusOf(info.status);
    const row = store.getRun(this.runId);
    const changed = before?.jobStatus !== info.status || before?.unreachable !== null;
    if (row && !isTerminalJobState(info.status) && row.status !== status) store.setRunStatus(this.runId, status);
    if (changed || row?.status !== status) this.announceSoon();
  }

  /** A call failed: wait and try again while the cluster may come back; end on a definite refusal. */
  private failed(job: StoredRemoteJob, err: unknown): number | null {
    const gone = err instanceof RemoteError && err.status === 404 && job.submittedAt !== null;
    if (gone) {
      this.finish(
        'failed',
        `${job.target} no longer knows job ${job.jobId} (the cluster restarted or the job was deleted)`,
      );
      return null;
    }
    const refused = err instanceof RemoteError && !err.transient && job.submittedAt === null;
    if (refused) {
      this.finish('failed', `Ray refused the job: ${err.message}`);
      return null;
    }
    this.channel?.close();
    this.offlineSince ??= new Date().toISOString();
    const why = err instanceof Error ? err.message : String(err);
    this.deps.ctx.store.recordUnreachable(this.runId, `${why} (since ${this.offlineSince}; cliplab keeps trying)`);
    this.announceSoon();
    this.backoffMs = Math.min(this.backoffMs * 2, MAX_BACKOFF_MS);
    return this.backoffMs;
  }

  /** Stores the points at steps not stored yet, per key, in one transaction. */
  private store(series: Map<string, ImportedSeries>): void {
    const fresh = new Map<string, ImportedSeries>();
    for (const [key, s] of series) {
      const last = this.lastSteps.get(key) ?? -1;
      const keep = s.steps.flatMap((step, i) => (step > last ? [i] : []));
      if (keep.length === 0) continue;
      fresh.set(key, {
        steps: keep.map((i) => s.steps[i]),
        values: keep.map((i) => s.values[i]),
        times: s.times ? keep.map((i) => s.times![i]) : null,
      });
    }
    if (fresh.size === 0) return;
    const inputs: SeriesInput[] = toSeriesInputs(fresh);
    const { store } = this.deps.ctx;
    if (!store.runExists(this.runId)) return void this.stop(); // deleted meanwhile
    store.bulkInsertSeries(this.runId, inputs);
    for (const s of inputs) {
      let last = this.lastSteps.get(s.key) ?? -1;
      for (const step of s.steps) last = Math.max(last, step);
      this.lastSteps.set(s.key, last);
    }
    this.announceSoon();
  }

  private finish(status: RunStatus, error: string | null): void {
    const { store } = this.deps.ctx;
    store.transaction(() => {
      store.setRunStatus(this.runId, status, { error });
      store.releaseRemoteRun(this.runId, process.pid);
    });
    this.announce();
  }

  private announceSoon(): void {
    if (this.announceTimer) return;
    const wait = Math.max(0, this.announcedAt + ANNOUNCE_MS - Date.now());
    this.announceTimer = setTimeout(() => this.announce(), wait);
  }

  private announce(): void {
    if (this.announceTimer) clearTimeout(this.announceTimer);
    this.announceTimer = null;
    this.announcedAt = Date.now();
    if (this.deps.ctx.store.runExists(this.runId)) announceRun(this.deps.ctx, this.runId);
  }
}
