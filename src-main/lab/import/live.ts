/**
 * A live import: follow a log the trainer is still writing and append each new batch of points to
 * one imported run. The run is created with the first batch (so its source already knows the keys and
 * aliases) as `running`, and marked `completed` when following stops, or `failed` with the reason.
 * Every batch is written in one transaction.
 */
import path from 'node:path';
import type { RunStatus } from '../../contract';
import type { SeriesInput, Store } from '../../store';
import { APP_VERSION } from '../version';
import { resolveAliases } from './aliases';
import { followLog, type FollowBatch, type FollowOptions } from './follow';
import { defaultRunName, importGroupKey, toSeriesInputs } from './index';
import type { ImportedSeries } from './types';

export type LiveStore = Pick<Store, 'transaction' | 'createRun' | 'bulkInsertSeries' | 'setRunStatus'>;

export interface LiveImportOptions extends Omit<FollowOptions, 'name'> {
  name?: string;
  /** After each batch is stored (for progress output and run.changed events). */
  onBatch?: (info: { runId: number; created: boolean; points: number; lastStep: number | null }) => void;
}

export interface LiveImport {
  /** Stops following; resolves with the run id (null if nothing was ever imported). */
  stop(): Promise<number | null>;
  /** Settles when following ends: by stop(), or rejected with the error that ended it. */
  readonly done: Promise<number | null>;
}

function batchInputs(batch: FollowBatch, aliases: Record<string, string>): SeriesInput[] {
  const series = new Map<string, ImportedSeries>(batch.series);
  for (const [canonical, key] of Object.entries(aliases)) {
    const points = batch.series.get(key);
    if (points && canonical !== key) series.set(canonical, points);
  }
  return toSeriesInputs(series);
}

function maxStep(inputs: SeriesInput[]): number | null {
  let last: number | null = null;
  for (const s of inputs) for (const step of s.steps) last = Math.max(last ?? step, step);
  return last;
}

export function followIntoStore(store: LiveStore, filePath: string, opts: LiveImportOptions = {}): LiveImport {
  const file = path.resolve(filePath);
  const follower = followLog(file, { ...opts, name: filePath });
  const keys = new Set<string>();
  let runId: number | null = null;

  function storeBatch(batch: FollowBatch): void {
    for (const key of batch.series.keys()) keys.add(key);
    const info = resolveAliases(batch.format, keys, batch.params);
    const inputs = batchInputs(batch, info.aliases);
    const created = runId === null;
    runId = store.transaction(() => {
      const id =
        runId ??
        store.createRun({
          name: opts.name ?? defaultRunName(file),
          origin: 'imported',
          status: 'running',
          source: { format: batch.format, file, params: batch.params, ...info, warnings: [] },
          groupKey: importGroupKey(batch.format, batch.params, file),
          appVersion: APP_VERSION,
        });
      store.bulkInsertSeries(id, inputs);
      return id;
    });
    const points = inputs.reduce((n, s) => n + s.steps.length, 0);
    opts.onBatch?.({ runId, created, points, lastStep: maxStep(inputs) });
  }

  function finish(status: RunStatus, error?: string): void {
    if (runId !== null) store.setRunStatus(runId, status, error ? { error } : {});
  }

  const done = (async () => {
    try {
      for await (const batch of follower) storeBatch(batch);
      finish('completed');
      return runId;
    } catch (err) {
      follower.stop();
      finish('failed', err instanceof Error ? err.message : String(err));
      throw err;
    }
  })();

  return {
    done,
    stop: () => {
      follower.stop();
      return done;
    },
  };
}
