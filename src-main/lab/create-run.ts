/**
 * Creating runs and changing their status, for the lab features that start training (queue,
 * sweeps, resume) and import runs. Each change is announced to every client as `run.changed`.
 */
import {
  clipPairText,
  configHash,
  groupKey,
  parseOrThrow,
  runConfigSchema,
  type ImportSource,
  type RunConfig,
  type RunRecord,
  type RunStatus,
} from '../contract';
import type { StatusExtra } from '../store';
import type { LabContext } from './context';
import { resolveModelsPaths } from './models-folder';
import { announceRun, notFound } from './records';
import { APP_VERSION } from './version';

export interface RunLabels {
  /** Display name; defaults to the config's name, else a description of the config. */
  name?: string;
  tags?: readonly string[];
  notes?: string;
}

/** A name that tells runs apart in a list: task, reward, clip range, seed. */
export function describeConfig(config: RunConfig): string {
  const clip = clipPairText(config.objective.clipLow, config.objective.clipHigh).replace(' / ', '/');
  return `${config.task.kind} ${config.reward.kind} clip ${clip} seed ${config.seed}`;
}

/**
 * Validates a run config (a ValidationError names each bad field; the dispatcher turns it into a
 * bad_request) and stores a local run, status `queued`.
 */
export function createLocalRun(ctx: LabContext, input: unknown, labels: RunLabels = {}): RunRecord {
  // `@models/` paths (the smollm2 presets) become the files they name, refused if missing.
  const config = resolveModelsPaths(parseOrThrow(runConfigSchema, input, 'run config'));
  const id = ctx.store.createRun({
    name: labels.name || config.name || describeConfig(config),
    origin: 'local',
    status: 'queued',
    config,
    groupKey: groupKey(config),
    configHash: configHash(config),
    seed: config.seed,
    steps: config.steps,
    appVersion: APP_VERSION,
    tags: labels.tags,
    notes: labels.notes,
  });
  return announceRun(ctx, id);
}

export interface NewImportedRun extends RunLabels {
  name: string;
  source: ImportSource;
  seed?: number | null;
  steps?: number | null;
  /** Runs sharing it are seeds of one experiment. Defaults to the hash of the source's params (seed aside). */
  groupKey?: string;
  /** @default "completed" */
  status?: RunStatus;
}

/** Stores an imported run (its metrics are written next with `store.bulkInsertSeries`). */
export function createImportedRun(ctx: LabContext, run: NewImportedRun): RunRecord {
  const described: Record<string, unknown> = { format: run.source.format, ...run.source.params };
  const id = ctx.store.createRun({
    name: run.name,
    origin: 'imported',
    status: run.status ?? 'completed',
    source: run.source,
    groupKey: run.groupKey ?? groupKey(described),
    seed: run.seed ?? null,
    steps: run.steps ?? null,
    appVersion: APP_VERSION,
    tags: run.tags,
    notes: run.notes,
  });
  return announceRun(ctx, id);
}

/** Changes a run's status (with its timestamps, error and backend) and announces it. */
export function setRunStatus(ctx: LabContext, id: number, status: RunStatus, extra: StatusExtra = {}): RunRecord {
  if (!ctx.store.setRunStatus(id, status, extra)) throw notFound(id);
  return announceRun(ctx, id);
}
