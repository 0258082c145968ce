/**
 * A thin, typed client of Ray's Jobs REST API, shaped like Ray's own `JobSubmissionClient`
 * (ray/dashboard/modules/job/sdk.py): submit, info/status, list, logs, tail, stop, delete, version.
 * Routes and fields as Ray 2.60's dashboard serves them (job_head.py, common.py, pydantic_models.py):
 *
 *   GET  /api/version                    { version: "4", ray_version, ray_commit, session_name }
 *   POST /api/jobs/                      JobSubmitRequest -> { submission_id, job_id }
 *   GET  /api/jobs/                      [JobDetails]
 *   GET  /api/jobs/{id}                  JobDetails { status, message, entrypoint, metadata, ... }
 *   GET  /api/jobs/{id}/logs             { logs }
 *   GET  /api/jobs/{id}/logs/tail        WebSocket of log text
 *   POST /api/jobs/{id}/stop             { stopped }
 *   DELETE /api/jobs/{id}                { deleted }
 *
 * Requests go through node:http, not fetch: fetch adds `Sec-Fetch-Mode`, and the dashboard refuses
 * POST and DELETE from anything that looks like a browser (405, its CSRF guard). Every call has a
 * timeout, every answer is checked before use, and every error names the address, never a header.
 */
import http from 'node:http';
import https from 'node:https';
import { z } from 'zod';
import { RAY_JOB_STATES, type RayJobState } from '../../contract';
import type { RayAddress } from './address';
import { openWebSocket, WebSocketError, type WebSocketSession } from './websocket';

/** unreachable: no connection (refused, DNS, reset); timeout: no answer in time; http: Ray said no. */
export type RemoteErrorKind = 'unreachable' | 'timeout' | 'http' | 'protocol';

export class RemoteError extends Error {
  constructor(
    readonly kind: RemoteErrorKind,
    readonly address: string,
    message: string,
    readonly status?: number,
  ) {
    super(`${address}: ${message}`);
    this.name = 'RemoteError';
  }

  /** The cluster may answer later (offline, tunnel down, dashboard restarting): try again. */
  get transient(): boolean {
    return this.kind === 'unreachable' || this.kind === 'timeout' || (this.status ?? 0) >= 502;
  }
}

/** The Jobs API version this client speaks (3 added entrypoint_num_cpus/gpus; Ray 2.2+). */
export const MIN_JOBS_API_VERSION = 3;
/** Answers of an auth proxy that wants (other) credentials. */
const AUTH_STATUSES = [401, 403, 407];
const AUTH_HINT =
  ' (an auth proxy in front of the dashboard: give its headers in CLIPLAB_RAY_HEADERS or remote-targets.json)';
/** Default time for one call. */
export const CALL_TIMEOUT_MS = 15_000;
/** Largest answer read (a job's whole log comes in one answer). */
const MAX_BODY = 256 * 1024 * 1024;

export interface JobSubmitRequest {
  entrypoint: string;
  submission_id: string;
  runtime_env?: Record<string, unknown>;
  /** Ray requires string values. */
  metadata?: Record<string, string>;
  entrypoint_num_cpus?: number;
  entrypoint_num_gpus?: number;
  entrypoint_resources?: Record<string, number>;
}

const versionSchema = z.object({ version: z.string(), ray_version: z.string() });
export type RayVersion = z.infer<typeof versionSchema>;

const jobDetailsSchema = z.object({
  submission_id: z.string().nullish(),
  status: z.enum(RAY_JOB_STATES),
  entrypoint: z.string(),
  message: z.string().nullish(),
  error_type: z.string().nullish(),
  start_time: z.number().nullish(),
  end_time: z.number().nullish(),
  metadata: z.record(z.string(), z.string()).nullish(),
  driver_exit_code: z.number().nullish(),
});
export type JobDetails = z.infer<typeof jobDetailsSchema>;

