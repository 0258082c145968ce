/**
 * The one place where a stored run becomes the contract's RunRecord. A row whose JSON or enum
 * columns cannot be read (hand-edited file, a bug) becomes a `failed` run that says why, so one bad
 * row never breaks the run list.
 */
import {
  ApiError,
  METRIC,
  RAY_JOB_STATES,
  REMOTE_CHANNELS,
  REMOTE_ENGINES,
  RUN_STATUSES,
  formatFieldErrors,
  runConfigSchema,
  validateWith,
  type ImportSource,
  type RemoteJob,
  type RunConfig,
  type RunRecord,
  type RunStatus,
} from '../contract';
import type { StoredRemoteJob, StoredRun } from '../store';
import type { LabContext } from './context';

/** Metrics whose latest value every run record carries (run list columns, progress). */
export const HEADLINE_KEYS: readonly string[] = [METRIC.entropy, METRIC.rewardMean, METRIC.evalAcc];

/** Format name given to the source of a run whose stored row cannot be read. */
export const UNREADABLE_FORMAT = 'unreadable';

class Unreadable extends Error {}

function parseObject(text: string | null, column: string): Record<string, unknown> {
  if (text === null) throw new Unreadable(`${column} is missing`);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new Unreadable(`${column} is not valid JSON (${(err as Error).message})`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new Unreadable(`${column} is not a JSON object`);
  }
  return value as Record<string, unknown>;
}

/** Config text -> its validated form as JSON (or why it is unreadable). Bounded; cleared when full. */
const configCache = new Map<string, string | Unreadable>();
const CONFIG_CACHE_SIZE = 2000;

/**
 * A stored config, validated so every client can rely on the RunConfig type (defaults added since
 * it was written are filled in). A config that no longer validates needs a data migration when
 * the schema changes; until then its run is listed as unreadable rather than crashing a client.
 * Each call returns a fresh object: callers may change it.
 */
function parseConfig(text: string | null): RunConfig {
  let hit = text === null ? undefined : configCache.get(text);
  if (hit === undefined) {
    const v = validateWith(runConfigSchema, parseObject(text, 'config'));
    hit = v.ok
      ? JSON.stringify(v.value)
      : new Unreadable(
          `config does not match this cliplab's schema (${formatFieldErrors(v.errors).replace(/\n/g, '; ')})`,
        );
    if (configCache.size >= CONFIG_CACHE_SIZE) configCache.clear();
    configCache.set(text!, hit);
  }
  if (hit instanceof Unreadable) throw hit;
  return JSON.parse(hit) as RunConfig;
}

function parseSource(text: string | null): ImportSource {
  const s = parseObject(text, 'source');
  if (typeof s.format !== 'string' || typeof s.file !== 'string') {
    throw new Unreadable('source lacks its format or file');
  }
  const params = typeof s.params === 'object' && s.params !== null ? (s.params as Record<string, unknown>) : {};
  // The importer's optional fields (trainer, aliases, clipFractionCombined, warnings) pass through.
  return { ...(s as Partial<ImportSource>), format: s.format, file: s.file, params };
}

function parseStatus(status: string): RunStatus {
  if (!(RUN_STATUSES as readonly string[]).includes(status)) throw new Unreadable(`unknown status "${status}"`);
  return status as RunStatus;
}

function oneOf<T extends string>(value: string | null, allowed: readonly T[], column: string): T {
  if (value === null || !(allowed as readonly string[]).includes(value)) {
    throw new Unreadable(`remote job ${column} "${value}" is not one of ${allowed.join(', ')}`);
  }
  return value as T;
}

const textOrNull = (v: unknown) => (typeof v === 'string' ? v : null);

/**
 * A remote run's job as clients see it: the request's entrypoint and the metadata naming its model
 * and data, never the request's environment (it may hold the user's secrets).
 */
function parseRemoteJob(job: StoredRemoteJob | null): RemoteJob {
  if (job === null) throw new Unreadable('its remote job row is missing');
  const request = parseObject(job.request, 'remote job request');
  const meta = typeof request.metadata === 'object' && request.metadata !== null ? request.metadata : {};
  const { cliplab_model: model, cliplab_dataset: dataset } = meta as Record<string, unknown>;
  return {
    engine: oneOf(job.engine, REMOTE_ENGINES, 'engine'),
    target: job.target,
    jobId: job.jobId,
    jobStatus: job.jobStatus === null ? null : oneOf(job.jobStatus, RAY_JOB_STATES, 'status'),
    message: job.message,
    channel: oneOf(job.channel, REMOTE_CHANNELS, 'channel'),
    streamPath: job.streamPath,
    gpus: job.gpus,
    model: textOrNull(model),
    dataset: textOrNull(dataset),
    entrypoint: textOrNull(request.entrypoint) ?? '',
    submittedAt: job.submittedAt,
    checkedAt: job.checkedAt,
    unreachable: job.unreachable,
  };
}

function common(row: StoredRun) {
  return {
    id: row.id,
    name: row.name,
    groupKey: row.groupKey,
    seed: row.seed,
    backend: row.backend,
    backendDetail: row.backendDetail,
    appVersion: row.appVersion,
    createdAt: row.createdAt,
    startedAt: row.startedAt,
    finishedAt: row.finishedAt,
    error: row.error,
    notes: row.notes,
    tags: row.tags,
    step: row.lastStep,
    steps: row.steps,
    latest: row.latest,
    controlOf: row.controlOf ?? null,
  };
}

/**
 * A row that cannot be read is shown as a failed imported-style run (config null), the shape every
 * client already handles without a config; `source.params.origin` keeps what the row claimed to be.
 */
function unreadableRecord(row: StoredRun, reason: string): RunRecord {
  return {
    ...common(row),
    origin: 'imported',
    status: 'failed',
    config: null,
    source: { format: UNREADABLE_FORMAT, file: '', params: { origin: row.origin, status: row.status } },
    error: `run ${row.id} could not be read from the database: ${reason}`,
  };
}

export function toRunRecord(row: StoredRun): RunRecord {
  try {
    const status = parseStatus(row.status);
    if (row.origin === 'local') {
      const config = parseConfig(row.config);
      return { ...common(row), status, origin: 'local', config, source: null };
    }
    if (row.origin === 'imported') {
      return { ...common(row), status, origin: 'imported', config: null, source: parseSource(row.source) };
    }
    if (row.origin === 'remote') {
      const config = parseConfig(row.config);
      return { ...common(row), status, origin: 'remote', config, source: null, remote: parseRemoteJob(row.remote) };
    }
    throw new Unreadable(`unknown origin "${row.origin}"`);
  } catch (err) {
    if (err instanceof Unreadable) return unreadableRecord(row, err.message);
    throw err;
  }
}

export function notFound(id: number): ApiError {
  return new ApiError('not_found', `run ${id} not found`);
}

/** The run's record, or a not_found ApiError. */
export function readRun(ctx: LabContext, id: number): RunRecord {
  const row = ctx.store.getRun(id, HEADLINE_KEYS);
  if (!row) throw notFound(id);
  return toRunRecord(row);
}

export function requireRun(ctx: LabContext, id: number): void {
  if (!ctx.store.runExists(id)) throw notFound(id);
}

/** Reads the run and tells every client it changed. */
export function announceRun(ctx: LabContext, id: number): RunRecord {
  const run = readRun(ctx, id);
  ctx.emit('run.changed', { run });
  return run;
}
