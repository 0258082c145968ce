/**
 * What a path or an upload names, read into runs. A log file, plain or inside a Kaggle log or a
 * notebook, is one run; a W&B run folder is its `.wandb` file, and a `wandb/` folder each run folder
 * in it; an MLflow run, experiment or store folder, or an `mlflow.db`, is every run it holds; a
 * TensorBoard log folder is one run per folder of event files.
 */
import type { Dirent } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { headFromBuffer, readHead, type Detection } from './detect';
import { ImportError } from './errors';
import { parseBuffer, parseFile, type ParseRequest, type ParseResult } from './parse';
import { readMlflowDb, sniffMlflowDb } from './stores/mlflowDb';
import { mlflowFolderKind, readMlflowFolder, type MlflowFolderKind } from './stores/mlflowFiles';
import type { StoreRun } from './stores/mlflowRun';
import { isStoreFormat, type FormatName } from './types';

export interface SourceRequest extends Omit<ParseRequest, 'format'> {
  format?: FormatName | 'auto';
}

/** One run read from a source, with the path its import records. */
export interface SourceRun extends ParseResult {
  file: string;
  /** A name for the run where the file name says little (a TensorBoard run folder). */
  name?: string;
}

const FOLDER_REASON: Record<MlflowFolderKind, string> = {
  run: 'an MLflow run folder (meta.yaml, metrics/, params/)',
  experiment: 'an MLflow experiment folder (meta.yaml and run folders)',
  store: 'an MLflow file store (mlruns: experiment folders)',
};

const WANDB_RUN_FILE = /^run-.+\.wandb$/;
const EVENT_FILE = /^events\.out\.tfevents\./;
/** How deep a TensorBoard log folder's runs are looked for (TensorBoard itself has no limit). */
const MAX_TENSORBOARD_DEPTH = 4;
const WANDB_RUN_FOLDER = /^(offline-)?run-/;

/** The `run-<id>.wandb` file of a W&B run folder, or null when the folder is not one. */
export async function wandbRunFile(dir: string): Promise<string | null> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => [] as Dirent[]);
  const files = entries.filter((e) => e.isFile() && WANDB_RUN_FILE.test(e.name)).map((e) => e.name);
  if (files.length === 0) return null;
  if (files.length > 1) {
    throw new ImportError(dir, `holds ${files.length} W&B run files (${files.join(', ')}); import one of them`);
  }
  return path.join(dir, files[0]);
}

/** The run files of a `wandb/` folder's run folders (the `latest-run` link repeats one of them). */
async function wandbRunFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => [] as Dirent[]);
  const found: string[] = [];
  for (const e of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    if (!e.isDirectory() || !WANDB_RUN_FOLDER.test(e.name)) continue;
    const file = await wandbRunFile(path.join(dir, e.name));
    if (file) found.push(file);
  }
  return found;
}

function fromStore(runs: StoreRun[], where: string, reason: string): SourceRun[] {
  const kept = runs.filter((r) => r.parsed.series.size > 0);
  if (kept.length === 0) {
    throw new ImportError(where, `${reason}, but none of its ${runs.length} runs logged a metric`);
  }
  const detection: Detection = { format: 'mlflow', reason };
  return kept.map((r) => ({ ...r.parsed, detection, file: r.file }));
}

function fileRequest(req: SourceRequest, name: string): ParseRequest {
  const { format } = req;
  if (format !== undefined && format !== 'auto' && isStoreFormat(format)) {
    throw new ImportError(name, 'not an MLflow store: expected an mlruns folder or mlflow.db');
  }
  return { ...req, format };
}

/** What kind of run folder `dir` is (a W&B run or runs, an MLflow run, experiment or store), or null. */
export async function runFolderKind(dir: string): Promise<string | null> {
  const kind = await mlflowFolderKind(dir);
  if (kind) return FOLDER_REASON[kind];
  if (await wandbRunFile(dir).catch(() => 'several')) return 'a W&B run folder';
  if ((await wandbRunFiles(dir)).length > 0) return 'a wandb/ folder of runs';
  return (await tensorboardRunFolders(dir)).length > 0 ? 'a TensorBoard log folder' : null;
}