const TERMINAL: readonly RayJobState[] = ['STOPPED', 'SUCCEEDED', 'FAILED'];
export const isTerminalJobState = (s: RayJobState) => TERMINAL.includes(s);

export interface RayClientOptions {
  /** Extra headers (an auth proxy's token); never logged. */
  headers?: Record<string, string>;
  /** @default CALL_TIMEOUT_MS */
  timeoutMs?: number;
}

/** The last lines of an error body (Ray answers errors with a Python traceback), kept short. */
function errorSummary(text: string): string {
  const lines = text.trim().split('\n').filter(Boolean);
  const tail = lines.slice(-2).join(' | ');
  return tail.length > 400 ? `${tail.slice(0, 400)}...` : tail || 'no details';
}

export class RayJobsClient {
  private readonly headers: Record<string, string>;
  private readonly timeoutMs: number;

  constructor(
    readonly address: RayAddress,
    opts: RayClientOptions = {},
  ) {
    this.headers = { ...opts.headers };
    this.timeoutMs = opts.timeoutMs ?? CALL_TIMEOUT_MS;
  }

  /** The dashboard's versions; refuses a Ray too old for this client. */
  async version(): Promise<RayVersion> {
    const v = await this.call('GET', '/api/version', versionSchema);
    if (!(Number(v.version) >= MIN_JOBS_API_VERSION)) {
      throw this.error(
        'protocol',
        `Ray ${v.ray_version} serves Jobs API version ${v.version}; cliplab needs ${MIN_JOBS_API_VERSION} or later (Ray 2.2+)`,
      );
    }
    return v;
  }

  /** Submits a job; returns its submission id. A used submission id is refused by Ray (HTTP 400 or 500). */
  async submitJob(req: JobSubmitRequest): Promise<string> {
    const res = await this.call('POST', '/api/jobs/', z.object({ submission_id: z.string() }), req);
    return res.submission_id;
  }

  getJobInfo(id: string): Promise<JobDetails> {
    return this.call('GET', `/api/jobs/${encodeURIComponent(id)}`, jobDetailsSchema);
  }

  async getJobStatus(id: string): Promise<RayJobState> {
    return (await this.getJobInfo(id)).status;
  }

  /** Every job the cluster knows; driver jobs (not submitted through this API) included. */
  listJobs(): Promise<JobDetails[]> {
    const item = jobDetailsSchema.extend({ status: z.string() });
    return this.call('GET', '/api/jobs/', z.array(item.passthrough())).then((jobs) =>
      jobs.flatMap((j) => {
        const parsed = jobDetailsSchema.safeParse(j);
        return parsed.success ? [parsed.data] : [];
      }),
    );
  }

  /** The job's whole log (its driver's stdout and stderr, with Ray's forwarded worker output). */
  async getJobLogs(id: string, timeoutMs = Math.max(this.timeoutMs, 60_000)): Promise<string> {
    const path = `/api/jobs/${encodeURIComponent(id)}/logs`;
    return (await this.call('GET', path, z.object({ logs: z.string() }), undefined, timeoutMs)).logs;
  }

  /** Asks Ray to stop the job (SIGTERM, then SIGKILL); false when it had already ended. */
  async stopJob(id: string): Promise<boolean> {
    const path = `/api/jobs/${encodeURIComponent(id)}/stop`;
    return (await this.call('POST', path, z.object({ stopped: z.boolean() }))).stopped;
  }

  async deleteJob(id: string): Promise<boolean> {
    const path = `/api/jobs/${encodeURIComponent(id)}`;
    return (await this.call('DELETE', path, z.object({ deleted: z.boolean() }))).deleted;
  }

