/**
 * Importing a file as a run: parse it completely (nothing is written if it is malformed), add the
 * canonical aliases, then create the run and write every series in ONE transaction, so a failure
 * leaves no half-imported run behind.
 */
import path from 'node:path';
import { groupKey, type DiagnosticCoverage, type ImportProgressEvent, type ImportSource } from '../../contract';
import { diagnosticCoverage } from '../diagnostics/coverage';
import type { SeriesInput, Store } from '../../store';
import { APP_VERSION } from '../version';
import { withAliases, type AliasedImport } from './aliases';
import { parseBuffer, parseFile, type ParseResult } from './parse';
import type { FormatName, ImportedSeries } from './types';

export type ImportStore = Pick<Store, 'transaction' | 'createRun' | 'bulkInsertSeries'>;

export interface ImportOptions {
  /** Run name; defaults to one made from the file name. */
  name?: string;
  format?: FormatName | 'auto';
  /** CSV only. */
  stepColumn?: string;
  onProgress?: (progress: ImportProgressEvent) => void;
}

export interface ImportOutcome {
  runId: number;
  format: FormatName;
  reason: string;
  points: number;
  keys: number;
  coverage: DiagnosticCoverage[];
  warnings: string[];
}

/** File names that say nothing alone (`trainer_state.json` sits in `checkpoint-200/`). */
const GENERIC_NAME = /^(trainer_state\.json|events\.out\.tfevents\..*|metrics\.(csv|jsonl)|progress\.csv)$/;

export function defaultRunName(file: string): string {
  const base = path.basename(file);
  if (GENERIC_NAME.test(base)) return path.join(path.basename(path.dirname(file)), base);
  return base.replace(/\.(jsonl|json|log|txt|csv|tsv)$/i, '') || base;
}

/** Runs whose params agree apart from seeds are seeds of one experiment; a file without params stands alone. */
export function importGroupKey(format: string, params: Record<string, unknown>, file: string): string {
  const kept = Object.entries(params).filter(([k]) => !/(^|\.)seed$/.test(k));
  const described: Record<string, unknown> =
    kept.length > 0 ? { format, ...Object.fromEntries(kept) } : { format, file };
  return `import:${groupKey(described)}`;
}

export function importSource(run: AliasedImport, file: string): ImportSource {
  return {
    format: run.format,
    file,
    params: run.params,
    trainer: run.trainer,
    aliases: run.aliases,
    clipFractionCombined: run.clipFractionCombined,
    warnings: run.warnings,
  };
}

export function toSeriesInputs(series: Map<string, ImportedSeries>): SeriesInput[] {
  return [...series].map(([key, s]) => ({ key, steps: s.steps, values: s.values, times: s.times ?? undefined }));
}

/** Creates the run and writes its series (aliases included) in one transaction. */
export function writeImport(
  store: ImportStore,
  run: AliasedImport<ParseResult>,
  file: string,
  name: string,
): ImportOutcome {
  const inputs = toSeriesInputs(run.series);
  const runId = store.transaction(() => {
    const id = store.createRun({
      name,
      origin: 'imported',
      status: 'completed',
      source: importSource(run, file),
      groupKey: importGroupKey(run.format, run.params, file),
      seed: null,
      // How many steps the trainer planned is not in most logs; the last step logged is the run's `step`.
      steps: null,
      appVersion: APP_VERSION,
    });
    store.bulkInsertSeries(id, inputs);
    return id;
  });
  const aliasOnly = Object.entries(run.aliases).filter(([canonical, key]) => canonical !== key).length;
  return {
    runId,
    format: run.format,
    reason: run.detection.reason,
    points: inputs.reduce((n, s) => n + s.steps.length, 0),
    keys: run.series.size - aliasOnly,
    coverage: diagnosticCoverage([...run.series.keys()], run.aliases),
    warnings: run.warnings,
  };
}

function progressReporter(file: string, opts: ImportOptions) {
  return opts.onProgress
    ? (p: { bytesRead: number; totalBytes: number; points: number }) =>
        opts.onProgress?.({ file, phase: 'reading', runId: null, ...p })
    : undefined;
}

function report(
  store: ImportStore,
  run: AliasedImport<ParseResult>,
  file: string,
  opts: ImportOptions,
  total: number,
): ImportOutcome {
  opts.onProgress?.({ file, phase: 'writing', bytesRead: total, totalBytes: total, points: 0, runId: null });
  const outcome = writeImport(store, run, file, opts.name ?? defaultRunName(file));
  opts.onProgress?.({
    file,
    phase: 'done',
    bytesRead: total,
    totalBytes: total,
    points: outcome.points,
    runId: outcome.runId,
  });
  return outcome;
}

/** Imports a file the Node side can read. */
export async function importFile(
  store: ImportStore,
  filePath: string,
  opts: ImportOptions = {},
): Promise<ImportOutcome> {
  const file = path.resolve(filePath);
  let total = 0;
  const onProgress = progressReporter(file, opts);
  const parsed = await parseFile(file, {
    name: filePath,
    format: opts.format,
    options: { stepColumn: opts.stepColumn },
    onProgress: (p) => {
      total = p.totalBytes;
      onProgress?.(p);
    },
  });
  return report(store, withAliases(parsed), file, opts, total);
}

/** Imports bytes a client uploaded (web mode); `fileName` names the run and the messages. */
export async function importContent(
  store: ImportStore,
  bytes: Buffer,
  fileName: string,
  opts: ImportOptions = {},
): Promise<ImportOutcome> {
  const parsed = await parseBuffer(bytes, fileName, {
    format: opts.format,
    options: { stepColumn: opts.stepColumn },
    onProgress: progressReporter(fileName, opts),
  });
  return report(store, withAliases(parsed), fileName, opts, bytes.length);
}
