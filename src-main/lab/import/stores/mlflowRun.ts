/**
 * What both MLflow backends share once a run's rows are read: metric points with millisecond
 * timestamps, string params (verl flattens its config with `/`, read here as cliplab's dotted keys),
 * tags, and the run's status and lifecycle stage.
 */
import { SeriesBuilder } from '../builder';
import type { ParsedImport } from '../types';

export interface MlflowPoint {
  key: string;
  step: number;
  value: number;
  /** Milliseconds since 1970. */
  timestamp: number;
}

export interface MlflowRunRows {
  runId: string;
  name: string | null;
  experimentId: string;
  experimentName: string | null;
  /** FINISHED, RUNNING, FAILED, KILLED, SCHEDULED. */
  status: string | null;
  startTime: number | null;
  points: Iterable<MlflowPoint>;
  params: Iterable<[string, string]>;
  tags: Iterable<[string, string]>;
}

/** A run read from a store, with the path recorded as its source. */
export interface StoreRun {
  parsed: ParsedImport;
  /** The run's folder (file store) or the database file. */
  file: string;
}

/** MLflow keeps params as text: numbers and Python's literals are read back as values. */
export function paramValue(text: string): unknown {
  const literal: Record<string, unknown> = { True: true, False: false, None: null, true: true, false: false };
  if (text in literal) return literal[text];
  if (/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text.trim())) return Number(text);
  return text;
}

/** verl logs its config with `/` between levels; cliplab's params use dots like the Hydra keys. */
export function paramKey(key: string): string {
  return key.replace(/\//g, '.');
}

export function parsedMlflowRun(rows: MlflowRunRows): ParsedImport {
  const out = new SeriesBuilder();
  let origin = rows.startTime;
  for (const p of rows.points) {
    origin ??= p.timestamp;
    out.add(p.key, p.step, p.value, (p.timestamp - origin) / 1000);
  }
  for (const [key, value] of rows.params) out.params[paramKey(key)] = paramValue(value);
  const tags = new Map(rows.tags);
  const name = rows.name || tags.get('mlflow.runName') || null;
  if (name) out.external.name = name;
  out.external.ids = {
    run_id: rows.runId,
    experiment_id: rows.experimentId,
    ...(rows.experimentName ? { experiment: rows.experimentName } : {}),
  };
  if (rows.status && rows.status !== 'FINISHED') out.warn(`the run is ${rows.status} in MLflow`);
  if (out.points === 0) out.warn('the run logged no metrics');
  return out.finish('mlflow');
}