/**
 * TensorBoard's log folders: every folder that directly holds event files is one run (a resumed
 * writer adds a file; they are read in name order, which is time order), as TensorBoard shows them.
 */
async function tensorboardRunFolders(dir: string, depth = 0): Promise<{ dir: string; files: string[] }[]> {
  const entries = (await readdir(dir, { withFileTypes: true }).catch(() => [] as Dirent[])).sort((a, b) =>
    a.name.localeCompare(b.name),
  );
  const files = entries.filter((e) => e.isFile() && EVENT_FILE.test(e.name)).map((e) => path.join(dir, e.name));
  const runs = files.length > 0 ? [{ dir, files }] : [];
  if (depth >= MAX_TENSORBOARD_DEPTH) return runs;
  for (const e of entries) {
    if (e.isDirectory()) runs.push(...(await tensorboardRunFolders(path.join(dir, e.name), depth + 1)));
  }
  return runs;
}

async function parseEventFolders(root: string, req: SourceRequest): Promise<SourceRun[]> {
  const runs: SourceRun[] = [];
  for (const { dir, files } of await tensorboardRunFolders(root)) {
    const bytes = Buffer.concat(await Promise.all(files.map((f) => readFile(f))));
    const parsed = await parseBuffer(bytes, files.length === 1 ? files[0] : dir, fileRequest(req, dir));
    const name = path.relative(path.dirname(root), dir);
    runs.push({ ...parsed, name, file: files.length === 1 ? files[0] : dir });
  }
  return runs;
}

async function parseFolder(dir: string, req: SourceRequest): Promise<SourceRun[]> {
  const kind = await mlflowFolderKind(dir);
  if (kind) return fromStore(await readMlflowFolder(dir, kind), dir, FOLDER_REASON[kind]);
  const runFile = await wandbRunFile(dir);
  const runFiles = runFile ? [runFile] : await wandbRunFiles(dir);
  const runs: SourceRun[] = [];
  for (const file of runFiles) {
    runs.push({ ...(await parseFile(file, { ...fileRequest(req, file), name: file })), file });
  }
  if (runs.length === 0) runs.push(...(await parseEventFolders(dir, req)));
  if (runs.length === 0) {
    throw new ImportError(
      dir,
      'a folder without runs cliplab reads; expected a W&B run folder (run-<id>.wandb inside) or a wandb/ ' +
        'folder of them, an MLflow run, experiment or mlruns folder, or a TensorBoard log folder (events.out.tfevents.*)',
    );
  }
  return runs;
}

/** Reads what `target` names (a file or a folder) into one or more runs. */
export async function parseSource(target: string, req: SourceRequest = {}): Promise<SourceRun[]> {
  const name = req.name ?? target;
  const info = await stat(target).catch((err: NodeJS.ErrnoException) => {
    throw new ImportError(name, `cannot read it (${err.code ?? err.message})`);
  });
  if (info.isDirectory()) return parseFolder(target, req);
  const reason = sniffMlflowDb(await readHead(target, name));
  if (reason !== null || req.format === 'mlflow') {
    return fromStore(readMlflowDb(await readFile(target), name), name, reason ?? 'chosen by the user');
  }
  return [{ ...(await parseFile(target, fileRequest(req, name))), file: target }];
}

/** Reads uploaded bytes (one file: a log, a container, a .wandb file or an mlflow.db). */
export async function parseUploadSource(bytes: Buffer, name: string, req: SourceRequest = {}): Promise<SourceRun[]> {
  const reason = bytes.length > 0 ? sniffMlflowDb(headFromBuffer(bytes, name, true)) : null;
  if (reason !== null || req.format === 'mlflow') {
    return fromStore(readMlflowDb(bytes, name), name, reason ?? 'chosen by the user');
  }
  return [{ ...(await parseBuffer(bytes, name, fileRequest(req, name))), file: name }];
}