  /**
   * Follows the job's log: `onText` gets the whole log first, then each new piece, in order (pieces
   * may split a line). `closed` resolves when Ray closes the stream after the job has ended.
   */
  async tailJobLogs(id: string, onText: (text: string) => void): Promise<WebSocketSession> {
    const url = new URL(`${this.address.baseUrl}/api/jobs/${encodeURIComponent(id)}/logs/tail`);
    url.protocol = this.address.https ? 'wss:' : 'ws:';
    try {
      const ws = await openWebSocket(url, {
        headers: this.headers,
        timeoutMs: this.timeoutMs,
        onMessage: (data) => onText(data.toString('utf8')),
      });
      return { close: () => ws.close(), closed: ws.closed.catch((err: unknown) => Promise.reject(this.fromWs(err))) };
    } catch (err) {
      throw this.fromWs(err);
    }
  }

  private fromWs(err: unknown): RemoteError {
    if (!(err instanceof WebSocketError)) return this.error('unreachable', `log tail: ${String(err)}`);
    const kind = err.kind === 'handshake' ? 'http' : err.kind === 'timeout' ? 'timeout' : 'unreachable';
    const why = err.code ? `${err.code}` : err.message;
    return this.error(kind, `log tail of the job failed (${why})`, err.status);
  }

  private error(kind: RemoteErrorKind, message: string, status?: number): RemoteError {
    return new RemoteError(kind, this.address.display, message, status);
  }

  private async call<T>(
    method: 'GET' | 'POST' | 'DELETE',
    path: string,
    schema: z.ZodType<T>,
    body?: unknown,
    timeoutMs = this.timeoutMs,
  ): Promise<T> {
    const res = await this.send(method, path, body, timeoutMs);
    const what = `${method} ${path}`;
    if (res.status < 200 || res.status >= 300) {
      // Ray's dashboard has no authentication: these come from a proxy in front of it.
      const hint = AUTH_STATUSES.includes(res.status) ? AUTH_HINT : '';
      throw this.error('http', `${what} failed with HTTP ${res.status}: ${errorSummary(res.text)}${hint}`, res.status);
    }
    let json: unknown;
    try {
      json = JSON.parse(res.text);
    } catch {
      throw this.error(
        'protocol',
        `${what}: expected JSON from Ray's dashboard, got ${JSON.stringify(res.text.slice(0, 80))}`,
      );
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw this.error('protocol', `${what}: unexpected answer (${issue.path.join('.') || 'body'}: ${issue.message})`);
    }
    return parsed.data;
  }

  private send(
    method: string,
    path: string,
    body: unknown,
    timeoutMs: number,
  ): Promise<{ status: number; text: string }> {
    const url = new URL(this.address.baseUrl + path);
    const data = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    const client = url.protocol === 'https:' ? https : http;
    return new Promise((resolve, reject) => {
      const req = client.request(url, {
        method,
        headers: {
          ...this.headers,
          Accept: 'application/json',
          ...(data ? { 'Content-Type': 'application/json', 'Content-Length': String(data.length) } : {}),
        },
      });
      // One deadline for the whole exchange, connection to last byte.
      const timer = setTimeout(() => {
        req.destroy(this.error('timeout', `${method} ${url.pathname}: no answer within ${timeoutMs / 1000} s`));
      }, timeoutMs);
      req.on('error', (err: NodeJS.ErrnoException) => {
        clearTimeout(timer);
        reject(err instanceof RemoteError ? err : this.unreachable(err));
      });
      req.on('response', (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > MAX_BODY)
            req.destroy(this.error('protocol', `${method} ${url.pathname}: answer over ${MAX_BODY} bytes`));
          else chunks.push(chunk);
        });
        res.on('end', () => {
          clearTimeout(timer);
          resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') });
        });
        res.on('error', (err) => {
          clearTimeout(timer);
          reject(err instanceof RemoteError ? err : this.unreachable(err));
        });
      });
      req.end(data);
    });
  }

  private unreachable(err: NodeJS.ErrnoException): RemoteError {
    const hint = this.address.loopback ? '; is the dashboard (or the SSH tunnel to it) up?' : '';
    return this.error('unreachable', `cannot reach Ray's dashboard (${err.code ?? err.message})${hint}`);
  }
}
