/**
 * The neutral shape every importer produces, whatever the trainer wrote: hyperparameters found in the
 * file, and one series of (step, value, time) points per metric key, under the file's own key names.
 * Canonical aliases (aliases.ts) are added afterwards, never by a parser.
 */

import { IMPORT_FORMATS, type ImportFormatName } from '../../contract/api/imports';

/** Format names are part of the API (contract/api/imports.ts); `--format` takes the same values. */
export const FORMAT_NAMES = IMPORT_FORMATS;
export type FormatName = ImportFormatName;

export function isFormatName(value: unknown): value is FormatName {
  return typeof value === 'string' && (FORMAT_NAMES as readonly string[]).includes(value);
}

/**
 * Formats read as a store of runs (an MLflow folder or database, read by lab/import/stores/) rather
 * than as one file's byte stream (the registry in formats/).
 */
export const STORE_FORMATS = ['mlflow'] as const satisfies readonly FormatName[];
export type StoreFormatName = (typeof STORE_FORMATS)[number];
export type FileFormatName = Exclude<FormatName, StoreFormatName>;

export function isStoreFormat(value: FormatName): value is StoreFormatName {
  return (STORE_FORMATS as readonly string[]).includes(value);
}

/** One metric's points as parallel columns, in step order. `values` may hold NaN; `times` is null when unknown. */
export interface ImportedSeries {
  steps: number[];
  values: number[];
  /** Seconds since the first event of the file, NaN where unknown for a point. */
  times: number[] | null;
}

/** What a tracking tool's file says about the run besides its metrics (W&B, MLflow). */
export interface ExternalRunInfo {
  /** The run's name in the tool (W&B display name, MLflow run name). */
  name?: string;
  /** The tool's own identifiers and grouping: project, run id, experiment, group, tags. */
  ids?: Record<string, string>;
  /** The summary the tool keeps beside the history (W&B's run summary), as it stood at the end. */
  summary?: Record<string, unknown>;
}

export interface ParsedImport {
  format: FormatName;
  /** Hyperparameters found in the file, flattened to dotted keys (`actor_rollout_ref.actor.clip_ratio_low`). */
  params: Record<string, unknown>;
  series: Map<string, ImportedSeries>;
  /** Things skipped or guessed on the way (string-valued keys, duplicate steps, ...), for the user. */
  warnings: string[];
  /** Set by formats written by tracking tools. */
  external?: ExternalRunInfo;
}

export interface ImportProgress {
  bytesRead: number;
  totalBytes: number;
  points: number;
}

export type ProgressCallback = (progress: ImportProgress) => void;

/** What a decoder needs to know about its input. */
export interface DecodeOptions {
  /** CSV only: the column to use as the step, instead of the first known name (step, global_step, ...). */
  stepColumn?: string;
}
