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
import { parseSource, parseUploadSource, type SourceRun } from './source';
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
  /** The first run imported. */
  runId: number;
  /** Every run imported (a store holds several), in the source's order. */
  runIds: number[];
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

export function importSource(run: AliasedImport<SourceRun>, file: string): ImportSource {
  return {
    format: run.format,
    file,
    params: run.params,
    trainer: run.trainer,
    aliases: run.aliases,
    clipFractionCombined: run.clipFractionCombined,
    warnings: run.warnings,
    ...(run.container ? { container: run.container } : {}),
    ...(run.external ? { external: run.external } : {}),
  };
}

export function toSeriesInputs(series: Map<string, ImportedSeries>): SeriesInput[] {
  return [...series].map(([key, s]) => ({ key, steps: s.steps, values: s.values, times: s.times ?? undefined }));
}

/** The name each run gets: the user's, else the tool's run name, else one made from the file name. */
function runNames(runs: SourceRun[], name: string | undefined): string[] {
  return runs.map((run, i) => {
    const own = run.external?.name ?? run.name;
    if (name === undefined) return own ?? defaultRunName(run.file);
    return runs.length === 1 ? name : `${name}/${own ?? i + 1}`;
  });
}

/** Creates the runs and writes their series (aliases included) in one transaction: all or none. */
export function writeImport(store: ImportStore, runs: AliasedImport<SourceRun>[], names: string[]): ImportOutcome {
  let points = 0;
  const runIds = store.transaction(() =>
    runs.map((run, i) => {
      const inputs = toSeriesInputs(run.series);
      points += inputs.reduce((n, s) => n + s.steps.length, 0);
      const id = store.createRun({
        name: names[i],
        origin: 'imported',
        status: 'completed',
        source: importSource(run, run.file),
        groupKey: importGroupKey(run.format, run.params, run.file),
        seed: null,
        // How many steps the trainer planned is not in most logs; the last step logged is the run's `step`.
        steps: null,
        appVersion: APP_VERSION,
      });
      store.bulkInsertSeries(id, inputs);
      return id;
    }),
  );
  const first = runs[0];
  const aliasOnly = Object.entries(first.aliases).filter(([canonical, key]) => canonical !== key).length;
  const warnings =
    runs.length === 1 ? first.warnings : runs.flatMap((r, i) => r.warnings.map((w) => `${names[i]}: ${w}`));
  return {
    runId: runIds[0],
    runIds,
    format: first.format,
    reason: runs.length === 1 ? first.detection.reason : `${first.detection.reason}: ${runs.length} runs`,
    points,
    keys: first.series.size - aliasOnly,
    coverage: diagnosticCoverage([...first.series.keys()], first.aliases),
    warnings,
  };
}

function progressReporter(file: string, opts: ImportOptions) {
  return opts.onProgress
    ? (p: { bytesRead: number; totalBytes: number; points: number }) =>
        opts.onProgress?.({ file, phase: 'reading', runId: null, ...p })
    : undefined;
}

function report(store: ImportStore, parsed: SourceRun[], file: string, opts: ImportOptions, total: number) {
  opts.onProgress?.({ file, phase: 'writing', bytesRead: total, totalBytes: total, points: 0, runId: null });
  const runs = parsed.map((run) => withAliases(run));
  const outcome = writeImport(store, runs, runNames(parsed, opts.name));
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

/** Imports what a path the Node side can read names: a log file, a run folder, an MLflow store. */
export async function importFile(
  store: ImportStore,
  filePath: string,
  opts: ImportOptions = {},
): Promise<ImportOutcome> {
  const file = path.resolve(filePath);
  let total = 0;
  const onProgress = progressReporter(file, opts);
  const parsed = await parseSource(file, {
    name: filePath,
    format: opts.format,
    options: { stepColumn: opts.stepColumn },
    onProgress: (p) => {
      total = p.totalBytes;
      onProgress?.(p);
    },
  });
  return report(
    store,
    parsed.map((run) => ({ ...run, file: path.resolve(run.file) })),
    file,
    opts,
    total,
  );
}

/** Imports bytes a client uploaded (web mode); `fileName` names the run and the messages. */
export async function importContent(
  store: ImportStore,
  bytes: Buffer,
  fileName: string,
  opts: ImportOptions = {},
): Promise<ImportOutcome> {
  const parsed = await parseUploadSource(bytes, fileName, {
    format: opts.format,
    options: { stepColumn: opts.stepColumn },
    onProgress: progressReporter(fileName, opts),
  });
  return report(store, parsed, fileName, opts, bytes.length);
}
